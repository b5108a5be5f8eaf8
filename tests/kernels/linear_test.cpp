// kernels::linear_f32_at (the f32-activation path) against a double-precision reference computed here from the definition
// (W[r][c] = (q - zp) * scale per group, or the float element), at every ISA level the CPU runs,
// for every weight type, group layout, zero-point type, m, bias and misaligned pointers; plus
// thread-count invariance, dequantize_row and the description checks.
#include "kernels/linear.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/float16.h"
#include "core/thread_pool.h"
#include "kernels/exact_rows.h"
#include "kernels/linear_case.h"

namespace openarc::kernels {
namespace {

using namespace testing;

// Runs linear_f32_at on misaligned x and y and checks every output against the double reference,
// within 1e-5 of sum |x * w| (+ |bias|).
void expect_matches_reference(IsaLevel level, const Case& cs, int64_t m, bool with_bias, uint32_t seed) {
  const LinearWeights& w = cs.w;
  const int64_t n = w.n, k = w.k;
  std::vector<float> xbuf = random_vector(m * k + 1, seed), bias = random_vector(n, seed + 1);
  std::vector<float> ybuf(m * n + 1, NAN);
  const float* x = xbuf.data() + 1;
  float* y = ybuf.data() + 1;
  linear_f32_at(level, w, x, m, y, with_bias ? bias.data() : nullptr);  // int8 activations: linear_int8_test.cpp
  int bad = 0;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t r = 0; r < n; ++r) {
      double ref = with_bias ? bias[r] : 0.0, mag = with_bias ? std::fabs(bias[r]) : 0.0;
      for (int64_t c = 0; c < k; ++c) {
        double t = static_cast<double>(x[i * k + c]) * cs.ref[r * k + c];
        ref += t;
        mag += std::fabs(t);
      }
      double got = y[i * n + r];
      if (!(std::fabs(got - ref) <= 1e-5 * mag + 1e-30) && bad++ < 3)
        ADD_FAILURE() << "y[" << i << "][" << r << "] = " << got << ", reference " << ref << " (sum |x*w| " << mag
                      << ")";
    }
}

std::string describe(const LinearWeights& w, int64_t m) {
  return cat(to_string(w.type), " n=", w.n, " k=", w.k, " group=", w.group_size, " scale=", to_string(w.scale_type),
             " zp=", to_string(w.zero_point_type), " m=", m);
}

class LinearAtLevel : public ::testing::TestWithParam<IsaLevel> {
 protected:
  void SetUp() override {
    if (static_cast<int>(GetParam()) > static_cast<int>(cpu_info().best))
      GTEST_SKIP() << "this CPU does not support " << to_string(GetParam()) << " (best: " << to_string(cpu_info().best)
                   << ")";
  }
};

const int64_t kMs[] = {1, 2, 3, 7, 64};

TEST_P(LinearAtLevel, FloatWeightsMatchTheReference) {
  uint32_t seed = 1;
  for (ET type : {ET::f32, ET::f16, ET::bf16})
    for (int64_t k : {1, 7, 16, 33, 300, 517})
      for (int64_t m : kMs) {
        Case cs = make_case(type, 37, k, 0, ET::f16, ET::undefined, seed % 3, seed);
        SCOPED_TRACE(describe(cs.w, m));
        expect_matches_reference(GetParam(), cs, m, seed % 2 == 0, seed);
        ++seed;
      }
}

struct GroupLayout {
  int64_t group_size, k;
};
// 32, 64, 128, per channel (fast and slow k), a multiple of 16 but not 32, and odd groups that
// split bytes of 4-bit rows (odd k).
const GroupLayout kLayouts[] = {{32, 320}, {64, 320}, {128, 384}, {512, 512}, {300, 300}, {48, 288}, {17, 187}, {3, 9}};

TEST_P(LinearAtLevel, IntegerWeightsMatchTheReference) {
  uint32_t seed = 100;
  for (ET type : {ET::u8, ET::i8, ET::u4, ET::i4})
    for (const GroupLayout& gl : kLayouts)
      for (ET zp : {ET::undefined, ET::u4, ET::u8, ET::f32})
        for (int64_t m : kMs) {
          ET scale_type = seed % 2 ? ET::f16 : ET::f32;
          Case cs = make_case(type, 37, gl.k, gl.group_size, scale_type, zp, seed % 5, seed);
          SCOPED_TRACE(describe(cs.w, m));
          expect_matches_reference(GetParam(), cs, m, seed % 3 == 0, seed);
          ++seed;
        }
}

TEST_P(LinearAtLevel, LargerShapesCrossKBlocksAndPanels) {
  // k past one K block (256), n past several panels and row passes, m past one micro-tile.
  uint32_t seed = 900;
  struct Shape {
    ET type;
    int64_t gs;
    ET zp;
  };
  for (Shape s : {Shape{ET::u4, 128, ET::u4}, Shape{ET::i4, 32, ET::undefined}, Shape{ET::u8, 1280, ET::u8},
                  Shape{ET::f16, 0, ET::undefined}, Shape{ET::f32, 0, ET::undefined}})
    for (int64_t m : {1, 13, 64}) {
      Case cs = make_case(s.type, 131, 1280, s.gs, ET::f16, s.zp, 1, seed);
      SCOPED_TRACE(describe(cs.w, m));
      expect_matches_reference(GetParam(), cs, m, true, seed);
      ++seed;
    }
}

TEST_P(LinearAtLevel, SameBitsForEveryThreadCount) {
  struct Shape {
    ET type;
    int64_t gs, k;
    ET zp;
  };
  ThreadPool one(1), two(2), three(3);
  uint32_t seed = 500;
  for (Shape s : {Shape{ET::u4, 128, 1024, ET::u4}, Shape{ET::i4, 32, 1024, ET::undefined},
                  Shape{ET::u8, 1024, 1024, ET::u8}, Shape{ET::i8, 64, 1024, ET::f32}, Shape{ET::f16, 0, 1000, ET::undefined},
                  Shape{ET::bf16, 0, 1000, ET::undefined}, Shape{ET::f32, 0, 1000, ET::undefined},
                  Shape{ET::u4, 17, 1003, ET::u8}})
    for (int64_t m : {1, 5, 64}) {
      Case cs = make_case(s.type, 301, s.k, s.gs, ET::f16, s.zp, 1, seed);
      SCOPED_TRACE(describe(cs.w, m));
      std::vector<float> x = random_vector(m * s.k, seed), bias = random_vector(301, seed + 1);
      std::vector<std::vector<float>> outs;
      for (ThreadPool* pool : {&one, &two, &three}) {
        ScopedPool scope(*pool);
        std::vector<float> y(m * 301);
        linear_at(GetParam(), cs.w, x.data(), m, y.data(), bias.data());
        outs.push_back(std::move(y));
      }
      EXPECT_EQ(std::memcmp(outs[0].data(), outs[1].data(), outs[0].size() * 4), 0) << "1 vs 2 threads";
      EXPECT_EQ(std::memcmp(outs[0].data(), outs[2].data(), outs[0].size() * 4), 0) << "1 vs 3 threads";
      ++seed;
    }
}

TEST_P(LinearAtLevel, UpToExactRowsEachRowGetsTheBitsOfItsRowAlone) {
  // What a speculative draft's verification relies on: linear() on m <= kExactRows rows gives
  // each row exactly what a call with that row alone gives, on the int8-activation path and on
  // the f32 one, for every weight type and layout.
  uint32_t seed = 700;
  for (ET type : {ET::f32, ET::f16, ET::bf16, ET::u8, ET::i8, ET::u4, ET::i4})
    for (const GroupLayout& gl : kLayouts) {
      if (is_float(type) && gl.group_size != gl.k) continue;  // float weights: each k once
      Case cs = make_case(type, 53, gl.k, is_float(type) ? 0 : gl.group_size, ET::f16, is_float(type) ? ET::undefined : ET::u8,
                          seed % 3, seed);
      const std::vector<float> x = random_vector(kExactRows * gl.k, seed), bias = random_vector(53, seed + 1);
      for (bool f32_path : {false, true}) {
        std::vector<float> alone(kExactRows * 53);
        for (int64_t i = 0; i < kExactRows; ++i) {
          if (f32_path) linear_f32_at(GetParam(), cs.w, x.data() + i * gl.k, 1, alone.data() + i * 53, bias.data());
          else linear_at(GetParam(), cs.w, x.data() + i * gl.k, 1, alone.data() + i * 53, bias.data());
        }
        for (int64_t m = 2; m <= kExactRows; ++m) {
          SCOPED_TRACE(describe(cs.w, m) + (f32_path ? " f32 path" : ""));
          std::vector<float> together(m * 53);
          if (f32_path) linear_f32_at(GetParam(), cs.w, x.data(), m, together.data(), bias.data());
          else linear_at(GetParam(), cs.w, x.data(), m, together.data(), bias.data());
          EXPECT_EQ(std::memcmp(together.data(), alone.data(), together.size() * 4), 0);
        }
      }
      ++seed;
    }
}

INSTANTIATE_TEST_SUITE_P(Levels, LinearAtLevel, ::testing::Values(IsaLevel::scalar, IsaLevel::avx2, IsaLevel::avx512),
                         [](const ::testing::TestParamInfo<IsaLevel>& info) { return std::string(to_string(info.param)); });

TEST(Linear, UsesTheDispatchLevel) {
  Case cs = make_case(ET::u4, 40, 256, 128, ET::f16, ET::u4, 0, 7);
  std::vector<float> x = random_vector(3 * 256, 8), a(3 * 40), b(3 * 40);
  linear(cs.w, x.data(), 3, a.data());
  linear_at(isa_level(), cs.w, x.data(), 3, b.data());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * 4), 0);
  linear(cs.w, x.data(), 0, nullptr);  // m = 0: nothing to do
}

TEST(DequantizeRow, FollowsTheDefinition) {
  uint32_t seed = 40;
  for (ET type : {ET::f32, ET::f16, ET::bf16, ET::u8, ET::i8, ET::u4, ET::i4})
    for (ET zp : {ET::undefined, ET::u4, ET::u8, ET::f32}) {
      bool is_int = !(type == ET::f32 || type == ET::f16 || type == ET::bf16);
      if (!is_int && zp != ET::undefined) continue;
      Case cs = make_case(type, 5, 51, is_int ? 17 : 0, seed % 2 ? ET::f16 : ET::f32, zp, 1, seed);
      SCOPED_TRACE(describe(cs.w, 1));
      std::vector<float> row(51);
      for (int64_t r = 0; r < 5; ++r) {
        dequantize_row(cs.w, r, row.data());
        for (int64_t c = 0; c < 51; ++c) EXPECT_NEAR(row[c], cs.ref[r * 51 + c], 1e-6 * std::fabs(cs.ref[r * 51 + c]));
      }
      EXPECT_THROW(dequantize_row(cs.w, 5, row.data()), Error);
      ++seed;
    }
}

void expect_rejected(const LinearWeights& w, const std::string& what) {
  try {
    check_linear_weights(w);
    ADD_FAILURE() << "accepted a description with " << what;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("linear"), std::string::npos) << e.what();
  }
}

TEST(CheckLinearWeights, RejectsBadDescriptions) {
  uint8_t bytes[64] = {};
  LinearWeights ok;
  ok.type = ET::u4;
  ok.n = 2;
  ok.k = 8;
  ok.data = bytes;
  ok.group_size = 4;
  ok.scale = bytes;
  ok.zero_point_type = ET::u4;
  ok.zero_point = bytes;
  EXPECT_NO_THROW(check_linear_weights(ok));

  LinearWeights w = ok;
  w.type = ET::f64;
  expect_rejected(w, "f64 weights");
  w = ok, w.type = ET::u1;
  expect_rejected(w, "u1 weights");
  w = ok, w.n = 0;
  expect_rejected(w, "n = 0");
  w = ok, w.k = -8;
  expect_rejected(w, "negative k");
  w = ok, w.data = nullptr;
  expect_rejected(w, "no data");
  w = ok, w.group_size = 3;
  expect_rejected(w, "a group size not dividing k");
  w = ok, w.group_size = 0;
  expect_rejected(w, "group size 0");
  w = ok, w.scale = nullptr;
  expect_rejected(w, "no scale");
  w = ok, w.scale_type = ET::bf16;
  expect_rejected(w, "a bf16 scale");
  w = ok, w.zero_point_type = ET::i8;
  expect_rejected(w, "an i8 zero point");
  w = ok, w.zero_point = nullptr;
  expect_rejected(w, "a zero point type without a pointer");
  w = ok, w.zero_point_type = ET::undefined;
  expect_rejected(w, "a zero point pointer without a type");

  float x[8] = {}, y[2];
  EXPECT_THROW(linear(ok, x, -1, y), Error);
  w = ok, w.group_size = 3;
  EXPECT_THROW(linear(w, x, 1, y), Error);
  EXPECT_THROW(dequantize_row(w, 0, y), Error);
  LinearWeights f;  // float weights need no group fields
  f.type = ET::f16;
  f.n = 1;
  f.k = 3;
  f.data = bytes;
  EXPECT_NO_THROW(check_linear_weights(f));
}

}  // namespace
}  // namespace openarc::kernels

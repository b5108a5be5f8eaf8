// The int8-activation path of kernels::linear (linear_q8_body.h), for every dot product this CPU
// runs (vnni512, vnni256, avx_vnni256, avx2_maddubs): against a double reference computed from the
// same quantized activations (exact up to f32 summation order: 1e-5 of sum |x^ * w|), and against
// the f32 reference (the activation rounding: within 1e-2 of sum |x * w|); every weight type,
// group layout (32, 64, 128, 256, per channel, and the ones it leaves to the f32 path), zero
// point type, m = 1..9, bias, misaligned pointers, odd n; bit-identity over thread counts; the
// dispatch of linear_at; the quantizer.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/thread_pool.h"
#include "kernels/linear.h"
#include "kernels/linear_case.h"

namespace openarc::kernels {
inline void PrintTo(Int8Dot dot, std::ostream* os) { *os << to_string(dot); }
namespace {

using namespace testing;

// x[m][k] as the int8 path sees it: each row quantized, then q * d in double.
std::vector<double> dequantized_x(const float* x, int64_t m, int64_t k) {
  std::vector<double> out(m * k);
  std::vector<int8_t> q(k);
  std::vector<float> d((k + 31) / 32);
  for (int64_t i = 0; i < m; ++i) {
    quantize_activations(x + i * k, k, q.data(), d.data());
    for (int64_t c = 0; c < k; ++c) out[i * k + c] = static_cast<double>(q[c]) * d[c / 32];
  }
  return out;
}

struct Errors {
  double worst_exact = 0, worst_f32 = 0;  // largest |got - ref| / magnitude seen
};

// Runs linear_int8 on misaligned x and y; checks each output against both references.
void expect_int8_matches(Int8Dot dot, const Case& cs, int64_t m, bool with_bias, uint32_t seed, Errors& e) {
  const LinearWeights& w = cs.w;
  const int64_t n = w.n, k = w.k;
  std::vector<float> xbuf = random_vector(m * k + 1, seed), bias = random_vector(n, seed + 1);
  std::vector<float> ybuf(m * n + 1, NAN);
  const float* x = xbuf.data() + 1;
  float* y = ybuf.data() + 1;
  linear_int8(dot, w, x, m, y, with_bias ? bias.data() : nullptr);
  const std::vector<double> xq = dequantized_x(x, m, k);
  int bad = 0;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t r = 0; r < n; ++r) {
      const double b = with_bias ? bias[r] : 0.0;
      double ref_q = b, mag_q = std::fabs(b), ref = b, mag = std::fabs(b);
      for (int64_t c = 0; c < k; ++c) {
        const double wv = cs.ref[r * k + c];
        ref_q += xq[i * k + c] * wv;
        mag_q += std::fabs(xq[i * k + c] * wv);
        ref += static_cast<double>(x[i * k + c]) * wv;
        mag += std::fabs(x[i * k + c] * wv);
      }
      const double got = y[i * n + r];
      const double eq = std::fabs(got - ref_q) / (mag_q + 1e-30), ef = std::fabs(got - ref) / (mag + 1e-30);
      e.worst_exact = std::max(e.worst_exact, eq);
      e.worst_f32 = std::max(e.worst_f32, ef);
      if (!(eq <= 1e-5) && bad++ < 3)
        ADD_FAILURE() << "y[" << i << "][" << r << "] = " << got << ", reference from the quantized x " << ref_q
                      << " (sum |x^*w| " << mag_q << ")";
      if (!(ef <= 1e-2) && bad++ < 3)
        ADD_FAILURE() << "y[" << i << "][" << r << "] = " << got << ", f32 reference " << ref << " (sum |x*w| " << mag
                      << ")";
    }
}

std::string describe_int8(const LinearWeights& w, int64_t m) {
  return cat(to_string(w.type), " n=", w.n, " k=", w.k, " group=", w.group_size, " scale=", to_string(w.scale_type),
             " zp=", to_string(w.zero_point_type), " m=", m);
}

class Int8Path : public ::testing::TestWithParam<Int8Dot> {
 protected:
  void SetUp() override {
    if (!int8_dot_supported(GetParam())) GTEST_SKIP() << "this CPU does not run " << to_string(GetParam());
  }
};

struct Int8GroupLayout {
  int64_t group_size, k;
};
// Taken by some body: 32 / 64 (groups inside one vector of W), 128 / 256 (whole vectors per
// group), per channel, and k that is a whole number of 256-bit but not 512-bit vectors (320, 192).
// Left to the f32 path by some or all: 96 (neither divides nor is a multiple of a 4-bit vector),
// 48 and 17 (not whole 32-blocks), 3 / 9 (odd k).
const Int8GroupLayout kInt8Layouts[] = {{32, 384}, {64, 384}, {128, 384}, {256, 512}, {512, 512}, {384, 384},
                                {32, 320}, {64, 192}, {96, 384},  {48, 288},  {17, 187},  {3, 9}};

TEST_P(Int8Path, MatchesTheReferencesForEveryLayout) {
  uint32_t seed = 3000;
  int taken = 0;
  Errors e;
  for (ET type : {ET::u8, ET::i8, ET::u4, ET::i4})
    for (const Int8GroupLayout& gl : kInt8Layouts)
      for (ET zp : {ET::undefined, ET::u4, ET::u8, ET::f32})
        for (int64_t m : {1, 2, 3, 4, 5, 9}) {
          ET scale_type = seed % 2 ? ET::f16 : ET::f32;
          const int64_t n = seed % 2 ? 37 : 20;
          Case cs = make_case(type, n, gl.k, gl.group_size, scale_type, zp, seed % 5, seed);
          ++seed;
          if (!linear_int8_takes(GetParam(), cs.w)) {
            EXPECT_THROW(linear_int8(GetParam(), cs.w, random_vector(gl.k * m, 1).data(), m,
                                     std::vector<float>(n * m).data()),
                         Error);
            continue;
          }
          ++taken;
          SCOPED_TRACE(describe_int8(cs.w, m));
          expect_int8_matches(GetParam(), cs, m, seed % 3 == 0, seed, e);
        }
  EXPECT_GT(taken, 0);
  std::printf("%s: %d cases; worst error vs the quantized-x reference %.2e, vs the f32 reference %.2e of sum |x*w|\n",
              to_string(GetParam()), taken, e.worst_exact, e.worst_f32);
}

TEST_P(Int8Path, TakesTheLayoutsItShould) {
  const Int8Dot dot = GetParam();
  const bool wide = dot == Int8Dot::vnni512, eight = dot != Int8Dot::avx2_maddubs;
  auto takes = [&](ET type, int64_t gs, int64_t k) {
    Case cs = make_case(type, 4, k, gs, ET::f16, ET::undefined, 0, 1);
    return linear_int8_takes(dot, cs.w);
  };
  for (ET t : {ET::u4, ET::i4}) {
    EXPECT_TRUE(takes(t, 32, 2048));
    EXPECT_TRUE(takes(t, 128, 2048));
    EXPECT_TRUE(takes(t, 5632, 5632));
    EXPECT_EQ(takes(t, 32, 320), !wide);
    EXPECT_FALSE(takes(t, 96, 384));
    EXPECT_FALSE(takes(t, 48, 288));
  }
  for (ET t : {ET::u8, ET::i8}) {
    EXPECT_EQ(takes(t, 2048, 2048), eight);
    EXPECT_EQ(takes(t, 32, 2048), eight);
    EXPECT_EQ(takes(t, 96, 384), eight && !wide);
  }
  EXPECT_FALSE(takes(ET::u4, 3, 9));
}

TEST_P(Int8Path, LargerShapes) {
  uint32_t seed = 4000;
  Errors e;
  struct Shape {
    ET type;
    int64_t gs, k;
    ET zp;
  };
  for (Shape s : {Shape{ET::u4, 128, 2048, ET::u4}, Shape{ET::i4, 32, 2048, ET::undefined},
                  Shape{ET::u8, 2048, 2048, ET::u8}, Shape{ET::i8, 5632, 5632, ET::undefined},
                  Shape{ET::u4, 128, 5632, ET::u4}})
    for (int64_t m : {1, 4}) {
      Case cs = make_case(s.type, 67, s.k, s.gs, ET::f16, s.zp, 1, seed);
      if (!linear_int8_takes(GetParam(), cs.w)) continue;
      SCOPED_TRACE(describe_int8(cs.w, m));
      expect_int8_matches(GetParam(), cs, m, true, seed, e);
      ++seed;
    }
}

TEST_P(Int8Path, SameBitsForEveryThreadCount) {
  ThreadPool one(1), two(2), three(3);
  uint32_t seed = 5000;
  struct Shape {
    ET type;
    int64_t gs, k;
    ET zp;
  };
  for (Shape s : {Shape{ET::u4, 128, 1024, ET::u4}, Shape{ET::i4, 32, 1024, ET::undefined},
                  Shape{ET::u8, 1024, 1024, ET::u8}, Shape{ET::i8, 64, 1024, ET::f32}})
    for (int64_t m : {1, 3, 6}) {
      Case cs = make_case(s.type, 301, s.k, s.gs, ET::f16, s.zp, 1, seed++);
      if (!linear_int8_takes(GetParam(), cs.w)) continue;
      SCOPED_TRACE(describe_int8(cs.w, m));
      std::vector<float> x = random_vector(m * s.k, seed), bias = random_vector(301, seed + 1);
      std::vector<std::vector<float>> outs;
      for (ThreadPool* pool : {&one, &two, &three}) {
        ScopedPool scope(*pool);
        std::vector<float> y(m * 301);
        linear_int8(GetParam(), cs.w, x.data(), m, y.data(), bias.data());
        outs.push_back(std::move(y));
      }
      EXPECT_EQ(std::memcmp(outs[0].data(), outs[1].data(), outs[0].size() * 4), 0) << "1 vs 2 threads";
      EXPECT_EQ(std::memcmp(outs[0].data(), outs[2].data(), outs[0].size() * 4), 0) << "1 vs 3 threads";
    }
}

INSTANTIATE_TEST_SUITE_P(Dots, Int8Path,
                         ::testing::Values(Int8Dot::vnni512, Int8Dot::vnni256, Int8Dot::avx_vnni256,
                                           Int8Dot::avx2_maddubs),
                         [](const ::testing::TestParamInfo<Int8Dot>& info) { return std::string(to_string(info.param)); });

// linear_at: integer weights at m <= kInt8MaxM go to the level's int8 body when it takes them
// (bit for bit), everything else to the f32 path; the scalar level never quantizes.
TEST(Int8Dispatch, LinearAtChoosesThePath) {
  if (exact_linear()) GTEST_SKIP() << "OPENARC_EXACT_LINEAR=1 keeps every call on the f32 path";
  uint32_t seed = 6000;
  for (IsaLevel level : {IsaLevel::scalar, IsaLevel::avx2, IsaLevel::avx512}) {
    if (static_cast<int>(level) > static_cast<int>(cpu_info().best)) continue;
    for (ET type : {ET::u4, ET::i8})
      for (Int8GroupLayout gl : {Int8GroupLayout{128, 512}, Int8GroupLayout{32, 320}, Int8GroupLayout{48, 288}})
        for (int64_t m : {1, 4, 5}) {
          Case cs = make_case(type, 33, gl.k, gl.group_size, ET::f16, ET::u8, 1, seed++);
          SCOPED_TRACE(cat(to_string(level), " ", describe_int8(cs.w, m)));
          Int8Dot dot{};
          const bool has = int8_dot_for(level, cs.w, dot);
          if (level == IsaLevel::scalar || gl.group_size == 48) EXPECT_FALSE(has);
          if (level == IsaLevel::avx512 && int8_dot_supported(Int8Dot::vnni512) && gl.group_size != 48) {
            EXPECT_TRUE(has);
            // 4-bit k = 320 is not a whole number of 512-bit vectors: the 256-bit form takes it.
            EXPECT_EQ(to_string(dot), std::string(type == ET::u4 && gl.k == 320 ? "vnni256" : "vnni512"));
          }
          if (has) EXPECT_TRUE(linear_int8_takes(dot, cs.w));
          std::vector<float> x = random_vector(m * gl.k, seed), a(m * 33), b(m * 33);
          linear_at(level, cs.w, x.data(), m, a.data());
          if (has && m <= kInt8MaxM) linear_int8(dot, cs.w, x.data(), m, b.data());
          else linear_f32_at(level, cs.w, x.data(), m, b.data());
          EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * 4), 0);
        }
  }
}

TEST(QuantizeActivations, BlocksOf32) {
  std::vector<float> x = random_vector(32 * 5 + 7, 77);
  for (int c = 32; c < 64; ++c) x[c] = 0.0f;  // an all-zero block
  x[70] = 40.0f;                             // an outlier coarsens only its own block
  std::vector<int8_t> q(x.size());
  std::vector<float> d(7);
  std::vector<int32_t> sums(7);
  quantize_activations(x.data(), static_cast<int64_t>(x.size()), q.data(), d.data(), sums.data());
  for (size_t b = 0; b < 6; ++b) {
    float amax = 0;
    int32_t s = 0;
    for (size_t c = b * 32; c < std::min(x.size(), b * 32 + 32); ++c) amax = std::max(amax, std::fabs(x[c])), s += q[c];
    EXPECT_EQ(d[b], amax / 127.0f) << "block " << b;
    EXPECT_EQ(sums[b], s) << "block " << b;
    for (size_t c = b * 32; c < std::min(x.size(), b * 32 + 32); ++c) {
      EXPECT_LE(std::abs(static_cast<int>(q[c])), 127);
      EXPECT_LE(std::fabs(q[c] * d[b] - x[c]), 0.5001f * d[b]) << "element " << c;
    }
  }
  EXPECT_EQ(d[1], 0.0f);
  EXPECT_EQ(q[70], 127);
  EXPECT_GT(d[2], 0.3f);
  EXPECT_LT(d[3], 1.0f / 127 + 1e-6f);
}

}  // namespace
}  // namespace openarc::kernels

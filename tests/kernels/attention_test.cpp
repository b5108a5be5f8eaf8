// kernels::attention_block at every ISA level against the scalar twin, and the scalar twin
// against a double-precision softmax computed here from the definition: block lengths 0..2W+1
// around the vector widths, odd dims, f32 and f16 rows, biases with -inf holes, live ranges,
// misaligned pointers, split ranges merged (flash-decoding) and rows with no live position (NaN).
#include "kernels/attention.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/float16.h"
#include "kernels/isa_fixture.h"

namespace openarc::kernels {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Storage placed `offset` bytes past a 64-byte boundary.
struct Bytes {
  std::vector<uint8_t> storage;
  uint8_t* p = nullptr;
  Bytes(size_t n, size_t offset) : storage(n + 128) {
    auto a = reinterpret_cast<uintptr_t>(storage.data());
    p = storage.data() + ((64 - a % 64) % 64) + offset;
  }
  float* f() { return reinterpret_cast<float*>(p); }
};

struct AttentionCase {
  int64_t rows, d, dv, T;
  ElementType type;
  std::vector<double> kd, vd;  // [T][d], [T][dv] the KV values as stored (f16-rounded for f16)
  Bytes q{0, 0}, k{0, 0}, v{0, 0}, bias{0, 0};
  std::vector<const float*> qp, bp;
  std::vector<int64_t> lo, hi;
  bool has_bias = false;
  float scale = 0.3f;

  AttentionQuery query() const { return {rows, d, qp.data(), has_bias ? bp.data() : nullptr, lo.data(), hi.data(), scale}; }
  AttentionKv kv() const { return {type, k.p, v.p, dv}; }
};

AttentionCase make_attention_case(int64_t rows, int64_t d, int64_t dv, int64_t T, ElementType type, bool bias, size_t misalign,
               uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uni(-2.0f, 2.0f);
  AttentionCase c{rows, d, dv, T, type};
  const size_t es = type == ElementType::f16 ? 2 : 4;
  c.q = Bytes(4 * rows * d, misalign * 4);
  c.k = Bytes(es * T * d, misalign * es);
  c.v = Bytes(es * T * dv, misalign * es);
  c.bias = Bytes(4 * rows * T, misalign * 4);
  for (int64_t i = 0; i < rows * d; ++i) c.q.f()[i] = uni(rng);
  auto fill = [&](Bytes& b, std::vector<double>& ref, int64_t n) {
    ref.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      float x = uni(rng);
      if (type == ElementType::f16) {
        uint16_t h = f32_to_f16(x);
        std::memcpy(b.p + 2 * i, &h, 2);
        ref[i] = f16_to_f32(h);
      } else {
        b.f()[i] = x;
        ref[i] = x;
      }
    }
  };
  fill(c.k, c.kd, T * d);
  fill(c.v, c.vd, T * dv);
  c.has_bias = bias;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t t = 0; t < T; ++t) c.bias.f()[r * T + t] = rng() % 5 == 0 ? kNegInf : uni(rng);
    c.qp.push_back(c.q.f() + r * d);
    c.bp.push_back(c.bias.f() + r * T);
    // Live ranges: whole, a middle slice, causal-like, empty.
    const int64_t kind = r % 4;
    c.lo.push_back(kind == 1 ? T / 3 : 0);
    c.hi.push_back(kind == 0 ? T : kind == 1 ? T - T / 4 : kind == 2 ? std::min<int64_t>(T, r + 1) : 0);
  }
  return c;
}

// out [rows][dv] by the definition in double; NaN rows where nothing is live.
std::vector<double> reference(const AttentionCase& c) {
  std::vector<double> out(c.rows * c.dv);
  for (int64_t r = 0; r < c.rows; ++r) {
    std::vector<double> s;
    std::vector<int64_t> ts;
    for (int64_t t = c.lo[r]; t < c.hi[r]; ++t) {
      double dot = 0;
      for (int64_t j = 0; j < c.d; ++j) dot += c.qp[r][j] * c.kd[t * c.d + j];
      double x = static_cast<float>(dot) * c.scale + (c.has_bias ? c.bp[r][t] : 0.0);
      if (std::isinf(x)) continue;
      s.push_back(x);
      ts.push_back(t);
    }
    double m = -INFINITY, sum = 0;
    for (double x : s) m = std::max(m, x);
    for (double& x : s) sum += (x = std::exp(x - m));
    for (int64_t j = 0; j < c.dv; ++j) {
      double a = 0;
      for (size_t i = 0; i < s.size(); ++i) a += s[i] * c.vd[ts[i] * c.dv + j];
      out[r * c.dv + j] = s.empty() ? NAN : a / sum;
    }
  }
  return out;
}

// Runs [0, T) at `level` in `parts` equal-ish ranges and merges them.
std::vector<float> run(IsaLevel level, const AttentionCase& c, int64_t parts = 1) {
  std::vector<std::vector<float>> store(parts, std::vector<float>(c.rows * (2 + c.dv)));
  std::vector<AttentionState> st;
  for (int64_t p = 0; p < parts; ++p) {
    float* b = store[p].data();
    st.push_back({b, b + c.rows, b + 2 * c.rows});
    attention_init(c.rows, c.dv, st.back());
    attention_block_at(level, c.query(), c.kv(), c.T * p / parts, c.T * (p + 1) / parts, st.back());
  }
  std::vector<float> out(c.rows * c.dv);
  std::vector<float*> op;
  for (int64_t r = 0; r < c.rows; ++r) op.push_back(out.data() + r * c.dv);
  attention_merge(c.rows, c.dv, st.data(), parts, op.data());
  return out;
}

void expect_close(const std::vector<float>& got, const std::vector<double>& want, double tol, const char* what) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << what << " element " << i << ": a row with no live position is NaN";
      continue;
    }
    ASSERT_NEAR(got[i], want[i], tol * (1 + std::abs(want[i]))) << what << " element " << i;
  }
}

class Attention : public testing::AtIsaLevel {};

TEST_P(Attention, MatchesTheDefinitionAndTheScalarTwin) {
  uint32_t seed = 1;
  for (ElementType type : {ElementType::f32, ElementType::f16})
    for (int64_t d : {1, 7, 8, 16, 17, 64, 67})
      for (int64_t T : {0, 1, 2, 3, 5, 8, 9, 15, 16, 17, 23, 33, 63, 64, 65, 130})  // across vectors and blocks
        for (int64_t rows : {1, 3, 8, 13}) {
          const bool bias = seed % 2 == 0;
          AttentionCase c = make_attention_case(rows, d, d == 67 ? 40 : d, T, type, bias, seed % 3, seed);
          ++seed;
          SCOPED_TRACE(::testing::Message() << to_string(type) << " d " << d << " T " << T << " rows " << rows
                                            << " bias " << bias);
          const std::vector<double> want = reference(c);
          expect_close(run(IsaLevel::scalar, c), want, 1e-5, "scalar");
          expect_close(run(GetParam(), c), want, 1e-5, "level");
          expect_close(run(GetParam(), c, 3), want, 1e-5, "3 parts");
        }
}

TEST_P(Attention, LongRangesSplitAndMergedAgree) {
  for (ElementType type : {ElementType::f32, ElementType::f16}) {
    AttentionCase c = make_attention_case(8, 64, 64, 1000, type, true, 1, 99);
    const std::vector<double> want = reference(c);
    expect_close(run(GetParam(), c), want, 1e-5, "one part");
    expect_close(run(GetParam(), c, 4), want, 1e-5, "4 parts");
  }
}

TEST_P(Attention, EveryScoreMaskedGivesNaNAsSoftmaxZeroOverZero) {
  AttentionCase c = make_attention_case(4, 16, 16, 40, ElementType::f32, true, 0, 7);
  for (int64_t r = 0; r < c.rows; ++r) {
    c.lo[r] = 0, c.hi[r] = c.T;
    for (int64_t t = 0; t < c.T; ++t) c.bias.f()[r * c.T + t] = r == 2 ? 0.0f : kNegInf;
  }
  const std::vector<float> got = run(GetParam(), c, 2);
  for (int64_t r = 0; r < c.rows; ++r)
    for (int64_t j = 0; j < c.dv; ++j) EXPECT_EQ(std::isnan(got[r * c.dv + j]), r != 2) << r << " " << j;
}

TEST_P(Attention, ANullBiasRowAddsNothingBesideRowsThatHaveOne) {
  for (ElementType type : {ElementType::f32, ElementType::f16}) {
    AttentionCase with = make_attention_case(5, 64, 64, 150, type, true, 0, 21);
    for (int64_t r : {1, 3}) std::fill_n(with.bias.f() + r * with.T, with.T, 0.0f);  // rows 1, 3: zero bias
    AttentionCase without = with;
    without.bp[1] = without.bp[3] = nullptr;  // the same rows, no bias at all
    const std::vector<float> a = run(GetParam(), with), b = run(GetParam(), without);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i)  // bit for bit (a row with no live position is NaN in both)
      ASSERT_TRUE(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))) << to_string(type) << " element " << i;
    expect_close(b, reference(with), 1e-5, "null rows");
  }
}

TEST_P(Attention, LargeScoresStayFinite) {
  AttentionCase c = make_attention_case(2, 8, 8, 30, ElementType::f32, false, 0, 11);
  c.scale = 40.0f;  // scores in the hundreds: exp only of differences to the running maximum
  expect_close(run(GetParam(), c), reference(c), 1e-4, "large");
}

INSTANTIATE_TEST_SUITE_P(Isa, Attention, testing::isa_levels(), testing::isa_name);

}  // namespace
}  // namespace openarc::kernels

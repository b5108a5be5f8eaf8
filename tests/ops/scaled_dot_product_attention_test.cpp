// ScaledDotProductAttention-13 against hand-worked cases and a naive double implementation of the
// spec's pseudo-code.
#include <gtest/gtest.h>

#include <time.h>

#include <cmath>
#include <cstdio>
#include <limits>

#include "compute_test_util.h"

namespace openarc::ops::testing {
namespace {

Tensor sdpa(const std::vector<Tensor>& in, bool causal = false) {
  return run_op_dirty("ScaledDotProductAttention", "opset13", {{"causal", causal ? "true" : "false"}}, in)[0];
}

// q = [1,0]; k rows [1,0], [0,1]; v rows [1,2], [3,4] (N=1, L=1, S=2, E=Ev=2).
const Tensor kQ = f32({1, 1, 2}, {1, 0});
const Tensor kK = f32({1, 2, 2}, {1, 0, 0, 1});
const Tensor kV = f32({1, 2, 2}, {1, 2, 3, 4});

TEST(ScaledDotProductAttention, DefaultScaleIsOneOverSqrtE) {
  // scores = [1, 0] / sqrt(2); p = softmax = [e^.7071, 1] / (e^.7071 + 1) = [0.669762, 0.330238]
  // out = p0 * [1,2] + p1 * [3,4]
  double p0 = std::exp(1 / std::sqrt(2.0)) / (std::exp(1 / std::sqrt(2.0)) + 1), p1 = 1 - p0;
  expect_values(sdpa({kQ, kK, kV}), {1, 1, 2}, {p0 * 1 + p1 * 3, p0 * 2 + p1 * 4});
  EXPECT_NEAR(p0, 0.669762, 1e-6);
}

TEST(ScaledDotProductAttention, FloatMaskIsAddedAfterScaling) {
  // scale 1: scores [1, 0] + mask [0, 1] = [1, 1] -> p = [.5, .5] -> out = [2, 3]
  Tensor mask = f32({1, 1, 2}, {0, 1});
  expect_values(sdpa({kQ, kK, kV, mask, Tensor::scalar<float>(1.0f)}), {1, 1, 2}, {2, 3});
  // scale 2: scores [2, 0] + [0, 2] = [2, 2] -> same
  expect_values(sdpa({kQ, kK, kV, f32({1, 1, 2}, {0, 2}), f32({1}, {2})}), {1, 1, 2}, {2, 3});
}

TEST(ScaledDotProductAttention, BooleanMaskTrueMeansAttend) {
  Tensor m(ElementType::boolean, {1, 1, 2});
  m.set_i64(0, 1);
  expect_values(sdpa({kQ, kK, kV, m}), {1, 1, 2}, {1, 2});  // only key 0 -> v0
  m.set_i64(0, 0), m.set_i64(1, 1);
  expect_values(sdpa({kQ, kK, kV, m}), {1, 1, 2}, {3, 4});  // only key 1 -> v1
}

TEST(ScaledDotProductAttention, ScalarZeroMaskMeansNoMask) {
  Tensor with = sdpa({kQ, kK, kV, Tensor::scalar<float>(0.0f)});
  Tensor without = sdpa({kQ, kK, kV});
  expect_values(with, {1, 1, 2}, {without.get_f64(0), without.get_f64(1)}, 0);
}

TEST(ScaledDotProductAttention, CausalIsTriuAlignedTopLeft) {
  // L = S = 2, scale 1, q = k = identity rows. Row 0 sees key 0 only -> [1,2]. Row 1: scores
  // [0, 1] -> p = [1/(1+e), e/(1+e)] -> [1 + 2e/(1+e), 2 + 2e/(1+e)].
  Tensor q = f32({1, 2, 2}, {1, 0, 0, 1});
  double p1 = std::exp(1.0) / (1 + std::exp(1.0));
  Tensor ignored_mask = f32({1, 2, 2}, {-100, -100, -100, -100});
  expect_values(sdpa({q, kK, kV, ignored_mask, Tensor::scalar<float>(1.0f)}, true), {1, 2, 2},
                {1, 2, 1 + 2 * p1, 2 + 2 * p1});
  // L = 1 < S = 2: the grid is aligned top-left, so the single query row sees key 0 only (the
  // spec's triu, not "the last query sees everything").
  expect_values(sdpa({kQ, kK, kV}, true), {1, 1, 2}, {1, 2});
}

TEST(ScaledDotProductAttention, FullyMaskedRowIsNaN) {
  // softmax of a row of -inf is 0/0: the spec's math gives NaN; the other row is unaffected.
  Tensor q = f32({1, 2, 2}, {1, 0, 0, 1});
  Tensor m(ElementType::boolean, {1, 2, 2});
  m.set_i64(2, 1), m.set_i64(3, 1);  // row 0 all false, row 1 all true
  Tensor out = sdpa({q, kK, kV, m, Tensor::scalar<float>(1.0f)});
  double p1 = std::exp(1.0) / (1 + std::exp(1.0));
  double nan = std::numeric_limits<double>::quiet_NaN();
  expect_values(out, {1, 2, 2}, {nan, nan, 1 + 2 * p1, 2 + 2 * p1});
  // A float mask of -inf does the same.
  float inf = std::numeric_limits<float>::infinity();
  out = sdpa({q, kK, kV, f32({1, 2, 2}, {-inf, -inf, 0, 0}), Tensor::scalar<float>(1.0f)});
  expect_values(out, {1, 2, 2}, {nan, nan, 1 + 2 * p1, 2 + 2 * p1});
}

// The pseudo-code in double, with explicit index arithmetic for the numpy broadcast.
Tensor naive_sdpa(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor* mask, double scale, bool causal) {
  size_t r = q.shape().size();
  Shape batch(q.shape().begin(), q.shape().end() - 2);
  for (size_t d = 0; d + 2 < r; ++d) batch[d] = std::max({q.shape()[d], k.shape()[d], v.shape()[d]});
  int64_t L = q.shape()[r - 2], E = q.shape()[r - 1], S = k.shape()[r - 2], Ev = v.shape()[r - 1];
  Shape out_shape = batch;
  out_shape.push_back(L), out_shape.push_back(Ev);
  Tensor out(ElementType::f64, out_shape);
  // flat offset of element (b..., i, j) in a tensor of shape s (right-aligned, size-1 dims stretch)
  auto offset = [](const Shape& s, const Shape& full_idx) {
    int64_t off = 0, stride = 1;
    for (size_t d = s.size(); d-- > 0;) {
      int64_t i = full_idx[full_idx.size() - s.size() + d];
      off += (s[d] == 1 ? 0 : i) * stride;
      stride *= s[d];
    }
    return off;
  };
  int64_t nb = shape_size(batch);
  for (int64_t b = 0; b < nb; ++b) {
    Shape bi(batch.size());
    for (int64_t rem = b, d = static_cast<int64_t>(batch.size()) - 1; d >= 0; --d) bi[d] = rem % batch[d], rem /= batch[d];
    auto at = [&](const Tensor& t, int64_t i, int64_t j) {
      Shape full = bi;
      full.push_back(i), full.push_back(j);
      return t.get_f64(offset(t.shape(), full));
    };
    for (int64_t i = 0; i < L; ++i) {
      std::vector<double> w(S);
      double mx = -INFINITY;
      for (int64_t j = 0; j < S; ++j) {
        double s = 0;
        for (int64_t e = 0; e < E; ++e) s += at(q, i, e) * at(k, j, e);
        s *= scale;
        if (causal) s += j > i ? -INFINITY : 0;
        else if (mask && mask->type() == ElementType::boolean) s += at(*mask, i, j) ? 0 : -INFINITY;
        else if (mask) s += at(*mask, i, j);
        w[j] = s;
        mx = std::max(mx, s);
      }
      double sum = 0;
      for (double& x : w) sum += (x = std::exp(x - mx));
      for (int64_t c = 0; c < Ev; ++c) {
        double o = 0;
        for (int64_t j = 0; j < S; ++j) o += w[j] / sum * at(v, j, c);
        out.set_f64((b * L + i) * Ev + c, o);
      }
    }
  }
  return out;
}

void expect_near_tensor(const Tensor& got, const Tensor& want, double tol) {
  ASSERT_EQ(to_string(got.shape()), to_string(want.shape()));
  for (int64_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got.get_f64(i), want.get_f64(i), tol) << "element " << i;
}

TEST(ScaledDotProductAttention, MatchesNaiveWithBroadcastMasks) {
  // Exports: q [B,H,L,E], k/v already repeated to H heads, float mask [B,1,L,S].
  Tensor q = random_tensor(ElementType::f32, {2, 4, 3, 16}, 1);
  Tensor k = random_tensor(ElementType::f32, {2, 4, 7, 16}, 2);
  Tensor v = random_tensor(ElementType::f32, {2, 4, 7, 5}, 3);
  Tensor mask = random_tensor(ElementType::f32, {2, 1, 3, 7}, 4, -3, 0);
  expect_near_tensor(sdpa({q, k, v, mask}), naive_sdpa(q, k, v, &mask, 0.25, false), 1e-5);
  expect_near_tensor(sdpa({q, k, v, mask, Tensor::scalar<float>(0.3f)}), naive_sdpa(q, k, v, &mask, 0.3, false), 1e-5);
  // Multi-query (one K/V head stretched over 4 query heads) and a boolean mask [L,S] (2-D).
  Tensor k1 = random_tensor(ElementType::f32, {2, 1, 7, 16}, 5);
  Tensor v1 = random_tensor(ElementType::f32, {2, 1, 7, 5}, 6);
  Tensor bm(ElementType::boolean, {3, 7});
  for (int64_t i = 0; i < bm.size(); ++i) bm.set_i64(i, (i * 7) % 3 != 0 || i % 7 == 0);  // every row attends somewhere
  expect_near_tensor(sdpa({q, k1, v1, bm}), naive_sdpa(q, k1, v1, &bm, 0.25, false), 1e-5);
  expect_near_tensor(sdpa({q, k1, v1}, true), naive_sdpa(q, k1, v1, nullptr, 0.25, true), 1e-5);
  // Query stretched over key batches: q [1,2,3,16] with k/v [3,2,7,16].
  Tensor q1 = random_tensor(ElementType::f32, {1, 2, 3, 16}, 7);
  Tensor k3 = random_tensor(ElementType::f32, {3, 2, 7, 16}, 8);
  Tensor v3 = random_tensor(ElementType::f32, {3, 2, 7, 5}, 9);
  expect_near_tensor(sdpa({q1, k3, v3}), naive_sdpa(q1, k3, v3, nullptr, 0.25, false), 1e-5);
}

TEST(ScaledDotProductAttention, HalfPrecisionComputesInF32) {
  Tensor q = random_tensor(ElementType::f16, {1, 2, 3, 8}, 11);
  Tensor k = random_tensor(ElementType::f16, {1, 2, 5, 8}, 12);
  Tensor v = random_tensor(ElementType::f16, {1, 2, 5, 8}, 13);
  Tensor out = sdpa({q, k, v});
  EXPECT_EQ(out.type(), ElementType::f16);
  expect_near_tensor(out, naive_sdpa(q, k, v, nullptr, 1 / std::sqrt(8.0), false), 2e-3);  // f16 output rounding
}

TEST(ScaledDotProductAttention, EmptySourceGivesZeros) {
  Tensor q = f32({1, 2, 2}, {1, 2, 3, 4});
  Tensor k(ElementType::f32, {1, 0, 2});
  Tensor v(ElementType::f32, {1, 0, 3});
  expect_values(sdpa({q, k, v}), {1, 2, 3}, {0, 0, 0, 0, 0, 0});
}

TEST(ScaledDotProductAttention, ShapeInferenceWithDynamicDims) {
  std::vector<OutputInfo> o = infer_op(
      "ScaledDotProductAttention", "opset13", {{"causal", "false"}},
      {{ElementType::f32, PartialShape({-1, 32, -1, 64}), nullptr},
       {ElementType::f32, PartialShape({-1, 32, -1, 64}), nullptr},
       {ElementType::f32, PartialShape({-1, 32, -1, 64}), nullptr},
       {ElementType::f32, PartialShape({-1, 1, -1, -1}), nullptr}});
  EXPECT_EQ(o[0].shape.to_string(), "[?,32,?,64]");
}

TEST(ScaledDotProductAttention, BadInputsAreErrors) {
  std::string e = error_of([] { sdpa({f32({1, 1, 3}, {}), kK, kV}); });
  EXPECT_NE(e.find("embedding dim"), std::string::npos) << e;
  e = error_of([] { sdpa({f32({1, 2}, {}), f32({2, 2}, {}), f32({2, 2}, {})}); });
  EXPECT_NE(e.find("rank >= 3"), std::string::npos) << e;
  e = error_of([] { sdpa({kQ, kK, f32({1, 3, 2}, {})}); });
  EXPECT_NE(e.find("source length"), std::string::npos) << e;
  // GQA without repeated K/V: 4 query heads, 2 key heads do not numpy-broadcast.
  e = error_of([] {
    sdpa({Tensor(ElementType::f32, {1, 4, 1, 8}), Tensor(ElementType::f32, {1, 2, 3, 8}),
          Tensor(ElementType::f32, {1, 2, 3, 8})});
  });
  EXPECT_NE(e.find("do not broadcast"), std::string::npos) << e;
  e = error_of([] { sdpa({kQ, kK, kV, f32({1, 1, 3}, {})}); });
  EXPECT_NE(e.find("attention_mask"), std::string::npos) << e;
  e = error_of([] { sdpa({kQ, kK, kV, Tensor::from<int32_t>({1, 1, 2}, {})}); });
  EXPECT_NE(e.find("attention_mask must be"), std::string::npos) << e;
  e = error_of([] { sdpa({kQ, kK, kV, f32({1, 1, 2}, {}), f32({2}, {1, 1})}); });
  EXPECT_NE(e.find("scale"), std::string::npos) << e;
  e = error_of([] { OpRegistry::instance().create("ScaledDotProductAttention", "opset13", {}); });
  EXPECT_NE(e.find("causal"), std::string::npos) << e;
}

// Not an assertion: the time of one prefill-sized attention (32 heads, 128 tokens, head dim 64).
TEST(ScaledDotProductAttention, TimingOfAPrefill) {
  Tensor q = random_tensor(ElementType::f32, {1, 32, 128, 64}, 21);
  Tensor k = random_tensor(ElementType::f32, {1, 32, 128, 64}, 22);
  Tensor v = random_tensor(ElementType::f32, {1, 32, 128, 64}, 23);
  Tensor mask = random_tensor(ElementType::f32, {1, 1, 128, 128}, 24, -1, 0);
  timespec t0, t1;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
  Tensor out = sdpa({q, k, v, mask});
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
  std::printf("[ timing ] SDPA [1,32,128,64] prefill: %.1f ms CPU\n",
              (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
  EXPECT_EQ(to_string(out.shape()), "[1,32,128,64]");
}

}  // namespace
}  // namespace openarc::ops::testing

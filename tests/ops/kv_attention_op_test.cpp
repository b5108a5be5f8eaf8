// KvAttention (ops/fused_attention.h, kernels/attention.h) against the reference path it
// replaces: the past and new K/V concatenated, repeated to the query heads and run through
// ScaledDotProductAttention-13. Prefill S = 1..70 with pasts up to T ~ 300, decode after a long
// prefill, GQA groups 1/2/4/8, float/boolean masks of every broadcast shape, causal, fully masked
// rows (NaN, as the reference), f16 caches, and bit-identical results on 1, 2 and 3 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "compute_test_util.h"
#include "core/float16.h"
#include "core/thread_pool.h"
#include "kernels/exact_rows.h"
#include "kernels/isa_fixture.h"
#include "ops/fused_attention.h"
#include "ops/kv_cache.h"

namespace openarc::ops::testing {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr float kLowest = std::numeric_limits<float>::lowest();

enum class Mask { none, causal, finfo_causal, boolean, per_head, row_only, padding, scalar_zero };

struct Config {
  int64_t B = 1, H = 4, Hkv = 2, D = 16, Dv = 16;
  Mask mask = Mask::none;
  bool scale = false;
  ElementType precision = ElementType::f32;
};

// The mask for S new positions after `past` (T = past + S), in the shapes the exports and tests use.
Tensor make_mask(const Config& c, int64_t S, int64_t T, uint32_t seed) {
  const int64_t past = T - S;
  std::mt19937 rng(seed);
  switch (c.mask) {
    case Mask::finfo_causal: {  // [B,1,S,T], finfo.min above the shifted diagonal (the converter's)
      Tensor m(ElementType::f32, {c.B, 1, S, T});
      for (int64_t b = 0; b < c.B; ++b)
        for (int64_t i = 0; i < S; ++i)
          for (int64_t t = 0; t < T; ++t) m.data<float>()[(b * S + i) * T + t] = t <= past + i ? 0.0f : kLowest;
      return m;
    }
    case Mask::boolean: {  // [B,1,S,T] true attends; some rows false everywhere
      Tensor m(ElementType::boolean, {c.B, 1, S, T});
      for (int64_t b = 0; b < c.B; ++b)
        for (int64_t i = 0; i < S; ++i)
          for (int64_t t = 0; t < T; ++t)
            m.data<uint8_t>()[(b * S + i) * T + t] = i % 7 != 3 && t <= past + i && rng() % 4 != 0;
      return m;
    }
    case Mask::per_head: {  // [B,H,S,T] float with -inf holes and a fully -inf row per head
      Tensor m = random_tensor(ElementType::f32, {c.B, c.H, S, T}, seed, -2, 2);
      for (int64_t e = 0; e < m.size(); ++e)
        if (rng() % 3 == 0) m.data<float>()[e] = kNegInf;
      for (int64_t bh = 0; bh < c.B * c.H; ++bh)
        for (int64_t t = 0; t < T; ++t) m.data<float>()[(bh * S + (bh % S)) * T + t] = kNegInf;
      return m;
    }
    case Mask::row_only:  // [T]: broadcast over batch, heads and query positions
      return random_tensor(ElementType::f32, {T}, seed, -3, 1);
    case Mask::padding: {  // [B,1,1,T]: left padding of batch row 1, broadcast along S
      Tensor m(ElementType::f32, {c.B, 1, 1, T});
      for (int64_t b = 0; b < c.B; ++b)
        for (int64_t t = 0; t < T; ++t) m.data<float>()[b * T + t] = b == 1 && t < T / 3 ? kLowest : 0.0f;
      return m;
    }
    case Mask::scalar_zero:
      return Tensor::scalar<float>(0.0f);
    default:
      return Tensor();
  }
}

// [B, heads, T, D] -> [B, heads * group, T, D] (the exports' repeat_kv).
Tensor repeat(const Tensor& x, int64_t group) {
  const Shape& s = x.shape();
  Tensor y(ElementType::f32, {s[0], s[1] * group, s[2], s[3]});
  const int64_t per = s[2] * s[3];
  for (int64_t b = 0; b < s[0]; ++b)
    for (int64_t h = 0; h < s[1] * group; ++h)
      std::memcpy(y.data<float>() + (b * s[1] * group + h) * per, x.data<float>() + (b * s[1] + h / group) * per,
                  sizeof(float) * per);
  return y;
}

// Concat on axis 2 of [B, h, T0, D] and [B, h, T1, D].
Tensor concat(const Tensor& a, const Tensor& b) {
  const Shape& s = a.shape();
  const int64_t T0 = s[2], T1 = b.shape()[2], D = s[3];
  Tensor y(ElementType::f32, {s[0], s[1], T0 + T1, D});
  for (int64_t bh = 0; bh < s[0] * s[1]; ++bh) {
    std::memcpy(y.data<float>() + bh * (T0 + T1) * D, a.data<float>() + bh * T0 * D, sizeof(float) * T0 * D);
    std::memcpy(y.data<float>() + (bh * (T0 + T1) + T0) * D, b.data<float>() + bh * T1 * D, sizeof(float) * T1 * D);
  }
  return y;
}

Tensor round_f16(const Tensor& x) {
  Tensor y = x.clone();
  for (int64_t i = 0; i < y.size(); ++i) y.data<float>()[i] = f16_to_f32(f32_to_f16(y.data<float>()[i]));
  return y;
}

// One request's attention layer on both paths: the fused op with its caches, and the dense past.
struct Layer {
  Config c;
  KvAttention op;
  KvCache keys, values;
  Tensor past_k, past_v;  // [B, Hkv, T, D] what the reference path's variables hold

  explicit Layer(const Config& cfg)
      : c(cfg), op("k", "v", false, cfg.mask != Mask::none && cfg.mask != Mask::causal, cfg.scale, cfg.mask == Mask::causal) {
    keys.with_precision(cfg.precision);
    values.with_precision(cfg.precision);
    past_k = Tensor(ElementType::f32, {c.B, c.Hkv, 0, c.D});
    past_v = Tensor(ElementType::f32, {c.B, c.Hkv, 0, c.Dv});
  }

  // S new positions; returns {fused, reference} outputs [B, H, S, Dv].
  std::pair<Tensor, Tensor> step(int64_t S, uint32_t seed) {
    const int64_t T = past_k.shape()[2] + S;
    Tensor q = random_tensor(ElementType::f32, {c.B, c.H, S, c.D}, seed, -2, 2);
    Tensor k = random_tensor(ElementType::f32, {c.B, c.Hkv, S, c.D}, seed + 1, -2, 2);
    Tensor v = random_tensor(ElementType::f32, {c.B, c.Hkv, S, c.Dv}, seed + 2);
    Tensor mask = make_mask(c, S, T, seed + 3);
    Tensor scale = Tensor::scalar<float>(0.2f);
    std::vector<Tensor> in = {q, k, v};
    if (mask.valid()) in.push_back(mask);
    if (c.scale) in.push_back(scale);
    Tensor fused(ElementType::f32, {c.B, c.H, S, c.Dv});
    for (int64_t i = 0; i < fused.size(); ++i) fused.data<float>()[i] = 777;
    op.run(in, fused, keys, values);

    past_k = concat(past_k, k), past_v = concat(past_v, v);
    const bool f16 = c.precision == ElementType::f16;
    std::vector<Tensor> ref_in = {q, repeat(f16 ? round_f16(past_k) : past_k, c.H / c.Hkv),
                                  repeat(f16 ? round_f16(past_v) : past_v, c.H / c.Hkv)};
    if (mask.valid() || c.scale) ref_in.push_back(mask.valid() ? mask : Tensor::scalar<float>(0.0f));
    if (c.scale) ref_in.push_back(scale);
    Tensor ref = run_op("ScaledDotProductAttention", "opset13", {{"causal", c.mask == Mask::causal ? "true" : "false"}},
                        ref_in)[0];
    return {fused, ref};
  }
};

void expect_same(const Tensor& got, const Tensor& want, double tol) {
  ASSERT_EQ(got.shape(), want.shape());
  int bad = 0;
  for (int64_t i = 0; i < want.size() && bad < 5; ++i) {
    const float g = got.data<float>()[i], w = want.data<float>()[i];
    if (std::isnan(w)) {
      if (!std::isnan(g)) ++bad, ADD_FAILURE() << "element " << i << ": " << g << ", the reference NaN";
    } else if (!(std::abs(g - w) <= tol * (1 + std::abs(w)))) {
      ++bad, ADD_FAILURE() << "element " << i << ": " << g << " vs " << w;
    }
  }
}

const Mask kMasks[] = {Mask::none, Mask::causal, Mask::finfo_causal, Mask::boolean,
                       Mask::per_head, Mask::row_only, Mask::padding, Mask::scalar_zero};
const char* kMaskNames[] = {"none", "causal", "finfo causal", "boolean", "per head", "row only", "padding", "scalar 0"};

class KvAttentionOp : public kernels::testing::AtIsaLevel {};

TEST_P(KvAttentionOp, PrefillAfterAPastMatchesTheReference) {
  const int64_t groups[] = {1, 2, 4, 8};
  for (int64_t S = 1; S <= 70; ++S) {
    Config c;
    c.Hkv = 1 + S % 2;
    c.H = c.Hkv * groups[S % 4];
    c.D = S % 5 == 0 ? 13 : 16;
    c.Dv = S % 3 == 0 ? 24 : c.D;
    c.B = S % 6 == 0 ? 2 : 1;
    c.mask = kMasks[S % 8];
    c.scale = S % 3 == 1;
    const int64_t past = (S * 53) % 230;
    SCOPED_TRACE(::testing::Message() << "S " << S << " past " << past << " H " << c.H << " Hkv " << c.Hkv << " D "
                                      << c.D << " Dv " << c.Dv << " B " << c.B << " mask " << kMaskNames[S % 8]);
    Layer layer(c);
    if (past > 0) layer.step(past, 1000 + S);
    auto [got, want] = layer.step(S, 2000 + S);
    expect_same(got, want, 1e-4);
  }
}

TEST_P(KvAttentionOp, DecodeAfterALongPrefill) {
  for (int64_t group : {1, 2, 4, 8})
    for (Mask mask : {Mask::none, Mask::finfo_causal, Mask::padding}) {
      Config c;
      c.B = 2, c.Hkv = 2, c.H = 2 * group, c.D = c.Dv = 64, c.mask = mask;
      SCOPED_TRACE(::testing::Message() << "group " << group << " mask " << static_cast<int>(mask));
      Layer layer(c);
      auto [g0, w0] = layer.step(700, 5);
      expect_same(g0, w0, 1e-4);
      for (int s = 0; s < 4; ++s) {
        auto [g, w] = layer.step(1, 10 + s);
        expect_same(g, w, 1e-4);
      }
    }
}

TEST_P(KvAttentionOp, F16CachesMatchTheReferenceOnRoundedValues) {
  for (Mask mask : {Mask::none, Mask::causal, Mask::finfo_causal, Mask::boolean}) {
    Config c;
    c.H = 8, c.Hkv = 2, c.D = c.Dv = 64, c.mask = mask, c.precision = ElementType::f16;
    Layer layer(c);
    auto [g0, w0] = layer.step(37, 3);
    expect_same(g0, w0, 1e-4);
    auto [g1, w1] = layer.step(1, 4);
    expect_same(g1, w1, 1e-4);
    // The state reads back as f32 of the f16 values.
    Tensor dense = layer.keys.dense();
    Tensor want = round_f16(layer.past_k);
    ASSERT_EQ(dense.shape(), want.shape());
    EXPECT_EQ(std::memcmp(dense.data(), want.data(), dense.byte_size()), 0);
  }
}

TEST_P(KvAttentionOp, FullyMaskedRowsAreNaNLikeTheReference) {
  Config c;
  c.mask = Mask::per_head;  // one row per head -inf everywhere
  Layer a(c);
  auto [g, w] = a.step(9, 77);
  expect_same(g, w, 1e-4);
  int64_t nan_rows = 0;
  for (int64_t r = 0; r < g.size() / c.Dv; ++r) nan_rows += std::isnan(g.data<float>()[r * c.Dv]);
  EXPECT_GE(nan_rows, c.B * c.H);
  // finfo.min everywhere is no mask at all in the reference (every score equal): not NaN.
  Config f;
  f.mask = Mask::row_only;
  KvAttention op("k", "v", false, true, false, false);
  KvCache k, v;
  Tensor q = random_tensor(ElementType::f32, {1, 4, 2, 16}, 1), kn = random_tensor(ElementType::f32, {1, 2, 2, 16}, 2),
         vn = random_tensor(ElementType::f32, {1, 2, 2, 16}, 3);
  Tensor lowest = Tensor::from<float>({2}, {kLowest, kLowest});
  Tensor out(ElementType::f32, {1, 4, 2, 16});
  op.run({q, kn, vn, lowest}, out, k, v);
  Tensor want = run_op("ScaledDotProductAttention", "opset13", {{"causal", "false"}},
                       {q, repeat(kn, 2), repeat(vn, 2), lowest})[0];
  expect_same(out, want, 1e-5);
  EXPECT_FALSE(std::isnan(out.data<float>()[0]));
}

TEST_P(KvAttentionOp, ThreadCountsGiveTheSameBits) {
  struct Run {
    int64_t prefill, decode;
    Mask mask;
  };
  for (Run run : {Run{70, 0, Mask::finfo_causal}, Run{600, 3, Mask::none}, Run{5, 2, Mask::boolean}}) {
    std::vector<Tensor> outs[3];
    for (int threads = 1; threads <= 3; ++threads) {
      ScopedPool pool(shared_pool(threads));
      Config c;
      c.H = 8, c.Hkv = 2, c.D = c.Dv = 64, c.mask = run.mask;
      Layer layer(c);
      outs[threads - 1].push_back(layer.step(run.prefill, 9).first);
      for (int64_t s = 0; s < run.decode; ++s) outs[threads - 1].push_back(layer.step(1, 20 + s).first);
    }
    for (int t = 1; t < 3; ++t)
      for (size_t i = 0; i < outs[0].size(); ++i)
        EXPECT_EQ(std::memcmp(outs[t][i].data(), outs[0][i].data(), outs[0][i].byte_size()), 0)
            << t + 1 << " threads, step " << i << ", prefill " << run.prefill;
  }
}

// Positions [from, from + count) of x [1, heads, S, d].
Tensor positions(const Tensor& x, int64_t from, int64_t count) {
  const Shape& s = x.shape();
  Tensor y(ElementType::f32, {1, s[1], count, s[3]});
  for (int64_t h = 0; h < s[1]; ++h)
    std::memcpy(y.data<float>() + h * count * s[3], x.data<float>() + (h * s[2] + from) * s[3],
                sizeof(float) * count * s[3]);
  return y;
}

// [1, 1, S, T] causal for S positions after `past`: 0 (or true) up to each one's own, finfo.min
// (or false) after it.
Tensor causal_mask(bool boolean, int64_t S, int64_t past) {
  const int64_t T = past + S;
  Tensor m(boolean ? ElementType::boolean : ElementType::f32, {1, 1, S, T});
  for (int64_t i = 0; i < S; ++i)
    for (int64_t t = 0; t < T; ++t) {
      if (boolean) m.data<uint8_t>()[i * T + t] = t <= past + i;
      else m.data<float>()[i * T + t] = t <= past + i ? 0.0f : kLowest;
    }
  return m;
}

TEST_P(KvAttentionOp, UpToExactRowsPositionsGetTheBitsOfOneByOne) {
  // A speculative draft's verification: S <= kExactRows new positions in one call give each
  // position what decoding it alone gives, for GQA groups that make one tile or several, and
  // pasts on either side of the 256-position chunks.
  for (int64_t group : {1, 2, 8, 32})
    for (bool boolean : {false, true})
      for (int64_t past : {3, 250, 254, 255, 300})
        for (int64_t S = 2; S <= kernels::kExactRows; ++S) {
          SCOPED_TRACE(::testing::Message() << "group " << group << " past " << past << " S " << S
                                            << (boolean ? " boolean" : " finfo"));
          const int64_t Hkv = 2, H = Hkv * group, D = 16;
          KvAttention op("k", "v", false, true, false, false);
          KvCache ka, va, kb, vb;
          const uint32_t seed = static_cast<uint32_t>(group * 1000 + past * 10 + S);
          Tensor qp = random_tensor(ElementType::f32, {1, H, past, D}, seed, -2, 2);
          Tensor kp = random_tensor(ElementType::f32, {1, Hkv, past, D}, seed + 1, -2, 2);
          Tensor vp = random_tensor(ElementType::f32, {1, Hkv, past, D}, seed + 2);
          Tensor prefill(ElementType::f32, {1, H, past, D});
          op.run({qp, kp, vp, causal_mask(boolean, past, 0)}, prefill, ka, va);
          op.run({qp, kp, vp, causal_mask(boolean, past, 0)}, prefill, kb, vb);

          Tensor q = random_tensor(ElementType::f32, {1, H, S, D}, seed + 3, -2, 2);
          Tensor k = random_tensor(ElementType::f32, {1, Hkv, S, D}, seed + 4, -2, 2);
          Tensor v = random_tensor(ElementType::f32, {1, Hkv, S, D}, seed + 5);
          Tensor all(ElementType::f32, {1, H, S, D});
          op.run({q, k, v, causal_mask(boolean, S, past)}, all, ka, va);
          for (int64_t i = 0; i < S; ++i) {
            Tensor one(ElementType::f32, {1, H, 1, D});
            op.run({positions(q, i, 1), positions(k, i, 1), positions(v, i, 1), causal_mask(boolean, 1, past + i)}, one,
                   kb, vb);
            const Tensor together = positions(all, i, 1);
            for (int64_t e = 0; e < one.size(); ++e)
              ASSERT_EQ(together.data<float>()[e], one.data<float>()[e]) << "position " << i << ", element " << e;
          }
        }
}

// The cache keeps room past a prefill: the decode steps after a long prompt append in place
// (moving every layer's cache on the first step cost as much as the step itself), and what it
// holds survives each growth.
TEST(KvCacheGrowth, DecodeAfterAPrefillAppendsInPlaceAndGrowthKeepsTheRows) {
  for (ElementType precision : {ElementType::f32, ElementType::f16}) {
    KvCache c;
    c.with_precision(precision).reset(1, 2, 4);
    std::vector<float> prompt(2 * 400 * 4);
    for (size_t i = 0; i < prompt.size(); ++i) prompt[i] = static_cast<float>(i % 251);
    c.append(prompt.data(), 400);
    EXPECT_GE(c.capacity, 500) << to_string(precision);
    const void* before = c.data.get();
    std::vector<float> step(2 * 4, 7.0f);
    for (int s = 0; s < 100; ++s) c.append(step.data(), 1);
    EXPECT_EQ(c.data.get(), before) << "100 decode steps after a 400-token prefill moved the cache";
    for (int s = 0; s < 600; ++s) c.append(step.data(), 1);  // past the capacity: it grows
    EXPECT_NE(c.data.get(), before);
    Tensor dense = c.dense();
    ASSERT_EQ(dense.shape(), (Shape{1, 2, 1100, 4}));
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t t = 0; t < 1100; ++t)
        for (int64_t j = 0; j < 4; ++j) {
          const float want = t < 400 ? prompt[(h * 400 + t) * 4 + j] : 7.0f;
          ASSERT_EQ(dense.data<float>()[(h * 1100 + t) * 4 + j], want) << h << " " << t << " " << j;
        }
  }
}

INSTANTIATE_TEST_SUITE_P(Isa, KvAttentionOp, kernels::testing::isa_levels(), kernels::testing::isa_name);

}  // namespace
}  // namespace openarc::ops::testing

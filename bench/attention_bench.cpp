// KvAttention on TinyLlama's attention shape (H 32, Hkv 4, D 64), f32 and f16 caches: decode
// (S = 1) at T = 128, 1024, 4096 and causal prefill S = T = 128, 512, on the current pool
// (OPENARC_ISA=avx2|scalar to compare levels). Counters: GB/s of KV read (each K/V byte once
// per step; causal prefill reads the cache once per query tile, so this is the byte-exact floor)
// and GFLOP/s (2 * D + 2 * Dv per live score: q.k and weight x v).
//   openarc_attention_bench [--benchmark_filter=decode]
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "core/thread_pool.h"
#include "ops/fused_attention.h"

namespace openarc::ops {
namespace {

constexpr int64_t kH = 32, kHkv = 4, kD = 64;

Tensor random(const Shape& s, uint32_t seed) {
  Tensor t(ElementType::f32, s);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = u(rng);
  return t;
}

// state.range(0): T, range(1): 1 for f16 caches; S = 1 (decode) or T (causal prefill).
void run(benchmark::State& state, bool decode, bool masked = false) {
  const int64_t T = state.range(0), S = decode ? 1 : T;
  const ElementType precision = state.range(1) ? ElementType::f16 : ElementType::f32;
  KvAttention op("k", "v", false, masked, false, !decode && !masked);
  KvCache keys, values;
  keys.with_precision(precision), values.with_precision(precision);
  if (decode) {  // the past T - 1 positions
    Tensor q = random({1, kH, T - 1, kD}, 1), k = random({1, kHkv, T - 1, kD}, 2), v = random({1, kHkv, T - 1, kD}, 3);
    Tensor out(ElementType::f32, {1, kH, T - 1, kD});
    KvAttention fill("k", "v", false, false, false, true);
    fill.run({q, k, v}, out, keys, values);
  }
  std::vector<Tensor> in = {random({1, kH, S, kD}, 4), random({1, kHkv, S, kD}, 5), random({1, kHkv, S, kD}, 6)};
  if (masked) {  // the exports' additive mask [B, 1, S, T]: 0 where visible, the f32 minimum elsewhere
    Tensor mask(ElementType::f32, {1, 1, S, T});
    for (int64_t i = 0; i < S; ++i)
      for (int64_t t = 0; t < T; ++t) mask.data<float>()[i * T + t] = t <= T - S + i ? 0.0f : -3.4028235e38f;
    in.push_back(mask);
  }
  Tensor out(ElementType::f32, {1, kH, S, kD});
  const int64_t past = keys.length;
  for (auto _ : state) {
    keys.length = values.length = past;  // the same step every iteration (a trim)
    op.run(in, out, keys, values);
    benchmark::DoNotOptimize(out.data());
  }
  const double es = precision == ElementType::f16 ? 2 : 4;
  const double kv_bytes = 2.0 * kHkv * T * kD * es;
  const double scores = decode ? double(kH) * T : double(kH) * T * (T + 1) / 2;  // causal: the live triangle
  state.counters["GB/s"] = benchmark::Counter(kv_bytes, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  state.counters["GFLOP/s"] = benchmark::Counter(scores * 4 * kD * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(std::string(decode ? "decode" : "prefill") + (masked ? " masked" : "") + (precision == ElementType::f16 ? " f16" : " f32") +
                 " threads " + std::to_string(current_pool().size()));
}

void BM_decode(benchmark::State& s) { run(s, true); }
void BM_prefill(benchmark::State& s) { run(s, false); }
void BM_decode_masked(benchmark::State& s) { run(s, true, true); }

BENCHMARK(BM_decode)->ArgsProduct({{128, 1024, 4096}, {0, 1}})->ArgNames({"T", "f16"})->UseRealTime();
BENCHMARK(BM_decode_masked)->ArgsProduct({{128, 4096}, {0, 1}})->ArgNames({"T", "f16"})->UseRealTime();
BENCHMARK(BM_prefill)->ArgsProduct({{128, 512}, {0, 1}})->ArgNames({"T", "f16"})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace openarc::ops

BENCHMARK_MAIN();

// kernels::linear on the TinyLlama-1.1B shapes, per weight format, at m = 1 (decode: GB/s of
// weight bytes), m = kExactRows (a speculative draft's verification: GB/s too) and m = 128
// (prefill: GFLOP/s), on 1 and 2 threads. Small matrices are cycled through enough copies
// (>= 256 MB) that decode sizes read them from memory, as a decode step does.
//   openarc_kernel_bench [--benchmark_filter=u4_g128]   (OPENARC_ISA=avx2|scalar to compare)
// Integer formats at m = 1 also run the f32-activation path (/f32act) and each int8 dot product
// the CPU has (/vnni512 /vnni256 /avx_vnni256 /avx2_maddubs), at m = kExactRows the f32 path;
// the plain name is linear() itself.
// "/hot" runs 256 x 2048 from the cache on one thread: the kernel's compute ceiling in GB/s.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/float16.h"
#include "core/thread_pool.h"
#include "kernels/exact_rows.h"
#include "kernels/linear.h"

namespace openarc::kernels {
namespace {

using ET = ElementType;

struct Format {
  const char* name;
  ET type;
  int64_t group;  // 0: per channel (k)
  ET zp;
};
const Format kFormats[] = {{"u4_g128_asym", ET::u4, 128, ET::u4},
                           {"i4_g32_sym", ET::i4, 32, ET::undefined},
                           {"u8_channel_asym", ET::u8, 0, ET::u8},
                           {"f16", ET::f16, 0, ET::undefined},
                           {"f32", ET::f32, 0, ET::undefined}};
struct Shape {
  int64_t n, k;
};
const Shape kShapes[] = {{2048, 2048}, {256, 2048}, {5632, 2048}, {2048, 5632}, {32000, 2048}};

uint64_t next(uint64_t& s) {  // xorshift64: fast filler, the values only need to be plausible
  s ^= s << 13, s ^= s >> 7, s ^= s << 17;
  return s;
}

// One copy of W with its scales and zero points.
struct Weights {
  std::vector<uint8_t> data, scale, zp;  // [n][k] packed, [n][groups] f16, [n][groups] packed
  LinearWeights w;
  size_t bytes = 0;  // what a GEMV reads: data + scale + zp
};

std::unique_ptr<Weights> make_weights(const Format& f, Shape s, uint64_t seed) {
  auto out = std::make_unique<Weights>();
  LinearWeights& w = out->w;
  w.type = f.type;
  w.n = s.n;
  w.k = s.k;
  const size_t count = static_cast<size_t>(s.n * s.k);
  size_t data_bytes = f.type == ET::f32 ? 4 * count : f.type == ET::f16 ? 2 * count
                      : f.type == ET::u8 ? count : count / 2;
  out->data.resize(data_bytes);
  if (f.type == ET::f32) {
    float* p = reinterpret_cast<float*>(out->data.data());
    for (size_t i = 0; i < count; ++i) p[i] = static_cast<float>(next(seed) % 2001) * 1e-3f - 1.0f;
  } else if (f.type == ET::f16) {
    uint16_t* p = reinterpret_cast<uint16_t*>(out->data.data());
    for (size_t i = 0; i < count; ++i) p[i] = f32_to_f16(static_cast<float>(next(seed) % 2001) * 1e-3f - 1.0f);
  } else {
    for (size_t i = 0; i < data_bytes; i += 8) {
      uint64_t v = next(seed);
      std::memcpy(out->data.data() + i, &v, data_bytes - i < 8 ? data_bytes - i : 8);
    }
    w.group_size = f.group > 0 ? f.group : s.k;
    const size_t groups = static_cast<size_t>(s.n * (s.k / w.group_size));
    out->scale.resize(2 * groups);
    uint16_t* sp = reinterpret_cast<uint16_t*>(out->scale.data());
    for (size_t i = 0; i < groups; ++i) sp[i] = f32_to_f16(0.01f + static_cast<float>(next(seed) % 100) * 1e-4f);
    w.scale_type = ET::f16;
    w.scale = out->scale.data();
    if (f.zp != ET::undefined) {
      out->zp.resize(f.zp == ET::u4 ? (groups + 1) / 2 : groups);
      for (uint8_t& b : out->zp) b = static_cast<uint8_t>(next(seed));
      w.zero_point_type = f.zp;
      w.zero_point = out->zp.data();
    }
  }
  w.data = out->data.data();
  out->bytes = out->data.size() + out->scale.size() + out->zp.size();
  return out;
}

// Which entry point: linear() as the runtime calls it, the f32-activation path, or one int8 dot.
enum class Path { automatic, f32, vnni512, vnni256, avx_vnni256, avx2_maddubs };
const char* path_name(Path p) {
  switch (p) {
    case Path::automatic: return "";
    case Path::f32: return "/f32act";
    case Path::vnni512: return "/vnni512";
    case Path::vnni256: return "/vnni256";
    case Path::avx_vnni256: return "/avx_vnni256";
    case Path::avx2_maddubs: return "/avx2_maddubs";
  }
  return "";
}

void call(Path p, const LinearWeights& w, const float* x, int64_t m, float* y) {
  switch (p) {
    case Path::automatic: return linear(w, x, m, y);
    case Path::f32: return linear_f32_at(isa_level(), w, x, m, y);
    case Path::vnni512: return linear_int8(Int8Dot::vnni512, w, x, m, y);
    case Path::vnni256: return linear_int8(Int8Dot::vnni256, w, x, m, y);
    case Path::avx_vnni256: return linear_int8(Int8Dot::avx_vnni256, w, x, m, y);
    case Path::avx2_maddubs: return linear_int8(Int8Dot::avx2_maddubs, w, x, m, y);
  }
}

void run(benchmark::State& state, Format f, Shape s, int64_t m, int threads, Path path, bool hot) {
  std::vector<std::unique_ptr<Weights>> copies;
  copies.push_back(make_weights(f, s, 1));
  const size_t bytes = copies[0]->bytes;
  const bool decode = m <= kExactRows;
  if (decode && !hot)
    while (copies.size() * bytes < (size_t{256} << 20) && copies.size() < 64)
      copies.push_back(make_weights(f, s, copies.size() + 1));
  std::vector<float> x(static_cast<size_t>(m * s.k)), y(static_cast<size_t>(m * s.n));
  uint64_t seed = 99;
  for (float& v : x) v = static_cast<float>(next(seed) % 2001) * 1e-3f - 1.0f;
  ScopedPool scope(shared_pool(threads));
  size_t i = 0;
  for (auto _ : state) {
    call(path, copies[i]->w, x.data(), m, y.data());
    benchmark::ClobberMemory();
    if (++i == copies.size()) i = 0;
  }
  const double iters = static_cast<double>(state.iterations());
  if (decode) {
    state.counters["GB/s"] = benchmark::Counter(iters * bytes * 1e-9, benchmark::Counter::kIsRate);
  } else {
    state.counters["GFLOP/s"] =
        benchmark::Counter(iters * 2.0 * m * s.n * s.k * 1e-9, benchmark::Counter::kIsRate);
  }
  state.SetLabel(to_string(isa_level()));
}

void register_all() {
  for (const Format& f : kFormats)
    for (int64_t m : {int64_t{1}, kExactRows, int64_t{128}})
      for (Shape s : kShapes)
        for (int threads : {1, 2}) {
          std::vector<Path> paths = {Path::automatic};
          // Integer weights at m = 1: each int8 dot this CPU runs, and the f32-activation path.
          if (m == kExactRows && f.type != ET::f16 && f.type != ET::f32) paths.push_back(Path::f32);
          if (m == 1 && f.type != ET::f16 && f.type != ET::f32) {
            paths.push_back(Path::f32);
            const Int8Dot dots[] = {Int8Dot::vnni512, Int8Dot::vnni256, Int8Dot::avx_vnni256, Int8Dot::avx2_maddubs};
            const Path as_path[] = {Path::vnni512, Path::vnni256, Path::avx_vnni256, Path::avx2_maddubs};
            for (int d = 0; d < 4; ++d)
              if (int8_dot_supported(dots[d]) && !(dots[d] == Int8Dot::avx2_maddubs && f.type == ET::u8))
                paths.push_back(as_path[d]);
          }
          for (Path p : paths) {
            std::string name = std::string(f.name) + "/" + std::to_string(s.n) + "x" + std::to_string(s.k) + "/m" +
                               std::to_string(m) + "/t" + std::to_string(threads) + path_name(p);
            benchmark::RegisterBenchmark(name.c_str(), run, f, s, m, threads, p, false)
                ->Unit(benchmark::kMicrosecond)
                ->UseRealTime()
                ->MinTime(m <= kExactRows ? 0.3 : 0.5);
            // The compute ceiling: one copy of the 256 x 2048 matrix, read from the cache.
            if (m == 1 && s.n == 256 && threads == 1)
              benchmark::RegisterBenchmark((name + "/hot").c_str(), run, f, s, m, threads, p, true)
                  ->Unit(benchmark::kMicrosecond)
                  ->UseRealTime()
                  ->MinTime(0.2);
          }
        }
}

}  // namespace
}  // namespace openarc::kernels

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  openarc::kernels::register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

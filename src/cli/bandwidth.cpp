#include "cli/bandwidth.h"

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

#include "core/error.h"
#include "kernels/cpu_info.h"

namespace openarc::cli {
namespace {

constexpr size_t kLine = 64;  // bytes per cache line; the buffer and the slices align to it
constexpr size_t kLineWords = kLine / sizeof(uint64_t);

// Eight independent sums, so the compiler turns the loop into one vector add per loaded vector
// with no dependency chain longer than the memory latency allows.
[[gnu::always_inline]] inline uint64_t sum_body(const uint64_t* p, size_t words) {
  uint64_t acc[kLineWords] = {};
  for (size_t i = 0; i < words; i += kLineWords)
    for (size_t k = 0; k < kLineWords; ++k) acc[k] += p[i + k];
  uint64_t s = 0;
  for (uint64_t a : acc) s += a;
  return s;
}

// One body per level the kernels dispatch on, so OPENARC_ISA governs the probe as it does them.
uint64_t sum_scalar(const uint64_t* p, size_t words) { return sum_body(p, words); }
[[gnu::target("avx2")]] uint64_t sum_avx2(const uint64_t* p, size_t words) { return sum_body(p, words); }
[[gnu::target("avx512f")]] uint64_t sum_avx512(const uint64_t* p, size_t words) { return sum_body(p, words); }

using SumFn = uint64_t (*)(const uint64_t*, size_t);

SumFn sum_for_isa() {
  switch (kernels::isa_level()) {
    case kernels::IsaLevel::avx512: return sum_avx512;
    case kernels::IsaLevel::avx2: return sum_avx2;
    default: return sum_scalar;
  }
}

// Slice t of `threads` over `lines` cache lines: [begin, end) in words.
std::pair<size_t, size_t> slice(size_t lines, int threads, int t) {
  size_t per = lines / threads, extra = lines % threads;
  size_t begin = t * per + std::min<size_t>(t, extra);
  size_t end = begin + per + (static_cast<size_t>(t) < extra ? 1 : 0);
  return {begin * kLineWords, end * kLineWords};
}

}  // namespace

void BandwidthProbe::FreeAligned::operator()(uint64_t* p) const { std::free(p); }

BandwidthProbe::BandwidthProbe(size_t bytes) : words_(bytes / kLine * kLineWords) {
  check(words_ > 0, "the bandwidth buffer must hold at least one cache line");
  auto* p = static_cast<uint64_t*>(std::aligned_alloc(kLine, words_ * sizeof(uint64_t)));
  if (p == nullptr) throw std::bad_alloc();
  data_.reset(p);
  // Written, not left zero: untouched pages all map the kernel's one zero page, which the cache holds.
  for (size_t i = 0; i < words_; ++i) p[i] = i * 0x9E3779B97F4A7C15ull;
}

double BandwidthProbe::read_gbps(int threads, int passes) const {
  check(threads >= 1, "bandwidth: the thread count must be at least 1, got ", threads);
  check(passes >= 1, "bandwidth: the pass count must be at least 1, got ", passes);
  const SumFn sum = sum_for_isa();
  const size_t lines = words_ / kLineWords;
  // Two barrier phases per pass: every thread starts together after the clock starts, and the
  // clock stops when the slowest one is done.
  std::barrier sync(threads + 1);
  std::vector<uint64_t> sums(static_cast<size_t>(threads) * kLineWords);  // a line each: no false sharing
  std::vector<std::jthread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto [begin, end] = slice(lines, threads, t);
      for (int pass = 0; pass < passes; ++pass) {
        sync.arrive_and_wait();
        sums[t * kLineWords] += sum(data_.get() + begin, end - begin);
        sync.arrive_and_wait();
      }
    });
  }
  double best = 0;
  for (int pass = 0; pass < passes; ++pass) {
    sync.arrive_and_wait();
    auto start = std::chrono::steady_clock::now();
    sync.arrive_and_wait();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (seconds > 0) best = std::max(best, static_cast<double>(bytes()) / seconds / 1e9);
  }
  workers.clear();
  // The sums are never zero for this pattern; testing them keeps the reads from being optimised out.
  uint64_t total = 0;
  for (uint64_t s : sums) total |= s;
  check(total != 0, "bandwidth: the buffer read back as zeros");
  return best;
}

int64_t BandwidthProbe::last_level_cache_bytes() {
  int64_t best = 0;
  int level = 0;
  for (const kernels::CacheInfo& c : kernels::cpu_info().caches) {
    if (c.type == "Instruction") continue;
    if (c.level > level || (c.level == level && c.size_bytes > best)) {
      level = c.level;
      best = c.size_bytes;
    }
  }
  return best;
}

}  // namespace openarc::cli

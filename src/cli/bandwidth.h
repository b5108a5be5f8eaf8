// The machine's memory read bandwidth: the bound on decode speed, which streams every weight once
// per token. Threads stream disjoint slices of a buffer much larger than the last-level cache and
// sum them (the sum keeps the loads alive); the best of several passes is reported, since a pass
// can only be slowed down by other work on the machine, never sped up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace openarc::cli {

class BandwidthProbe {
 public:
  // Allocates and fills `bytes` (rounded down to whole cache lines) once, so every thread count
  // measured reads the same memory.
  explicit BandwidthProbe(size_t bytes);

  size_t bytes() const { return words_ * sizeof(uint64_t); }

  // GB/s (10^9 bytes per second) of the fastest of `passes` reads of the whole buffer by `threads`
  // threads.
  double read_gbps(int threads, int passes) const;

  // The last-level cache of this CPU in bytes (0 when unknown), to size the buffer beyond it.
  static int64_t last_level_cache_bytes();

 private:
  struct FreeAligned {
    void operator()(uint64_t* p) const;
  };
  std::unique_ptr<uint64_t[], FreeAligned> data_;
  size_t words_ = 0;
};

}  // namespace openarc::cli

// What the CPU can do, read once with cpuid, and the instruction-set level the kernels use.
// The level is the best the CPU (and the OS, through XGETBV) supports, unless OPENARC_ISA
// (scalar | avx2 | avx512) asks for a lower one, so every path can be tested on one machine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace openarc::kernels {

enum class IsaLevel : uint8_t { scalar, avx2, avx512 };

const char* to_string(IsaLevel level);

struct CacheInfo {
  int level = 0;
  std::string type;  // Data, Instruction, Unified
  int64_t size_bytes = 0;
};

struct CpuInfo {
  std::string vendor, model_name;
  int logical_cores = 0;
  int physical_cores = 0;
  bool sse42 = false, avx = false, avx2 = false, fma = false, f16c = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512_vnni = false, avx512_bf16 = false;
  bool avx_vnni = false, amx_tile = false, amx_int8 = false, amx_bf16 = false;
  std::vector<CacheInfo> caches;
  int64_t memory_bytes = 0;
  IsaLevel best = IsaLevel::scalar;  // what the hardware allows
};

const CpuInfo& cpu_info();

// The level kernels dispatch on: min(best, OPENARC_ISA). An unknown OPENARC_ISA value is
// reported once on stderr and ignored.
IsaLevel isa_level();
// Overrides the level for this process (tests); clamps to what the CPU supports, returns it.
IsaLevel set_isa_level(IsaLevel level);
// Parses "scalar", "avx2", "avx512"; returns false for anything else.
bool parse_isa_level(const std::string& name, IsaLevel& out);

}  // namespace openarc::kernels

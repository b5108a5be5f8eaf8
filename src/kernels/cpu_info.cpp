#include "kernels/cpu_info.h"

#include <cpuid.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace openarc::kernels {
namespace {

uint64_t xgetbv0() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

int64_t parse_cache_size(const std::string& s) {  // "32K", "512K", "32768K", "1M"
  if (s.empty()) return 0;
  int64_t v = std::atoll(s.c_str());
  char unit = s.back();
  return unit == 'K' ? v * 1024 : unit == 'M' ? v * 1024 * 1024 : v;
}

CpuInfo detect() {
  CpuInfo c;
  unsigned a = 0, b = 0, cx = 0, d = 0;
  __get_cpuid(0, &a, &b, &cx, &d);
  unsigned max_leaf = a;
  char vendor[13] = {};
  std::memcpy(vendor, &b, 4);
  std::memcpy(vendor + 4, &d, 4);
  std::memcpy(vendor + 8, &cx, 4);
  c.vendor = vendor;

  __get_cpuid(1, &a, &b, &cx, &d);
  c.sse42 = cx & bit_SSE4_2;
  bool osxsave = cx & bit_OSXSAVE;
  c.avx = (cx & bit_AVX) && osxsave;
  c.fma = cx & bit_FMA;
  c.f16c = cx & bit_F16C;
  uint64_t xcr0 = osxsave ? xgetbv0() : 0;
  bool os_avx = (xcr0 & 0x6) == 0x6;
  bool os_avx512 = (xcr0 & 0xe6) == 0xe6;
  bool os_amx = (xcr0 & 0x60000) == 0x60000;
  if (max_leaf >= 7) {
    __cpuid_count(7, 0, a, b, cx, d);
    c.avx2 = (b & bit_AVX2) && os_avx;
    c.avx512f = (b & bit_AVX512F) && os_avx512;
    c.avx512bw = (b & bit_AVX512BW) && os_avx512;
    c.avx512vl = (b & bit_AVX512VL) && os_avx512;
    c.avx512_vnni = (cx & bit_AVX512VNNI) && os_avx512;
    c.amx_tile = (d & (1u << 24)) && os_amx;
    c.amx_int8 = (d & (1u << 25)) && os_amx;
    c.amx_bf16 = (d & (1u << 22)) && os_amx;
    __cpuid_count(7, 1, a, b, cx, d);
    c.avx_vnni = (a & (1u << 4)) && os_avx;
    c.avx512_bf16 = (a & (1u << 5)) && os_avx512;
  }
  c.avx = c.avx && os_avx;

  unsigned ext = __get_cpuid_max(0x80000000, nullptr);
  if (ext >= 0x80000004) {
    char brand[49] = {};
    for (unsigned i = 0; i < 3; ++i) {
      __get_cpuid(0x80000002 + i, &a, &b, &cx, &d);
      std::memcpy(brand + 16 * i, &a, 4);
      std::memcpy(brand + 16 * i + 4, &b, 4);
      std::memcpy(brand + 16 * i + 8, &cx, 4);
      std::memcpy(brand + 16 * i + 12, &d, 4);
    }
    c.model_name = brand;
    while (!c.model_name.empty() && c.model_name.back() == ' ') c.model_name.pop_back();
    while (!c.model_name.empty() && c.model_name.front() == ' ') c.model_name.erase(0, 1);
  }

  c.logical_cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  std::set<std::string> cores;
  for (int i = 0; i < c.logical_cores; ++i) {
    std::string base = "/sys/devices/system/cpu/cpu" + std::to_string(i) + "/topology/";
    cores.insert(read_line(base + "physical_package_id") + ":" + read_line(base + "core_id"));
  }
  c.physical_cores = cores.empty() ? c.logical_cores : static_cast<int>(cores.size());
  for (int i = 0; i < 8; ++i) {
    std::string base = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    std::string level = read_line(base + "level");
    if (level.empty()) break;
    c.caches.push_back({std::atoi(level.c_str()), read_line(base + "type"), parse_cache_size(read_line(base + "size"))});
  }
  c.memory_bytes = static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);

  c.best = IsaLevel::scalar;
  if (c.avx2 && c.fma && c.f16c) c.best = IsaLevel::avx2;
  if (c.best == IsaLevel::avx2 && c.avx512f && c.avx512bw && c.avx512vl) c.best = IsaLevel::avx512;
  return c;
}

std::atomic<int> g_level{-1};

}  // namespace

const char* to_string(IsaLevel level) {
  switch (level) {
    case IsaLevel::scalar: return "scalar";
    case IsaLevel::avx2: return "avx2";
    case IsaLevel::avx512: return "avx512";
  }
  return "scalar";
}

bool parse_isa_level(const std::string& name, IsaLevel& out) {
  for (IsaLevel l : {IsaLevel::scalar, IsaLevel::avx2, IsaLevel::avx512}) {
    if (name == to_string(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

const CpuInfo& cpu_info() {
  static const CpuInfo info = detect();
  return info;
}

IsaLevel set_isa_level(IsaLevel level) {
  IsaLevel best = cpu_info().best;
  IsaLevel chosen = static_cast<int>(level) < static_cast<int>(best) ? level : best;
  g_level.store(static_cast<int>(chosen));
  return chosen;
}

IsaLevel isa_level() {
  int v = g_level.load(std::memory_order_relaxed);
  if (v >= 0) return static_cast<IsaLevel>(v);
  IsaLevel wanted = cpu_info().best;
  if (const char* env = std::getenv("OPENARC_ISA")) {
    if (!parse_isa_level(env, wanted)) {
      std::fprintf(stderr, "openarc: ignoring OPENARC_ISA=%s (expected scalar, avx2 or avx512)\n", env);
      wanted = cpu_info().best;
    }
  }
  return set_isa_level(wanted);
}

}  // namespace openarc::kernels

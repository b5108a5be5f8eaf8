#include "runtime/devices.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "kernels/cpu_info.h"

namespace openarc::runtime {
namespace {

std::string list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool known_family(const std::string& base) { return base == "CPU" || base == "GPU" || base == "NPU"; }

}  // namespace

std::vector<std::string> available_devices() { return {"CPU"}; }

std::string resolve_device(const std::string& requested) {
  std::string name = requested;
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  check(!name.empty(), "device name is empty (available devices: ", list(available_devices()), ")");
  size_t colon = name.find(':');
  std::string head = name.substr(0, colon);
  if (head == "AUTO" || head == "HETERO" || head == "MULTI") {
    if (colon == std::string::npos) {
      check(head == "AUTO", head, " needs a device list, e.g. ", head, ":GPU,CPU");
      return available_devices().front();
    }
    std::string rest = name.substr(colon + 1);
    std::vector<std::string> candidates;
    for (size_t start = 0; start <= rest.size();) {
      size_t comma = rest.find(',', start);
      candidates.push_back(rest.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    for (const std::string& c : candidates) {
      std::string base = c.substr(0, c.find('.'));
      check(known_family(base), "unknown device '", c, "' in '", requested, "' (available devices: ",
            list(available_devices()), ")");
      for (const std::string& a : available_devices())
        if (base == a) return a;
    }
    fail("none of the devices in '", requested, "' can run in this build (available devices: ",
         list(available_devices()), ")");
  }
  std::string base = head.substr(0, head.find('.'));
  if (base == "CPU" && head.size() == 3) return "CPU";
  if (known_family(base))
    fail("device '", requested, "' is not available in this build (available devices: ", list(available_devices()), ")");
  fail("unknown device '", requested, "' (available devices: ", list(available_devices()), ")");
}

nlohmann::json devices_report() {
  const kernels::CpuInfo& c = kernels::cpu_info();
  std::vector<std::string> capabilities = {"FP32", "INT8", "EXPORT_IMPORT"};
  if (c.f16c) capabilities.insert(capabilities.begin() + 1, "FP16");
  if (c.avx512_bf16 || c.amx_bf16) capabilities.insert(capabilities.begin() + 1, "BF16");
  nlohmann::json isa = {{"SSE4.2", c.sse42},          {"AVX", c.avx},
                        {"AVX2", c.avx2},             {"FMA", c.fma},
                        {"F16C", c.f16c},             {"AVX512F", c.avx512f},
                        {"AVX512BW", c.avx512bw},     {"AVX512VL", c.avx512vl},
                        {"AVX512_VNNI", c.avx512_vnni}, {"AVX512_BF16", c.avx512_bf16},
                        {"AVX_VNNI", c.avx_vnni},     {"AMX_TILE", c.amx_tile},
                        {"AMX_INT8", c.amx_int8},     {"AMX_BF16", c.amx_bf16}};
  nlohmann::json caches = nlohmann::json::array();
  for (const kernels::CacheInfo& k : c.caches)
    caches.push_back({{"level", k.level}, {"type", k.type}, {"size_bytes", k.size_bytes}});
  nlohmann::json cpu = {
      {"device", "CPU"},
      {"FULL_DEVICE_NAME", c.model_name.empty() ? c.vendor : c.model_name},
      {"DEVICE_TYPE", "integrated"},
      {"DEVICE_ARCHITECTURE", "intel64"},
      {"OPTIMIZATION_CAPABILITIES", capabilities},
      {"RANGE_FOR_STREAMS", {1, c.logical_cores}},
      {"INFERENCE_NUM_THREADS", c.logical_cores},
      {"vendor", c.vendor},
      {"physical_cores", c.physical_cores},
      {"logical_cores", c.logical_cores},
      {"isa", isa},
      {"caches", caches},
      {"memory_bytes", c.memory_bytes},
      {"kernels", {{"isa_level", kernels::to_string(kernels::isa_level())},
                   {"best_isa_level", kernels::to_string(c.best)}}},
  };
  return {{"devices", nlohmann::json::array({cpu})}, {"available_devices", available_devices()}};
}

}  // namespace openarc::runtime

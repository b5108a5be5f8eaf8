// Devices as OpenVINO names them (CPU, GPU, GPU.1, NPU, AUTO, AUTO:GPU,CPU, HETERO:GPU,CPU,
// MULTI:...). This build drives the CPU; the rest are recognised and refused with the list of
// what is available.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace openarc::runtime {

std::vector<std::string> available_devices();  // {"CPU"}

// The device a request for `name` runs on. AUTO, AUTO:..., HETERO:... and MULTI:... resolve to
// the first available device in their list (AUTO alone: CPU). Throws Error naming the device
// and listing the available ones when none can run here.
std::string resolve_device(const std::string& name);

// Everything `openarc devices --json` and GET /v1/devices report, under OpenVINO's property
// names where one exists (FULL_DEVICE_NAME, OPTIMIZATION_CAPABILITIES ...).
nlohmann::json devices_report();

}  // namespace openarc::runtime

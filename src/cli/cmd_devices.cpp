// `openarc devices`: what this machine offers, as OpenVINO's device properties name it.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/commands.h"
#include "runtime/devices.h"

namespace openarc::cli {
namespace {

void print_devices(bool json) {
  nlohmann::json r = runtime::devices_report();
  if (json) {
    std::cout << r.dump(2) << "\n";
    return;
  }
  for (const nlohmann::json& d : r["devices"]) {
    std::cout << d["device"].get<std::string>() << ": " << d["FULL_DEVICE_NAME"].get<std::string>() << "\n";
    std::cout << "  cores: " << d["physical_cores"] << " physical, " << d["logical_cores"] << " logical\n";
    std::cout << "  memory: " << d["memory_bytes"].get<int64_t>() / (1024 * 1024) << " MiB\n";
    std::string isa;
    for (auto& [name, has] : d["isa"].items())
      if (has.get<bool>()) isa += (isa.empty() ? "" : " ") + name;
    std::cout << "  isa: " << isa << "\n";
    std::cout << "  caches:";
    for (const nlohmann::json& c : d["caches"])
      std::cout << " L" << c["level"] << " " << c["type"].get<std::string>() << " " << c["size_bytes"].get<int64_t>() / 1024
                << " KiB;";
    std::cout << "\n  OPTIMIZATION_CAPABILITIES: ";
    for (const nlohmann::json& c : d["OPTIMIZATION_CAPABILITIES"]) std::cout << c.get<std::string>() << " ";
    std::cout << "\n  kernels: " << d["kernels"]["isa_level"].get<std::string>() << " (best on this CPU: "
              << d["kernels"]["best_isa_level"].get<std::string>() << ")\n";
  }
}

}  // namespace

void add_devices_command(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("devices", "List the devices OpenArc can run on and their properties");
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->callback([json] { print_devices(*json); });
}

}  // namespace openarc::cli

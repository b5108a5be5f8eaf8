// `openarc inspect PATH [--json]`: what an IR model is, read from its files: interface (inputs,
// outputs, variables), op counts, weight bytes by precision, parameter count, and whether every
// layer is supported. The structure is reported even when the .bin is absent or binding fails;
// the exit code is 0 only when the model reads and binds.
// The report itself is graph/inspect.cpp (the dashboard shows it too); this file prints it.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <map>

#include "cli/commands.h"
#include "core/error.h"
#include "graph/inspect.h"

namespace openarc::cli {
namespace {

using nlohmann::json;

std::string human_bytes(int64_t b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(b);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", v, units[u]);
  return buf;
}

void print_ports(const char* title, const json& ports) {
  std::cout << title << " (" << ports.size() << "):\n";
  for (const json& p : ports)
    std::cout << "  " << p["name"].get<std::string>() << "  " << p["type"].get<std::string>() << " "
              << p["shape"].get<std::string>() << "\n";
}

void print_text(const json& r) {
  std::cout << "model: " << r["model"].get<std::string>() << " (IR v" << r["ir_version"] << ")\n";
  std::cout << "xml: " << r["xml"].get<std::string>() << "\n";
  if (r["weights_found"].get<bool>())
    std::cout << "weights: " << r["weights_file"].get<std::string>() << "\n";
  else
    std::cout << "weights: not found (.bin absent): structure from the XML only, constants have no values\n";
  print_ports("inputs", r["inputs"]);
  print_ports("outputs", r["outputs"]);
  // Variables come in dozens (two per layer): one line per distinct type and shape.
  std::cout << "variables (" << r["variables"].size() << "):\n";
  std::map<std::string, std::pair<int, std::string>> groups;  // "type shape" -> (count, first id)
  for (const json& v : r["variables"]) {
    auto& g = groups[v["type"].get<std::string>() + " " + v["shape"].get<std::string>()];
    if (g.first++ == 0) g.second = v["name"].get<std::string>();
  }
  for (const auto& [ts, g] : groups)
    std::cout << "  " << g.first << " x " << ts << " (" << g.second << (g.first > 1 ? ", ..." : "") << ")\n";
  std::cout << "layers: " << r["layers"] << " (" << r["ops"].size() << " op types)\n";
  for (auto& [op, count] : r["ops"].items()) std::cout << "  " << op << ": " << count << "\n";
  std::cout << "constants: " << human_bytes(r["constant_bytes"].get<int64_t>()) << "\n";
  for (const json& c : r["constants"])
    std::cout << "  " << c["element_type"].get<std::string>() << ": " << c["consts"] << " consts, "
              << human_bytes(c["bytes"].get<int64_t>()) << "; weights (2+ dims): " << c["weights"] << ", "
              << human_bytes(c["weight_bytes"].get<int64_t>()) << "\n";
  std::cout << "parameters: " << r["parameters"] << "\n";
  if (r["unsupported_ops"].empty()) {
    std::cout << "unsupported ops: none\n";
  } else {
    std::cout << "unsupported ops (" << r["unsupported_ops"].size() << "):\n";
    for (const json& u : r["unsupported_ops"])
      std::cout << "  " << u["type"].get<std::string>() << "-" << u["version"].get<std::string>() << ": " << u["count"]
                << " layers\n";
  }
  if (!r["fusions"].empty()) {
    std::cout << "fusions:\n";
    for (const json& f : r["fusions"]) std::cout << "  " << f["pass"].get<std::string>() << ": " << f["fired"] << "\n";
    std::cout << "layers after fusion: " << r["layers_after_fusion"] << "\n";
    for (auto& [op, count] : r["ops_after_fusion"].items()) std::cout << "  " << op << ": " << count << "\n";
  }
  std::cout << "status: " << (r["bound"].get<bool>() ? "ok, every layer binds" : "does not bind") << "\n";
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  struct Options {
    std::string path;
    bool json = false;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("inspect", "Describe an OpenVINO IR model: interface, ops, weights, support");
  cmd->add_option("path", opt->path, "Model folder (openvino_model.xml inside) or .xml file")->required();
  cmd->add_flag("--json", opt->json, "Print JSON");
  cmd->callback([opt] {
    std::string bind_error;
    json r = graph::inspect_model(opt->path, bind_error);
    if (opt->json)
      std::cout << r.dump(2) << "\n";
    else
      print_text(r);
    std::cout.flush();
    if (!bind_error.empty()) fail("the model does not bind: ", bind_error);
  });
}

}  // namespace openarc::cli

// `openarc infer`: one inference with inputs from .npy files or JSON arrays; every output is
// written as .npy so a model can be checked from numpy.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "core/error.h"
#include "core/mapped_file.h"
#include "core/npy.h"
#include "ir/reader.h"
#include "runtime/compiled_model.h"

namespace openarc::cli {
namespace {

// Shape of a nested JSON array; every row at one depth must have the same length.
void json_shape(const nlohmann::json& j, size_t depth, Shape& shape, const std::string& name) {
  if (!j.is_array()) {
    check(depth == shape.size(), "input '", name, "': ragged JSON array");
    check(j.is_number() || j.is_boolean(), "input '", name, "': JSON arrays must hold numbers");
    return;
  }
  if (depth == shape.size()) shape.push_back(static_cast<int64_t>(j.size()));
  check(shape[depth] == static_cast<int64_t>(j.size()), "input '", name, "': ragged JSON array");
  for (const auto& e : j) json_shape(e, depth + 1, shape, name);
}

void json_fill(const nlohmann::json& j, Tensor& t, int64_t& i) {
  if (j.is_array()) {
    for (const auto& e : j) json_fill(e, t, i);
  } else if (is_float(t.type())) {
    t.set_f64(i++, j.get<double>());
  } else {
    t.set_i64(i++, j.is_boolean() ? static_cast<int64_t>(j.get<bool>()) : j.get<int64_t>());
  }
}

Tensor tensor_from_json(const std::string& text, ElementType type, const std::string& name) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  check(!j.is_discarded(), "input '", name, "': not valid JSON");
  Shape shape;
  json_shape(j, 0, shape, name);
  Tensor t(type, shape);
  int64_t i = 0;
  json_fill(j, t, i);
  return t;
}

Tensor load_input(const std::string& value, ElementType type, const std::string& name) {
  if (!value.empty() && (value[0] == '[' || std::isdigit(static_cast<unsigned char>(value[0])) || value[0] == '-'))
    return tensor_from_json(value, type, name);
  if (value.size() > 5 && value.substr(value.size() - 5) == ".json") return tensor_from_json(read_file(value), type, name);
  Tensor t = read_npy(value);
  check(t.type() == type, "input '", name, "' must be ", to_string(type), "; ", value, " holds ", to_string(t.type()));
  return t;
}

std::string file_name_for(const std::string& output) {
  std::string out;
  for (char c : output) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  return out + ".npy";
}

struct InferArgs {
  std::string model;
  std::vector<std::string> inputs;
  std::string output_dir = ".";
};

void run_infer(const InferArgs& args) {
  auto model = std::make_shared<ir::Model>(ir::read_model(ir::resolve_model_xml(args.model)));
  auto compiled = runtime::CompiledModel::compile(model);
  runtime::InferRequest request = compiled->create_infer_request();
  std::vector<bool> set(compiled->inputs().size(), false);
  for (const std::string& spec : args.inputs) {
    size_t eq = spec.find('=');
    check(eq != std::string::npos && eq > 0, "--input takes NAME=FILE, got '", spec, "'");
    std::string name = spec.substr(0, eq);
    size_t index = compiled->input_index(name);
    request.set_input(index, load_input(spec.substr(eq + 1), compiled->inputs()[index].type, name));
    set[index] = true;
  }
  for (size_t i = 0; i < set.size(); ++i)
    check(set[i], "input '", compiled->inputs()[i].name, "' is not given (--input ", compiled->inputs()[i].name, "=FILE)");
  request.infer();
  std::filesystem::create_directories(args.output_dir);
  for (size_t i = 0; i < compiled->outputs().size(); ++i) {
    const Tensor& t = request.output(i);
    std::string path = (std::filesystem::path(args.output_dir) / file_name_for(compiled->outputs()[i].name)).string();
    write_npy(t, path);
    std::cout << compiled->outputs()[i].name << " " << to_string(t.type()) << to_string(t.shape()) << " -> " << path
              << "\n";
  }
}

}  // namespace

void add_infer_command(CLI::App& app) {
  auto args = std::make_shared<InferArgs>();
  CLI::App* cmd = app.add_subcommand("infer", "Run one inference; inputs from .npy or JSON, outputs written as .npy");
  cmd->add_option("--model", args->model, "Model folder or .xml")->required();
  cmd->add_option("--input", args->inputs, "NAME=FILE.npy, NAME=FILE.json or NAME='[[1,2]]' (one per input)");
  cmd->add_option("--output-dir", args->output_dir, "Where to write <output>.npy files")->capture_default_str();
  cmd->callback([args] { run_infer(*args); });
}

}  // namespace openarc::cli

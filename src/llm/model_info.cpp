#include "llm/model_info.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/mapped_file.h"

namespace openarc::llm {
namespace fs = std::filesystem;

namespace {

nlohmann::json read_json_if_present(const fs::path& path) {
  if (!fs::exists(path)) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(read_file(path.string()), nullptr, false);
  check(!j.is_discarded() && j.is_object(), path.string(), ": not a JSON object");
  return j;
}

}  // namespace

ModelInfo read_model_info(const fs::path& dir, const ir::Model& model) {
  ModelInfo info;
  info.path = fs::absolute(dir).lexically_normal().string();
  nlohmann::json config = read_json_if_present(dir / "config.json");
  if (config.contains("architectures") && config["architectures"].is_array() && !config["architectures"].empty() &&
      config["architectures"][0].is_string())
    info.architecture = config["architectures"][0].get<std::string>();
  else if (config.contains("model_type") && config["model_type"].is_string())
    info.architecture = config["model_type"].get<std::string>();
  for (const char* key : {"max_position_embeddings", "n_positions", "max_sequence_length", "seq_length", "n_ctx"}) {
    if (config.contains(key) && config[key].is_number_integer()) {
      info.context_length = config[key].get<int64_t>();
      break;
    }
  }

  std::map<ElementType, int64_t> bytes_by_type;
  std::set<const void*> seen;
  for (const ir::Node& n : model.nodes) {
    if (n.type != "Const" || !n.constant.valid()) continue;
    const Tensor& t = n.constant;
    if (!seen.insert(t.data()).second) continue;
    info.weight_bytes += static_cast<int64_t>(t.byte_size());
    if (t.rank() >= 2 && t.size() >= 64) {
      // A grouped weight [N, K/G, G] is one matrix; its scales and zero points are not parameters.
      bool is_scale_or_zp = t.shape().back() == 1;
      if (!is_scale_or_zp) {
        info.parameters += t.size();
        bytes_by_type[t.type()] += static_cast<int64_t>(t.byte_size());
      }
    }
  }

  nlohmann::json ov = read_json_if_present(dir / "openvino_config.json");
  if (ov.contains("quantization_config") && ov["quantization_config"].is_object()) {
    const nlohmann::json& q = ov["quantization_config"];
    if (q.contains("weight_format") && q["weight_format"].is_string()) info.weight_format = q["weight_format"];
    else if (q.contains("bits") && q["bits"].is_number_integer())
      info.weight_format = "int" + std::to_string(q["bits"].get<int>());
  } else if (ov.contains("weight_format") && ov["weight_format"].is_string()) {
    info.weight_format = ov["weight_format"];
  }
  if (info.weight_format.empty() && !bytes_by_type.empty()) {
    // The type holding most weight bytes names the format.
    auto top = std::max_element(bytes_by_type.begin(), bytes_by_type.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; });
    switch (top->first) {
      case ElementType::u4:
      case ElementType::i4: info.weight_format = "int4"; break;
      case ElementType::u8:
      case ElementType::i8: info.weight_format = "int8"; break;
      case ElementType::f16: info.weight_format = "fp16"; break;
      case ElementType::bf16: info.weight_format = "bf16"; break;
      default: info.weight_format = "fp32"; break;
    }
  }
  return info;
}

}  // namespace openarc::llm

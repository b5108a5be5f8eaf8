// What a client needs to choose and describe models: GET /openarc/folders (the folders under
// --models-dir it may load or convert), GET /openarc/models (the same folders described as
// OpenArc 2.x lists them: architecture, weight format, size, openarc.json), GET
// /openarc/ov-config (the keys a load accepts), and GET /openarc/model-info?model=NAME (a loaded
// model's config files, an architecture summary and `openarc inspect`'s report of its IR).
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "graph/inspect.h"
#include "server/api_error.h"
#include "server/handlers.h"
#include "server/models_dir.h"
#include "server/ov_config.h"

namespace openarc::server {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

// A JSON file of the model folder, or null when absent; a file that does not parse is reported
// as {"error": ...} rather than failing the whole answer. Key order is the file's.
nlohmann::ordered_json read_json_file(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return nullptr;
  std::ifstream in(p);
  try {
    return nlohmann::ordered_json::parse(in);
  } catch (const json::exception& e) {
    return {{"error", p.filename().string() + " does not parse: " + e.what()}};
  }
}

// The first of `keys` present in the config (or its text_config, as multimodal models nest it).
json config_value(const nlohmann::ordered_json& cfg, std::initializer_list<const char*> keys) {
  for (const nlohmann::ordered_json* c : {&cfg, cfg.contains("text_config") ? &cfg["text_config"] : nullptr}) {
    if (!c || !c->is_object()) continue;
    for (const char* k : keys)
      if (c->contains(k) && !(*c)[k].is_null()) return json::parse((*c)[k].dump());
  }
  return nullptr;
}

json architecture_summary(const nlohmann::ordered_json& cfg, const llm::ModelInfo& info) {
  json a;
  a["architecture"] = info.architecture;
  a["model_type"] = config_value(cfg, {"model_type"});
  a["layers"] = config_value(cfg, {"num_hidden_layers", "n_layer", "num_layers"});
  a["hidden_size"] = config_value(cfg, {"hidden_size", "n_embd", "d_model"});
  a["intermediate_size"] = config_value(cfg, {"intermediate_size", "n_inner", "ffn_dim"});
  a["heads"] = config_value(cfg, {"num_attention_heads", "n_head"});
  json kv = config_value(cfg, {"num_key_value_heads", "num_kv_heads"});
  a["kv_heads"] = kv.is_null() ? a["heads"] : kv;
  json head_dim = config_value(cfg, {"head_dim"});
  if (head_dim.is_null() && a["hidden_size"].is_number_integer() && a["heads"].is_number_integer() &&
      a["heads"].get<int64_t>() > 0)
    head_dim = a["hidden_size"].get<int64_t>() / a["heads"].get<int64_t>();
  a["head_dim"] = head_dim;
  a["vocab_size"] = config_value(cfg, {"vocab_size"});
  a["max_position_embeddings"] = config_value(cfg, {"max_position_embeddings", "n_positions", "max_sequence_length"});
  a["context_length"] = info.context_length;
  a["rope_theta"] = config_value(cfg, {"rope_theta"});
  a["tie_word_embeddings"] = config_value(cfg, {"tie_word_embeddings"});
  a["parameters"] = info.parameters;
  a["weight_format"] = info.weight_format;
  a["weight_bytes"] = info.weight_bytes;
  return a;
}

// A folder's weight format without loading it: IR records it in openvino_config.json (ours and
// optimum-intel's "dtype", or its quantization bits); a checkpoint in config.json's torch_dtype.
json folder_weight_format(const fs::path& dir, const std::string& kind, const nlohmann::ordered_json& cfg) {
  if (kind == "ir") {
    nlohmann::ordered_json ov = read_json_file(dir / "openvino_config.json");
    if (ov.is_object() && ov.contains("dtype") && ov["dtype"].is_string()) return ov["dtype"].get<std::string>();
    if (ov.is_object() && ov.contains("quantization_config") && ov["quantization_config"].is_object() &&
        ov["quantization_config"].contains("bits") && ov["quantization_config"]["bits"].is_number_integer())
      return "int" + std::to_string(ov["quantization_config"]["bits"].get<int64_t>());
    return nullptr;
  }
  json dtype = config_value(cfg, {"torch_dtype", "dtype"});
  if (!dtype.is_string()) return nullptr;
  const std::string d = dtype.get<std::string>();
  if (d == "float32") return "fp32";
  if (d == "float16") return "fp16";
  if (d == "bfloat16") return "bf16";
  return d;
}

json describe_model_folder(const json& folder) {
  fs::path dir = folder["path"].get<std::string>();
  std::string kind = folder["kind"];
  nlohmann::ordered_json cfg = read_json_file(dir / "config.json");
  nlohmann::ordered_json oa = read_json_file(dir / "openarc.json");
  json openarc = json::parse(oa.dump());
  auto from_openarc = [&](const char* key) { return openarc.is_object() && openarc.contains(key) ? openarc[key] : json(nullptr); };
  json name = from_openarc("model_name");
  json runtime_config = from_openarc("runtime_config");
  json e = {{"id", folder["name"]},
            {"path", folder["path"]},
            {"model_name", name.is_string() ? name : folder["name"]},
            {"model_type", from_openarc("model_type")},
            {"engine", from_openarc("engine")},
            {"vlm_type", from_openarc("vlm_type")},
            {"draft_model_path", from_openarc("draft_model_path")},
            {"draft_device", from_openarc("draft_device")},
            {"num_assistant_tokens", from_openarc("num_assistant_tokens")},
            {"assistant_confidence_threshold", from_openarc("assistant_confidence_threshold")},
            {"runtime_config", runtime_config.is_object() ? runtime_config : json::object()},
            {"hf_author", from_openarc("hf_author")},
            {"hf_repo", from_openarc("hf_repo")},
            {"has_config", !openarc.is_null()},
            {"config", openarc},
            {"kind", kind},
            {"bytes", folder["bytes"]},
            {"architecture", cfg.is_object() ? config_value(cfg, {"architectures"}) : json(nullptr)},
            {"weight_format", folder_weight_format(dir, kind, cfg.is_object() ? cfg : nlohmann::ordered_json::object())}};
  if (e["architecture"].is_array()) e["architecture"] = e["architecture"].empty() ? json(nullptr) : e["architecture"][0];
  return e;
}

}  // namespace

HttpResponse openarc_models(ServerContext& ctx, HttpRequest&) {
  json folders = list_model_folders(ctx);
  json models = json::array();
  for (const json& f : folders["folders"]) models.push_back(describe_model_folder(f));
  json out = {{"models_dir", folders["models_dir"]}, {"models", models}};
  if (folders.contains("error")) out["error"] = folders["error"];
  return json_response(out);
}

HttpResponse model_folders(ServerContext& ctx, HttpRequest&) { return json_response(list_model_folders(ctx)); }

HttpResponse ov_config_options(ServerContext&, HttpRequest&) { return json_response({{"keys", ov_config_keys()}}); }

HttpResponse model_info(ServerContext& ctx, HttpRequest& req) {
  std::string name = req.query_param("model");
  auto model = ctx.registry.get(name);  // 404 listing the loaded models
  fs::path dir(model->path);
  nlohmann::ordered_json config = read_json_file(dir / "config.json");
  json ir;
  {
    std::lock_guard<std::mutex> lock(model->ir_summary_mu);
    if (model->ir_summary.is_null()) {
      std::string bind_error;
      try {
        model->ir_summary = graph::inspect_model(model->path, bind_error);
      } catch (const std::exception& e) {
        model->ir_summary = {{"error", e.what()}};
      }
    }
    ir = model->ir_summary;
  }
  nlohmann::ordered_json out;
  out["model_name"] = model->name;
  out["path"] = model->path;
  out["device"] = model->device;
  out["architecture"] = nlohmann::ordered_json::parse(
      architecture_summary(config.is_object() ? config : nlohmann::ordered_json::object(), model->pipeline->info()).dump());
  out["config"] = config;
  out["generation_config"] = read_json_file(dir / "generation_config.json");
  out["tokenizer_config"] = read_json_file(dir / "tokenizer_config.json");
  out["openvino_config"] = read_json_file(dir / "openvino_config.json");
  out["ir"] = nlohmann::ordered_json::parse(ir.dump());
  HttpResponse r;
  r.body = out.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

}  // namespace openarc::server

#include "server/load_config.h"

#include <cctype>
#include <filesystem>
#include <optional>

#include "core/error.h"
#include "llm/tool_parser.h"
#include "runtime/devices.h"
#include "server/api_error.h"
#include "server/model_export.h"
#include "server/models_dir.h"
#include "server/ov_config.h"

namespace openarc::server {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

// A member of `obj` read as the pydantic models of OpenArc accept it; `prefix` names the object
// in params ("load_config." or "").
struct LoadFields {
  const json& obj;
  std::string prefix;

  const json* get(const char* key) const { return request_field(obj, key); }
  std::string param(const char* key) const { return prefix + key; }

  std::string str(const char* key, const std::string& def) const {
    const json* v = get(key);
    if (!v) return def;
    if (!v->is_string()) throw bad_request("'" + param(key) + "' must be a string, not " + v->dump(), param(key));
    return v->get<std::string>();
  }
  // pydantic's lax booleans: true/false, 0/1, "true"/"false", "yes"/"no", "1"/"0".
  bool boolean(const char* key, bool def) const {
    const json* v = get(key);
    if (!v) return def;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_number_integer() && (v->get<int64_t>() == 0 || v->get<int64_t>() == 1)) return v->get<int64_t>() == 1;
    if (v->is_string()) {
      std::string s = v->get<std::string>();
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (s == "true" || s == "yes" || s == "1" || s == "on") return true;
      if (s == "false" || s == "no" || s == "0" || s == "off") return false;
    }
    throw bad_request("'" + param(key) + "' must be true or false, not " + v->dump(), param(key));
  }
  // An integer, or a string of digits as pydantic accepts it; `what` says what it is for.
  std::optional<int64_t> integer(const char* key, int64_t lo, int64_t hi, const char* what) const {
    const json* v = get(key);
    if (!v) return std::nullopt;
    int64_t n = 0;
    if (v->is_number_integer()) {
      n = v->get<int64_t>();
    } else if (v->is_string() && !v->get<std::string>().empty() && v->get<std::string>().size() < 10 &&
               v->get<std::string>().find_first_not_of("0123456789") == std::string::npos) {
      n = std::stoll(v->get<std::string>());
    } else {
      throw bad_request("'" + param(key) + "' must be an integer (" + what + "), not " + v->dump(), param(key));
    }
    if (n < lo || n > hi)
      throw bad_request("'" + param(key) + "' is " + std::to_string(n) + "; it must be between " + std::to_string(lo) +
                            " and " + std::to_string(hi) + " (" + what + ")",
                        param(key));
    return n;
  }
};

std::string load_device(const LoadFields& f) {
  std::string device = f.str("device", "CPU");
  try {
    return runtime::resolve_device(device);
  } catch (const Error& e) {
    throw bad_request(e.what(), f.param("device"), "device_not_available");
  }
}

void load_tool_parser(const LoadFields& f, LoadRequest& lr) {
  lr.options.tool_parser = f.str("tool_parser", "");
  if (lr.options.tool_parser.empty() || llm::find_tool_parser(lr.options.tool_parser)) return;
  std::string names;
  for (auto n : llm::tool_parser_names()) names += std::string(names.empty() ? "" : ", ") + std::string(n);
  throw bad_request("unknown tool_parser '" + lr.options.tool_parser + "' (one of " + names + ")", f.param("tool_parser"));
}

// What both dialects share once the folder is known: the name (default: the folder's), the
// device, the runtime properties under `props` in the body ("ov_config" or "runtime_config"),
// and our tool_parser. The properties are kept as sent, for status to echo.
void load_name_device_properties(const ServerContext& ctx, const LoadFields& f, const json& body, const char* props,
                                 LoadRequest& lr) {
  lr.name = f.str("model_name", fs::path(lr.path).filename().string());
  if (lr.name.empty()) throw bad_request("'" + f.param("model_name") + "' must not be empty", f.param("model_name"));
  lr.device = load_device(f);
  const json* p = request_field(body, props);
  lr.ov_config = p ? *p : json::object();
  lr.options = pipeline_options(lr.ov_config, ctx.options.threads, ctx.options.ctx_size, props);
  lr.options.device = lr.device;
  load_tool_parser(f, lr);
}

// A Hugging Face folder cannot be run as it is: say how to get IR from it.
void require_ir_folder(const std::string& path, const std::string& param, const char* how) {
  std::string kind = folder_kind(path);
  if (kind == "ir") return;
  if (kind == "hf")
    throw bad_request("'" + path + "' is a Hugging Face folder, not OpenVINO IR; " + how, param, "not_ir_folder");
  throw bad_request("'" + path + "' holds no openvino_model.xml (not an OpenVINO IR model folder)", param, "not_ir_folder");
}

// 2.x's ModelType values; this server runs the first.
constexpr const char* kModelTypes[] = {"llm", "vlm", "cb_llm", "cb_vlm", "whisper", "qwen3_asr", "kokoro",
                                       "qwen3_tts_custom_voice", "qwen3_tts_voice_design", "qwen3_tts_voice_clone",
                                       "emb", "rerank"};
// 2.x's EngineType values: accepted and reported; OpenArc's own runtime runs them all.
constexpr const char* kEngines[] = {"ovgenai", "optimum", "openvino", "openarc"};

}  // namespace

ParsedLoad parse_v1_load(const ServerContext& ctx, const json& body) {
  ParsedLoad out;
  out.dialect = "1.0";
  const bool nested = request_field(body, "load_config") != nullptr;
  const json& lc = nested ? body["load_config"] : body;
  if (!lc.is_object()) throw bad_request("'load_config' must be an object (OV_LoadModelConfig)", "load_config");
  LoadFields f{lc, nested ? "load_config." : ""};
  LoadRequest& lr = out.request;

  std::string requested = f.str("id_model", f.str("model_path", f.str("model", "")));
  if (requested.empty())
    throw bad_request("'" + f.param("id_model") + "' is required: the model's folder (a path, or a name in --models-dir)",
                      f.param("id_model"));
  out.path_param = f.param("id_model");
  lr.path = resolve_model_path(ctx, requested, out.path_param);
  // use_cache false asks for a model without KV state; the IR keeps its KV cache in its state.
  if (!f.boolean("use_cache", true))
    throw bad_request("'" + f.param("use_cache") +
                          "' false is not supported: the model runs stateful, its KV cache in the IR's state "
                          "(only true is allowed)",
                      f.param("use_cache"), "unsupported_value");
  // dynamic_shapes false would reshape to fixed sequence lengths; the runtime plans each call's shapes.
  if (!f.boolean("dynamic_shapes", true))
    throw bad_request("'" + f.param("dynamic_shapes") +
                          "' false is not supported: the runtime infers each call's shapes, and a static reshape "
                          "needs sequence lengths the request does not give (only true is allowed)",
                      f.param("dynamic_shapes"), "unsupported_value");
  const bool export_model = f.boolean("export_model", false);
  if (export_model && folder_kind(lr.path) == "hf") out.export_source = lr.path;
  else require_ir_folder(lr.path, f.param("id_model"), "pass \"export_model\": true to convert it on load");

  load_name_device_properties(ctx, f, body, "ov_config", lr);
  constexpr int64_t kMaxId = (int64_t{1} << 31) - 1;
  lr.options.eos_token_id = f.integer("eos_token_id", 0, kMaxId, "a token id of the model's vocabulary");
  lr.options.bos_token_id = f.integer("bos_token_id", 0, kMaxId, "a token id of the model's vocabulary");
  lr.options.pad_token_id = f.integer("pad_token_id", 0, kMaxId, "a token id of the model's vocabulary");
  // 1.0 served one model and a load replaced it: a body that does not name the model (1.0's own
  // shape) replaces the one of that name; naming it (our extension) is refused when taken.
  lr.replace = LoadFields{body, ""}.boolean("replace", !f.get("model_name"));
  lr.engine = "optimum";  // what 1.0 loaded with; reported in /openarc/status
  return out;
}

ParsedLoad parse_v2_load(const ServerContext& ctx, const json& body) {
  ParsedLoad out;
  out.dialect = "2.x";
  LoadFields f{body, ""};
  LoadRequest& lr = out.request;

  std::string model_type = f.str("model_type", "llm");
  if (model_type != "llm") {
    bool known = false;
    for (const char* t : kModelTypes) known |= model_type == t;
    throw bad_request("model_type '" + model_type + "' is " + (known ? "not supported here" : "unknown") +
                          ": this server runs text generation models (supported: llm)",
                      "model_type", "unsupported_model_type");
  }
  lr.model_type = model_type;
  lr.engine = f.str("engine", "openarc");
  {
    std::string list;
    bool ok = false;
    for (const char* e : kEngines) {
      ok |= lr.engine == e;
      list += (list.empty() ? "" : ", ") + std::string(e);
    }
    if (!ok) throw bad_request("engine '" + lr.engine + "' is unknown (one of " + list + ")", "engine", "unknown_engine");
  }

  std::string requested = f.str("model_path", "");
  if (requested.empty())
    throw bad_request("'model_path' is required: the model's OpenVINO IR folder (a path, or a name in --models-dir)",
                      "model_path");
  out.path_param = "model_path";
  lr.path = resolve_model_path(ctx, requested, out.path_param);
  require_ir_folder(lr.path, "model_path",
                    "convert it first (POST /openarc/convert or `openarc convert`), or load it with OpenArc 1.0's "
                    "export_model: true");
  load_name_device_properties(ctx, f, body, "runtime_config", lr);

  // Speculative decoding: ModelLoadConfig carries these beside runtime_config.
  if (const json* draft = f.get("draft_model_path"))
    throw bad_request("draft_model_path " + draft->dump() +
                          ": a draft model is not supported; speculative decoding here drafts by prompt lookup "
                          "(num_assistant_tokens sets its draft length, 0 to " +
                          std::to_string(llm::kMaxDraftTokens) + ")",
                      "draft_model_path", "draft_model_not_supported");
  f.str("draft_device", "CPU");  // a string, and nothing to place without a draft model
  if (auto n = f.integer("num_assistant_tokens", 0, llm::kMaxDraftTokens, "prompt-lookup draft tokens per step, 0: off"))
    lr.options.speculative_draft = *n;
  if (const json* t = f.get("assistant_confidence_threshold"))
    throw bad_request("assistant_confidence_threshold " + t->dump() +
                          " is not supported: prompt lookup drafts a fixed number of tokens (num_assistant_tokens); "
                          "a confidence threshold needs a draft model's probabilities",
                      "assistant_confidence_threshold", "unsupported_value");
  f.str("vlm_type", "");  // a string; only a vlm model_type (refused above) would read it
  lr.replace = f.boolean("replace", false);
  return out;
}

ParsedLoad parse_any_load(const ServerContext& ctx, const json& body) {
  if (!body.is_object()) throw bad_request("a load request must be a JSON object", "");
  bool v1 = request_field(body, "load_config") || request_field(body, "ov_config") || request_field(body, "id_model") ||
            (request_field(body, "model") && !request_field(body, "model_path"));
  return v1 ? parse_v1_load(ctx, body) : parse_v2_load(ctx, body);
}

std::shared_ptr<ModelEntry> load_parsed_model(ServerContext& ctx, ParsedLoad& p) {
  LoadRequest& lr = p.request;
  if (!p.export_source.empty()) {
    if (!lr.replace)
      for (const auto& m : ctx.registry.all())
        if (m->name == lr.name && m->status == "loaded")
          throw ApiError(409, "conflict",
                         "a model named '" + lr.name + "' is already loaded; unload it or pass \"replace\": true",
                         "model_name", "model_exists");
    lr.source = p.export_source;
    lr.path = export_for_load(ctx, p.export_source, lr.name, p.path_param);
    lr.owned_dir = lr.path;  // the entry removes it when it goes (a failed load's too)
  }
  return ctx.registry.load(lr);
}

}  // namespace openarc::server

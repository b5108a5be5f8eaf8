#include "server/ov_config.h"

#include <cctype>
#include <cmath>
#include <utility>
#include <vector>

#include "server/api_error.h"

namespace openarc::server {
namespace {

using nlohmann::json;

std::string ov_upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

enum class KeyType { integer, choice, boolean, string };

const char* key_type_name(KeyType t) {
  switch (t) {
    case KeyType::integer: return "integer";
    case KeyType::choice: return "choice";
    case KeyType::boolean: return "boolean";
    case KeyType::string: return "string";
  }
  return "string";
}

// One property: how its value is checked, what it does, and the other names clients send it by.
struct KeyInfo {
  const char* key;
  KeyType type;
  std::vector<const char*> values;                        // choice: the allowed values
  std::vector<std::pair<const char*, const char*>> value_aliases;  // choice: other spellings -> a value
  int64_t min = 0, max = 0;                               // integer
  bool applied;                                           // changes what runs (the rest are checked and reported)
  const char* description;
  std::vector<const char*> aliases;  // older names (1.0's PRECISION_HINT) and misspellings clients send
  // Stores the checked value (an int64, bool or canonical string) into the options; null: reported only.
  void (*apply)(llm::PipelineOptions&, const json&) = nullptr;
};

// The keys, in the order a form shows them (the dashboard and its test rely on the first two).
const std::vector<KeyInfo>& key_table() {
  static const std::vector<KeyInfo> keys = {
      {"INFERENCE_NUM_THREADS", KeyType::integer, {}, {}, 0, 1024, true, "threads of the model's pool (0: every core)", {},
       [](llm::PipelineOptions& o, const json& v) { o.compile.num_threads = static_cast<int>(v.get<int64_t>()); }},
      {"KV_CACHE_PRECISION", KeyType::choice, {"f32", "f16", "bf16", "u8"}, {{"fp32", "f32"}, {"fp16", "f16"}}, 0, 0, true,
       "KV cache element type (bf16 and u8 get f16)", {},
       [](llm::PipelineOptions& o, const json& v) {
         o.kv_cache_precision = v.get<std::string>();
         // f32 and f16 caches exist; bf16 and u8 get f16 (as small or smaller, and more precise).
         o.compile.kv_cache_precision = o.kv_cache_precision == "f32" ? ElementType::f32 : ElementType::f16;
       }},
      {"CONTEXT_LENGTH", KeyType::integer, {}, {}, 1, int64_t{1} << 24, true, "context window in tokens", {"MAX_PROMPT_LEN"},
       [](llm::PipelineOptions& o, const json& v) { o.ctx_size = v.get<int64_t>(); }},
      {"PERFORMANCE_HINT", KeyType::choice, {"LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT"}, {}, 0, 0, false,
       "reported; one stream serves a model's requests in turn", {},
       [](llm::PipelineOptions& o, const json& v) { o.performance_hint = v.get<std::string>(); }},
      {"NUM_STREAMS", KeyType::integer, {}, {}, 1, 64, false, "reported (AUTO also accepted)", {},
       [](llm::PipelineOptions& o, const json& v) { o.num_streams = v.get<int64_t>(); }},
      {"INFERENCE_PRECISION_HINT", KeyType::choice, {"f32", "bf16", "f16"},
       {{"fp32", "f32"}, {"fp16", "f16"}, {"auto", "f32"}}, 0, 0, false,
       "reported; activations are f32 (auto: f32, the CPU's precision here)", {"PRECISION_HINT"},
       [](llm::PipelineOptions& o, const json& v) { o.inference_precision = v.get<std::string>(); }},
      {"EXECUTION_MODE_HINT", KeyType::choice, {"PERFORMANCE", "ACCURACY"}, {}, 0, 0, false,
       "reported; activations are f32 in either mode", {}},
      {"CACHE_DIR", KeyType::string, {}, {}, 0, 0, false, "reported; compiling takes well under a second", {"cache_dir"},
       [](llm::PipelineOptions& o, const json& v) { o.cache_dir = v.get<std::string>(); }},
      {"ENABLE_HYPER_THREADING", KeyType::boolean, {}, {}, 0, 0, false, "reported; the OS schedules the pool's threads",
       {"ENABLE_HYPERTHREADING"}},
      {"ENABLE_CPU_PINNING", KeyType::boolean, {}, {}, 0, 0, false, "reported; the OS schedules the pool's threads", {}},
      {"SCHEDULING_CORE_TYPE", KeyType::choice, {"ANY_CORE", "PCORE_ONLY", "ECORE_ONLY"}, {}, 0, 0, false,
       "reported; the OS schedules the pool's threads on any core", {}},
      {"DYNAMIC_QUANTIZATION_GROUP_SIZE", KeyType::integer, {}, {}, 0, 1 << 20, false,
       "reported; integer weights at decode meet activations quantized to int8 in groups of 32", {}},
      {"ATTENTION_BACKEND", KeyType::choice, {"SDPA", "PA"}, {}, 0, 0, false,
       "reported; attention is one fused SDPA over the model's own KV cache", {}},
      {"num_assistant_tokens", KeyType::integer, {}, {}, 0, llm::kMaxDraftTokens, true,
       "speculative decoding by prompt lookup: the draft tokens per step requests get by default (0: off)", {},
       [](llm::PipelineOptions& o, const json& v) { o.speculative_draft = v.get<int64_t>(); }},
  };
  return keys;
}

std::string param_of(const std::string& field, const std::string& key) { return field + "." + key; }

// OpenVINO accepts property values as strings too ("4", "YES"); Python clients send 4.0 at times.
int64_t ov_int_value(const std::string& field, const std::string& key, const json& v, int64_t lo, int64_t hi) {
  int64_t n = 0;
  const std::string p = param_of(field, key);
  if (v.is_number_integer()) {
    n = v.get<int64_t>();
  } else if (v.is_number_float() && std::isfinite(v.get<double>()) && v.get<double>() == std::floor(v.get<double>()) &&
             std::fabs(v.get<double>()) < 1e15) {
    n = static_cast<int64_t>(v.get<double>());
  } else if (v.is_string() && !v.get<std::string>().empty() &&
             v.get<std::string>().find_first_not_of("0123456789") == std::string::npos && v.get<std::string>().size() < 10) {
    n = std::stoll(v.get<std::string>());
  } else {
    throw bad_request(field + " " + key + " must be an integer between " + std::to_string(lo) + " and " +
                          std::to_string(hi) + " (a number or a numeric string), not " + v.dump(),
                      p);
  }
  if (n < lo || n > hi)
    throw bad_request(field + " " + key + " is " + std::to_string(n) + "; it must be between " + std::to_string(lo) +
                          " and " + std::to_string(hi),
                      p);
  return n;
}

std::string ov_choice_value(const std::string& field, const std::string& key, const KeyInfo& k, const json& v) {
  std::string list;
  for (const char* a : k.values) list += (list.empty() ? "" : ", ") + std::string(a);
  if (v.is_string()) {
    std::string s = ov_upper(v.get<std::string>());
    for (const char* a : k.values)
      if (s == ov_upper(a)) return a;
    for (const auto& [alias, value] : k.value_aliases)
      if (s == ov_upper(alias)) return value;
  }
  throw bad_request(field + " " + key + " is " + v.dump() + "; it must be one of " + list, param_of(field, key));
}

bool ov_bool_value(const std::string& field, const std::string& key, const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer() && (v.get<int64_t>() == 0 || v.get<int64_t>() == 1)) return v.get<int64_t>() == 1;
  if (v.is_string()) {
    std::string s = ov_upper(v.get<std::string>());
    if (s == "YES" || s == "TRUE" || s == "1") return true;
    if (s == "NO" || s == "FALSE" || s == "0") return false;
  }
  throw bad_request(field + " " + key + " is " + v.dump() + "; it must be true or false (or YES/NO, 1/0)",
                    param_of(field, key));
}

const KeyInfo* find_key(const std::string& key) {
  for (const KeyInfo& k : key_table()) {
    if (key == k.key) return &k;
    for (const char* a : k.aliases)
      if (key == a) return &k;
  }
  return nullptr;
}

}  // namespace

json ov_config_keys() {
  json out = json::array();
  for (const KeyInfo& k : key_table()) {
    json e = {{"key", k.key}, {"type", key_type_name(k.type)}, {"applied", k.applied}, {"description", k.description}};
    if (!k.values.empty()) e["values"] = k.values;
    if (k.type == KeyType::integer) {
      e["min"] = k.min;
      e["max"] = k.max;
    }
    if (!k.aliases.empty()) e["aliases"] = k.aliases;
    out.push_back(e);
  }
  return out;
}

llm::PipelineOptions pipeline_options(const json& ov, int default_threads, int64_t default_ctx, const std::string& field) {
  if (!ov.is_object()) throw bad_request("'" + field + "' must be an object", field);
  llm::PipelineOptions o;
  o.compile.num_threads = default_threads;
  o.ctx_size = default_ctx;
  for (const auto& [key, v] : ov.items()) {
    if (v.is_null()) continue;  // pydantic clients send unset fields as null
    if (key == "draft_model_path")
      throw bad_request(field + " draft_model_path: a draft model is not supported; speculative decoding here drafts by "
                                "prompt lookup (num_assistant_tokens sets its draft length, 0 to " +
                            std::to_string(llm::kMaxDraftTokens) + ")",
                        param_of(field, key), "draft_model_not_supported");
    const KeyInfo* k = find_key(key);
    if (!k) {
      std::string known;
      for (const KeyInfo& info : key_table()) {
        known += (known.empty() ? "" : ", ") + std::string(info.key);
        for (const char* a : info.aliases) known += ", " + std::string(a);
      }
      throw bad_request("unknown " + field + " key '" + key + "' (known: " + known + ")", param_of(field, key),
                        "unknown_ov_config_key");
    }
    json value;
    switch (k->type) {
      case KeyType::integer:
        if (std::string(k->key) == "NUM_STREAMS" && v.is_string() && ov_upper(v.get<std::string>()) == "AUTO") value = 0;
        else value = ov_int_value(field, key, v, k->min, k->max);
        break;
      case KeyType::choice: value = ov_choice_value(field, key, *k, v); break;
      case KeyType::boolean: value = ov_bool_value(field, key, v); break;
      case KeyType::string:
        if (!v.is_string()) throw bad_request(field + " " + key + " must be a string", param_of(field, key));
        value = v;
        break;
    }
    if (k->apply) k->apply(o, value);
  }
  return o;
}

json applied_options_json(const llm::PipelineOptions& o) {
  return {{"device", o.device},
          {"INFERENCE_NUM_THREADS", o.compile.num_threads},
          {"PERFORMANCE_HINT", o.performance_hint},
          {"NUM_STREAMS", o.num_streams},
          {"INFERENCE_PRECISION_HINT", o.inference_precision},
          {"KV_CACHE_PRECISION", o.kv_cache_precision},
          {"kv_cache_precision_applied", std::string(to_string(o.compile.kv_cache_precision))},
          {"CACHE_DIR", o.cache_dir},
          {"context_length", o.ctx_size},
          {"prefix_reuse", o.prefix_reuse},
          {"num_assistant_tokens", o.speculative_draft >= 0 ? json(o.speculative_draft) : json(nullptr)}};
}

}  // namespace openarc::server

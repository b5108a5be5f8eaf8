#include "server/ov_config.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "server/api_error.h"

namespace openarc::server {
namespace {

using nlohmann::json;

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// OpenVINO accepts property values as strings too ("4", "YES").
int64_t int_value(const std::string& key, const json& v, int64_t lo, int64_t hi) {
  int64_t n = 0;
  if (v.is_number_integer()) n = v.get<int64_t>();
  else if (v.is_string() && !v.get<std::string>().empty() && v.get<std::string>().find_first_not_of("0123456789") == std::string::npos &&
           v.get<std::string>().size() < 10)
    n = std::stoll(v.get<std::string>());
  else throw bad_request("ov_config " + key + " must be an integer", "ov_config." + key);
  if (n < lo || n > hi)
    throw bad_request("ov_config " + key + " is " + std::to_string(n) + "; it must be between " + std::to_string(lo) +
                          " and " + std::to_string(hi),
                      "ov_config." + key);
  return n;
}

std::string choice(const std::string& key, const json& v, std::initializer_list<const char*> allowed) {
  if (!v.is_string()) throw bad_request("ov_config " + key + " must be a string", "ov_config." + key);
  std::string s = upper(v.get<std::string>());
  std::string list;
  for (const char* a : allowed) {
    if (s == upper(a)) return a;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  throw bad_request("ov_config " + key + " is '" + v.get<std::string>() + "'; it must be one of " + list,
                    "ov_config." + key);
}

bool bool_value(const std::string& key, const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    std::string s = upper(v.get<std::string>());
    if (s == "YES" || s == "TRUE") return true;
    if (s == "NO" || s == "FALSE") return false;
  }
  throw bad_request("ov_config " + key + " must be true/false (or YES/NO)", "ov_config." + key);
}

struct KeyInfo {
  const char* key;
  const char* type;  // integer, choice, boolean, string
  std::vector<const char*> values;  // choice: the allowed values
  int64_t min = 0, max = 0;         // integer
  bool applied;                     // changes what runs (the rest are checked and reported)
  const char* description;
};

// The keys pipeline_options() below accepts, in the order a form shows them.
const std::vector<KeyInfo>& key_table() {
  static const std::vector<KeyInfo> keys = {
      {"INFERENCE_NUM_THREADS", "integer", {}, 0, 1024, true, "threads of the model's pool (0: every core)"},
      {"KV_CACHE_PRECISION", "choice", {"f32", "f16", "bf16", "u8"}, 0, 0, true,
       "KV cache element type (bf16 and u8 get f16)"},
      {"CONTEXT_LENGTH", "integer", {}, 1, int64_t{1} << 24, true, "context window in tokens (also MAX_PROMPT_LEN)"},
      {"PERFORMANCE_HINT", "choice", {"LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT"}, 0, 0, false,
       "reported; one stream serves a model's requests in turn"},
      {"NUM_STREAMS", "integer", {}, 1, 64, false, "reported (AUTO also accepted)"},
      {"INFERENCE_PRECISION_HINT", "choice", {"f32", "bf16", "f16"}, 0, 0, false, "reported; activations are f32"},
      {"CACHE_DIR", "string", {}, 0, 0, false, "reported; compiling takes well under a second"},
      {"ENABLE_HYPER_THREADING", "boolean", {}, 0, 0, false, "reported; the OS schedules the pool's threads"},
      {"ENABLE_CPU_PINNING", "boolean", {}, 0, 0, false, "reported; the OS schedules the pool's threads"},
  };
  return keys;
}

}  // namespace

json ov_config_keys() {
  json out = json::array();
  for (const KeyInfo& k : key_table()) {
    json e = {{"key", k.key}, {"type", k.type}, {"applied", k.applied}, {"description", k.description}};
    if (!k.values.empty()) e["values"] = k.values;
    if (std::string(k.type) == "integer") {
      e["min"] = k.min;
      e["max"] = k.max;
    }
    out.push_back(e);
  }
  return out;
}

llm::PipelineOptions pipeline_options(const json& ov, int default_threads, int64_t default_ctx) {
  if (!ov.is_object()) throw bad_request("'ov_config' must be an object", "ov_config");
  llm::PipelineOptions o;
  o.compile.num_threads = default_threads;
  o.ctx_size = default_ctx;
  for (const auto& [key, v] : ov.items()) {
    if (key == "INFERENCE_NUM_THREADS") o.compile.num_threads = static_cast<int>(int_value(key, v, 0, 1024));
    else if (key == "PERFORMANCE_HINT") o.performance_hint = choice(key, v, {"LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT"});
    else if (key == "NUM_STREAMS") o.num_streams = v.is_string() && upper(v.get<std::string>()) == "AUTO" ? 0 : int_value(key, v, 1, 64);
    else if (key == "INFERENCE_PRECISION_HINT") o.inference_precision = choice(key, v, {"f32", "bf16", "f16"});
    else if (key == "KV_CACHE_PRECISION") {
      o.kv_cache_precision = choice(key, v, {"f32", "f16", "bf16", "u8"});
      // f32 and f16 caches exist; bf16 and u8 get f16 (as small or smaller, and more precise).
      o.compile.kv_cache_precision = o.kv_cache_precision == "f32" ? ElementType::f32 : ElementType::f16;
    }
    else if (key == "CACHE_DIR") {
      if (!v.is_string()) throw bad_request("ov_config CACHE_DIR must be a string", "ov_config.CACHE_DIR");
      o.cache_dir = v.get<std::string>();
    } else if (key == "ENABLE_HYPER_THREADING" || key == "ENABLE_CPU_PINNING") {
      bool_value(key, v);  // accepted: the OS schedules our pool's threads
    } else if (key == "MAX_PROMPT_LEN" || key == "CONTEXT_LENGTH") {
      o.ctx_size = int_value(key, v, 1, int64_t{1} << 24);
    } else {
      std::string known;
      for (const KeyInfo& k : key_table()) known += (known.empty() ? "" : ", ") + std::string(k.key);
      throw bad_request("unknown ov_config key '" + key + "' (known: " + known + ")", "ov_config." + key,
                        "unknown_ov_config_key");
    }
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
          {"prefix_reuse", o.prefix_reuse}};
}

}  // namespace openarc::server

#include "convert/hf_config.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/mapped_file.h"

namespace openarc::convert {

using nlohmann::json;

namespace {

struct ArchName {
  const char* name;
  Arch arch;
};
constexpr ArchName kArchs[] = {
    {"LlamaForCausalLM", Arch::llama}, {"MistralForCausalLM", Arch::mistral}, {"Qwen2ForCausalLM", Arch::qwen2},
    {"Qwen3ForCausalLM", Arch::qwen3}, {"Phi3ForCausalLM", Arch::phi3},       {"GemmaForCausalLM", Arch::gemma},
    {"Gemma2ForCausalLM", Arch::gemma2},
};

std::string supported_list() {
  std::string s;
  for (const auto& a : kArchs) s += (s.empty() ? "" : ", ") + std::string(a.name);
  return s;
}

// Typed access to config.json fields; a field that is absent or null takes the default.
class Fields {
 public:
  Fields(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

  bool present(const char* key) const { return j_.contains(key) && !j_[key].is_null(); }

  int64_t integer(const char* key, std::optional<int64_t> def = std::nullopt) const {
    if (!present(key)) {
      check(def.has_value(), where_, ": missing '", key, "'");
      return *def;
    }
    const json& v = j_[key];
    check(v.is_number_integer(), where_, ": '", key, "' must be an integer, not ", v.dump());
    return v.get<int64_t>();
  }
  int64_t positive(const char* key, std::optional<int64_t> def = std::nullopt) const {
    int64_t v = integer(key, def);
    check(v > 0, where_, ": '", key, "' must be positive, not ", v);
    return v;
  }
  double number(const char* key, double def) const {
    if (!present(key)) return def;
    const json& v = j_[key];
    check(v.is_number(), where_, ": '", key, "' must be a number, not ", v.dump());
    double d = v.get<double>();
    check(std::isfinite(d), where_, ": '", key, "' must be finite");
    return d;
  }
  bool boolean(const char* key, bool def) const {
    if (!present(key)) return def;
    check(j_[key].is_boolean(), where_, ": '", key, "' must be true or false, not ", j_[key].dump());
    return j_[key].get<bool>();
  }
  std::string string(const char* key, const std::string& def) const {
    if (!present(key)) return def;
    check(j_[key].is_string(), where_, ": '", key, "' must be a string, not ", j_[key].dump());
    return j_[key].get<std::string>();
  }
  // eos_token_id may be a list; the first entry is the one recorded here.
  int64_t token_id(const char* key) const {
    if (!present(key)) return -1;
    const json& v = j_[key];
    if (v.is_array()) return v.empty() || !v[0].is_number_integer() ? -1 : v[0].get<int64_t>();
    return v.is_number_integer() ? v.get<int64_t>() : -1;
  }

 private:
  const json& j_;
  std::string where_;
};

std::optional<RopeScaling> parse_rope_scaling(const json& j, const ModelConfig& c, const std::string& where) {
  if (!j.contains("rope_scaling") || j["rope_scaling"].is_null()) return std::nullopt;
  const json& r = j["rope_scaling"];
  check(r.is_object(), where, ": 'rope_scaling' must be an object or null");
  Fields f(r, where + ": rope_scaling");
  std::string type = f.present("rope_type") ? f.string("rope_type", "") : f.string("type", "");
  if (type == "default") return std::nullopt;
  bool allowed = type == "linear" || type == "dynamic" || type == "llama3";
  // Which scalings each architecture's modeling code applies.
  if (c.arch == Arch::gemma || c.arch == Arch::gemma2) allowed = allowed && type != "llama3";
  check(allowed, where, ": rope_scaling type '", type, "' is not supported for ", c.architecture,
        " (supported: linear, dynamic, llama3)");
  RopeScaling s;
  s.type = type;
  s.factor = f.number("factor", 0.0);
  check(s.factor >= 1.0, where, ": rope_scaling.factor must be >= 1, not ", s.factor);
  if (type == "llama3") {
    s.low_freq_factor = f.number("low_freq_factor", 1.0);
    s.high_freq_factor = f.number("high_freq_factor", 4.0);
    s.original_max_position_embeddings = f.positive("original_max_position_embeddings", 8192);
    check(s.high_freq_factor > s.low_freq_factor, where, ": rope_scaling high_freq_factor must exceed low_freq_factor");
  }
  return s;
}

// Per-layer sliding windows from layer_types when the config lists them, else by the
// architecture's rule.
std::vector<int64_t> parse_windows(const json& j, const Fields& f, const ModelConfig& c, const std::string& where) {
  std::vector<int64_t> w(static_cast<size_t>(c.num_layers), 0);
  int64_t window = f.present("sliding_window") ? f.positive("sliding_window") : 0;
  if (j.contains("layer_types") && j["layer_types"].is_array()) {
    const json& lt = j["layer_types"];
    check(static_cast<int64_t>(lt.size()) == c.num_layers, where, ": 'layer_types' has ", lt.size(),
          " entries for ", c.num_layers, " layers");
    for (size_t i = 0; i < lt.size(); ++i) {
      check(lt[i].is_string(), where, ": layer_types[", i, "] is not a string");
      std::string t = lt[i].get<std::string>();
      check(t == "full_attention" || t == "sliding_attention", where, ": layer_types[", i, "] '", t,
            "' is not full_attention or sliding_attention");
      if (t == "sliding_attention") {
        check(window > 0, where, ": layer ", i, " uses sliding attention but 'sliding_window' is not set");
        w[i] = window;
      }
    }
    return w;
  }
  switch (c.arch) {
    case Arch::mistral:
    case Arch::phi3:
      for (auto& x : w) x = window;
      break;
    case Arch::qwen2:
    case Arch::qwen3:
      if (f.boolean("use_sliding_window", false) && window > 0) {
        int64_t first = f.integer("max_window_layers", 28);
        for (int64_t i = std::max<int64_t>(first, 0); i < c.num_layers; ++i) w[static_cast<size_t>(i)] = window;
      }
      break;
    case Arch::gemma2:
      window = f.present("sliding_window") ? window : 4096;
      for (int64_t i = 0; i < c.num_layers; i += 2) w[static_cast<size_t>(i)] = window;  // even layers slide
      break;
    default:
      break;
  }
  return w;
}

}  // namespace

const std::vector<std::string>& supported_architectures() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& a : kArchs) v.push_back(a.name);
    return v;
  }();
  return names;
}

ModelConfig parse_hf_config(const std::string& json_text, const std::string& where) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::exception& e) {
    fail(where, ": malformed JSON: ", e.what());
  }
  check(j.is_object(), where, ": not a JSON object");
  check(j.contains("architectures") && j["architectures"].is_array() && !j["architectures"].empty() &&
            j["architectures"][0].is_string(),
        where, ": missing 'architectures' (supported: ", supported_list(), ")");
  ModelConfig c;
  c.architecture = j["architectures"][0].get<std::string>();
  bool known = false;
  for (const auto& a : kArchs)
    if (c.architecture == a.name) c.arch = a.arch, known = true;
  check(known, where, ": architecture '", c.architecture, "' is not supported (supported: ", supported_list(), ")");

  Fields f(j, where);
  bool gemma = c.arch == Arch::gemma || c.arch == Arch::gemma2;
  c.model_type = f.string("model_type", "");
  c.hidden_size = f.positive("hidden_size");
  c.intermediate_size = f.positive("intermediate_size");
  c.num_layers = f.positive("num_hidden_layers");
  c.num_heads = f.positive("num_attention_heads");
  c.num_kv_heads = f.positive("num_key_value_heads", c.num_heads);
  check(c.num_heads % c.num_kv_heads == 0, where, ": num_attention_heads ", c.num_heads,
        " is not a multiple of num_key_value_heads ", c.num_kv_heads);
  std::optional<int64_t> head_def;
  if (c.arch == Arch::qwen3) head_def = 128;
  else if (gemma) head_def = 256;
  else if (c.hidden_size % c.num_heads == 0) head_def = c.hidden_size / c.num_heads;
  c.head_dim = f.positive("head_dim", head_def);
  check(c.head_dim % 2 == 0, where, ": head_dim ", c.head_dim, " must be even for rotary embeddings");
  c.vocab_size = f.positive("vocab_size");
  c.max_position_embeddings = f.positive("max_position_embeddings", 2048);
  c.rms_norm_eps = f.number("rms_norm_eps", c.arch == Arch::phi3 ? 1e-5 : 1e-6);
  check(c.rms_norm_eps >= 0, where, ": rms_norm_eps must not be negative");
  c.rope_theta = f.number("rope_theta", 10000.0);
  check(c.rope_theta > 1.0, where, ": rope_theta must exceed 1, not ", c.rope_theta);
  c.rope_scaling = parse_rope_scaling(j, c, where);
  if (c.arch == Arch::phi3) {
    double partial = f.number("partial_rotary_factor", 1.0);
    check(partial == 1.0, where, ": partial_rotary_factor ", partial, " is not supported (only 1.0)");
  }

  if (gemma) {
    std::string act = f.string("hidden_activation", "");
    c.hidden_act = act.empty() ? "gelu_pytorch_tanh" : act;
  } else {
    c.hidden_act = f.string("hidden_act", "silu");
  }
  check(c.hidden_act == "silu" || c.hidden_act == "gelu_pytorch_tanh" || c.hidden_act == "gelu_new", where,
        ": hidden activation '", c.hidden_act, "' is not supported (silu, gelu_pytorch_tanh, gelu_new)");
  if (c.hidden_act == "gelu_new") c.hidden_act = "gelu_pytorch_tanh";  // the same tanh formula

  switch (c.arch) {
    case Arch::llama:
      c.attention_bias = c.o_proj_bias = f.boolean("attention_bias", false);
      c.mlp_bias = f.boolean("mlp_bias", false);
      break;
    case Arch::qwen2:
      c.attention_bias = true;  // Qwen2 always has q/k/v biases, never an o_proj bias
      break;
    case Arch::qwen3:
      c.attention_bias = c.o_proj_bias = f.boolean("attention_bias", false);
      c.qk_norm = true;
      break;
    case Arch::gemma:
    case Arch::gemma2:
      c.attention_bias = c.o_proj_bias = f.boolean("attention_bias", false);
      break;
    case Arch::phi3:
      c.fused_qkv = true;
      break;
    case Arch::mistral:
      break;
  }
  c.tie_word_embeddings = f.boolean("tie_word_embeddings", gemma);
  c.gemma_norm = c.embed_scale = gemma;
  c.sandwich_norm = c.arch == Arch::gemma2;
  c.sliding_window = parse_windows(j, f, c, where);
  c.attention_scale = 1.0 / std::sqrt(static_cast<double>(c.head_dim));
  if (c.arch == Arch::gemma2) {
    double q = f.number("query_pre_attn_scalar", 256.0);
    check(q > 0, where, ": query_pre_attn_scalar must be positive");
    c.attention_scale = 1.0 / std::sqrt(q);
    // Absent: the config class default; an explicit null: no capping.
    auto capping = [&](const char* key, double def) { return j.contains(key) && j[key].is_null() ? 0.0 : f.number(key, def); };
    c.attn_logit_softcapping = capping("attn_logit_softcapping", 50.0);
    c.final_logit_softcapping = capping("final_logit_softcapping", 30.0);
    check(c.attn_logit_softcapping >= 0 && c.final_logit_softcapping >= 0, where,
          ": logit soft-capping values must not be negative");
  }
  c.bos_token_id = f.token_id("bos_token_id");
  c.eos_token_id = f.token_id("eos_token_id");
  return c;
}

ModelConfig load_hf_config(const std::string& path) { return parse_hf_config(read_file(path), path); }

}  // namespace openarc::convert

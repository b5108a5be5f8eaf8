#include "llm/generation_config_json.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace openarc::llm {

namespace {

using nlohmann::json;

// Reads one JSON value into a field of type T; `what` prefixes errors ("temperature",
// "model/generation_config.json: temperature").
struct JsonReader {
  std::string setting;
  std::string what;

  [[noreturn]] void wrong(const json& v, std::string_view expected) const {
    throw SettingError(setting, cat(what, ": expected ", expected, ", got ", v.type_name(), " ", v.dump()));
  }

  int64_t integer(const json& v) const {
    if (v.is_number_unsigned()) {
      if (v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        wrong(v, "an integer that fits in 64 bits");
      return static_cast<int64_t>(v.get<uint64_t>());
    }
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_float()) {
      // Some clients send 100.0 for an integer.
      const double d = v.get<double>();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e18) return static_cast<int64_t>(d);
    }
    wrong(v, "an integer");
  }

  double number(const json& v) const {
    if (!v.is_number()) wrong(v, "a number");
    return v.get<double>();
  }

  void read(const json& v, int64_t& out) const { out = integer(v); }
  void read(const json& v, double& out) const { out = number(v); }
  void read(const json& v, bool& out) const {
    if (!v.is_boolean()) wrong(v, "true or false");
    out = v.get<bool>();
  }
  void read(const json& v, std::optional<uint64_t>& out) const {
    const int64_t seed = v.is_number_unsigned() ? 0 : integer(v);
    if (v.is_number_unsigned()) {
      out = v.get<uint64_t>();
    } else if (seed == -1) {
      out.reset();  // llama.cpp's "random"
    } else if (seed < 0) {
      wrong(v, "a non-negative integer or -1 for random");
    } else {
      out = static_cast<uint64_t>(seed);
    }
  }
  void read(const json& v, std::vector<std::string>& out) const {
    out.clear();
    if (v.is_string()) {
      out.push_back(v.get<std::string>());
      return;
    }
    if (!v.is_array()) wrong(v, "a string or an array of strings");
    for (const auto& item : v) {
      if (!item.is_string()) wrong(item, "strings in the array");
      out.push_back(item.get<std::string>());
    }
  }
  void read(const json& v, std::vector<int64_t>& out) const {
    out.clear();
    if (v.is_number()) {
      out.push_back(integer(v));
      return;
    }
    if (!v.is_array()) wrong(v, "an integer or an array of integers");
    for (const auto& item : v) out.push_back(integer(item));
  }
  void read(const json& v, std::map<int64_t, double>& out) const {
    out.clear();
    if (!v.is_object()) wrong(v, "an object of token id -> bias");
    for (const auto& [key, bias] : v.items()) {
      int64_t id = 0;
      try {
        size_t used = 0;
        id = std::stoll(key, &used);
        if (used != key.size()) throw std::invalid_argument(key);
      } catch (const std::exception&) {
        throw SettingError(setting, cat(what, ": key '", key, "' is not a token id"));
      }
      out[id] = number(bias);
    }
  }
};

}  // namespace

void apply_model_generation_config(GenerationConfig& config, const json& j, std::string_view where) {
  if (!j.is_object()) fail(where, ": expected a JSON object, got ", j.type_name());
  // Hugging Face key -> our setting; only the keys a model's file may carry.
  static constexpr std::pair<std::string_view, std::string_view> kKeys[] = {
      {"max_new_tokens", "max_new_tokens"}, {"max_length", "max_length"},
      {"min_new_tokens", "min_new_tokens"}, {"do_sample", "do_sample"},
      {"temperature", "temperature"},       {"top_k", "top_k"},
      {"top_p", "top_p"},                   {"min_p", "min_p"},
      {"repetition_penalty", "repetition_penalty"}, {"eos_token_id", "eos_token_ids"},
  };
  GenerationConfig::for_each_setting(config, [&](auto& field, const SettingInfo& info) {
    for (const auto& [key, setting] : kKeys) {
      if (setting != info.name) continue;
      const auto it = j.find(key);
      if (it == j.end() || it->is_null()) continue;
      JsonReader{std::string(info.name), cat(where, ": ", key)}.read(*it, field);
    }
  });
}

namespace {

// Parses a JSON file, or returns null when it does not exist.
json read_json_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return nullptr;
  std::ifstream in(path, std::ios::binary);
  check(in.good(), "cannot open ", path.string());
  json j = json::parse(in, nullptr, false);
  check(!j.is_discarded(), path.string(), ": not valid JSON");
  return j;
}

}  // namespace

GenerationConfig read_generation_config(const std::filesystem::path& model_dir) {
  GenerationConfig config;
  const auto gen_path = model_dir / "generation_config.json";
  const json gen = read_json_file(gen_path);
  if (!gen.is_null()) apply_model_generation_config(config, gen, gen_path.string());
  if (config.eos_token_ids.empty()) {
    // Older exports keep eos_token_id only in config.json.
    const auto cfg_path = model_dir / "config.json";
    const json cfg = read_json_file(cfg_path);
    if (cfg.is_object()) {
      const auto it = cfg.find("eos_token_id");
      if (it != cfg.end() && !it->is_null())
        JsonReader{"eos_token_ids", cat(cfg_path.string(), ": eos_token_id")}.read(*it, config.eos_token_ids);
    }
  }
  // A bad default would fail every request; say so once, naming the file.
  try {
    config.validate();
  } catch (const SettingError& e) {
    throw SettingError(e.setting(), cat(gen_path.string(), ": ", e.what()));
  }
  return config;
}

namespace {

// The request's "speculative" object: {"type": "prompt_lookup", "num_draft_tokens": N,
// "max_ngram": M, "min_ngram": m}, each member onto its speculative_* setting and checked against
// that setting's range, errors naming the member ("speculative.num_draft_tokens").
void apply_speculative_json(GenerationConfig& config, const json& spec) {
  if (!spec.is_object())
    throw SettingError("speculative", cat("speculative: expected an object such as {\"type\": \"prompt_lookup\", "
                                          "\"num_draft_tokens\": 3}, got ",
                                          spec.type_name(), " ", spec.dump()));
  static constexpr std::pair<std::string_view, std::string_view> kMembers[] = {
      {"num_draft_tokens", "speculative_draft"},
      {"max_ngram", "speculative_max_ngram"},
      {"min_ngram", "speculative_min_ngram"},
  };
  for (const auto& [key, value] : spec.items()) {
    if (key == "type") {
      if (!value.is_string() || value.get<std::string>() != "prompt_lookup")
        throw SettingError("speculative.type", cat("speculative.type: expected \"prompt_lookup\" (n-gram drafts from "
                                                   "the prompt and output; draft models are not supported), got ",
                                                   value.dump()));
      continue;
    }
    if (std::none_of(std::begin(kMembers), std::end(kMembers), [&](const auto& m) { return m.first == key; }))
      throw SettingError("speculative." + key, cat("speculative: unknown member \"", key,
                                                   "\" (type, num_draft_tokens, max_ngram, min_ngram)"));
  }
  config.speculative_draft = kDefaultDraftTokens;
  GenerationConfig::for_each_setting(config, [&](auto& field, const SettingInfo& info) {
    if constexpr (std::is_same_v<std::decay_t<decltype(field)>, int64_t>) {
      for (const auto& [key, setting] : kMembers) {
        const auto it = spec.find(key);
        if (setting != info.name || it == spec.end() || it->is_null()) continue;
        const std::string name = cat("speculative.", key);
        const int64_t v = JsonReader{name, name}.integer(*it);
        if (!info.range.contains(static_cast<double>(v)))
          throw SettingError(name, cat(name, " must be in ", describe(info.range), ", got ", v));
        field = v;
      }
    }
  });
  // Only a max_ngram below the default min_ngram: the shortest match is max_ngram long.
  if (!spec.contains("min_ngram"))
    config.speculative_min_ngram = std::min(config.speculative_min_ngram, config.speculative_max_ngram);
  if (config.speculative_min_ngram > config.speculative_max_ngram)
    throw SettingError("speculative.min_ngram", cat("speculative.min_ngram (", config.speculative_min_ngram,
                                                    ") exceeds speculative.max_ngram (", config.speculative_max_ngram,
                                                    ")"));
}

}  // namespace

void apply_request_json(GenerationConfig& config, const json& body) {
  if (!body.is_object()) fail("the request body must be a JSON object, got ", body.type_name());
  GenerationConfig::for_each_setting(config, [&](auto& field, const SettingInfo& info) {
    auto it = body.find(info.name);
    for (auto alias : info.aliases) {
      if (it != body.end() && !it->is_null()) break;
      if (!alias.empty()) it = body.find(alias);
    }
    if (it == body.end() || it->is_null()) return;
    JsonReader{std::string(info.name), it.key()}.read(*it, field);
  });
  if (const auto it = body.find("speculative"); it != body.end() && !it->is_null()) apply_speculative_json(config, *it);
}

json to_json(const GenerationConfig& config) {
  json out = json::object();
  GenerationConfig::for_each_setting(config, [&](const auto& field, const SettingInfo& info) {
    using T = std::decay_t<decltype(field)>;
    if constexpr (std::is_same_v<T, std::optional<uint64_t>>) {
      out[std::string(info.name)] = field ? json(*field) : json(nullptr);
    } else if constexpr (std::is_same_v<T, std::map<int64_t, double>>) {
      json biases = json::object();
      for (const auto& [id, bias] : field) biases[std::to_string(id)] = bias;
      out[std::string(info.name)] = biases;
    } else {
      out[std::string(info.name)] = field;
    }
  });
  return out;
}

}  // namespace openarc::llm

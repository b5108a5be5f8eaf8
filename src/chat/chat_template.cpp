#include "chat/chat_template.h"

#include <fstream>
#include <sstream>

#include "chat/json.h"

namespace openarc::chat {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  check(in.good(), "cannot open ", path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A special token is a string or an AddedToken object {"content": ...}.
std::optional<std::string> token_text(const nlohmann::ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string()) return v["content"].get<std::string>();
  return std::nullopt;
}

}  // namespace

ChatTemplate ChatTemplate::from_config(const nlohmann::ordered_json& config, const std::string& jinja) {
  check(config.is_object(), "tokenizer_config.json must hold a JSON object");
  ChatTemplate ct;
  auto add = [&](const std::string& name, const std::string& source) {
    try {
      ct.templates_.emplace(name, Template::parse(source));
    } catch (const TemplateError& e) {
      throw TemplateError(e.kind(), cat("chat template '", name, "': ", e.what()));
    }
    ct.sources_[name] = source;
  };
  if (!jinja.empty()) {
    add("default", jinja);
  } else if (config.contains("chat_template")) {
    const auto& t = config["chat_template"];
    if (t.is_string()) {
      add("default", t.get<std::string>());
    } else if (t.is_array()) {
      for (size_t k = 0; k < t.size(); ++k) {
        const auto& e = t[k];
        check(e.is_object() && e.contains("name") && e["name"].is_string() && e.contains("template") &&
                  e["template"].is_string(),
              "chat_template[", k, "] must be an object with string fields \"name\" and \"template\"");
        add(e["name"].get<std::string>(), e["template"].get<std::string>());
      }
      check(ct.templates_.count("default") || ct.templates_.size() == 1,
            "chat_template lists named templates but none is called \"default\"");
    } else if (!t.is_null()) {
      fail("chat_template must be a string or a list of {name, template}, got ", t.type_name());
    }
  }
  check(!ct.templates_.empty(), "the model has no chat template (no chat_template in tokenizer_config.json and no chat_template.jinja)");
  for (const char* key : {"bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"}) {
    if (!config.contains(key)) continue;
    if (auto text = token_text(config[key])) ct.special_tokens_[key] = *text;
  }
  if (config.contains("additional_special_tokens") && config["additional_special_tokens"].is_array()) {
    ct.additional_special_tokens_ = nlohmann::ordered_json::array();
    for (const auto& t : config["additional_special_tokens"])
      if (auto text = token_text(t)) ct.additional_special_tokens_.push_back(*text);
  }
  return ct;
}

ChatTemplate ChatTemplate::load(const std::filesystem::path& dir) {
  std::filesystem::path config_path = dir / "tokenizer_config.json";
  std::filesystem::path jinja_path = dir / "chat_template.jinja";
  nlohmann::ordered_json config = nlohmann::ordered_json::object();
  if (std::filesystem::exists(config_path)) {
    try {
      config = nlohmann::ordered_json::parse(read_file(config_path));
    } catch (const nlohmann::json::exception& e) {
      fail(config_path.string(), ": invalid JSON: ", e.what());
    }
    check(config.is_object(), config_path.string(), ": expected a JSON object");
  }
  std::string jinja;
  if (std::filesystem::exists(jinja_path)) jinja = read_file(jinja_path);
  check(std::filesystem::exists(config_path) || !jinja.empty(), "no tokenizer_config.json or chat_template.jinja in ",
        dir.string());
  try {
    return from_config(config, jinja);
  } catch (const TemplateError& e) {
    throw TemplateError(e.kind(), cat(dir.string(), ": ", e.what()));
  } catch (const Error& e) {
    fail(dir.string(), ": ", e.what());
  }
}

const std::string& ChatTemplate::source(const std::string& name) const {
  auto it = sources_.find(name);
  if (it == sources_.end()) it = sources_.begin();
  return it->second;
}

std::string ChatTemplate::render(const nlohmann::ordered_json& messages, const nlohmann::ordered_json& tools,
                                 bool add_generation_prompt, const nlohmann::ordered_json& extra,
                                 const RenderOptions& options) const {
  check(messages.is_array(), "messages must be a JSON array, got ", messages.type_name());
  check(tools.is_null() || tools.is_array(), "tools must be a JSON array or null, got ", tools.type_name());
  check(extra.is_object() || extra.is_null(), "extra template variables must be a JSON object");
  const Template* chosen = nullptr;
  if (!tools.is_null() && templates_.count("tool_use")) chosen = &templates_.at("tool_use");
  else if (templates_.count("default")) chosen = &templates_.at("default");
  else chosen = &templates_.begin()->second;

  Dict vars;
  auto put = [&](const std::string& key, Value v) {
    for (auto& [k, old] : vars)
      if (k.str() == key) {
        old = std::move(v);
        return;
      }
    vars.emplace_back(Value::string(key), std::move(v));
  };
  put("messages", from_json(messages));
  put("tools", from_json(tools));
  put("documents", Value::none());
  put("add_generation_prompt", Value::boolean(add_generation_prompt));
  for (const auto& [k, v] : special_tokens_) put(k, Value::string(v));
  if (!additional_special_tokens_.is_null()) put("additional_special_tokens", from_json(additional_special_tokens_));
  if (extra.is_object())
    for (auto it = extra.begin(); it != extra.end(); ++it) put(it.key(), from_json(it.value()));
  return chosen->render(Value::make_dict(std::move(vars)), options);
}

}  // namespace openarc::chat

// A model's chat template, as transformers finds it beside the model: chat_template.jinja, or the
// chat_template of tokenizer_config.json (a string, or a list of {name, template} such as "default"
// and "tool_use"), with the special tokens of the config given to the template as plain strings.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "chat/template.h"

namespace openarc::chat {

class ChatTemplate {
 public:
  // Throws Error naming the file when there is no template or a file is malformed, and
  // TemplateError (TemplateSyntaxError) when a template does not parse.
  static ChatTemplate load(const std::filesystem::path& dir);
  // From a parsed tokenizer_config.json; `jinja` (chat_template.jinja's text) wins when non-empty.
  static ChatTemplate from_config(const nlohmann::ordered_json& config, const std::string& jinja = "");

  // transformers' apply_chat_template(tokenize=False): messages, tools (null when absent),
  // documents (null unless given in extra), add_generation_prompt, the special tokens, then every
  // key of `extra`. With tools and a "tool_use" template, that one is used.
  std::string render(const nlohmann::ordered_json& messages, const nlohmann::ordered_json& tools,
                     bool add_generation_prompt, const nlohmann::ordered_json& extra = nlohmann::ordered_json::object(),
                     const RenderOptions& options = {}) const;

  const std::map<std::string, std::string>& special_tokens() const { return special_tokens_; }
  bool has(const std::string& name) const { return templates_.count(name) != 0; }
  const std::string& source(const std::string& name = "default") const;

 private:
  std::map<std::string, std::string> sources_;
  std::map<std::string, Template> templates_;
  std::map<std::string, std::string> special_tokens_;
  nlohmann::ordered_json additional_special_tokens_;
};

}  // namespace openarc::chat

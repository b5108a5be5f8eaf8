// ChatTemplate: finding the template beside a model and giving it transformers' variables.
#include "chat/chat_template.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace openarc::chat {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("openarc_chat_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path_ / name) << text; }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

const json kUser = json::array({{{"role", "user"}, {"content", "Hi"}}});

TEST(ChatTemplate, StringTemplateWithAddedTokenObjects) {
  TempDir dir;
  json config = {{"bos_token", {{"__type", "AddedToken"}, {"content", "<s>"}, {"lstrip", false}}},
                 {"eos_token", "</s>"},
                 {"pad_token", nullptr},
                 {"chat_template", "{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{{ eos_token }}{% endfor %}"
                                   "{% if add_generation_prompt %}[assistant]{% endif %}{{ pad_token is defined }}"}};
  dir.write("tokenizer_config.json", config.dump());
  ChatTemplate ct = ChatTemplate::load(dir.path());
  EXPECT_EQ(ct.special_tokens().at("bos_token"), "<s>");
  EXPECT_EQ(ct.render(kUser, nullptr, true), "<s>[user]Hi</s>[assistant]False");
  EXPECT_EQ(ct.render(kUser, nullptr, false), "<s>[user]Hi</s>False");
}

TEST(ChatTemplate, NamedTemplatesPickToolUseWhenToolsAreGiven) {
  json config = {{"chat_template", json::array({{{"name", "default"}, {"template", "plain"}},
                                                {{"name", "tool_use"}, {"template", "tools={{ tools | length }}"}}})}};
  ChatTemplate ct = ChatTemplate::from_config(config);
  EXPECT_EQ(ct.render(kUser, nullptr, false), "plain");
  EXPECT_EQ(ct.render(kUser, json::array({{{"type", "function"}}}), false), "tools=1");
}

TEST(ChatTemplate, JinjaFileWinsAndExtraVariablesPassThrough) {
  TempDir dir;
  dir.write("tokenizer_config.json", json({{"chat_template", "from config"}, {"bos_token", "<b>"}}).dump());
  dir.write("chat_template.jinja", "{{ bos_token }}{{ enable_thinking }}|{{ tools }}|{{ documents }}\n");
  ChatTemplate ct = ChatTemplate::load(dir.path());
  EXPECT_EQ(ct.render(kUser, nullptr, false, {{"enable_thinking", false}}), "<b>False|None|None");
  // Extra keys override the special tokens, as template kwargs do in transformers.
  EXPECT_EQ(ct.render(kUser, nullptr, false, {{"bos_token", "X"}, {"enable_thinking", true}}), "XTrue|None|None");
}

TEST(ChatTemplate, OnlyAJinjaFile) {
  TempDir dir;
  dir.write("chat_template.jinja", "{{ messages[0].content }}");
  EXPECT_EQ(ChatTemplate::load(dir.path()).render(kUser, nullptr, false), "Hi");
}

TEST(ChatTemplate, ClearErrors) {
  TempDir dir;
  EXPECT_THROW(ChatTemplate::load(dir.path()), Error);
  dir.write("tokenizer_config.json", "{not json");
  try {
    ChatTemplate::load(dir.path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer_config.json: invalid JSON"), std::string::npos) << e.what();
  }
  dir.write("tokenizer_config.json", json({{"bos_token", "<s>"}}).dump());
  try {
    ChatTemplate::load(dir.path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no chat template"), std::string::npos) << e.what();
  }
  dir.write("tokenizer_config.json", json({{"chat_template", "{% if %}"}}).dump());
  try {
    ChatTemplate::load(dir.path());
    FAIL();
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.kind(), "TemplateSyntaxError");
    EXPECT_NE(std::string(e.what()).find("(line 1, column 7)"), std::string::npos) << e.what();
  }
  ChatTemplate ct = ChatTemplate::from_config({{"chat_template", "{{ raise_exception('roles must alternate') }}"}});
  try {
    ct.render(kUser, nullptr, false);
    FAIL();
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.kind(), "TemplateError");
    EXPECT_EQ(std::string(e.what()), "roles must alternate");
  }
  EXPECT_THROW(ct.render(json::object(), nullptr, false), Error);  // messages must be a list
}

}  // namespace
}  // namespace openarc::chat

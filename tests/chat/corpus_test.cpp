// Renders every case of the committed chat-template corpus (tests/chat/corpus/*.jsonl, produced by
// tools/chat_corpus/generate.py with Python Jinja2 set up as transformers sets it up) and requires
// the exact text, or the same exception class and message, for every case.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "chat/template.h"

namespace openarc::chat {
namespace {

namespace fs = std::filesystem;
const fs::path kRoot = fs::path(OPENARC_SOURCE_DIR) / "tests/chat";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ChatCorpus, EveryCaseMatchesPythonJinja2) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kRoot / "corpus"))
    if (e.path().extension() == ".jsonl") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 90u) << "the corpus is missing under " << (kRoot / "corpus");

  std::map<std::string, Template> templates;
  size_t total = 0, passed = 0, shown = 0;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto c = nlohmann::ordered_json::parse(line);
      std::string name = c["template"];
      std::string label = name + "/" + c["case"].get<std::string>();
      ++total;
      std::string got, got_error, got_kind;
      try {
        auto it = templates.find(name);
        if (it == templates.end())
          it = templates.emplace(name, Template::parse(read(kRoot / c["template_file"].get<std::string>()))).first;
        RenderOptions options;
        options.now = parse_iso8601(c["now"]);
        got = it->second.render(c["vars"], options);
      } catch (const TemplateError& e) {
        got_error = e.what();
        got_kind = e.kind();
      }
      bool ok;
      if (c.contains("expected")) {
        ok = got_error.empty() && got == c["expected"].get<std::string>();
      } else {
        ok = got_kind == c["error_type"].get<std::string>() && got_error == c["error"].get<std::string>();
      }
      if (ok) {
        ++passed;
      } else if (shown++ < 25) {
        ADD_FAILURE() << label << "\n  expected: "
                      << (c.contains("expected") ? c["expected"].dump() : c["error_type"].dump() + " " + c["error"].dump())
                      << "\n  got:      "
                      << (got_error.empty() ? nlohmann::json(got).dump() : got_kind + " " + nlohmann::json(got_error).dump());
      }
    }
  }
  std::cout << "chat corpus: " << passed << "/" << total << " cases match Python Jinja2\n";
  EXPECT_EQ(passed, total);
}

}  // namespace
}  // namespace openarc::chat

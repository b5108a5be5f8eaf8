// `openarc template`: JSON lines in, one JSON line out each; errors do not stop the stream.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "run_openarc.h"

namespace {

namespace fs = std::filesystem;

std::string run_cli(const std::string& args, const std::string& input, int* status = nullptr) {
  openarc::CliOutput r = openarc::run_openarc_with_input("template " + args, input);
  if (status) *status = r.status;
  return r.out;
}

TEST(CliTemplate, RendersLinesAndKeepsServingAfterErrors) {
  fs::path dir = fs::temp_directory_path() / ("openarc_tpl_model_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "tokenizer_config.json")
      << nlohmann::json({{"bos_token", "<s>"},
                         {"chat_template",
                          "{{ bos_token }}{% for m in messages %}{% if m.role == 'tool' %}{{ raise_exception('no tools here') }}"
                          "{% endif %}{{ m.role }}: {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}"
                          "{{ strftime_now('%Y-%m-%d') if now_shown }}{{ extra_var }}"}})
             .dump();
  std::string input =
      "{\"messages\": [{\"role\": \"user\", \"content\": \"hé\"}], \"add_generation_prompt\": true}\n"
      "not json\n"
      "{\"messages\": [{\"role\": \"tool\", \"content\": \"x\"}]}\n"
      "{\"messages\": [], \"now\": \"2024-02-29T10:00:00\", \"now_shown\": true, \"extra_var\": \"!\"}\n"
      "{\"messages\": 3}\n";
  int status = 0;
  std::string out = run_cli("--model " + dir.string(), input, &status);
  fs::remove_all(dir);
  EXPECT_EQ(status, 0);
  std::istringstream lines(out);
  std::vector<nlohmann::json> replies;
  std::string line;
  while (std::getline(lines, line)) replies.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(replies.size(), 5u) << out;
  EXPECT_EQ(replies[0]["text"], "<s>user: hé\nassistant:");
  EXPECT_TRUE(replies[1].contains("error"));
  EXPECT_EQ(replies[2]["error"], "no tools here");
  EXPECT_EQ(replies[3]["text"], "<s>2024-02-29!");
  EXPECT_EQ(replies[4]["error"], "\"messages\" must be a JSON array");
}

TEST(CliTemplate, MissingModelFailsClearly) {
  int status = 0;
  std::string out = run_cli("--model /nonexistent/model", "", &status);
  EXPECT_NE(status, 0);
  EXPECT_NE(out.find("no tokenizer_config.json or chat_template.jinja in /nonexistent/model"), std::string::npos) << out;
}

}  // namespace

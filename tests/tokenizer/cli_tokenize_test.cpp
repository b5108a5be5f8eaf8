// `openarc tokenize`: JSON lines in, JSON lines out; a bad line gets an error and the next
// line is still served.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "run_openarc.h"

namespace {

namespace fs = std::filesystem;

std::vector<nlohmann::json> run(const std::string& args, const std::string& input) {
  const std::string out = openarc::run_openarc_with_input("tokenize " + args, input).out;
  std::vector<nlohmann::json> lines;
  size_t start = 0;
  for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) {
    try {
      lines.push_back(nlohmann::json::parse(out.substr(start, nl - start)));
    } catch (const nlohmann::json::exception&) {
      ADD_FAILURE() << "not JSON: " << out.substr(start, nl - start);
    }
  }
  return lines;
}

fs::path stories() { return fs::path(OPENARC_SHARED_DIR) / "models/stories260K"; }

TEST(CliTokenize, EncodesLinesAndSurvivesBadOnes) {
  if (!fs::exists(stories() / "tokenizer.json")) GTEST_SKIP() << "needs " << stories().string();
  auto lines = run("--model " + stories().string(),
                   "{\"text\": \"Once upon a time\", \"add_special_tokens\": true}\n"
                   "not json\n"
                   "{\"text\": 5}\n"
                   "{\"text\": \"Once upon a time\", \"add_special_tokens\": false}\n");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], nlohmann::json::parse(R"({"ids": [1, 403, 407, 261, 378]})"));  // llama2.c's ids
  EXPECT_TRUE(lines[1].contains("error"));
  EXPECT_EQ(lines[2], nlohmann::json::parse(R"({"error": "\"text\" must be a string"})"));
  EXPECT_EQ(lines[3], nlohmann::json::parse(R"({"ids": [403, 407, 261, 378]})"));
}

TEST(CliTokenize, Decodes) {
  if (!fs::exists(stories() / "tokenizer.json")) GTEST_SKIP() << "needs " << stories().string();
  auto lines = run("--decode --model " + stories().string(),
                   "{\"ids\": [1, 403, 407, 261, 378]}\n"
                   "{\"ids\": [1, 403], \"skip_special_tokens\": true}\n"
                   "{\"ids\": [1, -2]}\n");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["text"], "<s> Once upon a time");
  EXPECT_EQ(lines[1]["text"], "Once");
  EXPECT_EQ(lines[2]["error"], "\"ids\"[1] must be a token id (a non-negative integer)");
}

TEST(CliTokenize, MissingModelFailsWithAMessage) {
  const openarc::CliOutput r = openarc::run_openarc("tokenize --model /nonexistent/model");
  const std::string& out = r.out;
  EXPECT_NE(r.status, 0);
  EXPECT_NE(out.find("no tokenizer.json in /nonexistent/model"), std::string::npos) << out;
}

}  // namespace

// `openarc generate` and `openarc chat` end to end on the demo model: what a user types and sees.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "demo_model.h"
#include "run_openarc.h"

namespace openarc::llm {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class CliGenerate : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(OPENARC_BINARY)) GTEST_SKIP() << "the openarc binary is not built";
    model_ = test::demo_model();
  }
  std::string model_;
};

TEST_F(CliGenerate, RawGreedyReproducesLlama2c) {
  for (const auto& c : test::reference_cases()) {
    CliOutput r = run_openarc("generate --model " + model_ + " --raw --temperature 0 --max-new-tokens " +
                    std::to_string(c.max_new_tokens) + " --json --prompt " + quote(c.prompt),
                false);
    ASSERT_EQ(r.status, 0) << r.out;
    nlohmann::json j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j.at("prompt_token_ids").get<std::vector<int64_t>>(), c.prompt_ids) << c.prompt;
    EXPECT_EQ(j.at("token_ids").get<std::vector<int64_t>>(), c.output_ids) << c.prompt;
    EXPECT_EQ(j.at("text").get<std::string>(), c.output_text) << c.prompt;
    EXPECT_EQ(j.at("reasoning"), "");
    EXPECT_EQ(j.at("finish_reason"), "length");
    EXPECT_EQ(j.at("metrics").at("output_tokens"), c.max_new_tokens);
    EXPECT_EQ(j.at("metrics").at("input_tokens"), c.prompt_ids.size());
  }
}

TEST_F(CliGenerate, StreamsTheTextToStdout) {
  const auto c = test::reference_cases().at(1);
  CliOutput r = run_openarc("generate --model " + model_ + " --raw --temperature 0 --max-new-tokens " +
                  std::to_string(c.max_new_tokens) + " --prompt " + quote(c.prompt),
              false);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, c.output_text + "\n");
}

TEST_F(CliGenerate, PromptIsAUserMessageWithoutRaw) {
  // The demo template renders "<s>" + the message: the same ids as the raw prompt with BOS.
  CliOutput chat = run_openarc("generate --model " + model_ + " --temperature 0 --max-new-tokens 16 --json --prompt 'Once upon a time'", false);
  CliOutput raw = run_openarc("generate --model " + model_ + " --raw --temperature 0 --max-new-tokens 16 --json --prompt 'Once upon a time'", false);
  ASSERT_EQ(chat.status, 0) << chat.out;
  ASSERT_EQ(raw.status, 0) << raw.out;
  EXPECT_EQ(nlohmann::json::parse(chat.out)["token_ids"], nlohmann::json::parse(raw.out)["token_ids"]);
}

TEST_F(CliGenerate, MessagesFileAndRepeatedStop) {
  test::TempDir dir;
  std::ofstream(dir.file("m.json")) << R"([{"role": "user", "content": "Once upon a time"}])";
  CliOutput r = run_openarc("generate --model " + model_ + " --temperature 0 --max-new-tokens 40 --json --stop 'nothing like it' "
                  "--stop 'girl named' --messages " + dir.file("m.json"),
              false);
  ASSERT_EQ(r.status, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["text"], ", there was a little ");  // the reference text up to the stop string
  EXPECT_EQ(j["finish_reason"], "stop");

  std::ofstream(dir.file("bad.json")) << R"({"messages": [{"content": "no role"}]})";
  r = run_openarc("generate --model " + model_ + " --messages " + dir.file("bad.json"));
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.out, HasSubstr("bad.json"));
  EXPECT_THAT(r.out, HasSubstr("role"));
}

TEST_F(CliGenerate, GrammarAndJsonSchemaFiles) {
  test::TempDir tmp;
  {
    std::ofstream(tmp.file("yn.gbnf")) << "root ::= answer \".\"\nanswer ::= \"yes\" | \"no\"\n";
    std::ofstream(tmp.file("bad.gbnf")) << "root ::= \"a\"\nb ::= (\"c\"\n";
    std::ofstream(tmp.file("s.json")) << R"({"type": "object", "properties": {"n": {"type": "integer", "minimum": 3, "maximum": 9}}, "required": ["n"]})";
    std::ofstream(tmp.file("bad.json")) << R"({"type": "array", "uniqueItems": true})";
  }
  const std::string base = "generate --model " + model_ + " --raw --temperature 1 --seed 2 --max-new-tokens 40 --json --prompt Once ";
  CliOutput g = run_openarc(base + "--grammar " + tmp.file("yn.gbnf"), false);
  ASSERT_EQ(g.status, 0) << g.out;
  const std::string text = nlohmann::json::parse(g.out)["text"];
  EXPECT_TRUE(text == "yes." || text == "no.") << text;
  CliOutput s = run_openarc(base + "--json-schema " + tmp.file("s.json"), false);
  ASSERT_EQ(s.status, 0) << s.out;
  const nlohmann::json value = nlohmann::json::parse(nlohmann::json::parse(s.out)["text"].get<std::string>());
  EXPECT_TRUE(value["n"] >= 3 && value["n"] <= 9) << value;
  CliOutput bad = run_openarc(base + "--grammar " + tmp.file("bad.gbnf"));
  EXPECT_NE(bad.status, 0);
  EXPECT_THAT(bad.out, HasSubstr("bad.gbnf: grammar error at 3:1: expected ')'"));
  CliOutput bad_schema = run_openarc(base + "--json-schema " + tmp.file("bad.json"));
  EXPECT_NE(bad_schema.status, 0);
  EXPECT_THAT(bad_schema.out, HasSubstr("uniqueItems"));
}

TEST_F(CliGenerate, NSamplesAndSeed) {
  auto args = "generate --model " + model_ + " --raw --max-new-tokens 12 --temperature 1 --seed 5 --n 3 --json --prompt Once";
  CliOutput a = run_openarc(args, false), b = run_openarc(args, false);
  ASSERT_EQ(a.status, 0) << a.out;
  nlohmann::json j = nlohmann::json::parse(a.out);
  ASSERT_EQ(j["sequences"].size(), 3u);
  EXPECT_EQ(j["sequences"][0]["token_ids"], j["token_ids"]);
  EXPECT_EQ(a.out.substr(0, a.out.find("\"metrics\"")), b.out.substr(0, b.out.find("\"metrics\"")));
}

TEST_F(CliGenerate, Logprobs) {
  CliOutput r = run_openarc("generate --model " + model_ + " --raw --temperature 0 --max-new-tokens 4 --logprobs --top-logprobs 3 "
                 "--json --prompt Once", false);
  ASSERT_EQ(r.status, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["logprobs"].size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const auto& t = j["logprobs"][i];
    EXPECT_EQ(t["token"], j["token_ids"][i]);
    ASSERT_EQ(t["top_logprobs"].size(), 3u);
    // Greedy: the chosen token is the most likely one; log probabilities are <= 0 and descend.
    EXPECT_EQ(t["top_logprobs"][0]["token"], t["token"]);
    EXPECT_LE(t["logprob"].get<double>(), 0.0);
    EXPECT_GE(t["top_logprobs"][0]["logprob"].get<double>(), t["top_logprobs"][1]["logprob"].get<double>());
  }
}

TEST_F(CliGenerate, BadValuesNameTheSetting) {
  CliOutput r = run_openarc("generate --model " + model_ + " --raw --prompt Once --temperature -1");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("temperature"));
  r = run_openarc("generate --model " + model_ + " --raw --prompt Once --top-k lots");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("top_k"));
  r = run_openarc("generate --model " + model_ + " --raw --prompt Once --stop-token-ids 9999");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("stop_token_ids"));
  r = run_openarc("generate --model " + model_ + " --raw --prompt Once --no-such-flag 1");
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.out, HasSubstr("no-such-flag"));
  r = run_openarc("generate --model " + model_ + " --raw");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("--prompt"));
  r = run_openarc("generate --model /nonexistent/model --raw --prompt x");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("/nonexistent/model"));
}

TEST_F(CliGenerate, ContextWindow) {
  CliOutput r = run_openarc("generate --model " + model_ + " --raw --prompt 'Once upon a time' --ctx-size 32 --max-new-tokens 40");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("40"));
  EXPECT_THAT(r.out, HasSubstr("32"));
  r = run_openarc("generate --model " + model_ + " --raw --temperature 0 --json --prompt 'Lily and Tom went to the park' "
          "--ctx-size 16 --max-new-tokens 10 --truncate",
          false);
  ASSERT_EQ(r.status, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["prompt_token_ids"].size(), 6u);  // 16 - 10
  EXPECT_EQ(j["token_ids"].size(), 10u);
}

TEST_F(CliGenerate, NoChatTemplateSuggestsRaw) {
  test::TempDir dir;
  fs::copy(model_, dir.file("m"), fs::copy_options::recursive);
  nlohmann::json cfg = nlohmann::json::parse(std::ifstream(dir.file("m/tokenizer_config.json")));
  cfg.erase("chat_template");
  std::ofstream(dir.file("m/tokenizer_config.json")) << cfg.dump();
  CliOutput r = run_openarc("generate --model " + dir.file("m") + " --prompt Once");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("chat template"));
  EXPECT_THAT(r.out, HasSubstr("--raw"));
  r = run_openarc("generate --model " + dir.file("m") + " --raw --max-new-tokens 3 --prompt Once", false);
  EXPECT_EQ(r.status, 0) << r.out;
}

TEST_F(CliGenerate, InterruptCancelsAndKeepsTheText) {
  test::TempDir dir;
  const std::string out = dir.file("out.txt"), err = dir.file("err.txt");
  // SIGINT once the first text is out (at most ~30 s of waiting); the generation could not end on
  // its own that soon: 500 tokens with ignore_eos.
  const std::string script = std::string(OPENARC_BINARY) + " generate --model " + model_ +
                             " --raw --ignore-eos --temperature 0 --max-new-tokens 500 --prompt Once > " + out +
                             " 2> " + err + " & p=$!; i=0; while [ ! -s " + out +
                             " ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i+1)); done; kill -INT $p; wait $p; echo $?";
  FILE* p = popen(("sh -c " + quote(script)).c_str(), "r");
  char buf[64] = {};
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  EXPECT_EQ(std::string(buf, n), "0\n");
  const std::string err_text = read_file(err);
  EXPECT_THAT(err_text, HasSubstr("finish cancelled"));
  ASSERT_EQ(err_text.front(), '[') << err_text;
  EXPECT_LT(std::stoll(err_text.substr(1)), 500);
  EXPECT_GT(read_file(out).size(), 1u);  // what was generated, then a newline
}

TEST_F(CliGenerate, ChatFromAScript) {
  test::TempDir dir;
  std::ofstream(dir.file("script.txt")) << "/set temperature 0\n/set max-new-tokens 16\n/set top_p 7\n"
                                           "Once upon a time\n/reset\n/system Be brief.\nOnce upon a time\n"
                                           "/bogus\n/quit\nthis line is never read\n";
  CliOutput r = run_openarc("chat --model " + model_, false, dir.file("script.txt"));
  ASSERT_EQ(r.status, 0) << r.out;
  // The first answer is the greedy continuation (the template renders "<s>Once upon a time").
  const auto c = test::reference_cases().at(1);
  CliOutput gen = run_openarc("generate --model " + model_ + " --raw --temperature 0 --max-new-tokens 16 --prompt 'Once upon a time'", false);
  ASSERT_EQ(gen.status, 0);
  EXPECT_THAT(r.out, HasSubstr(gen.out.substr(0, gen.out.size() - 1) + "\n[ttft "));
  EXPECT_THAT(r.out, HasSubstr("(temperature = 0)"));
  EXPECT_THAT(r.out, HasSubstr("error: top_p"));  // a bad /set is refused, the chat goes on
  EXPECT_THAT(r.out, HasSubstr("(conversation cleared)"));
  EXPECT_THAT(r.out, HasSubstr("(system message set)"));
  EXPECT_THAT(r.out, HasSubstr("unknown command /bogus"));
  EXPECT_THAT(r.out, HasSubstr("16 tokens"));
  EXPECT_THAT(r.out, HasSubstr("tokens/s"));
  EXPECT_THAT(r.out, Not(HasSubstr("never read")));
}

TEST_F(CliGenerate, ChatEndsAtEof) {
  test::TempDir dir;
  std::ofstream(dir.file("script.txt")) << "/set max_new_tokens 4\nOnce";
  CliOutput r = run_openarc("chat --model " + model_, false, dir.file("script.txt"));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("4 tokens"));
}

}  // namespace
}  // namespace openarc::llm

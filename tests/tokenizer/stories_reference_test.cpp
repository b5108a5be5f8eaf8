// The demo model's tokenizer against llama2.c's own encoder and decoder
// (../shared/reference/stories260K-greedy.json, produced by run.c).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "tokenizer/incremental_decoder.h"
#include "tokenizer/tokenizer.h"

namespace openarc::tokenizer {
namespace {

namespace fs = std::filesystem;

TEST(Stories260K, PromptIdsAndTextsMatchLlama2c) {
  fs::path shared = OPENARC_SHARED_DIR;
  fs::path reference = shared / "reference/stories260K-greedy.json";
  if (!fs::exists(reference) || !fs::exists(shared / "models/stories260K/tokenizer.json"))
    GTEST_SKIP() << "needs " << shared.string() << " (reference/stories260K-greedy.json and models/stories260K)";
  Tokenizer t = Tokenizer::load(shared / "models/stories260K");
  std::ifstream in(reference);
  nlohmann::json ref = nlohmann::json::parse(in);
  ASSERT_FALSE(ref["cases"].empty());
  for (const auto& c : ref["cases"]) {
    std::string prompt = c["prompt"];
    auto prompt_ids = c["prompt_ids"].get<std::vector<TokenId>>();
    auto output_ids = c["output_ids"].get<std::vector<TokenId>>();
    EXPECT_EQ(t.encode(prompt, c["bos"].get<bool>()), prompt_ids) << "prompt " << prompt;
    std::vector<TokenId> all = prompt_ids;
    all.insert(all.end(), output_ids.begin(), output_ids.end());
    // output_text is decode(prompt + output) minus decode(prompt); streaming gives it directly.
    std::string whole = t.decode(all, true), head = t.decode(prompt_ids, true);
    ASSERT_EQ(whole.compare(0, head.size(), head), 0);
    EXPECT_EQ(whole.substr(head.size()), c["output_text"].get<std::string>()) << "prompt " << prompt;
    EXPECT_EQ(whole, c["full_text"].get<std::string>()) << "prompt " << prompt;
    IncrementalDecoder stream(t, true);
    std::string streamed;
    for (TokenId id : prompt_ids) streamed += stream.step(id);
    std::string generated;
    for (TokenId id : output_ids) generated += stream.step(id);
    generated += stream.flush();
    EXPECT_EQ(streamed + generated, whole);
  }
}

}  // namespace
}  // namespace openarc::tokenizer

// Whole-tokenizer behaviour on small hand-made tokenizer.json files: loading errors, added
// tokens, the encode pipeline, decoding and streaming.
#include "tokenizer/tokenizer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "tokenizer/incremental_decoder.h"

namespace openarc::tokenizer {
namespace {

using nlohmann::json;
using Ids = std::vector<TokenId>;

// Vocab: the ASCII letters a..e and space as single characters, "ab", and byte tokens for
// 0xC3/0xA9 (é); Metaspace-free so expected ids are easy to work out by hand.
json base_json() {
  return json::parse(R"({
    "version": "1.0", "truncation": null, "padding": null,
    "added_tokens": [
      {"id": 10, "content": "<s>", "special": true, "lstrip": false, "rstrip": false, "single_word": false, "normalized": false},
      {"id": 11, "content": "<think>", "special": false, "lstrip": false, "rstrip": false, "single_word": false, "normalized": false}
    ],
    "normalizer": null, "pre_tokenizer": null, "post_processor": null,
    "decoder": {"type": "Sequence", "decoders": [{"type": "ByteFallback"}, {"type": "Fuse"}]},
    "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": null,
      "end_of_word_suffix": null, "fuse_unk": true, "byte_fallback": true, "ignore_merges": false,
      "vocab": {"<unk>": 0, "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, " ": 6, "ab": 7, "<0xC3>": 8, "<0xA9>": 9, "<s>": 10},
      "merges": ["a b"]}
  })");
}

Tokenizer make(const json& j) { return Tokenizer::from_json(j.dump(), {}, "t/tokenizer.json"); }

std::string error_of(const std::string& text, std::string_view config = {}) {
  try {
    Tokenizer::from_json(text, config, "t/tokenizer.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Tokenizer, EncodePipeline) {
  Tokenizer t = make(base_json());
  EXPECT_EQ(t.encode("ab c", false), (Ids{7, 6, 3}));
  EXPECT_EQ(t.encode("a\xC3\xA9", false), (Ids{1, 8, 9}));
  EXPECT_EQ(t.encode("xyz", false), (Ids{0}));  // fused unknowns
  // Added tokens are cut out first, special or not, whatever add_special_tokens says.
  EXPECT_EQ(t.encode("a<s>b<think>", false), (Ids{1, 10, 2, 11}));
  EXPECT_EQ(t.encode("", true), (Ids{}));
  // Invalid UTF-8 is repaired to U+FFFD (not in the vocab, and its bytes are not either).
  EXPECT_EQ(t.encode("a\xFF" "b", false), (Ids{1, 0, 2}));
}

TEST(Tokenizer, AddedTokenFlags) {
  json j = base_json();
  j["added_tokens"] = json::parse(R"([
    {"id": 20, "content": "<L>", "special": true, "lstrip": true, "rstrip": false, "single_word": false, "normalized": false},
    {"id": 21, "content": "<R>", "special": false, "lstrip": false, "rstrip": true, "single_word": false, "normalized": false},
    {"id": 22, "content": "cab", "special": false, "lstrip": false, "rstrip": false, "single_word": true, "normalized": false},
    {"id": 23, "content": "<R>x", "special": false, "lstrip": false, "rstrip": false, "single_word": false, "normalized": false},
    {"id": 24, "content": "DE", "special": false, "lstrip": false, "rstrip": false, "single_word": false, "normalized": true}
  ])");
  j["normalizer"] = json::parse(R"({"type": "Lowercase"})");
  Tokenizer t = make(j);  // the file's ids (20..24) are not what the Rust library assigns
  EXPECT_EQ(t.encode("a  <L>b", false), (Ids{1, 11, 2}));    // lstrip eats the spaces before
  EXPECT_EQ(t.encode("a<R>  b", false), (Ids{1, 12, 2}));    // rstrip eats the spaces after
  EXPECT_EQ(t.encode("<R>xa", false), (Ids{14, 1}));         // longest match wins
  EXPECT_EQ(t.encode("cab dcab", false), (Ids{13, 6, 4, 3, 7}));  // single_word: not inside a word
  EXPECT_EQ(t.encode("DE", false), (Ids{15}));  // normalized: matched after lowercasing to "de"
  // Ids follow the Rust rule, not the file: past the model's vocabulary (11), in order.
  EXPECT_EQ(t.token_to_id("<L>"), 11);
  EXPECT_EQ(t.token_to_id("DE"), 15);
}

TEST(Tokenizer, DecodeSkipsOnlySpecialTokens) {
  Tokenizer t = make(base_json());
  EXPECT_EQ(t.decode(Ids{10, 7, 11, 8, 9}, false), "<s>ab<think>\xC3\xA9");
  EXPECT_EQ(t.decode(Ids{10, 7, 11, 8, 9}, true), "ab<think>\xC3\xA9");
  EXPECT_EQ(t.decode(Ids{7, 999, -5, 1}, false), "aba");  // unknown ids are dropped
  EXPECT_EQ(t.decode(Ids{8, 1}, false), "\xEF\xBF\xBD" "a");
}

TEST(Tokenizer, StreamingNeverSplitsACharacter) {
  Tokenizer t = make(base_json());
  IncrementalDecoder d(t, false);
  EXPECT_EQ(d.step(1), "a");
  EXPECT_EQ(d.step(8), "");  // half of é
  EXPECT_EQ(d.step(9), "");  // a byte run is final only once a non-byte token follows
  EXPECT_EQ(d.step(2), "\xC3\xA9" "b");
  EXPECT_EQ(d.step(8), "");
  EXPECT_EQ(d.flush(), "\xEF\xBF\xBD");  // what decode gives for a dangling byte
}

TEST(Tokenizer, StreamingKeepsTheNamedSpecialTokens) {
  // A tool parser needs its markers ([TOOL_CALLS], <|python_tag|>) when they are special tokens:
  // those reach the text, every other special token is still skipped.
  json j = base_json();
  j["added_tokens"].push_back(json::parse(
      R"({"id": 12, "content": "[TOOL_CALLS]", "special": true, "lstrip": false, "rstrip": false, "single_word": false, "normalized": false})"));
  Tokenizer t = make(j);
  TokenId marker = *t.token_to_id("[TOOL_CALLS]");
  Ids ids{10, 1, marker, 2, 10, 8, 9, marker};
  for (bool kept : {false, true}) {
    IncrementalDecoder d(t, true, std::nullopt, false, kept ? Ids{marker} : Ids{});
    std::string out;
    for (TokenId id : ids) out += d.step(id);
    out += d.flush();
    EXPECT_EQ(out, kept ? "a[TOOL_CALLS]b\xC3\xA9[TOOL_CALLS]" : "ab\xC3\xA9");
  }
}

TEST(Tokenizer, StreamingCleanUpWaitsForTheNextCharacter) {
  json j = base_json();
  j["model"]["vocab"]["."] = 12;
  j["model"]["vocab"]["'"] = 13;
  Tokenizer t = make(j);
  IncrementalDecoder d(t, false, true);
  std::string out;
  for (TokenId id : Ids{1, 6, 12, 6, 2, 6, 13, 6, 3}) out += d.step(id);  // "a . b ' c"
  out += d.flush();
  EXPECT_EQ(out, "a. b'c");
  EXPECT_EQ(t.decode(Ids{1, 6, 12, 6, 2, 6, 13, 6, 3}, false, true), "a. b'c");
}

TEST(Tokenizer, ConfigGivesSpecialTokensAndCleanUp) {
  json config = json::parse(R"({"bos_token": {"__type": "AddedToken", "content": "<s>"}, "eos_token": "<think>",
                                "add_bos_token": true, "clean_up_tokenization_spaces": true})");
  Tokenizer t = Tokenizer::from_json(base_json().dump(), config.dump(), "t/tokenizer.json");
  EXPECT_EQ(t.bos_id(), 10);
  EXPECT_EQ(t.eos_id(), 11);
  EXPECT_EQ(t.config().add_bos_token, true);
  EXPECT_TRUE(t.config().clean_up_tokenization_spaces);
  EXPECT_TRUE(t.is_special(10));
  EXPECT_FALSE(t.is_special(11));
}

TEST(Tokenizer, LoadErrorsNameFileAndPath) {
  EXPECT_NE(error_of("{").find("t/tokenizer.json: invalid JSON"), std::string::npos);
  EXPECT_EQ(error_of("[]"), "t/tokenizer.json: (top level): expected an object, got an array");
  EXPECT_EQ(error_of("{}"), "t/tokenizer.json: model: missing");
  json j = base_json();
  j["model"]["merges"][0] = 5;
  EXPECT_EQ(error_of(j.dump()), "t/tokenizer.json: model.merges[0]: expected a merge as \"left right\" or [\"left\", \"right\"]");
  j = base_json();
  j["model"]["merges"][0] = "a q";
  EXPECT_EQ(error_of(j.dump()), "t/tokenizer.json: model: merges[0]: token \"q\" is not in the vocab");
  j = base_json();
  j["added_tokens"][1]["content"] = 3;
  EXPECT_EQ(error_of(j.dump()), "t/tokenizer.json: added_tokens[1].content: expected a string, got an integer");
  j = base_json();
  j["model"]["type"] = "Unigram";
  EXPECT_EQ(error_of(j.dump()), "t/tokenizer.json: model.type: unsupported model \"Unigram\" (supported: BPE)");
  EXPECT_EQ(error_of(base_json().dump(), R"({"bos_token": 3})"), "t/tokenizer_config.json: bos_token: expected a string or an AddedToken object");
}

TEST(Tokenizer, LoadFromDirectory) {
  auto dir = std::filesystem::temp_directory_path() / "openarc_tokenizer_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "tokenizer.json") << base_json().dump();
  Tokenizer t = Tokenizer::load(dir);
  EXPECT_EQ(t.encode("ab", false), (Ids{7}));
  EXPECT_FALSE(t.config().clean_up_tokenization_spaces);  // no tokenizer_config.json
  std::filesystem::remove_all(dir);
  try {
    Tokenizer::load(dir);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no tokenizer.json in"), std::string::npos);
  }
}

}  // namespace
}  // namespace openarc::tokenizer

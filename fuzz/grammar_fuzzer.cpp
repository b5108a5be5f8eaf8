// libFuzzer target for the grammar engine. The first byte picks the input's kind: even, the rest
// is a GBNF grammar; odd, a JSON schema. Either must compile or fail with an openarc::Error (a
// SchemaError for schemas); a compiled grammar is then run: its automaton over the input's own
// bytes, and a token mask over a small vocabulary at every step, within the limits that guard
// a server against hostile grammars (state and stack counts, repetition bounds).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "grammar/gbnf_parser.h"
#include "grammar/json_schema.h"
#include "grammar/token_matcher.h"

namespace {

using namespace openarc::grammar;

std::shared_ptr<const TokenVocabulary> vocabulary() {
  static const auto v = std::make_shared<const TokenVocabulary>(std::vector<std::string>{
      "", "{", "}", "\"", ":", ",", "[", "]", " ", "\n", "a", "ab", "\"a\"", "1", "12", "-", ".", "e", "true", "null",
      "\xC3", "\xA9", "é", "世界", "\\", "\\n", "x\"}", "0"});
  return v;
}

void run(std::shared_ptr<const Grammar> g, const std::string& text) {
  auto tg = std::make_shared<TokenGrammar>(g, vocabulary(), std::vector<int32_t>{0});
  TokenMatcher m(tg, 64);
  Automaton& a = tg->automaton();
  Automaton::StateId s = a.start();
  for (size_t i = 0; i < text.size() && i < 256 && s != Automaton::kDead; ++i) {
    s = a.step(s, static_cast<uint8_t>(text[i]));
    (void)a.can_end(s);
    (void)a.min_completion(s);
  }
  for (int step = 0; step < 16 && !m.is_complete(); ++step) {
    std::span<const uint64_t> mask;
    try {
      mask = m.mask();
    } catch (const openarc::Error&) {
      return;  // no token of this vocabulary continues the grammar
    }
    int32_t pick = -1;
    for (size_t id = 0; id < m.vocab_size(); ++id)
      if ((mask[id >> 6] >> (id & 63)) & 1) pick = static_cast<int32_t>(id);
    if (pick < 0) return;
    m.accept(pick);
    if (m.ended()) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::shared_ptr<const Grammar> g;
  try {
    if (data[0] % 2 == 0) {
      g = std::make_shared<const Grammar>(compile_gbnf(text));
    } else {
      const nlohmann::ordered_json schema = nlohmann::ordered_json::parse(text, nullptr, false);
      if (schema.is_discarded()) return 0;
      g = std::make_shared<const Grammar>(compile_json_schema(schema));
    }
    run(g, text);
  } catch (const openarc::Error&) {
    // Refusing a grammar or schema with an error is the expected outcome for most inputs.
  }
  return 0;
}

// Grammar expressions: what the GBNF parser reads and the JSON-schema compiler writes, before
// Grammar::compile lowers them to the flat byte-level form the matcher runs.
//
// A rule's body is an Expr tree: literals (UTF-8 text), character classes (code points),
// references to rules by name, sequences, choices and bounded or unbounded repetition.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "grammar/utf8_ranges.h"

namespace openarc::grammar {

// Where an expression came from in a grammar text (1-based); line 0: built by code.
struct SourcePos {
  uint32_t line = 0, column = 0;
};

struct Expr {
  enum class Kind : uint8_t { literal, chars, rule, sequence, choice, repeat };
  static constexpr uint32_t kUnbounded = UINT32_MAX;

  Kind kind = Kind::sequence;  // an empty sequence matches the empty string
  std::string text;            // literal: the bytes; rule: the referenced name
  std::vector<CodePointRange> ranges;  // chars: normalized, already complemented when negated
  std::vector<Expr> items;     // sequence, choice; repeat: items[0] is what repeats
  uint32_t min = 0, max = 0;   // repeat: count bounds (max may be kUnbounded)
  SourcePos pos;
};

struct RuleDef {
  std::string name;
  Expr body;
  SourcePos pos;
};

// Builders for code that writes grammars (the schema compiler, tool-call grammars).
Expr literal(std::string text);
Expr chars(std::vector<CodePointRange> ranges, bool negated = false);
Expr ref(std::string rule);
Expr seq(std::vector<Expr> items);
Expr choice(std::vector<Expr> items);
Expr repeat(Expr item, uint32_t min, uint32_t max);
inline Expr optional(Expr item) { return repeat(std::move(item), 0, 1); }
inline Expr star(Expr item) { return repeat(std::move(item), 0, Expr::kUnbounded); }
inline Expr plus(Expr item) { return repeat(std::move(item), 1, Expr::kUnbounded); }

}  // namespace openarc::grammar

// Test helpers: run a grammar's automaton over a text.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "grammar/automaton.h"
#include "grammar/gbnf_parser.h"

namespace openarc::grammar {

// The text is a whole match.
inline bool matches(Automaton& a, std::string_view text) {
  Automaton::StateId s = a.start();
  for (unsigned char c : text) {
    s = a.step(s, c);
    if (s == Automaton::kDead) return false;
  }
  return a.can_end(s);
}

// The text can still become a match.
inline bool viable_prefix(Automaton& a, std::string_view text) {
  Automaton::StateId s = a.start();
  for (unsigned char c : text) {
    s = a.step(s, c);
    if (s == Automaton::kDead) return false;
  }
  return true;
}

inline std::shared_ptr<const Grammar> gbnf(std::string_view text) {
  return std::make_shared<const Grammar>(compile_gbnf(text));
}

inline bool gbnf_matches(std::string_view grammar, std::string_view text) {
  Automaton a(gbnf(grammar));
  return matches(a, text);
}

}  // namespace openarc::grammar

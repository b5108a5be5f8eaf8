// Test helpers: run a grammar's automaton over a text.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/automaton.h"
#include "grammar/gbnf_parser.h"

namespace openarc::grammar {

// Whether a token mask (one bit per id, id % 64 of word id / 64) allows `id`.
inline bool bit(std::span<const uint64_t> bits, size_t id) { return (bits[id >> 6] >> (id & 63)) & 1; }

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

// Random texts the grammar accepts: random bytes among those allowed, steering to the end
// (the byte that shortens the completion most) once `soft_limit` bytes are out.
inline std::string random_match(Automaton& a, std::mt19937& rng, size_t soft_limit) {
  std::string out;
  Automaton::StateId s = a.start();
  while (true) {
    if (a.can_end(s) && (a.is_complete(s) || out.size() >= soft_limit || rng() % 8 == 0)) return out;
    std::vector<uint8_t> bytes;
    for (unsigned b = 0; b < 256; ++b)
      if (a.next_bytes(s).has(static_cast<uint8_t>(b))) bytes.push_back(static_cast<uint8_t>(b));
    uint8_t pick = bytes[rng() % bytes.size()];
    if (out.size() >= soft_limit) {
      uint32_t best = UINT32_MAX;
      for (uint8_t b : bytes) {
        const uint32_t need = a.min_completion(a.step(s, b));
        if (need < best) best = need, pick = b;
      }
    }
    out += static_cast<char>(pick);
    s = a.step(s, pick);
  }
}

inline std::shared_ptr<const Grammar> gbnf(std::string_view text) {
  return std::make_shared<const Grammar>(compile_gbnf(text));
}

inline bool gbnf_matches(std::string_view grammar, std::string_view text) {
  Automaton a(gbnf(grammar));
  return matches(a, text);
}

}  // namespace openarc::grammar

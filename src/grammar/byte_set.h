// A set of byte values (256 bits): the terminal of the byte-level grammar. A character class
// becomes one or more sequences of these (utf8_ranges.h).
#pragma once

#include <bit>
#include <cstdint>

namespace openarc::grammar {

struct ByteSet {
  uint64_t words[4] = {0, 0, 0, 0};

  static ByteSet range(uint8_t lo, uint8_t hi) {
    ByteSet s;
    s.add(lo, hi);
    return s;
  }
  static ByteSet single(uint8_t b) { return range(b, b); }

  void add(uint8_t lo, uint8_t hi) {
    for (unsigned b = lo; b <= hi; ++b) words[b >> 6] |= uint64_t{1} << (b & 63);
  }
  void add(const ByteSet& o) {
    for (int i = 0; i < 4; ++i) words[i] |= o.words[i];
  }
  bool has(uint8_t b) const { return (words[b >> 6] >> (b & 63)) & 1; }
  bool empty() const { return (words[0] | words[1] | words[2] | words[3]) == 0; }
  // How many members are below b: the slot of b in a table that holds only the members.
  unsigned rank(uint8_t b) const {
    unsigned w = b >> 6, n = 0;
    for (unsigned i = 0; i < w; ++i) n += static_cast<unsigned>(std::popcount(words[i]));
    return n + static_cast<unsigned>(std::popcount(words[w] & ((uint64_t{1} << (b & 63)) - 1)));
  }
  unsigned count() const {
    unsigned n = 0;
    for (uint64_t w : words) n += static_cast<unsigned>(std::popcount(w));
    return n;
  }
  bool operator==(const ByteSet&) const = default;
};

}  // namespace openarc::grammar

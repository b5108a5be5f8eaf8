// Character classes as UTF-8 bytes. The grammar matches bytes, because tokens cut characters
// apart (byte-fallback tokens, byte-level BPE): a class of code points becomes the alternatives
// of a few byte sequences, each position a ByteSet, that match exactly the UTF-8 encodings of
// its members. Surrogates (U+D800..U+DFFF) are never members: UTF-8 cannot encode them.
#pragma once

#include <string>
#include <vector>

#include "grammar/byte_set.h"
#include "core/utf8.h"

namespace openarc::grammar {

constexpr char32_t kMaxCodePoint = 0x10FFFF;

struct CodePointRange {
  char32_t lo = 0, hi = 0;  // inclusive
  bool operator==(const CodePointRange&) const = default;
};

// Sorted, overlapping and adjacent ranges merged, surrogates removed, clipped to U+10FFFF.
std::vector<CodePointRange> normalize_ranges(std::vector<CodePointRange> ranges);
// Every code point not in `ranges` (normalized), surrogates excluded.
std::vector<CodePointRange> complement_ranges(const std::vector<CodePointRange>& ranges);

// The byte sequences that encode the members of normalized ranges; sequences that differ only
// in their first byte are merged.
std::vector<std::vector<ByteSet>> utf8_sequences(const std::vector<CodePointRange>& ranges);

}  // namespace openarc::grammar

#include "grammar/utf8_ranges.h"

#include <algorithm>

namespace openarc::grammar {
namespace {

constexpr char32_t kSurrogateLo = 0xD800, kSurrogateHi = 0xDFFF;

int encoded_length(char32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

std::string encode(char32_t cp) {
  std::string s;
  append_utf8(s, cp);
  return s;
}

// Splits [lo, hi] until each piece has one encoded length and, per byte position, a plain byte
// range (every continuation byte below the first differing one spans 80..BF), then emits it.
void split(char32_t lo, char32_t hi, std::vector<std::vector<ByteSet>>& out) {
  if (lo > hi) return;
  for (char32_t max : {char32_t{0x7F}, char32_t{0x7FF}, char32_t{0xFFFF}}) {
    if (lo <= max && max < hi) {
      split(lo, max, out);
      split(max + 1, hi, out);
      return;
    }
  }
  const int n = encoded_length(lo);
  for (int i = 1; i < n; ++i) {
    const char32_t m = (char32_t{1} << (6 * i)) - 1;  // the bits of the last i bytes
    if ((lo & ~m) != (hi & ~m)) {
      if ((lo & m) != 0) {
        split(lo, lo | m, out);
        split((lo | m) + 1, hi, out);
        return;
      }
      if ((hi & m) != m) {
        split(lo, (hi & ~m) - 1, out);
        split(hi & ~m, hi, out);
        return;
      }
    }
  }
  const std::string a = encode(lo), b = encode(hi);
  std::vector<ByteSet> seq;
  for (int k = 0; k < n; ++k)
    seq.push_back(ByteSet::range(static_cast<uint8_t>(a[k]), static_cast<uint8_t>(b[k])));
  out.push_back(std::move(seq));
}

}  // namespace

std::vector<CodePointRange> normalize_ranges(std::vector<CodePointRange> ranges) {
  std::vector<CodePointRange> clipped;
  for (CodePointRange r : ranges) {
    r.hi = std::min(r.hi, kMaxCodePoint);
    if (r.lo > r.hi) continue;
    // Cut the surrogate block out.
    if (r.lo < kSurrogateLo && r.hi >= kSurrogateLo) clipped.push_back({r.lo, kSurrogateLo - 1});
    if (r.hi > kSurrogateHi && r.lo <= kSurrogateHi) clipped.push_back({kSurrogateHi + 1, r.hi});
    if (r.hi < kSurrogateLo || r.lo > kSurrogateHi) clipped.push_back(r);
  }
  std::sort(clipped.begin(), clipped.end(), [](auto a, auto b) { return a.lo < b.lo || (a.lo == b.lo && a.hi < b.hi); });
  std::vector<CodePointRange> out;
  for (const CodePointRange& r : clipped) {
    if (!out.empty() && r.lo <= out.back().hi + 1) out.back().hi = std::max(out.back().hi, r.hi);
    else out.push_back(r);
  }
  return out;
}

std::vector<CodePointRange> complement_ranges(const std::vector<CodePointRange>& ranges) {
  std::vector<CodePointRange> out;
  char32_t next = 0;
  for (const CodePointRange& r : ranges) {
    if (r.lo > next) out.push_back({next, r.lo - 1});
    next = r.hi + 1;
  }
  if (next <= kMaxCodePoint) out.push_back({next, kMaxCodePoint});
  return normalize_ranges(std::move(out));
}

std::vector<std::vector<ByteSet>> utf8_sequences(const std::vector<CodePointRange>& ranges) {
  std::vector<std::vector<ByteSet>> seqs;
  for (const CodePointRange& r : ranges) split(r.lo, r.hi, seqs);
  // Merge sequences that differ only in their first byte (one ByteSet instead of two paths).
  std::vector<std::vector<ByteSet>> out;
  for (auto& s : seqs) {
    auto same_tail = [&](const std::vector<ByteSet>& o) {
      return o.size() == s.size() && std::equal(o.begin() + 1, o.end(), s.begin() + 1);
    };
    auto it = std::find_if(out.begin(), out.end(), same_tail);
    if (it != out.end()) (*it)[0].add(s[0]);
    else out.push_back(std::move(s));
  }
  return out;
}

}  // namespace openarc::grammar

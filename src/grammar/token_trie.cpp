#include "grammar/token_trie.h"

#include <algorithm>
#include <numeric>

namespace openarc::grammar {

namespace {

// text[k..] is whole UTF-8 characters none of which is a control character, '"' or '\\', for
// each k (out[k]).
std::vector<bool> text_suffixes(const std::string& t) {
  std::vector<bool> out(t.size() + 1, false);
  out[t.size()] = true;
  for (size_t k = t.size(); k-- > 0;) {
    const unsigned char c = static_cast<unsigned char>(t[k]);
    size_t n = 0;
    char32_t cp = 0;
    if (c < 0x80) n = 1, cp = c;
    else if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
    if (n == 0 || k + n > t.size()) continue;
    bool ok = true;
    for (size_t j = 1; j < n; ++j) {
      const unsigned char cc = static_cast<unsigned char>(t[k + j]);
      ok = ok && (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    ok = ok && cp >= kMin[n] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    ok = ok && cp >= 0x20 && cp != '"' && cp != '\\';
    out[k] = ok && out[k + n];
  }
  return out;
}

}  // namespace

TokenTrie::TokenTrie(const std::vector<std::string>& bytes) {
  std::vector<int32_t> order;
  for (size_t id = 0; id < bytes.size(); ++id)
    if (!bytes[id].empty()) order.push_back(static_cast<int32_t>(id));
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return bytes[a] < bytes[b]; });

  // Sorted strings give the nodes in depth-first order: each string shares its longest common
  // prefix with the previous one, pops the path below it and pushes the rest.
  byte_.push_back(0);
  depth_.push_back(0);
  end_.push_back(0);
  std::vector<uint32_t> path{0};  // node per depth of the current string
  std::vector<uint32_t> parent{0};
  std::vector<std::pair<uint32_t, int32_t>> ends;  // (node, token)
  std::vector<bool> text{true};                     // per node: Class kText
  const std::string* prev = nullptr;
  for (int32_t id : order) {
    const std::string& s = bytes[id];
    size_t common = 0;
    if (prev)
      while (common < prev->size() && common < s.size() && (*prev)[common] == s[common]) ++common;
    while (path.size() > common + 1) {
      end_[path.back()] = static_cast<uint32_t>(byte_.size());
      path.pop_back();
    }
    for (size_t k = common; k < s.size(); ++k) {
      parent.push_back(path.back());
      path.push_back(static_cast<uint32_t>(byte_.size()));
      byte_.push_back(static_cast<uint8_t>(s[k]));
      depth_.push_back(static_cast<uint32_t>(k + 1));
      end_.push_back(0);
      text.push_back(true);
    }
    // The token read from each of its nodes on: every node of its path sees it.
    const std::vector<bool> suffix_ok = text_suffixes(s);
    for (size_t k = 0; k < s.size(); ++k)
      if (!suffix_ok[k]) text[path[k + 1]] = false;
    max_depth_ = std::max(max_depth_, static_cast<uint32_t>(s.size()));
    ends.push_back({path.back(), id});
    prev = &s;
  }
  while (!path.empty()) {
    end_[path.back()] = static_cast<uint32_t>(byte_.size());
    path.pop_back();
  }
  // Byte classes of subtrees, children before parents (reverse depth-first order).
  classes_.assign(byte_.size(), kAlnum | kDigits);
  for (size_t n = byte_.size(); n-- > 1;) {
    uint8_t own = 0;
    for (Class c : {kAlnum, kDigits})
      if (byte_in(c, byte_[n])) own |= c;
    classes_[n] &= own;
    classes_[parent[n]] &= classes_[n];
  }
  for (size_t n = 1; n < byte_.size(); ++n)
    if (text[n]) classes_[n] |= kText;
  classes_[0] = 0;
  // Tokens grouped by node (already in node order: strings were sorted).
  token_begin_.assign(byte_.size() + 1, 0);
  for (const auto& [node, id] : ends) ++token_begin_[node + 1];
  std::partial_sum(token_begin_.begin(), token_begin_.end(), token_begin_.begin());
  tokens_.resize(ends.size());
  std::vector<uint32_t> fill(token_begin_.begin(), token_begin_.end() - 1);
  for (const auto& [node, id] : ends) tokens_[fill[node]++] = id;
}

}  // namespace openarc::grammar

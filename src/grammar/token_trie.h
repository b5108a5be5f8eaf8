// The vocabulary as a prefix tree of token byte strings, laid out in depth-first order, so that
// computing a token mask walks shared prefixes once and skips a whole subtree with one jump
// when its first byte is refused (tool-calling.md §4.3).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace openarc::grammar {

class TokenTrie {
 public:
  // Classes of text that whole subtrees often stay within. A grammar state that returns to itself
  // on everything of a class (the inside of a JSON string; a run of letters or digits) allows every
  // token of such a subtree, so the mask walk takes the subtree's tokens at once.
  //   kText: each token of the subtree, read from the node on, is whole UTF-8 characters, none a
  //          control character, '"' or '\\' (what a JSON string holds unescaped);
  //   kAlnum, kDigits: every byte of the subtree is an ASCII letter or digit / a digit.
  enum Class : uint8_t { kText = 1, kAlnum = 2, kDigits = 4 };
  static bool byte_in(Class c, uint8_t b) {
    if (c == kDigits) return b >= '0' && b <= '9';
    return (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
  }

  // bytes[id]: what token `id` adds to the text; empty ones are left out.
  explicit TokenTrie(const std::vector<std::string>& bytes);

  // Node 0 is the root (the empty prefix); nodes 1.. follow in depth-first, byte order.
  size_t size() const { return byte_.size(); }
  uint8_t byte(size_t node) const { return byte_[node]; }
  uint32_t depth(size_t node) const { return depth_[node]; }
  // One past the last node of the subtree under `node`.
  uint32_t subtree_end(size_t node) const { return end_[node]; }
  // The tokens whose bytes end at `node`.
  std::span<const int32_t> tokens(size_t node) const {
    return {tokens_.data() + token_begin_[node], tokens_.data() + token_begin_[node + 1]};
  }
  uint32_t max_depth() const { return max_depth_; }
  // The Class bits the subtree under `node` (its own byte included) stays within.
  uint8_t subtree_classes(size_t node) const { return classes_[node]; }
  // The tokens of the whole subtree under `node`, `node`'s own first.
  std::span<const int32_t> subtree_tokens(size_t node) const {
    return {tokens_.data() + token_begin_[node], tokens_.data() + token_begin_[end_[node]]};
  }

 private:
  std::vector<uint8_t> byte_;
  std::vector<uint32_t> depth_;
  std::vector<uint32_t> end_;
  std::vector<uint32_t> token_begin_;  // size() + 1 entries into tokens_
  std::vector<int32_t> tokens_;
  std::vector<uint8_t> classes_;
  uint32_t max_depth_ = 0;
};

}  // namespace openarc::grammar

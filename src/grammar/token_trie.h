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

 private:
  std::vector<uint8_t> byte_;
  std::vector<uint32_t> depth_;
  std::vector<uint32_t> end_;
  std::vector<uint32_t> token_begin_;  // size() + 1 entries into tokens_
  std::vector<int32_t> tokens_;
  uint32_t max_depth_ = 0;
};

}  // namespace openarc::grammar

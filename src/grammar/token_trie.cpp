#include "grammar/token_trie.h"

#include <algorithm>
#include <numeric>

namespace openarc::grammar {

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
  std::vector<std::pair<uint32_t, int32_t>> ends;  // (node, token)
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
      path.push_back(static_cast<uint32_t>(byte_.size()));
      byte_.push_back(static_cast<uint8_t>(s[k]));
      depth_.push_back(static_cast<uint32_t>(k + 1));
      end_.push_back(0);
    }
    max_depth_ = std::max(max_depth_, static_cast<uint32_t>(s.size()));
    ends.push_back({path.back(), id});
    prev = &s;
  }
  while (!path.empty()) {
    end_[path.back()] = static_cast<uint32_t>(byte_.size());
    path.pop_back();
  }
  // Tokens grouped by node (already in node order: strings were sorted).
  token_begin_.assign(byte_.size() + 1, 0);
  for (const auto& [node, id] : ends) ++token_begin_[node + 1];
  std::partial_sum(token_begin_.begin(), token_begin_.end(), token_begin_.begin());
  tokens_.resize(ends.size());
  std::vector<uint32_t> fill(token_begin_.begin(), token_begin_.end() - 1);
  for (const auto& [node, id] : ends) tokens_[fill[node]++] = id;
}

}  // namespace openarc::grammar

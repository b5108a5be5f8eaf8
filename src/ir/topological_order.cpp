#include "ir/topological_order.h"

#include <map>
#include <utility>

namespace openarc::ir {

std::vector<size_t> topological_order(const std::vector<OrderItem>& items,
                                      const std::function<void(size_t)>& on_cycle) {
  const size_t n = items.size();
  // Assign -> ReadValue of the same variable: an implicit dependency.
  std::multimap<std::string, size_t> readers;
  for (size_t i = 0; i < n; ++i)
    if (items[i].type == "ReadValue") readers.emplace(items[i].variable_id, i);
  std::vector<std::vector<size_t>> deps(n);
  for (size_t i = 0; i < n; ++i) {
    deps[i] = items[i].deps;
    if (items[i].type == "Assign") {
      auto [lo, hi] = readers.equal_range(items[i].variable_id);
      for (auto it = lo; it != hi; ++it) deps[i].push_back(it->second);
    }
  }

  enum : char { kNew, kOnStack, kDone };
  std::vector<char> state(n, kNew);
  std::vector<size_t> order;
  order.reserve(n);
  // Iterative post-order DFS: graphs are thousands of layers deep in places, and a hostile file
  // can chain millions, so no recursion.
  std::vector<std::pair<size_t, size_t>> stack;  // (node, next dependency to visit)
  auto visit = [&](size_t root) {
    if (state[root] != kNew) return;
    stack.emplace_back(root, 0);
    state[root] = kOnStack;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < deps[node].size()) {
        size_t d = deps[node][next++];
        if (state[d] == kOnStack) on_cycle(d);
        if (state[d] == kNew) {
          state[d] = kOnStack;
          stack.emplace_back(d, 0);
        }
      } else {
        state[node] = kDone;
        order.push_back(node);
        stack.pop_back();
      }
    }
  };

  for (size_t i = 0; i < n; ++i)
    if (items[i].type == "Parameter" && items[i].deps.empty()) visit(i);
  for (size_t i = 0; i < n; ++i)
    if (items[i].type == "Result") visit(i);
  for (size_t i = 0; i < n; ++i)
    if (items[i].type == "Assign") visit(i);
  for (size_t i = 0; i < n; ++i) visit(i);
  return order;
}

}  // namespace openarc::ir

// The checks that make a grammar runnable by a top-down matcher, and the shortest completion of
// every position (what lets generation close a document before max_tokens runs out):
//   1. nullable rules (can match the empty string), by fixpoint;
//   2. no unbounded repetition of something nullable (x* with x matching "" never ends);
//   3. no left recursion: a rule must not reach itself before matching a byte, or expanding it
//      would never stop;
//   4. every rule can finish (matches some finite text): its shortest match, by Knuth's
//      generalisation of Dijkstra's algorithm to grammars (a rule's length is final once it is
//      the smallest one pending).
#include <map>
#include <queue>
#include <tuple>

#include "core/error.h"
#include "grammar/grammar.h"

namespace openarc::grammar {

namespace {

std::string defined_at(const SourcePos& pos) {
  return pos.line ? cat(" (at ", pos.line, ":", pos.column, ")") : std::string();
}

}  // namespace

void Grammar::analyze() {
  const size_t n = rules_.size();

  // 1. Nullable.
  nullable_.assign(n, false);
  auto alt_nullable = [&](uint32_t pos) {
    for (; elements_[pos].kind != Kind::end; ++pos)
      if (elements_[pos].kind == Kind::bytes || !nullable_[elements_[pos].value]) return false;
    return true;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t r = 0; r < n; ++r) {
      if (nullable_[r]) continue;
      for (uint32_t alt : rules_[r].alternatives)
        if (alt_nullable(alt)) {
          nullable_[r] = true;
          changed = true;
          break;
        }
    }
  }

  // 2. Repetitions of something that can match nothing.
  for (const Repetition& rep : repetitions_) {
    bool empty_item = true;
    for (uint32_t p = rep.item_pos; p < rep.item_pos + rep.item_len; ++p)
      if (elements_[p].kind == Kind::bytes || !nullable_[elements_[p].value]) empty_item = false;
    check(!empty_item, "the repetition in rule '", rules_[rep.rule].name, "'", defined_at(rep.pos),
          " repeats something that can match the empty string, so it could repeat forever");
  }

  // 3. Left recursion: edges to the rules an alternative can start with, DFS for a cycle.
  std::vector<std::vector<uint32_t>> starts(n);
  for (size_t r = 0; r < n; ++r)
    for (uint32_t alt : rules_[r].alternatives)
      for (uint32_t p = alt; elements_[p].kind == Kind::rule; ++p) {
        starts[r].push_back(elements_[p].value);
        if (!nullable_[elements_[p].value]) break;
      }
  std::vector<uint8_t> color(n, 0);  // 0 new, 1 on the DFS path, 2 done
  std::vector<uint32_t> path;
  std::vector<size_t> next_edge;
  for (size_t s = 0; s < n; ++s) {
    if (color[s]) continue;
    path.assign(1, static_cast<uint32_t>(s));
    next_edge.assign(1, 0);
    color[s] = 1;
    while (!path.empty()) {
      const uint32_t r = path.back();
      if (next_edge.back() == starts[r].size()) {
        color[r] = 2;
        path.pop_back();
        next_edge.pop_back();
        continue;
      }
      const uint32_t to = starts[r][next_edge.back()++];
      if (color[to] == 1) {
        std::string cycle;
        size_t i = 0;
        while (path[i] != to) ++i;
        for (; i < path.size(); ++i) cycle += rules_[path[i]].name + " -> ";
        cycle += rules_[to].name;
        fail("left recursion: rule '", rules_[to].name, "'", defined_at(rules_[to].pos),
             " can reach itself without matching any text (", cycle, ")");
      }
      if (color[to] == 0) {
        color[to] = 1;
        path.push_back(to);
        next_edge.push_back(0);
      }
    }
  }

  // 4. Shortest completions. Per alternative: rule elements still unknown and the sum so far.
  struct Alt {
    uint32_t owner;
    uint32_t pending;
    uint64_t sum;
  };
  std::vector<Alt> alts;
  std::vector<std::vector<uint32_t>> uses(n);  // rule -> alternatives (once per occurrence)
  using Item = std::pair<uint64_t, uint32_t>;  // (length, rule)
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  for (size_t r = 0; r < n; ++r) {
    for (uint32_t start : rules_[r].alternatives) {
      Alt a{static_cast<uint32_t>(r), 0, 0};
      for (uint32_t p = start; elements_[p].kind != Kind::end; ++p) {
        if (elements_[p].kind == Kind::bytes) {
          ++a.sum;
        } else {
          ++a.pending;
          uses[elements_[p].value].push_back(static_cast<uint32_t>(alts.size()));
        }
      }
      if (a.pending == 0) queue.push({a.sum, a.owner});
      alts.push_back(a);
    }
  }
  while (!queue.empty()) {
    auto [len, r] = queue.top();
    queue.pop();
    if (rules_[r].min_bytes != kNoCompletion) continue;
    rules_[r].min_bytes = static_cast<uint32_t>(std::min<uint64_t>(len, kNoCompletion - 1));
    for (uint32_t a : uses[r]) {
      alts[a].sum += rules_[r].min_bytes;
      if (--alts[a].pending == 0) queue.push({alts[a].sum, alts[a].owner});
    }
  }
  for (size_t r = 0; r < n; ++r)
    check(rules_[r].min_bytes != kNoCompletion, "rule '", rules_[r].name, "'", defined_at(rules_[r].pos),
          rules_[r].alternatives.empty() ? " has no alternatives, so it matches nothing"
                                         : " can never finish: every alternative needs a rule that cannot finish "
                                           "(recursion without a way out)");

  // 5. Positions with the same remaining elements, found from each alternative's end backwards:
  // a position is its element plus the canonical position after it.
  canonical_.assign(elements_.size(), 0);
  std::map<std::tuple<uint8_t, uint32_t, uint32_t>, uint32_t> by_suffix;
  for (size_t r = 0; r < n; ++r) {
    for (uint32_t start : rules_[r].alternatives) {
      uint32_t end = start;
      while (elements_[end].kind != Kind::end) ++end;
      // Every alternative's end is the same: nothing left, pop.
      auto key = std::make_tuple(static_cast<uint8_t>(Kind::end), 0u, 0u);
      canonical_[end] = by_suffix.emplace(key, end).first->second;
      for (uint32_t p = end; p-- > start;) {
        key = std::make_tuple(static_cast<uint8_t>(elements_[p].kind), elements_[p].value, canonical_[p + 1]);
        canonical_[p] = by_suffix.emplace(key, p).first->second;
      }
    }
  }

  min_from_.assign(elements_.size(), 0);
  for (size_t r = 0; r < n; ++r) {
    for (uint32_t start : rules_[r].alternatives) {
      uint32_t end = start;
      while (elements_[end].kind != Kind::end) ++end;
      uint64_t rest = 0;
      for (uint32_t p = end; p-- > start;) {
        rest += elements_[p].kind == Kind::bytes ? 1 : rules_[elements_[p].value].min_bytes;
        min_from_[p] = static_cast<uint32_t>(std::min<uint64_t>(rest, kNoCompletion - 1));
      }
    }
  }
}

}  // namespace openarc::grammar

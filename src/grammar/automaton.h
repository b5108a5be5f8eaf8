// The matcher of a compiled grammar, as a lazily built deterministic automaton over bytes.
//
// A parse position is a stack of grammar positions (top: the byte element to match next; below:
// where each enclosing rule continues), as in a top-down pushdown matcher. Stacks are interned
// as linked nodes (node = position + the node below), so equal stacks share one id and a set of
// stacks (every parse still alive after the text so far) is a sorted vector of node ids. Such a
// set is a State; it alone decides what may follow, so each (state, byte) step is computed once
// and remembered: after warm-up, matching a byte is a table lookup.
//
// Rules called last in an alternative push no frame (a tail call), so right recursion such as
// x* keeps stacks short. Left recursion was refused by Grammar::compile, so expanding a state
// always ends.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "grammar/byte_set.h"
#include "grammar/grammar.h"

namespace openarc::grammar {

class Automaton {
 public:
  using StateId = uint32_t;
  static constexpr StateId kDead = 0;  // no parse is alive: the text has left the grammar

  explicit Automaton(std::shared_ptr<const Grammar> grammar);

  StateId start() const { return start_; }

  // The state after `byte`, kDead when no parse accepts it.
  StateId step(StateId s, uint8_t byte) {
    State& st = states_[s];
    if (!st.next.has(byte)) return kDead;
    if (st.table == kNoTable) {
      // A state gets its row of 256 results once a step leaves it (most states of a mask walk
      // end a token and never do).
      st.table = static_cast<uint32_t>(table_.size());
      table_.resize(table_.size() + 256, kUnknown);
    }
    const StateId known = table_[st.table + byte];
    return known != kUnknown ? known : compute_step(s, byte);
  }

  // The text so far is a whole match of the grammar.
  bool can_end(StateId s) const { return states_[s].accepts; }
  // It is, and no byte may follow.
  bool is_complete(StateId s) const { return states_[s].accepts && states_[s].next.empty(); }
  // The fewest bytes that lead from s to a whole match (0 when it can end).
  uint32_t min_completion(StateId s) const { return states_[s].min_completion; }
  const ByteSet& next_bytes(StateId s) const { return states_[s].next; }

  const Grammar& grammar() const { return *grammar_; }
  size_t state_count() const { return states_.size(); }
  size_t node_count() const { return nodes_.size(); }
  size_t memory_bytes() const;

 private:
  static constexpr StateId kUnknown = UINT32_MAX;
  static constexpr uint32_t kAccept = 0;  // node 0: the empty stack, the root rule finished

  struct Node {
    uint32_t pos;     // element index
    uint32_t below;   // node id of the frame below (kAccept: none)
    uint32_t min_rest;
  };
  static constexpr uint32_t kNoTable = UINT32_MAX;
  struct State {
    ByteSet next;                 // bytes some top element accepts
    uint32_t table = kNoTable;    // offset of the state's 256 step results in table_
    uint32_t min_completion = Grammar::kNoCompletion;
    bool accepts = false;
  };
  struct VectorHash {
    size_t operator()(const std::vector<uint32_t>& v) const;
  };

  StateId compute_step(StateId s, uint8_t byte);
  uint32_t node(uint32_t pos, uint32_t below);
  // Adds to `out` every stack reached from (pos, below) before the next byte.
  void expand(uint32_t pos, uint32_t below, std::vector<uint32_t>& out);
  StateId intern(std::vector<uint32_t> nodes);

  std::shared_ptr<const Grammar> grammar_;
  std::vector<Node> nodes_;
  std::unordered_map<uint64_t, uint32_t> node_index_;
  std::vector<State> states_;
  std::vector<const std::vector<uint32_t>*> state_nodes_;  // per state: its sorted node ids (keys of index_)
  std::vector<StateId> table_;
  std::unordered_map<std::vector<uint32_t>, StateId, VectorHash> index_;
  StateId start_ = kDead;
  // Scratch of expand().
  std::vector<std::pair<uint32_t, uint32_t>> work_;
  std::unordered_set<uint64_t> visited_;
};

}  // namespace openarc::grammar

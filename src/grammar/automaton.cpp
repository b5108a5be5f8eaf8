#include "grammar/automaton.h"

#include <algorithm>

#include "core/error.h"

namespace openarc::grammar {

namespace {

// A grammar so ambiguous that one byte leaves this many parses alive, or a state space this
// large, is refused instead of eating the server's memory.
constexpr size_t kMaxStacksPerState = 1 << 16;
constexpr size_t kMaxStates = 1 << 21;
constexpr size_t kMaxNodes = 1 << 23;

uint64_t key(uint32_t a, uint32_t b) { return (uint64_t{a} << 32) | b; }

}  // namespace

size_t Automaton::VectorHash::operator()(const std::vector<uint32_t>& v) const {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ v.size();
  for (uint32_t x : v) {
    h ^= x + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  }
  return static_cast<size_t>(h);
}

Automaton::Automaton(std::shared_ptr<const Grammar> grammar) : grammar_(std::move(grammar)) {
  nodes_.push_back({0, kAccept, 0});  // kAccept
  static const std::vector<uint32_t> kNone;
  states_.push_back(State{});  // kDead
  state_nodes_.push_back(&kNone);
  std::vector<uint32_t> out;
  for (uint32_t alt : grammar_->alternatives(grammar_->root())) expand(alt, kAccept, out);
  start_ = intern(std::move(out));
}

uint32_t Automaton::node(uint32_t pos, uint32_t below) {
  pos = grammar_->canonical(pos);
  auto [it, fresh] = node_index_.emplace(key(pos, below), static_cast<uint32_t>(nodes_.size()));
  if (fresh) {
    check(nodes_.size() < kMaxNodes, "grammar: the matcher grew beyond ", kMaxNodes, " parse stack frames");
    const uint64_t rest = uint64_t{grammar_->min_bytes_from(pos)} + nodes_[below].min_rest;
    nodes_.push_back({pos, below, static_cast<uint32_t>(std::min<uint64_t>(rest, Grammar::kNoCompletion - 1))});
  }
  return it->second;
}

void Automaton::expand(uint32_t pos, uint32_t below, std::vector<uint32_t>& out) {
  const Grammar& g = *grammar_;
  work_.clear();
  visited_.clear();
  work_.push_back({pos, below});
  while (!work_.empty()) {
    auto [p, b] = work_.back();
    work_.pop_back();
    if (!visited_.insert(key(p, b)).second) continue;
    check(visited_.size() <= kMaxStacksPerState, "grammar: more than ", kMaxStacksPerState,
          " parses are alive at one point (the grammar is too ambiguous)");
    const Grammar::Element& e = g.element(p);
    switch (e.kind) {
      case Grammar::Kind::bytes:
        out.push_back(node(p, b));
        break;
      case Grammar::Kind::rule: {
        // The frame to return to, unless the rule is the alternative's last element.
        const uint32_t ret = g.element(p + 1).kind == Grammar::Kind::end ? b : node(p + 1, b);
        for (uint32_t alt : g.alternatives(e.value)) work_.push_back({alt, ret});
        break;
      }
      case Grammar::Kind::end:
        if (b == kAccept) out.push_back(kAccept);
        else work_.push_back({nodes_[b].pos, nodes_[b].below});
        break;
    }
  }
}

Automaton::StateId Automaton::intern(std::vector<uint32_t> nodes) {
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  if (nodes.empty()) return kDead;
  auto [it, fresh] = index_.emplace(std::move(nodes), static_cast<StateId>(states_.size()));
  if (!fresh) return it->second;
  check(states_.size() < kMaxStates, "grammar: the matcher grew beyond ", kMaxStates, " states");
  State st;
  for (uint32_t n : it->first) {
    if (n == kAccept) {
      st.accepts = true;
      st.min_completion = 0;
      continue;
    }
    st.next.add(grammar_->byte_set(grammar_->element(nodes_[n].pos).value));
    st.min_completion = std::min(st.min_completion, nodes_[n].min_rest);
  }
  states_.push_back(st);
  state_nodes_.push_back(&it->first);
  return it->second;
}

Automaton::StateId Automaton::compute_step(StateId s, uint8_t byte) {
  const Grammar& g = *grammar_;
  std::vector<uint32_t> out;
  for (uint32_t n : *state_nodes_[s]) {
    if (n == kAccept) continue;
    const Node top = nodes_[n];
    if (g.byte_set(g.element(top.pos).value).has(byte)) expand(top.pos + 1, top.below, out);
  }
  const StateId next = intern(std::move(out));
  table_[states_[s].table + byte] = next;  // (states_ may have grown: index again)
  return next;
}

size_t Automaton::memory_bytes() const {
  size_t keys = 0;
  for (const auto* nodes : state_nodes_) keys += nodes->size() * sizeof(uint32_t) + 64;
  return nodes_.size() * (sizeof(Node) + 32) + states_.size() * sizeof(State) + table_.size() * sizeof(StateId) + keys;
}

}  // namespace openarc::grammar

// Stateful attention fusion (ir-inventory.md 3.7). Replaces, per layer,
//   past = ReadValue(var_k) [-> Gather(., beam_idx, axis 0)]
//   k_all = Concat(past, k_new, axis -2) -> Assign(var_k)
//   k = k_all [-> Unsqueeze(2) -> Broadcast(bidirectional) -> Reshape]      (GQA repeat)
//   (the same for v)
//   out = ScaledDotProductAttention(q, k, v[, mask[, scale]])
// by KvAttention(q, k_new, v_new[, beam_idx][, mask][, scale]) on KV caches the request keeps in
// place; the Assigns go. What else reads these nodes may only read their shapes (ShapeOf): the
// past length P feeds the mask side-graph. ShapeOf(Gather(ReadValue, beam_idx)) becomes
// ShapeOf(ReadValue) (KvAttention refuses a beam_idx whose length is not the cache's batch).
#include <optional>

#include "graph/passes.h"
#include "graph/pattern.h"
#include "graph/rewrite.h"
#include "ops/fused_attention.h"

namespace openarc::graph {
namespace {

struct KvSide {
  size_t concat = 0, read_value = 0, assign = 0;
  std::optional<size_t> gather;        // the beam_idx Gather
  std::optional<ir::OutputRef> beam;   // its indices
  ir::OutputRef fresh;                 // k_new / v_new
  std::vector<size_t> chain;           // Unsqueeze, Broadcast, Reshape (GQA), when present
  std::string variable;
};

bool only_consumers(const ir::Model& m, const Uses& uses, size_t node, std::initializer_list<size_t> allowed) {
  for (const auto& port : uses[node])
    for (auto [consumer, input] : port) {
      if (is(m.nodes[consumer], "ShapeOf")) continue;
      bool ok = false;
      for (size_t a : allowed) ok = ok || a == consumer;
      if (!ok) return false;
    }
  return true;
}

std::optional<KvSide> match_side(const ir::Model& m, const Uses& uses, const ir::OutputRef& input, size_t sdpa) {
  KvSide side;
  size_t x = input.node;
  if (input.port != 0) return std::nullopt;
  if (is(m.nodes[x], "Reshape")) {
    const size_t reshape = x, broadcast = m.nodes[reshape].inputs[0].node;
    if (!is(m.nodes[broadcast], "Broadcast") || m.nodes[broadcast].attrs.str("mode", "") != "bidirectional")
      return std::nullopt;
    const size_t unsqueeze = m.nodes[broadcast].inputs[0].node;
    if (!is(m.nodes[unsqueeze], "Unsqueeze")) return std::nullopt;
    const ir::Node* axis = const_at(m, m.nodes[unsqueeze].inputs[1]);
    if (!axis || !is_one_element_const(*axis) || !scalar_may_be(*axis, 2.0)) return std::nullopt;
    side.chain = {unsqueeze, broadcast, reshape};
    x = m.nodes[unsqueeze].inputs[0].node;
    if (!only_consumers(m, uses, unsqueeze, {broadcast}) || !only_consumers(m, uses, broadcast, {reshape}) ||
        !only_consumers(m, uses, reshape, {sdpa}))
      return std::nullopt;
  }
  const ir::Node& concat = m.nodes[x];
  if (!is(concat, "Concat") || concat.inputs.size() != 2) return std::nullopt;
  const int64_t axis = concat.attrs.i64("axis", 0);
  if (axis != -2 && axis != 2) return std::nullopt;
  if (concat.output_shapes[0].rank_is_dynamic() || concat.output_shapes[0].rank() != 4) return std::nullopt;
  side.concat = x;
  side.fresh = concat.inputs[1];
  size_t past = concat.inputs[0].node;
  if (is(m.nodes[past], "Gather")) {
    const ir::Node& g = m.nodes[past];
    const ir::Node* gaxis = const_at(m, g.inputs.at(2));
    if (g.attrs.i64("batch_dims", 0) != 0 || !gaxis || !is_one_element_const(*gaxis) || !scalar_may_be(*gaxis, 0.0))
      return std::nullopt;
    side.gather = past;
    side.beam = g.inputs[1];
    past = g.inputs[0].node;
    if (!only_consumers(m, uses, *side.gather, {x})) return std::nullopt;
  }
  const ir::Node& rv = m.nodes[past];
  if (!is(rv, "ReadValue") || rv.output_types[0] != ElementType::f32) return std::nullopt;
  side.read_value = past;
  side.variable = rv.attrs.str("variable_id");
  if (!only_consumers(m, uses, past, {side.gather.value_or(x)})) return std::nullopt;
  // The Concat feeds its variable's Assign, the GQA chain or the SDPA, and shapes.
  std::optional<size_t> assign;
  for (auto [consumer, in] : uses[x][0]) {
    const ir::Node& c = m.nodes[consumer];
    if (is(c, "Assign") && c.attrs.str("variable_id") == side.variable && !assign) assign = consumer;
    else if (!is(c, "ShapeOf") && consumer != (side.chain.empty() ? sdpa : side.chain[0])) return std::nullopt;
  }
  if (!assign) return std::nullopt;
  side.assign = *assign;
  return side;
}

}  // namespace

int fuse_kv_attention(ir::Model& m, const PassOptions&) {
  Uses uses = find_uses(m);
  int fired = 0;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    const ir::Node& sdpa = m.nodes[i];
    if (!is(sdpa, "ScaledDotProductAttention") || sdpa.inputs.size() < 3) continue;
    if (sdpa.output_types[0] != ElementType::f32) continue;
    std::optional<KvSide> k = match_side(m, uses, sdpa.inputs[1], i);
    std::optional<KvSide> v = k ? match_side(m, uses, sdpa.inputs[2], i) : std::nullopt;
    if (!k || !v || k->variable == v->variable || k->beam.has_value() != v->beam.has_value()) continue;
    if (k->beam && !(*k->beam == *v->beam)) continue;
    const bool has_mask = sdpa.inputs.size() >= 4, has_scale = sdpa.inputs.size() >= 5;
    std::vector<ir::OutputRef> inputs = {sdpa.inputs[0], k->fresh, v->fresh};
    if (k->beam) inputs.push_back(*k->beam);
    if (has_mask) inputs.push_back(sdpa.inputs[3]);
    if (has_scale) inputs.push_back(sdpa.inputs[4]);
    auto op = std::make_shared<ops::KvAttention>(k->variable, v->variable, k->beam.has_value(), has_mask, has_scale,
                                                 sdpa.attrs.boolean("causal", false));
    if (!try_replace(m, i, "KvAttention", op, inputs)) continue;
    for (const KvSide* side : {&*k, &*v}) {
      // The state is the cache's now: no Assign; shapes of the reordered past are the past's.
      drop_node(m, side->assign);
      if (side->gather)
        for (auto [consumer, in] : uses[*side->gather][0])
          if (is(m.nodes[consumer], "ShapeOf")) m.nodes[consumer].inputs[in] = {side->read_value, 0};
    }
    uses = find_uses(m);
    ++fired;
  }
  return fired;
}

}  // namespace openarc::graph

// Compressed MatMul and embedding fusion. NNCF writes every Linear weight as a decompression
// subgraph that the reference ops would evaluate into an f32 copy of the whole weight on every
// step (ir-inventory.md 3.1):
//   Const q (u8|i8|u4|i4) [N,K] or [N,K/G,G] -> Convert(f16|f32)
//     [-> Subtract(., Convert(Const zp [N,1|K/G(,1)]))] -> Multiply(., Const scale (f16|f32))
//     [-> Reshape(., Const [N,K])] [-> Convert(f32)]                                  = W [N,K]
//   Const f16|bf16 [N,K] -> Convert(f32) = W;   Const f32 [N,K] = W
// and then  MatMul(x, W, transpose_a=false, transpose_b=true) [-> Add(., Const bias [..,N])]
//      or   Gather(W, ids, axis=0, batch_dims=0).
// These become FullyConnected(x) and GatherRows(ids), which read q, zp and scale in place.
// With last_position_logits the MatMul whose only readers are the "logits" Result computes the
// last positions only: how many is the model input logits_to_keep the pass adds (an i64 scalar,
// Hugging Face's name and meaning; 1 when a caller does not set it).
#include <algorithm>
#include <optional>

#include "graph/passes.h"
#include "graph/pattern.h"
#include "graph/rewrite.h"
#include "ops/fused_linear.h"

namespace openarc::graph {
namespace {

bool is_convert_to(const ir::Node& n, std::initializer_list<const char*> types) {
  if (!is(n, "Convert")) return false;
  const std::string t = n.attrs.str("destination_type", "");
  for (const char* x : types)
    if (t == x) return true;
  return false;
}

const ir::Node* const_input(const ir::Model& m, const ir::Node& n, size_t i) {
  const ir::Node& p = input_node(m, n, i);
  return is(p, "Const") ? &p : nullptr;
}

// Const, or Convert(Const): the Const.
const ir::Node* const_through_convert(const ir::Model& m, const ir::OutputRef& r) {
  const ir::Node* p = &producer(m, r);
  if (is(*p, "Convert")) p = &input_node(m, *p, 0);
  return is(*p, "Const") ? p : nullptr;
}

bool is_int_weight(ElementType t) {
  return t == ElementType::u8 || t == ElementType::i8 || t == ElementType::u4 || t == ElementType::i4;
}

const Shape& const_shape(const ir::Node& c) { return c.output_shapes.at(0).dims(); }

// [N, groups] or [N, groups, 1]: how a scale or zero point of q's grouping is shaped.
bool per_group_shape(const Shape& s, int64_t n, int64_t groups) {
  if (s.size() == 2) return s[0] == n && s[1] == groups;
  if (s.size() == 3) return s[0] == n && s[1] == groups && s[2] == 1;
  return false;
}

// The weight a MatMul or Gather input computes, when it is one of the decompression forms above.
std::optional<ops::StoredWeight> match_weight(const ir::Model& m, const ir::OutputRef& r) {
  const ir::Node* n = &producer(m, r);
  ops::StoredWeight w;
  // Plain f32 weight.
  if (is(*n, "Const")) {
    if (n->output_types[0] != ElementType::f32 || const_shape(*n).size() != 2) return std::nullopt;
    w.data = n->constant;
    w.n = const_shape(*n)[0];
    w.k = const_shape(*n)[1];
    return w;
  }
  if (is_convert_to(*n, {"f32"})) {
    const ir::Node& src = input_node(m, *n, 0);
    if (is(src, "Const")) {  // f16 / bf16 weight
      ElementType t = src.output_types[0];
      if ((t != ElementType::f16 && t != ElementType::bf16) || const_shape(src).size() != 2) return std::nullopt;
      w.data = src.constant;
      w.n = const_shape(src)[0];
      w.k = const_shape(src)[1];
      return w;
    }
    n = &src;
  }
  if (n->output_types[0] != ElementType::f32 && n->output_types[0] != ElementType::f16) return std::nullopt;
  std::optional<Shape> reshaped;
  if (is(*n, "Reshape")) {
    // The target is a Const; without the .bin its value is unknown and the XML's port says it.
    const PartialShape& inferred = n->output_shapes[0];
    const PartialShape* out = &inferred;
    if (!inferred.is_static() && !n->output_ports.empty()) out = &n->output_ports[0].shape;
    if (!const_input(m, *n, 1) || !out->is_static() || out->rank() != 2) return std::nullopt;
    reshaped = out->dims();
    n = &input_node(m, *n, 0);
  }
  if (!is(*n, "Multiply")) return std::nullopt;
  // Multiply(centred, scale) in either order.
  const ir::Node* scale = nullptr;
  const ir::Node* centred = nullptr;
  for (size_t i = 0; i < 2 && !scale; ++i) {
    const ir::Node* s = const_through_convert(m, n->inputs[i]);
    if (s && is_float(s->output_types[0])) {
      scale = s;
      centred = &input_node(m, *n, 1 - i);
    }
  }
  if (!scale || (scale->output_types[0] != ElementType::f16 && scale->output_types[0] != ElementType::f32))
    return std::nullopt;
  const ir::Node* zp = nullptr;
  if (is(*centred, "Subtract")) {
    const ir::Node& zc = input_node(m, *centred, 1);
    if (!is_convert_to(zc, {"f16", "f32"})) return std::nullopt;
    zp = const_input(m, zc, 0);
    if (!zp || (zp->output_types[0] != ElementType::u8 && zp->output_types[0] != ElementType::u4)) return std::nullopt;
    centred = &input_node(m, *centred, 0);
  }
  if (!is_convert_to(*centred, {"f16", "f32"})) return std::nullopt;
  const ir::Node* q = const_input(m, *centred, 0);
  if (!q || !is_int_weight(q->output_types[0])) return std::nullopt;

  const Shape& qs = const_shape(*q);
  if (qs.size() == 2) {  // per channel: scale [N, 1]
    w.n = qs[0];
    w.k = qs[1];
    w.group_size = w.k;
  } else if (qs.size() == 3) {  // group-wise [N, K/G, G]
    if (!reshaped) return std::nullopt;
    w.n = qs[0];
    w.k = qs[1] * qs[2];
    w.group_size = qs[2];
  } else {
    return std::nullopt;
  }
  if (reshaped && *reshaped != Shape{w.n, w.k}) return std::nullopt;
  if (w.n <= 0 || w.k <= 0 || w.group_size <= 0) return std::nullopt;
  const int64_t groups = w.k / w.group_size;
  if (!per_group_shape(const_shape(*scale), w.n, groups)) return std::nullopt;
  if (zp && !per_group_shape(const_shape(*zp), w.n, groups)) return std::nullopt;
  w.data = q->constant;
  w.scale = scale->constant;
  if (zp) w.zero_point = zp->constant;
  return w;
}

bool is_logits_result(const ir::Model& m, const ir::Node& result) {
  if (const std::string* on = result.layer_attrs.find("output_names")) return *on == "logits";
  const ir::OutputRef& src = result.inputs.at(0);
  const ir::Node& p = m.nodes[src.node];
  if (src.port >= p.output_ports.size()) return false;
  for (const std::string& name : p.output_ports[src.port].names)
    if (name == "logits") return true;
  return false;
}

// A bias Add(mm, Const f32 [.., N]) that is the only consumer of the MatMul: its node and data.
std::optional<std::pair<size_t, Tensor>> bias_add(const ir::Model& m, const Uses& uses, size_t mm, int64_t n) {
  if (uses[mm][0].size() != 1) return std::nullopt;
  const size_t add = uses[mm][0][0].first;
  const ir::Node& a = m.nodes[add];
  if (!is(a, "Add") || a.attrs.str("auto_broadcast", "numpy") != "numpy") return std::nullopt;
  const ir::Node* b = const_input(m, a, 1 - uses[mm][0][0].second);
  if (!b || b->output_types[0] != ElementType::f32) return std::nullopt;
  const Shape& s = const_shape(*b);
  if (s.empty() || s.back() != n || shape_size(s) != n) return std::nullopt;
  // The sum keeps the product's shape only when the bias has no more dims than the product.
  const PartialShape& product = m.nodes[mm].output_shapes[0];
  if (product.rank_is_dynamic() || product.rank() < static_cast<int64_t>(s.size())) return std::nullopt;
  return std::make_pair(add, b->constant.valid() ? b->constant.reshaped({n}) : Tensor());
}

}  // namespace

int fuse_linear(ir::Model& m, const PassOptions& options) {
  const Uses uses = find_uses(m);
  int fired = 0;
  std::vector<size_t> last_positions;  // the logits products, cut to the last positions
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    const ir::Node& mm = m.nodes[i];
    if (!is(mm, "MatMul") || mm.attrs.boolean("transpose_a", false) || !mm.attrs.boolean("transpose_b", false))
      continue;
    if (mm.output_types[0] != ElementType::f32 || mm.inputs.size() != 2) continue;
    const PartialShape& xs = m.nodes[mm.inputs[0].node].output_shapes[mm.inputs[0].port];
    if (!xs.rank_is_dynamic() && xs.rank() < 1) continue;
    std::optional<ops::StoredWeight> w = match_weight(m, mm.inputs[1]);
    if (!w || (!xs.rank_is_dynamic() && xs.dims().back() != kDynamic && xs.dims().back() != w->k)) continue;
    const ir::OutputRef x = mm.inputs[0];
    size_t root = i;
    Tensor bias;
    if (auto b = bias_add(m, uses, i, w->n)) {
      root = b->first;
      bias = b->second;
    }
    bool last_only = false;
    if (options.last_position_logits && (xs.rank_is_dynamic() || xs.rank() >= 2) && !uses[root][0].empty()) {
      last_only = true;
      for (auto [consumer, port] : uses[root][0])
        last_only = last_only && is(m.nodes[consumer], "Result") && is_logits_result(m, m.nodes[consumer]);
    }
    replace_node(m, root, "FullyConnected", ops::make_fully_connected(*w, bias, last_only), {x});
    if (last_only) last_positions.push_back(root);
    ++fired;
  }
  const bool has_keep_input = std::any_of(m.nodes.begin(), m.nodes.end(), [](const ir::Node& n) {
    return is(n, "Parameter") && n.name == kLogitsToKeep;
  });
  if (!last_positions.empty() && !has_keep_input) {
    Tensor one(ElementType::i64, {});
    one.set_i64(0, 1);
    const size_t keep = add_parameter(m, last_positions.front(), kLogitsToKeep, std::move(one));
    for (size_t fc : last_positions) {
      const size_t at = fc >= keep ? fc + 1 : fc;  // past the inserted input
      std::shared_ptr<const ops::Op> op = m.nodes[at].op;
      const ir::OutputRef x = m.nodes[at].inputs.at(0);
      replace_node(m, at, "FullyConnected", std::move(op), {x, ir::OutputRef{keep, 0}});
    }
  }
  return fired;
}

int fuse_embedding(ir::Model& m, const PassOptions&) {
  int fired = 0;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    const ir::Node& g = m.nodes[i];
    if (!is(g, "Gather") || g.attrs.i64("batch_dims", 0) != 0 || g.inputs.size() != 3) continue;
    const ir::Node* axis = const_input(m, g, 2);
    if (!axis || !is_one_element_const(*axis) || !scalar_may_be(*axis, 0.0)) continue;
    std::optional<ops::StoredWeight> w = match_weight(m, g.inputs[0]);
    if (!w) continue;
    replace_node(m, i, "GatherRows", ops::make_gather_rows(*w), {g.inputs[1]});
    ++fired;
  }
  return fired;
}

}  // namespace openarc::graph

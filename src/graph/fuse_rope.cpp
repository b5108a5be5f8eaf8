// RoPE fusion. Exports apply rotary embeddings to q [B,H,S,D] and k [B,Hkv,S,D] in the
// half-split form, decomposed (ir-inventory.md 3.5):
//   x1 = x[..., :D/2]    x2 = x[..., D/2:]
//   out = Add(Multiply(x, cos), Multiply(Concat(Multiply(x2, -1), x1, axis = -1), sin))
// with the operands of Add and Multiply in either order, the -1 a Const or Convert(Const), and
// the halves taken by
//   Slice-8(x, start, stop, step, axes) with constant inputs (2025+ exports, openarc convert), or
//   StridedSlice(x, begin, end, stride, begin_mask = end_mask = "1,..,1,0") whose split point
//   D/2 is built at run time: ScatterUpdate(Const, [rank-1], Reshape|Unsqueeze(Floor(Divide(
//   Gather(ShapeOf(x), rank-1), 2))), 0)   (2024 exports), or is a Const.
// cos and sin ([B,1,S,D], computed once elsewhere) stay inputs:  RoPE(x, cos, sin).
// Constant values (slice bounds, axes, -1, 2) are checked when the model has its weights and
// matched on structure alone without them (graph/pattern.h).
#include <limits>
#include <optional>

#include "graph/passes.h"
#include "graph/pattern.h"
#include "ops/fused_rope.h"

namespace openarc::graph {
namespace {

enum class Half { first, second };

// What is known of x: its rank (static) and last dim (kDynamic when unknown).
struct Input {
  ir::OutputRef ref;
  int64_t rank = 0, d = kDynamic;
};

// A Const's values may be `pred`: true without data; with data, pred must hold.
template <class Pred>
bool values_may(const ir::Node& c, Pred pred) {
  if (!is(c, "Const")) return false;
  std::vector<double> v = const_values(c);
  return v.empty() || pred(v);
}

// The bound a half starts or stops at, when the value is known: an exact check needs D.
bool bound_may_be(const ir::Node& c, const Input& x, Half h, bool start) {
  return values_may(c, [&](const std::vector<double>& v) {
    if (x.d == kDynamic) return false;
    const double b = v.back(), half = static_cast<double>(x.d / 2);
    if (h == Half::first) return start ? b == 0 : b == half;
    return start ? b == half : b >= static_cast<double>(x.d);
  });
}

// The split point D/2 built from x's shape (StridedSlice form), or a Const holding it.
bool is_split_point(const ir::Model& m, const ir::OutputRef& r, const Input& x) {
  const ir::Node& n = producer(m, r);
  if (is(n, "Const")) return bound_may_be(n, x, Half::second, /*start=*/true);
  if (!is(n, "ScatterUpdate") || n.inputs.size() != 4) return false;
  const ir::Node *base = const_at(m, n.inputs[0]), *idx = const_at(m, n.inputs[1]), *axis = const_at(m, n.inputs[3]);
  if (!base || !idx || !axis || !scalar_may_be(*idx, static_cast<double>(x.rank - 1)) || !scalar_may_be(*axis, 0))
    return false;
  // Reshape / Unsqueeze of the scalar to [1], then Floor, then Divide(., 2): each may be absent
  // but the Divide.
  const ir::Node* v = &input_node(m, n, 2);
  if ((is(*v, "Reshape") || is(*v, "Unsqueeze")) && v->inputs.size() == 2 && const_at(m, v->inputs[1]))
    v = &input_node(m, *v, 0);
  if (is(*v, "Floor") && v->inputs.size() == 1) v = &input_node(m, *v, 0);
  if (!is_binary(*v, "Divide")) return false;
  const ir::Node* two = const_at(m, v->inputs[1]);
  const ir::Node& dim = input_node(m, *v, 0);
  if (!two || !scalar_may_be(*two, 2) || !is(dim, "Gather") || dim.inputs.size() != 3) return false;
  const ir::Node *which = const_at(m, dim.inputs[1]), *gather_axis = const_at(m, dim.inputs[2]);
  if (!which || !gather_axis || !scalar_may_be(*gather_axis, 0)) return false;
  if (!scalar_may_be(*which, static_cast<double>(x.rank - 1)) && !scalar_may_be(*which, -1)) return false;
  const ir::Node& shape = input_node(m, dim, 0);
  return is(shape, "ShapeOf") && shape.inputs.size() == 1 && shape.inputs[0] == x.ref;
}

// Every entry of a StridedSlice mask is 1 (ignore: the whole dim) but the last axis's, which is 0.
bool only_last_axis_sliced(const std::vector<int64_t>& mask, int64_t rank) {
  if (static_cast<int64_t>(mask.size()) != rank) return false;
  for (int64_t i = 0; i + 1 < rank; ++i)
    if (mask[i] != 1) return false;
  return mask.back() == 0;
}

bool no_bits(const std::vector<int64_t>& mask) {
  for (int64_t b : mask)
    if (b != 0) return false;
  return true;
}

bool is_strided_half(const ir::Model& m, const ir::Node& s, const Input& x, Half h) {
  if (s.inputs.size() != 4) return false;
  const Attributes& a = s.attrs;
  if (!only_last_axis_sliced(a.i64s("begin_mask", {}), x.rank) || !only_last_axis_sliced(a.i64s("end_mask", {}), x.rank))
    return false;
  if (!no_bits(a.i64s("new_axis_mask", {})) || !no_bits(a.i64s("shrink_axis_mask", {})) ||
      !no_bits(a.i64s("ellipsis_mask", {})))
    return false;
  const ir::Node* stride = const_at(m, s.inputs[3]);
  if (!stride || !values_may(*stride, [](const std::vector<double>& v) { return v.back() == 1; })) return false;
  // The first half runs from a constant 0 to the split point, the second from there to the end.
  const ir::OutputRef& fixed = h == Half::first ? s.inputs[1] : s.inputs[2];
  const ir::OutputRef& split = h == Half::first ? s.inputs[2] : s.inputs[1];
  const ir::Node* c = const_at(m, fixed);
  return c && bound_may_be(*c, x, h, /*start=*/h == Half::first) && is_split_point(m, split, x);
}

bool is_slice8_half(const ir::Model& m, const ir::Node& s, const Input& x, Half h) {
  if (s.inputs.size() != 5) return false;
  const ir::Node *start = const_at(m, s.inputs[1]), *stop = const_at(m, s.inputs[2]), *step = const_at(m, s.inputs[3]),
                 *axes = const_at(m, s.inputs[4]);
  for (const ir::Node* c : {start, stop, step, axes})
    if (!c || !is_one_element_const(*c)) return false;
  if (!scalar_may_be(*step, 1)) return false;
  if (!scalar_may_be(*axes, static_cast<double>(x.rank - 1)) && !scalar_may_be(*axes, -1)) return false;
  return bound_may_be(*start, x, h, true) && bound_may_be(*stop, x, h, false);
}

// r is the half h of x's last axis.
bool is_half(const ir::Model& m, const ir::OutputRef& r, const Input& x, Half h) {
  const ir::Node& s = producer(m, r);
  if (s.inputs.empty() || s.inputs[0] != x.ref) return false;
  // What shape inference or the file says of the half's width must not contradict D/2.
  const int64_t inferred = last_dim(s.output_shapes[0]);
  const int64_t declared = s.output_ports.empty() ? kDynamic : last_dim(s.output_ports[0].shape);
  for (int64_t w : {inferred, declared})
    if (w != kDynamic && x.d != kDynamic && w != x.d / 2) return false;
  if (is(s, "Slice")) return is_slice8_half(m, s, x, h);
  if (is(s, "StridedSlice")) return is_strided_half(m, s, x, h);
  return false;
}

// rot = Concat(Multiply(x2, -1), x1, axis = last): x.
std::optional<Input> match_rotate_half(const ir::Model& m, const ir::OutputRef& rot_ref) {
  const ir::Node& rot = producer(m, rot_ref);
  if (!is(rot, "Concat") || rot.inputs.size() != 2) return std::nullopt;
  const ir::Node& x1_slice = input_node(m, rot, 1);
  if (x1_slice.inputs.empty()) return std::nullopt;
  Input x{x1_slice.inputs[0]};
  const PartialShape& xs = shape_of(m, x.ref);
  if (type_of(m, x.ref) != ElementType::f32 || xs.rank_is_dynamic() || xs.rank() < 1) return std::nullopt;
  x.rank = xs.rank();
  x.d = last_dim(xs);
  if (x.d != kDynamic && x.d % 2 != 0) return std::nullopt;
  if (!is_last_axis(rot.attrs.i64("axis", 0), x.rank)) return std::nullopt;
  const ir::Node& neg = input_node(m, rot, 0);
  if (!is_binary(neg, "Multiply")) return std::nullopt;
  for (size_t k = 0; k < 2; ++k) {
    const ir::Node* minus_one = const_or_converted(m, neg.inputs[1 - k]);
    if (!minus_one || !scalar_may_be(*minus_one, -1)) continue;
    if (is_half(m, neg.inputs[k], x, Half::second) && is_half(m, rot.inputs[1], x, Half::first)) return x;
  }
  return std::nullopt;
}

struct Rope {
  ir::OutputRef x, cos, sin;
};

std::optional<Rope> match_rope(const ir::Model& m, const ir::Node& add) {
  if (!is_binary(add, "Add")) return std::nullopt;
  for (size_t k = 0; k < 2; ++k) {
    const ir::Node &with_cos = input_node(m, add, k), &with_sin = input_node(m, add, 1 - k);
    if (!is_binary(with_cos, "Multiply") || !is_binary(with_sin, "Multiply")) continue;
    for (size_t j = 0; j < 2; ++j) {
      std::optional<Input> x = match_rotate_half(m, with_sin.inputs[j]);
      if (!x) continue;
      std::optional<ir::OutputRef> cos = other_input(with_cos, x->ref);
      if (cos && *cos != x->ref) return Rope{x->ref, *cos, with_sin.inputs[1 - j]};
    }
  }
  return std::nullopt;
}

}  // namespace

int fuse_rope(ir::Model& m, const PassOptions&) {
  int fired = 0;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    std::optional<Rope> r = match_rope(m, m.nodes[i]);
    if (!r || !can_replace(m.nodes[i].output_shapes[0], shape_of(m, r->x))) continue;
    // The op refuses cos / sin that would broadcast x larger or are not f32: then it is not ours.
    fired += try_replace(m, i, "RoPE", ops::make_rope(), {r->x, r->cos, r->sin});
  }
  return fired;
}

}  // namespace openarc::graph

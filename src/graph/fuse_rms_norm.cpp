// RMSNorm fusion. Exports write torch's LlamaRMSNorm decomposed (ir-inventory.md 3.4):
//   v = ReduceMean(Power(x, 2), axes = -1 | rank-1, keep_dims = true);   a = Add(v, eps)
//   n = Multiply(x, Divide(1, Sqrt(a)))      aten::rsqrt as Sqrt + Divide
//     | Multiply(x, Power(a, -0.5))          rsqrt as a power
//     | Divide(x, Sqrt(a))
//   y = Multiply(n, w)                       optional; w f32 [E] | [1,E] | [1,1,E] | [1,1,1,D]
// with the operands of Add and Multiply in either order (Qwen3's q_norm / k_norm are the same
// chain on [B,S,H,D]); and the opset op RMS(x, axes = last, eps[, scale]). Both become
//   RMSNorm(x[, w]) = x / sqrt(mean(x^2 over the last axis) + eps) * w.
// Constant values (2, 1, -0.5, the axis, eps) are checked when the model has its weights. Without
// them the pattern matches on structure (graph/pattern.h) and the fused op holds no eps: it
// counts in `openarc inspect` but refuses to run, as the model's other constants would.
#include <optional>

#include "graph/passes.h"
#include "graph/pattern.h"
#include "ops/fused_rms_norm.h"

namespace openarc::graph {
namespace {

struct Norm {
  ir::OutputRef x;
  std::optional<float> eps;  // nullopt: the Const has no data
};

// a = Add(ReduceMean(Power(x, 2), last axis, keep_dims), eps): x and eps.
std::optional<Norm> match_mean_square_plus_eps(const ir::Model& m, const ir::OutputRef& a_ref) {
  const ir::Node& a = producer(m, a_ref);
  if (!is_binary(a, "Add")) return std::nullopt;
  for (size_t k = 0; k < 2; ++k) {
    const ir::Node* eps = const_at(m, a.inputs[1 - k]);
    const ir::Node& mean = input_node(m, a, k);
    if (!eps || !is_one_element_const(*eps) || eps->output_types[0] != ElementType::f32) continue;
    if (!is(mean, "ReduceMean") || mean.inputs.size() != 2 || !mean.attrs.boolean("keep_dims", false)) continue;
    const ir::Node& sq = input_node(m, mean, 0);
    if (!is_binary(sq, "Power")) continue;
    const ir::Node* two = const_at(m, sq.inputs[1]);
    if (!two || !scalar_may_be(*two, 2.0)) continue;
    const ir::OutputRef x = sq.inputs[0];
    const PartialShape& xs = shape_of(m, x);
    if (type_of(m, x) != ElementType::f32 || xs.rank() == 0) continue;
    const ir::Node* axes = const_at(m, mean.inputs[1]);
    if (!axes || !is_one_element_const(*axes)) continue;
    if (std::optional<double> axis = scalar_value(*axes); axis && !is_last_axis(static_cast<int64_t>(*axis), xs.rank()))
      continue;
    Norm n{x, std::nullopt};
    if (std::optional<double> v = scalar_value(*eps)) n.eps = static_cast<float>(*v);
    return n;
  }
  return std::nullopt;
}

// inv = Divide(1, Sqrt(a)) or Power(a, -0.5): a.
std::optional<ir::OutputRef> match_rsqrt(const ir::Model& m, const ir::OutputRef& inv_ref) {
  const ir::Node& inv = producer(m, inv_ref);
  if (is_binary(inv, "Divide")) {
    const ir::Node* one = const_at(m, inv.inputs[0]);
    const ir::Node& root = input_node(m, inv, 1);
    if (one && scalar_may_be(*one, 1.0) && is(root, "Sqrt") && root.inputs.size() == 1) return root.inputs[0];
  }
  if (is_binary(inv, "Power")) {
    const ir::Node* e = const_at(m, inv.inputs[1]);
    if (e && scalar_may_be(*e, -0.5)) return inv.inputs[0];
  }
  return std::nullopt;
}

// The normalised node n (without the weight), one of the three forms above.
std::optional<Norm> match_normalised(const ir::Model& m, const ir::Node& n) {
  if (is_binary(n, "Divide")) {
    const ir::Node& root = input_node(m, n, 1);
    if (!is(root, "Sqrt") || root.inputs.size() != 1) return std::nullopt;
    std::optional<Norm> norm = match_mean_square_plus_eps(m, root.inputs[0]);
    if (norm && norm->x == n.inputs[0]) return norm;
    return std::nullopt;
  }
  if (!is_binary(n, "Multiply")) return std::nullopt;
  for (size_t k = 0; k < 2; ++k) {
    std::optional<ir::OutputRef> a = match_rsqrt(m, n.inputs[1 - k]);
    if (!a) continue;
    std::optional<Norm> norm = match_mean_square_plus_eps(m, *a);
    if (norm && norm->x == n.inputs[k]) return norm;
  }
  return std::nullopt;
}

// A weight for rows of e (kDynamic: unknown) elements of a rank-`rank` input (-1: unknown):
// f32 [1, ..., 1, e].
bool is_weight_shape(const ir::Model& m, const ir::OutputRef& w, int64_t rank, int64_t e) {
  if (type_of(m, w) != ElementType::f32) return false;
  const PartialShape& s = shape_of(m, w);
  if (!s.is_static() || s.rank() < 1 || (rank >= 0 && s.rank() > rank)) return false;
  for (int64_t d = 0; d + 1 < s.rank(); ++d)
    if (s[d] != 1) return false;
  return e == kDynamic || s.dims().back() == e;
}

// The weight Multiply(n, w) when it is n's only consumer: its index and w.
std::optional<std::pair<size_t, ir::OutputRef>> weight_multiply(const ir::Model& m, const Uses& uses, size_t n,
                                                                const PartialShape& xs) {
  if (uses[n][0].size() != 1) return std::nullopt;
  const auto [consumer, port] = uses[n][0][0];
  const ir::Node& mul = m.nodes[consumer];
  if (!is_binary(mul, "Multiply")) return std::nullopt;
  const ir::OutputRef w = mul.inputs[1 - port];
  if (!is_weight_shape(m, w, xs.rank(), last_dim(xs))) return std::nullopt;
  return std::make_pair(consumer, w);
}

// The opset op RMS(x, axes, [scale]) over the last axis: RMSNorm(x[, scale]).
bool fuse_opset_rms(ir::Model& m, size_t i) {
  const ir::Node& r = m.nodes[i];
  if (r.inputs.size() < 2 || r.output_types[0] != ElementType::f32) return false;
  const ir::OutputRef x = r.inputs[0];
  const PartialShape& xs = shape_of(m, x);
  if (type_of(m, x) != ElementType::f32 || xs.rank() == 0) return false;
  const ir::Node* axes = const_at(m, r.inputs[1]);
  if (!axes || !is_one_element_const(*axes)) return false;
  if (std::optional<double> axis = scalar_value(*axes); axis && !is_last_axis(static_cast<int64_t>(*axis), xs.rank()))
    return false;
  const bool has_scale = r.inputs.size() > 2;
  if (has_scale && !is_weight_shape(m, r.inputs[2], xs.rank(), last_dim(xs))) return false;
  const double eps = r.attrs.has("epsilon") || !r.attrs.has("eps") ? r.attrs.f64("epsilon") : r.attrs.f64("eps");
  std::vector<ir::OutputRef> inputs{x};
  if (has_scale) inputs.push_back(r.inputs[2]);
  return try_replace(m, i, "RMSNorm", ops::make_rms_norm(static_cast<float>(eps), has_scale), std::move(inputs));
}

}  // namespace

int fuse_rms_norm(ir::Model& m, const PassOptions&) {
  const Uses uses = find_uses(m);
  int fired = 0;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    if (is(m.nodes[i], "RMS")) {
      fired += fuse_opset_rms(m, i);
      continue;
    }
    std::optional<Norm> norm = match_normalised(m, m.nodes[i]);
    if (!norm) continue;
    const PartialShape xs = shape_of(m, norm->x);
    size_t root = i;
    std::vector<ir::OutputRef> inputs{norm->x};
    if (auto w = weight_multiply(m, uses, i, xs)) {
      root = w->first;
      inputs.push_back(w->second);
    }
    // The fused op keeps x's shape: a pattern whose constants would broadcast it larger is not ours.
    if (!can_replace(m.nodes[root].output_shapes[0], xs)) continue;
    auto op = ops::make_rms_norm(norm->eps, inputs.size() > 1);
    fired += try_replace(m, root, "RMSNorm", std::move(op), std::move(inputs));
  }
  return fired;
}

}  // namespace openarc::graph

#include "graph/pattern.h"

#include "core/error.h"

namespace openarc::graph {

const ir::Node* const_at(const ir::Model& m, const ir::OutputRef& r) {
  const ir::Node& p = producer(m, r);
  return is(p, "Const") ? &p : nullptr;
}

const ir::Node* const_or_converted(const ir::Model& m, const ir::OutputRef& r) {
  const ir::Node* p = &producer(m, r);
  if (is(*p, "Convert") && !p->inputs.empty()) p = &input_node(m, *p, 0);
  return is(*p, "Const") ? p : nullptr;
}

bool is_one_element_const(const ir::Node& c) {
  return is(c, "Const") && !c.output_shapes.empty() && c.output_shapes[0].is_static() &&
         shape_size(c.output_shapes[0].dims()) == 1;
}

std::optional<double> scalar_value(const ir::Node& c) {
  std::vector<double> v = const_values(c);
  if (v.size() != 1) return std::nullopt;
  return v[0];
}

bool scalar_may_be(const ir::Node& c, double v) {
  if (!is_one_element_const(c)) return false;
  std::optional<double> value = scalar_value(c);
  return !value || *value == v;
}

bool is_binary(const ir::Node& n, const char* type) {
  return is(n, type) && n.inputs.size() == 2 && n.attrs.str("auto_broadcast", "numpy") == "numpy";
}

std::optional<ir::OutputRef> other_input(const ir::Node& n, const ir::OutputRef& one) {
  if (n.inputs.size() != 2) return std::nullopt;
  if (n.inputs[0] == one) return n.inputs[1];
  if (n.inputs[1] == one) return n.inputs[0];
  return std::nullopt;
}

const PartialShape& shape_of(const ir::Model& m, const ir::OutputRef& r) {
  return producer(m, r).output_shapes.at(r.port);
}

ElementType type_of(const ir::Model& m, const ir::OutputRef& r) { return producer(m, r).output_types.at(r.port); }

int64_t last_dim(const PartialShape& s) {
  if (s.rank_is_dynamic() || s.rank() == 0) return kDynamic;
  return s.dims().back();
}

bool can_replace(const PartialShape& original, const PartialShape& fused) {
  if (original.rank_is_dynamic()) return true;
  if (fused.rank_is_dynamic()) return false;
  if (original.rank() != fused.rank()) return false;
  for (int64_t d = 0; d < original.rank(); ++d) {
    const int64_t a = original[d], b = fused[d];
    if (a != kDynamic && b != kDynamic && a != b) return false;
  }
  return true;
}

bool try_replace(ir::Model& model, size_t index, const std::string& type, std::shared_ptr<const ops::Op> op,
                 std::vector<ir::OutputRef> inputs) {
  try {
    replace_node(model, index, type, std::move(op), std::move(inputs));  // infers before it changes anything
  } catch (const Error&) {
    return false;
  }
  return true;
}

bool is_last_axis(int64_t axis, int64_t rank) { return rank != 0 && (axis == -1 || (rank > 0 && axis == rank - 1)); }

}  // namespace openarc::graph

// SwiGLU fusion. The gated MLP of Llama / Qwen (ir-inventory.md 3.8) is written
//   Multiply(Swish(gate), up)          Swish with one input (SiLU), or Swish(gate, beta Const)
// with the operands in either order, on gate and up of one shape [B,S,I]. It becomes
//   SwiGLU(gate, up) = gate * sigmoid(beta * gate) * up.
// beta is read when the model has its weights; without them the op holds none and refuses to run
// (it still counts in `openarc inspect`). GELU-tanh MLPs (Gemma, GPT-2) are not this pattern.
#include <optional>

#include "graph/passes.h"
#include "graph/pattern.h"
#include "ops/fused_swiglu.h"

namespace openarc::graph {
namespace {

struct Glu {
  ir::OutputRef gate, up;
  std::optional<float> beta;
};

// Swish(gate[, beta]) with a one-element Const beta: gate and beta.
std::optional<Glu> match_swish(const ir::Model& m, const ir::OutputRef& r) {
  const ir::Node& s = producer(m, r);
  if (!is(s, "Swish") || s.inputs.empty() || s.inputs.size() > 2) return std::nullopt;
  Glu g{s.inputs[0], {}, 1.0f};
  if (s.inputs.size() == 2) {
    const ir::Node* beta = const_at(m, s.inputs[1]);
    if (!beta || !is_one_element_const(*beta)) return std::nullopt;
    std::optional<double> v = scalar_value(*beta);
    g.beta = v ? std::optional<float>(static_cast<float>(*v)) : std::nullopt;
  }
  return g;
}

std::optional<Glu> match_swiglu(const ir::Model& m, const ir::Node& mul) {
  if (!is_binary(mul, "Multiply")) return std::nullopt;
  for (size_t k = 0; k < 2; ++k) {
    std::optional<Glu> g = match_swish(m, mul.inputs[k]);
    if (!g) continue;
    g->up = mul.inputs[1 - k];
    const ElementType f32 = ElementType::f32;
    if (type_of(m, g->gate) != f32 || type_of(m, g->up) != f32) return std::nullopt;
    // Elementwise on one shape: a Multiply that broadcasts one side is not an MLP.
    const PartialShape &gs = shape_of(m, g->gate), &us = shape_of(m, g->up);
    if (!gs.rank_is_dynamic() && !us.rank_is_dynamic() && !can_replace(gs, us)) return std::nullopt;
    return g;
  }
  return std::nullopt;
}

}  // namespace

int fuse_swiglu(ir::Model& m, const PassOptions&) {
  int fired = 0;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    std::optional<Glu> g = match_swiglu(m, m.nodes[i]);
    if (!g || !can_replace(m.nodes[i].output_shapes[0], shape_of(m, g->gate))) continue;
    fired += try_replace(m, i, "SwiGLU", ops::make_swiglu(g->beta), {g->gate, g->up});
  }
  return fired;
}

}  // namespace openarc::graph

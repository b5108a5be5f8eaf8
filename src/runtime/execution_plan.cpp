#include "runtime/execution_plan.h"

#include <algorithm>

#include "ops/fused_attention.h"
#include "ops/op.h"

namespace openarc::runtime {

uint64_t signature_bit(size_t input_dim_index) {
  return uint64_t(1) << std::min<size_t>(input_dim_index, ExecutionPlan::kMaxInputDims - 1);
}

ExecutionPlan ExecutionPlan::build(const ir::Model& m) {
  ExecutionPlan plan;
  const size_t count = m.nodes.size();
  plan.steps.resize(count);
  size_t next_value = 0;
  for (size_t i = 0; i < count; ++i) {
    plan.steps[i].node = i;
    plan.steps[i].first_output = next_value;
    next_value += m.nodes[i].output_types.size();
  }
  plan.values.resize(next_value);
  auto value_id = [&](const ir::OutputRef& r) { return plan.steps[r.node].first_output + r.port; };

  // Dependencies, in node order (inputs come first).
  std::vector<uint64_t> shape_deps(next_value, 0), value_deps(next_value, 0);
  size_t input_dim = 0;
  for (size_t i = 0; i < count; ++i) {
    const ir::Node& n = m.nodes[i];
    Step& s = plan.steps[i];
    for (const ir::OutputRef& r : n.inputs) s.inputs.push_back(value_id(r));
    if (n.type == "Const") {
      // constant: depends on nothing
    } else if (n.type == "Parameter") {
      const PartialShape& ps = n.output_shapes[0];
      if (!ps.rank_is_dynamic()) {
        for (int64_t d = 0; d < ps.rank(); ++d) s.shape_deps |= signature_bit(input_dim++);
      } else {
        s.shape_deps = signature_bit(kMaxInputDims - 1);
      }
      s.value_deps = s.shape_deps | kData;
    } else if (n.type == "ShapeOf") {
      s.shape_deps = shape_deps[s.inputs[0]];
      s.value_deps = shape_deps[s.inputs[0]];
    } else {
      const uint64_t value_mask = n.op ? n.op->value_inputs() : 0;
      for (size_t k = 0; k < s.inputs.size(); ++k) {
        s.shape_deps |= shape_deps[s.inputs[k]];
        if (k < 64 && (value_mask >> k & 1)) s.shape_deps |= value_deps[s.inputs[k]];
        s.value_deps |= value_deps[s.inputs[k]] | shape_deps[s.inputs[k]];
      }
      if (n.type == "ReadValue") {
        s.shape_deps |= kStates;
        s.value_deps |= kStates | kData;
      }
    }
    s.fills_output = n.op && n.op->fills_output();
    s.attention = dynamic_cast<const ops::KvAttention*>(n.op.get());
    for (size_t p = 0; p < n.output_types.size(); ++p) {
      shape_deps[s.first_output + p] = s.shape_deps;
      value_deps[s.first_output + p] = s.value_deps;
    }
  }

  // Storage, and each slot value's last use.
  std::vector<size_t> last_use(next_value, 0);
  for (size_t i = 0; i < count; ++i) {
    const ir::Node& n = m.nodes[i];
    const Step& s = plan.steps[i];
    for (size_t p = 0; p < n.output_types.size(); ++p) {
      Value& v = plan.values[s.first_output + p];
      last_use[s.first_output + p] = i;
      if (n.type == "Const" || n.type == "Parameter" || n.type == "ReadValue") v.storage = Storage::external;
      else if (!(s.value_deps & kData)) v.storage = Storage::own;
    }
    for (size_t id : s.inputs) {
      last_use[id] = std::max(last_use[id], i);
      if ((n.type == "Result" || n.type == "Assign") && plan.values[id].storage != Storage::external)
        plan.values[id].storage = Storage::fresh;
    }
  }
  // Interval colouring: a value takes a slot freed by a value whose last use came before it.
  std::vector<int32_t> free_slots;
  std::vector<std::pair<size_t, int32_t>> busy;  // (last use, slot)
  for (size_t i = 0; i < count; ++i) {
    for (size_t b = 0; b < busy.size();) {
      if (busy[b].first < i) {
        free_slots.push_back(busy[b].second);
        busy[b] = busy.back();
        busy.pop_back();
      } else {
        ++b;
      }
    }
    const Step& s = plan.steps[i];
    for (size_t p = 0; p < m.nodes[i].output_types.size(); ++p) {
      Value& v = plan.values[s.first_output + p];
      if (v.storage != Storage::slot) continue;
      if (free_slots.empty()) {
        v.slot = plan.slot_count++;
      } else {
        v.slot = free_slots.back();
        free_slots.pop_back();
      }
      busy.push_back({last_use[s.first_output + p], v.slot});
    }
  }
  return plan;
}

}  // namespace openarc::runtime

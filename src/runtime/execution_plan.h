// The execution plan: what CompiledModel works out once so that a step does not re-interpret the
// graph. A decode step repeats the shapes of the step before except the KV length, so the plan
// knows, for every node, which of the run's changing quantities its output *shape* and its output
// *value* depend on:
//   - each dim of each model input (bit d of the signature),
//   - the shapes of the variable states (one bit for all of them: they grow together),
//   - the data of the inputs and states (every run).
// A run compares its signature with the previous run's and
//   - re-infers only the nodes whose shape depends on what changed (the KV path at decode),
//   - re-evaluates only the nodes whose value depends on it (not the shape side-graphs),
//   - writes every other output into buffers that persist: each value gets a slot, shared by
//     values whose lifetimes do not overlap (interval colouring in node order); a slot only grows.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/tensor.h"
#include "ir/model.h"

namespace openarc::ops {
class KvAttention;
}

namespace openarc::runtime {

struct ExecutionPlan {
  // How a value (one output of one node) is stored across runs.
  enum class Storage : uint8_t {
    slot,      // a shared buffer (slot index in `slot`), overwritten by later values of the slot
    own,       // its own buffer that outlives the run: cached values (no data dependency)
    fresh,     // a new tensor every run: model outputs and variable updates (the caller keeps them)
    external,  // not the plan's: Const data, model inputs, variable states
  };
  struct Value {
    Storage storage = Storage::slot;
    int32_t slot = -1;
  };
  struct Step {
    size_t node = 0;
    uint64_t shape_deps = 0;  // signature bits this node's output shapes depend on
    uint64_t value_deps = 0;  // ... its output values depend on (kData: every run)
    std::vector<size_t> inputs;  // value ids of its inputs
    size_t first_output = 0;     // value id of output 0; outputs are consecutive
    bool fills_output = false;   // the op writes every output element (no zeroing needed)
    const ops::KvAttention* attention = nullptr;  // the op, when it runs on the request's KV caches
  };

  static constexpr int kMaxInputDims = 62;
  static constexpr uint64_t kStates = uint64_t(1) << 62;
  static constexpr uint64_t kData = uint64_t(1) << 63;

  std::vector<Step> steps;    // one per node, in node order
  std::vector<Value> values;  // one per node output
  int32_t slot_count = 0;

  static ExecutionPlan build(const ir::Model& model);
};

// The signature bits of the inputs' dims: input p's dim d -> one bit, the first kMaxInputDims
// dims of all inputs in order (later ones share the last bit).
uint64_t signature_bit(size_t input_dim_index);

}  // namespace openarc::runtime

// CompiledModel and InferRequest: the runtime's API, shaped like OpenVINO's. Compile a model once,
// create one request per sequence, set inputs of any shape the model allows, infer, read outputs
// by name or index. Variables of ReadValue/Assign (the KV cache) live in the request.
#pragma once

#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "graph/passes.h"
#include "ir/model.h"
#include "ops/kv_cache.h"
#include "runtime/execution_plan.h"

namespace openarc::runtime {

struct CompileOptions {
  int num_threads = 0;  // 0: every core
  // Run graph::optimize (fusions onto fast kernels). Off: every node runs its reference op, the
  // path the fused kernels are tested against. The environment variable OPENARC_REFERENCE=1 turns
  // it off for every model the process compiles.
  bool optimize = true;
  // Compute the logits for the last position only (generation reads nothing else).
  bool last_position_logits = false;
  // What fused attention's KV caches hold (OpenVINO's KV_CACHE_PRECISION): f32, or f16 for half
  // the bytes per step (ops::parse_kv_cache_precision takes the hint's names). The state API
  // stays f32.
  ElementType kv_cache_precision = ElementType::f32;
  // OpenVINO's PERF_COUNT: each request times every node it runs (InferRequest::profiling_info).
  bool perf_count = false;
};

// True unless OPENARC_REFERENCE is set to something other than 0 / empty.
bool optimize_by_default();

// What one node cost a request since its profile was last reset (CompileOptions::perf_count).
struct ProfilingInfo {
  std::string node_name, node_type;  // node_type: the op, "KvAttention" for fused attention
  int64_t runs = 0;                  // times it computed (a value reused from the last run is not counted)
  int64_t real_time_ns = 0;
};

// A model input or output as a caller sees it.
struct PortInfo {
  std::string name;                // the first tensor name, else the layer's friendly name
  std::vector<std::string> names;  // every tensor name
  ElementType type = ElementType::undefined;
  PartialShape shape;
  // Inputs only: the value an input takes when the caller sets none (an input a graph pass
  // added, such as graph::kLogitsToKeep, that callers need not know). None: the input is required.
  Tensor default_value;
};

struct VariableInfo {
  std::string id;
  ElementType type = ElementType::undefined;
  PartialShape shape;
};

class InferRequest;

class CompiledModel : public std::enable_shared_from_this<CompiledModel> {
 public:
  // Binds every node to its op (graph::bind) unless already bound. Throws Error on a bad model.
  static std::shared_ptr<CompiledModel> compile(std::shared_ptr<ir::Model> model, CompileOptions options = {});

  const std::vector<PortInfo>& inputs() const { return inputs_; }
  const std::vector<PortInfo>& outputs() const { return outputs_; }
  const std::vector<VariableInfo>& variables() const { return variables_; }
  size_t input_index(const std::string& name) const;   // throws Error listing the inputs
  size_t output_index(const std::string& name) const;  // throws Error listing the outputs
  const ir::Model& model() const { return *model_; }
  const CompileOptions& options() const { return options_; }
  // What graph::optimize did (empty when it did not run).
  const std::vector<graph::PassCount>& fusions() const { return fusions_; }

  InferRequest create_infer_request() const;

 private:
  friend class InferRequest;
  CompiledModel() = default;

  std::shared_ptr<ir::Model> model_;
  CompileOptions options_;
  std::vector<PortInfo> inputs_, outputs_;
  std::vector<VariableInfo> variables_;
  std::vector<size_t> parameter_nodes_, result_nodes_;
  std::vector<graph::PassCount> fusions_;
  std::set<std::string> kv_variables_;  // kept by fused attention in KV caches, not as tensors
  ExecutionPlan plan_;
};

class InferRequest {
 public:
  InferRequest(InferRequest&&) noexcept;
  InferRequest& operator=(InferRequest&&) noexcept;
  ~InferRequest();

  void set_input(size_t index, Tensor value);
  void set_input(const std::string& name, Tensor value);
  // What the input holds for the next run: what was set, else its default (PortInfo).
  const Tensor& input(size_t index) const;

  // Runs the graph. Throws Error naming the layer when a required input is not set or its shape
  // does not fit the model, or an op rejects what it is given.
  void infer();

  const Tensor& output(size_t index) const;
  const Tensor& output(const std::string& name) const;

  // Variable states: they persist across infer() calls until reset.
  std::vector<std::string> state_names() const;
  // The current value; an unset state reads as an empty tensor.
  Tensor state(const std::string& id) const;
  void set_state(const std::string& id, Tensor value);
  void reset_state(const std::string& id);
  void reset_states();
  // Keeps the first `length` positions of a state along `axis` (negative counts from the end;
  // -2 is the sequence axis of a [B, H, T, D] KV cache). Throws Error when length is larger than
  // what the state holds.
  void trim_state(const std::string& id, int64_t length, int64_t axis = -2);
  void trim_states(int64_t length, int64_t axis = -2);

  // With CompileOptions::perf_count: the nodes that ran, in execution order; else empty.
  std::vector<ProfilingInfo> profiling_info() const;
  void reset_profiling();

 private:
  friend class CompiledModel;
  explicit InferRequest(std::shared_ptr<const CompiledModel> model);

  struct RunState;  // the plan's buffers and what the previous run computed (infer_request.cpp)

  std::shared_ptr<const CompiledModel> model_;
  std::vector<Tensor> inputs_, outputs_;
  std::map<std::string, Tensor> states_;
  std::map<std::string, ops::KvCache> kv_;  // the variables of CompiledModel::kv_variables_
  std::unique_ptr<RunState> run_;
};

}  // namespace openarc::runtime

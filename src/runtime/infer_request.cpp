#include <algorithm>
#include <chrono>
#include <cstring>
#include <new>

#include "core/error.h"
#include "core/thread_pool.h"
#include "ops/fused_attention.h"
#include "ops/op.h"
#include "runtime/compiled_model.h"

namespace openarc::runtime {

// What a request keeps between runs: every value's tensor (a view into its slot, its own buffer,
// or an external tensor), the argument vectors handed to each op, and the previous signature.
struct InferRequest::RunState {
  struct Slot {
    std::shared_ptr<uint8_t[]> data;  // 64-byte aligned, `capacity` bytes
    size_t capacity = 0;
    uint32_t generation = 0;  // bumped when the buffer moves: views of it are stale
  };
  std::vector<Tensor> values;                  // per value id
  std::vector<uint32_t> value_generation;      // bumped whenever values[v] is replaced
  std::vector<uint32_t> slot_generation_seen;  // per value: the slot generation its view was made at
  std::vector<std::vector<Tensor>> args, outs;  // per step
  std::vector<std::vector<uint32_t>> arg_generation;
  std::vector<bool> computed;  // per step: its outputs hold a previous run's result
  std::vector<Slot> slots;
  std::vector<int64_t> step_runs, step_ns;  // per step, with CompileOptions::perf_count
  Tensor shape_scratch;  // backs ReadValue views of f16 KV caches (only their shapes are read)
  bool ran = false;
  std::vector<Shape> last_inputs;
  std::vector<std::pair<std::string, Shape>> last_states;

  explicit RunState(const ExecutionPlan& plan)
      : values(plan.values.size()),
        value_generation(plan.values.size(), 0),
        slot_generation_seen(plan.values.size(), 0),
        args(plan.steps.size()),
        outs(plan.steps.size()),
        arg_generation(plan.steps.size()),
        computed(plan.steps.size(), false),
        slots(static_cast<size_t>(plan.slot_count)) {
    for (size_t i = 0; i < plan.steps.size(); ++i) {
      args[i].resize(plan.steps[i].inputs.size());
      arg_generation[i].assign(plan.steps[i].inputs.size(), UINT32_MAX);
    }
  }

  void set_value(size_t id, Tensor t) {
    values[id] = std::move(t);
    ++value_generation[id];
  }

  // Gives value `id` a buffer of `type` and `shape` per its storage; keeps the old one when it fits.
  void bind_output(const ExecutionPlan::Value& v, size_t id, ElementType type, Shape shape) {
    Tensor& cur = values[id];
    const size_t bytes = byte_size(type, static_cast<size_t>(shape_size(shape)));
    switch (v.storage) {
      case ExecutionPlan::Storage::slot: {
        Slot& slot = slots[static_cast<size_t>(v.slot)];
        if (slot.capacity < bytes) {
          size_t capacity = std::max(bytes, slot.capacity + slot.capacity / 2);
          capacity = (capacity + 63) / 64 * 64;
          slot.data = std::shared_ptr<uint8_t[]>(new (std::align_val_t(64)) uint8_t[capacity],
                                                 [](uint8_t* p) { ::operator delete[](p, std::align_val_t(64)); });
          slot.capacity = capacity;
          ++slot.generation;
        }
        if (cur.valid() && cur.type() == type && cur.shape() == shape && slot_generation_seen[id] == slot.generation)
          return;
        set_value(id, Tensor::view(type, std::move(shape), slot.data.get(), slot.data));
        slot_generation_seen[id] = slot.generation;
        return;
      }
      case ExecutionPlan::Storage::own:
        if (cur.valid() && cur.type() == type && cur.shape() == shape) return;
        set_value(id, Tensor(type, std::move(shape)));
        return;
      case ExecutionPlan::Storage::fresh:
      case ExecutionPlan::Storage::external:
        set_value(id, Tensor(type, std::move(shape)));
        return;
    }
  }
};

InferRequest::InferRequest(std::shared_ptr<const CompiledModel> model)
    : model_(std::move(model)), run_(std::make_unique<RunState>(model_->plan_)) {
  inputs_.resize(model_->inputs_.size());
  outputs_.resize(model_->outputs_.size());
}

InferRequest::InferRequest(InferRequest&&) noexcept = default;
InferRequest& InferRequest::operator=(InferRequest&&) noexcept = default;
InferRequest::~InferRequest() = default;

void InferRequest::set_input(size_t index, Tensor value) {
  check(index < inputs_.size(), "input index ", index, " is out of range: the model has ", inputs_.size(), " inputs");
  const PortInfo& p = model_->inputs_[index];
  check(value.type() == p.type, "input '", p.name, "' must be ", to_string(p.type), ", got ", to_string(value.type()));
  check(p.shape.compatible(value.shape()), "input '", p.name, "' must have shape ", p.shape.to_string(), ", got ",
        to_string(value.shape()));
  inputs_[index] = std::move(value);
}

void InferRequest::set_input(const std::string& name, Tensor value) {
  set_input(model_->input_index(name), std::move(value));
}

const Tensor& InferRequest::input(size_t index) const {
  check(index < inputs_.size(), "input index ", index, " is out of range: the model has ", inputs_.size(), " inputs");
  return inputs_[index].valid() ? inputs_[index] : model_->inputs_[index].default_value;
}

const Tensor& InferRequest::output(size_t index) const {
  check(index < outputs_.size(), "output index ", index, " is out of range: the model has ", outputs_.size(),
        " outputs");
  return outputs_[index];
}

const Tensor& InferRequest::output(const std::string& name) const { return output(model_->output_index(name)); }

void InferRequest::infer() {
  const ir::Model& m = *model_->model_;
  const ExecutionPlan& plan = model_->plan_;
  RunState& rs = *run_;
  // Kernels take their threads from the calling thread's current pool (evaluate() has no context
  // parameter): here the persistent pool of CompileOptions::num_threads (0: default_pool()).
  ScopedPool pool(shared_pool(model_->options_.num_threads));
  for (size_t k = 0; k < inputs_.size(); ++k)
    check(input(k).valid(), "input '", model_->inputs_[k].name, "' is not set");

  // What changed since the previous run (the first run: everything).
  uint64_t changed = ExecutionPlan::kData;
  std::vector<std::pair<std::string, Shape>> state_shapes;
  for (const auto& [id, t] : states_) state_shapes.emplace_back(id, t.valid() ? t.shape() : Shape{-1});
  for (const auto& [id, c] : kv_) state_shapes.emplace_back(id, c.set ? c.shape() : Shape{-1});
  if (!rs.ran) {
    changed = ~uint64_t(0);
  } else {
    size_t dim = 0;
    for (size_t k = 0; k < inputs_.size(); ++k) {
      const Shape& now = input(k).shape();
      const Shape& before = rs.last_inputs[k];
      const PartialShape& declared = model_->inputs_[k].shape;
      if (declared.rank_is_dynamic()) {
        if (now != before) changed |= signature_bit(ExecutionPlan::kMaxInputDims - 1);
        continue;
      }
      for (size_t d = 0; d < now.size(); ++d, ++dim)
        if (d >= before.size() || now[d] != before[d]) changed |= signature_bit(dim);
    }
    if (state_shapes != rs.last_states) changed |= ExecutionPlan::kStates;
  }

  std::vector<std::pair<std::string, Tensor>> assigned;  // committed after the whole graph ran
  // Each KV cache's length before the run (-1: unset), in kv_variables_' order.
  std::vector<int64_t> kv_lengths;
  for (const std::string& id : model_->kv_variables_) {
    auto kv = kv_.find(id);
    kv_lengths.push_back(kv != kv_.end() && kv->second.set ? kv->second.length : -1);
  }
  const bool profiling = model_->options_.perf_count;
  if (profiling && rs.step_runs.size() != plan.steps.size()) {
    rs.step_runs.assign(plan.steps.size(), 0);
    rs.step_ns.assign(plan.steps.size(), 0);
  }
  size_t next_param = 0;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const ExecutionPlan::Step& step = plan.steps[i];
    const ir::Node& n = m.nodes[i];
    try {
      if (n.type == "Const") {
        if (!rs.computed[i]) rs.set_value(step.first_output, n.constant);
        rs.computed[i] = true;
        continue;
      }
      if (n.type == "Parameter") {
        rs.set_value(step.first_output, input(next_param++));
        continue;
      }
      std::vector<Tensor>& args = rs.args[i];
      for (size_t k = 0; k < step.inputs.size(); ++k) {
        const size_t v = step.inputs[k];
        if (rs.arg_generation[i][k] != rs.value_generation[v]) {
          args[k] = rs.values[v];
          rs.arg_generation[i][k] = rs.value_generation[v];
        }
      }
      if (n.type == "ReadValue") {
        const std::string& id = n.attrs.str("variable_id");
        if (model_->kv_variables_.count(id)) {
          // Only shapes are read from it (fuse_kv_attention): a view of the cache's memory.
          auto kv = kv_.find(id);
          if (kv != kv_.end() && kv->second.set) {
            // Its data is not the state (a node kept alive for a shape may still read it, so it
            // must be memory the view may cover): the cache's buffer when it holds that many f32
            // bytes, else zeros the request keeps for the purpose.
            const ops::KvCache& c = kv->second;
            const Shape shape = c.shape();
            const size_t bytes = sizeof(float) * static_cast<size_t>(shape_size(shape));
            const size_t cache_bytes =
                static_cast<size_t>(c.batch * c.heads * c.capacity * c.head_dim * c.element_size());
            if (bytes <= cache_bytes) {
              rs.set_value(step.first_output, Tensor::view(ElementType::f32, shape, c.data.get(), c.data));
            } else {
              if (rs.shape_scratch.byte_size() < bytes) rs.shape_scratch = Tensor(ElementType::u8, {int64_t(bytes) * 2});
              rs.set_value(step.first_output, Tensor::view(ElementType::f32, shape, rs.shape_scratch.data(),
                                                           std::make_shared<Tensor>(rs.shape_scratch)));
            }
            continue;
          }
        }
        auto it = states_.find(id);
        // Unset state: the value is the initializer's, whatever variable_shape declares (its
        // dynamic dims are only known from the initializer).
        if (it != states_.end() && it->second.valid()) {
          rs.set_value(step.first_output, it->second);
          continue;
        }
        if (!args.empty()) {
          rs.set_value(step.first_output, args[0]);
          continue;
        }
        rs.computed[i] = false;  // no initializer: the op makes the value, every run
      }
      if (n.type == "Result") continue;
      if (n.type == "Assign") {  // the state becomes the input's value (a fresh tensor each run)
        rs.set_value(step.first_output, args[0]);
        assigned.emplace_back(n.attrs.str("variable_id"), args[0]);
        continue;
      }
      if (rs.computed[i] && !(step.value_deps & changed)) continue;  // same value as last run

      std::vector<Tensor>& outs = rs.outs[i];
      const size_t outputs = n.output_types.size();
      if (!rs.computed[i] || (step.shape_deps & changed)) {
        std::vector<ops::InputInfo> info;
        info.reserve(args.size());
        for (const Tensor& t : args) info.push_back({t.type(), PartialShape(t.shape()), &t});
        std::vector<ops::OutputInfo> out_info = n.op->infer(info);
        check(out_info.size() == outputs, "gives ", out_info.size(), " outputs, the model says ", outputs);
        for (size_t p = 0; p < outputs; ++p)
          rs.bind_output(plan.values[step.first_output + p], step.first_output + p, out_info[p].type,
                         out_info[p].shape.to_shape());
      } else {
        for (size_t p = 0; p < outputs; ++p) {
          const Tensor& cur = rs.values[step.first_output + p];
          rs.bind_output(plan.values[step.first_output + p], step.first_output + p, cur.type(), cur.shape());
        }
      }
      outs.resize(outputs);
      for (size_t p = 0; p < outputs; ++p) {
        const size_t v = step.first_output + p;
        if (outs[p].data() != rs.values[v].data() || outs[p].shape() != rs.values[v].shape()) outs[p] = rs.values[v];
        // Reference ops may leave elements unwritten (out-of-range gathers are zeros by spec).
        if (!step.fills_output && plan.values[v].storage != ExecutionPlan::Storage::fresh && outs[p].byte_size())
          std::memset(outs[p].data(), 0, outs[p].byte_size());
      }
      const auto start = profiling ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
      if (const ops::KvAttention* attention = step.attention)
        attention->run(args, outs[0], kv_[attention->key_variable()].with_precision(model_->options_.kv_cache_precision),
                       kv_[attention->value_variable()].with_precision(model_->options_.kv_cache_precision));
      else
        n.op->evaluate(args, outs);
      if (profiling) {
        rs.step_runs[i] += 1;
        rs.step_ns[i] += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
      }
      rs.computed[i] = true;
    } catch (const Error& e) {
      // The nodes before this one hold this run's shapes, which the signature of the last good
      // run does not describe: the next run re-infers everything.
      rs.ran = false;
      // A failed run leaves the states as they were: drop what earlier layers appended.
      auto length_it = kv_lengths.begin();
      for (const std::string& id : model_->kv_variables_) {
        const int64_t length = *length_it++;
        auto kv = kv_.find(id);
        if (kv == kv_.end()) continue;
        if (length < 0) kv_.erase(kv);
        else kv->second.length = std::min(kv->second.length, length);
      }
      fail("layer ", n.id, " '", n.name, "' (", n.type, "-", n.version, "): ", e.what());
    }
  }

  for (size_t k = 0; k < model_->result_nodes_.size(); ++k) {
    const ir::OutputRef& src = m.nodes[model_->result_nodes_[k]].inputs.at(0);
    outputs_[k] = rs.values[plan.steps[src.node].first_output + src.port];
  }
  for (auto& [id, value] : assigned) states_[id] = std::move(value);
  rs.ran = true;
  rs.last_inputs.clear();
  for (size_t k = 0; k < inputs_.size(); ++k) rs.last_inputs.push_back(input(k).shape());
  rs.last_states = std::move(state_shapes);  // as this run found them
}

std::vector<ProfilingInfo> InferRequest::profiling_info() const {
  std::vector<ProfilingInfo> out;
  const RunState& rs = *run_;
  for (size_t i = 0; i < rs.step_runs.size(); ++i) {
    if (rs.step_runs[i] == 0) continue;
    const ir::Node& n = model_->model_->nodes[i];
    out.push_back({n.name, model_->plan_.steps[i].attention ? "KvAttention" : n.type, rs.step_runs[i], rs.step_ns[i]});
  }
  return out;
}

void InferRequest::reset_profiling() {
  std::fill(run_->step_runs.begin(), run_->step_runs.end(), 0);
  std::fill(run_->step_ns.begin(), run_->step_ns.end(), 0);
}

std::vector<std::string> InferRequest::state_names() const {
  std::vector<std::string> out;
  for (const VariableInfo& v : model_->variables_) out.push_back(v.id);
  return out;
}

namespace {

const VariableInfo& find_variable(const std::vector<VariableInfo>& vars, const std::string& id) {
  for (const VariableInfo& v : vars)
    if (v.id == id) return v;
  fail("the model has no variable '", id, "'");
}

}  // namespace

Tensor InferRequest::state(const std::string& id) const {
  find_variable(model_->variables_, id);
  if (auto kv = kv_.find(id); kv != kv_.end()) return kv->second.set ? kv->second.dense() : Tensor();
  auto it = states_.find(id);
  return it == states_.end() ? Tensor() : it->second;
}

void InferRequest::set_state(const std::string& id, Tensor value) {
  const VariableInfo& v = find_variable(model_->variables_, id);
  check(value.type() == v.type, "variable '", id, "' is ", to_string(v.type), ", got ", to_string(value.type()));
  check(v.shape.compatible(value.shape()), "variable '", id, "' has shape ", v.shape.to_string(), ", got ",
        to_string(value.shape()));
  if (model_->kv_variables_.count(id)) {
    kv_[id].with_precision(model_->options_.kv_cache_precision).assign(value);
    return;
  }
  states_[id] = value.clone();
}

void InferRequest::reset_state(const std::string& id) {
  find_variable(model_->variables_, id);
  states_.erase(id);
  kv_.erase(id);
}

void InferRequest::reset_states() {
  states_.clear();
  kv_.clear();
}

void InferRequest::trim_state(const std::string& id, int64_t length, int64_t axis) {
  find_variable(model_->variables_, id);
  if (auto kv = kv_.find(id); kv != kv_.end() && kv->second.set) {
    ops::KvCache& c = kv->second;
    const int64_t ax = normalize_axis(axis, 4);
    check(length >= 0 && length <= (ax == 2 ? c.length : c.shape()[ax]), "variable '", id, "' holds ",
          c.shape()[ax], " positions along axis ", ax, "; cannot keep ", length);
    if (ax == 2) {
      c.length = length;  // O(1): the positions past it are overwritten by the next append
      return;
    }
    Tensor dense = c.dense();  // another axis: through the dense form
    states_[id] = dense;
    kv_.erase(kv);
    trim_state(id, length, axis);
    kv_[id].with_precision(model_->options_.kv_cache_precision).assign(states_[id]);
    states_.erase(id);
    return;
  }
  auto it = states_.find(id);
  if (it == states_.end()) {
    check(length == 0, "variable '", id, "' is empty; cannot keep ", length, " positions");
    return;
  }
  const Tensor& t = it->second;
  int64_t ax = normalize_axis(axis, t.rank());
  int64_t have = t.shape()[ax];
  check(length >= 0 && length <= have, "variable '", id, "' holds ", have, " positions along axis ", ax,
        "; cannot keep ", length);
  if (length == have) return;
  check(!is_sub_byte(t.type()), "cannot trim a sub-byte state");
  Shape shape = t.shape();
  shape[ax] = length;
  Tensor out(t.type(), shape);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < ax; ++d) outer *= shape[d];
  for (int64_t d = ax + 1; d < t.rank(); ++d) inner *= shape[d];
  size_t elem = bit_width(t.type()) / 8;
  size_t src_block = static_cast<size_t>(have * inner) * elem, dst_block = static_cast<size_t>(length * inner) * elem;
  for (int64_t o = 0; o < outer; ++o)
    std::memcpy(static_cast<uint8_t*>(out.data()) + o * dst_block, static_cast<const uint8_t*>(t.data()) + o * src_block,
                dst_block);
  it->second = std::move(out);
}

void InferRequest::trim_states(int64_t length, int64_t axis) {
  for (const VariableInfo& v : model_->variables_) trim_state(v.id, length, axis);
}

}  // namespace openarc::runtime

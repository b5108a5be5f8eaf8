#include <cstring>

#include "core/error.h"
#include "core/thread_pool.h"
#include "ops/op.h"
#include "runtime/compiled_model.h"

namespace openarc::runtime {

InferRequest::InferRequest(std::shared_ptr<const CompiledModel> model) : model_(std::move(model)) {
  inputs_.resize(model_->inputs_.size());
  outputs_.resize(model_->outputs_.size());
}

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

const Tensor& InferRequest::output(size_t index) const {
  check(index < outputs_.size(), "output index ", index, " is out of range: the model has ", outputs_.size(),
        " outputs");
  return outputs_[index];
}

const Tensor& InferRequest::output(const std::string& name) const { return output(model_->output_index(name)); }

void InferRequest::infer() {
  const ir::Model& m = *model_->model_;
  // Kernels take their threads from the calling thread's current pool (evaluate() has no context
  // parameter): here the persistent pool of CompileOptions::num_threads (0: default_pool()).
  ScopedPool pool(shared_pool(model_->options_.num_threads));
  for (size_t k = 0; k < inputs_.size(); ++k)
    check(inputs_[k].valid(), "input '", model_->inputs_[k].name, "' is not set");

  std::vector<std::vector<Tensor>> values(m.nodes.size());
  std::vector<std::pair<std::string, Tensor>> assigned;  // committed after the whole graph ran
  size_t next_param = 0;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    const ir::Node& n = m.nodes[i];
    try {
      if (n.type == "Const") {
        values[i] = {n.constant};
      } else if (n.type == "Parameter") {
        values[i] = {inputs_[next_param++]};
      } else {
        std::vector<Tensor> args;
        std::vector<ops::InputInfo> info;
        args.reserve(n.inputs.size());
        for (const ir::OutputRef& r : n.inputs) args.push_back(values[r.node].at(r.port));
        for (const Tensor& t : args) info.push_back({t.type(), PartialShape(t.shape()), &t});

        if (n.type == "ReadValue") {
          auto it = states_.find(n.attrs.str("variable_id"));
          if (it != states_.end() && it->second.valid()) {
            values[i] = {it->second};
            continue;
          }
          // Unset state: the value is the initializer's, whatever variable_shape declares
          // (its dynamic dims are only known from the initializer).
          if (!args.empty()) {
            values[i] = {args[0]};
            continue;
          }
        }
        std::vector<ops::OutputInfo> out_info = n.op->infer(info);
        std::vector<Tensor> out;
        out.reserve(out_info.size());
        for (const ops::OutputInfo& o : out_info) out.emplace_back(o.type, o.shape.to_shape());
        n.op->evaluate(args, out);
        if (n.type == "Assign") assigned.emplace_back(n.attrs.str("variable_id"), out[0]);
        values[i] = std::move(out);
      }
    } catch (const Error& e) {
      fail("layer ", n.id, " '", n.name, "' (", n.type, "-", n.version, "): ", e.what());
    }
    // Free what no later node reads (a Result's input is read once the graph has run).
    if (n.type == "Result") continue;
    for (const ir::OutputRef& r : n.inputs)
      if (model_->last_use_[r.node] == i) values[r.node].clear();
  }

  for (size_t k = 0; k < model_->result_nodes_.size(); ++k) {
    const ir::OutputRef& src = m.nodes[model_->result_nodes_[k]].inputs.at(0);
    outputs_[k] = values[src.node].at(src.port);
  }
  for (auto& [id, value] : assigned) states_[id] = std::move(value);
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
  auto it = states_.find(id);
  return it == states_.end() ? Tensor() : it->second;
}

void InferRequest::set_state(const std::string& id, Tensor value) {
  const VariableInfo& v = find_variable(model_->variables_, id);
  check(value.type() == v.type, "variable '", id, "' is ", to_string(v.type), ", got ", to_string(value.type()));
  check(v.shape.compatible(value.shape()), "variable '", id, "' has shape ", v.shape.to_string(), ", got ",
        to_string(value.shape()));
  states_[id] = value.clone();
}

void InferRequest::reset_state(const std::string& id) {
  find_variable(model_->variables_, id);
  states_.erase(id);
}

void InferRequest::reset_states() { states_.clear(); }

void InferRequest::trim_state(const std::string& id, int64_t length, int64_t axis) {
  find_variable(model_->variables_, id);
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

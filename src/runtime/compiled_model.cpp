#include "runtime/compiled_model.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/error.h"
#include "graph/bind.h"
#include "ops/fused_attention.h"

namespace openarc::runtime {
namespace {

PortInfo port_info(const ir::Node& n, const std::vector<std::string>& names, ElementType type, PartialShape shape) {
  PortInfo p;
  p.names = names;
  p.name = names.empty() ? n.name : names.front();
  p.type = type;
  p.shape = std::move(shape);
  return p;
}

std::string list_names(const std::vector<PortInfo>& ports) {
  std::string out;
  for (const PortInfo& p : ports) out += (out.empty() ? "" : ", ") + p.name;
  return out;
}

size_t index_of(const std::vector<PortInfo>& ports, const std::string& name, const char* what) {
  for (size_t i = 0; i < ports.size(); ++i) {
    if (ports[i].name == name || std::find(ports[i].names.begin(), ports[i].names.end(), name) != ports[i].names.end())
      return i;
  }
  fail("the model has no ", what, " named '", name, "' (", what, "s: ", list_names(ports), ")");
}

}  // namespace

bool optimize_by_default() {
  const char* v = std::getenv("OPENARC_REFERENCE");
  return v == nullptr || *v == 0 || std::strcmp(v, "0") == 0;
}

std::shared_ptr<CompiledModel> CompiledModel::compile(std::shared_ptr<ir::Model> model, CompileOptions options) {
  check(model != nullptr, "no model to compile");
  bool bound = std::all_of(model->nodes.begin(), model->nodes.end(), [](const ir::Node& n) { return n.op != nullptr; });
  if (!bound) graph::bind(*model);
  for (const ir::Node& n : model->nodes) {
    if (n.type == "Const")
      check(n.constant.valid(), model->xml_path, ": layer ", n.id, " '", n.name,
            "' (Const) has no data: the weights file is missing");
  }

  std::shared_ptr<CompiledModel> cm(new CompiledModel());
  // The variables as the model declares them (fused attention removes their Assigns).
  for (const ir::Node& n : model->nodes) {
    if (n.type != "ReadValue") continue;
    VariableInfo v;
    v.id = n.attrs.str("variable_id");
    v.type = n.output_types[0];
    v.shape = n.output_shapes[0];
    cm->variables_.push_back(v);
  }
  if (options.optimize && optimize_by_default()) {
    // The passes rewrite the graph: work on a copy so the caller's model stays as read.
    auto optimized = std::make_shared<ir::Model>(*model);
    graph::PassOptions po;
    po.last_position_logits = options.last_position_logits;
    cm->fusions_ = graph::optimize(*optimized, po);
    model = std::move(optimized);
  }
  cm->model_ = std::move(model);
  cm->options_ = options;
  const ir::Model& m = *cm->model_;

  for (size_t i : m.parameters()) {
    const ir::Node& n = m.nodes[i];
    std::vector<std::string> names = n.output_ports.empty() ? std::vector<std::string>{} : n.output_ports[0].names;
    cm->inputs_.push_back(port_info(n, names, n.output_types[0], n.output_shapes[0]));
    cm->inputs_.back().default_value = n.constant;
    cm->parameter_nodes_.push_back(i);
  }
  for (size_t i : m.results()) {
    const ir::Node& n = m.nodes[i];
    const ir::OutputRef& src = n.inputs.at(0);
    const ir::Node& producer = m.nodes[src.node];
    // A Result's name is its output_names (2026 exports), else the producer port's tensor names.
    std::vector<std::string> names;
    if (const std::string* on = n.layer_attrs.find("output_names")) {
      names.push_back(*on);
    } else if (src.port < producer.output_ports.size()) {
      names = producer.output_ports[src.port].names;
    }
    cm->outputs_.push_back(
        port_info(n, names, producer.output_types[src.port], producer.output_shapes[src.port]));
    cm->result_nodes_.push_back(i);
  }
  cm->plan_ = ExecutionPlan::build(m);
  for (const ExecutionPlan::Step& step : cm->plan_.steps) {
    if (!step.attention) continue;
    cm->kv_variables_.insert(step.attention->key_variable());
    cm->kv_variables_.insert(step.attention->value_variable());
  }
  return cm;
}

size_t CompiledModel::input_index(const std::string& name) const { return index_of(inputs_, name, "input"); }
size_t CompiledModel::output_index(const std::string& name) const { return index_of(outputs_, name, "output"); }

InferRequest CompiledModel::create_infer_request() const { return InferRequest(shared_from_this()); }

}  // namespace openarc::runtime

#include "graph/rewrite.h"

#include <algorithm>

#include "core/error.h"
#include "ops/registry.h"

namespace openarc::graph {

Uses find_uses(const ir::Model& model) {
  Uses uses(model.nodes.size());
  for (size_t i = 0; i < model.nodes.size(); ++i) uses[i].resize(model.nodes[i].output_types.size());
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    const ir::Node& n = model.nodes[i];
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      const ir::OutputRef& r = n.inputs[k];
      if (r.port < uses[r.node].size()) uses[r.node][r.port].push_back({i, k});
    }
  }
  return uses;
}

std::vector<double> const_values(const ir::Node& n) {
  std::vector<double> v;
  if (n.type != "Const" || !n.constant.valid() || n.constant.size() > 4096) return v;
  v.reserve(static_cast<size_t>(n.constant.size()));
  for (int64_t i = 0; i < n.constant.size(); ++i) v.push_back(n.constant.get_f64(i));
  return v;
}

bool is_const_scalar(const ir::Node& n, double v) {
  if (n.type != "Const" || shape_size(n.output_shapes.at(0).dims()) != 1) return false;
  std::vector<double> values = const_values(n);
  return values.size() == 1 && values[0] == v;
}

void replace_node(ir::Model& model, size_t index, const std::string& type, std::shared_ptr<const ops::Op> op,
                  std::vector<ir::OutputRef> inputs) {
  ir::Node& n = model.nodes.at(index);
  std::vector<ops::InputInfo> info;
  for (const ir::OutputRef& r : inputs) {
    check(r.node < index, "fusion of layer ", n.id, " '", n.name, "': an input comes from a later layer");
    const ir::Node& src = model.nodes[r.node];
    const Tensor* value = src.type == "Const" && src.constant.valid() ? &src.constant : nullptr;
    info.push_back({src.output_types.at(r.port), src.output_shapes.at(r.port), value});
  }
  std::vector<ops::OutputInfo> out = op->infer(info);
  check(out.size() == n.output_types.size(), "fusion of layer ", n.id, " '", n.name, "' into ", type, " gives ",
        out.size(), " outputs, the layer has ", n.output_types.size());
  n.type = type;
  n.version = "openarc";
  n.attrs = Attributes();
  n.op = std::move(op);
  n.inputs = std::move(inputs);
  n.input_ports.clear();
  for (size_t k = 0; k < out.size(); ++k) {
    n.output_types[k] = out[k].type;
    n.output_shapes[k] = out[k].shape;
  }
}

size_t add_parameter(ir::Model& model, size_t before, const std::string& name, Tensor default_value) {
  check(before <= model.nodes.size(), "add_parameter: node ", before, " does not exist");
  size_t at = 0;
  int64_t next_id = 0;
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    if (i < before && model.nodes[i].type == "Parameter") at = i + 1;
    next_id = std::max(next_id, model.nodes[i].id + 1);
  }
  ir::Node p;
  p.id = next_id;
  p.name = name;
  p.type = "Parameter";
  p.version = "opset1";
  const PartialShape shape(default_value.shape());
  p.attrs = Attributes{{"shape", std::string()}, {"element_type", std::string(to_string(default_value.type()))}};
  if (shape.rank() > 0) p.attrs.set("shape", shape.to_string());
  p.output_ports.push_back({0, default_value.type(), shape, {name}, {}});
  p.op = ops::OpRegistry::instance().create("Parameter", "opset1", p.attrs);
  p.output_types = {default_value.type()};
  p.output_shapes = {shape};
  p.constant = std::move(default_value);
  for (ir::Node& n : model.nodes)
    for (ir::OutputRef& r : n.inputs)
      if (r.node >= at) ++r.node;
  model.nodes.insert(model.nodes.begin() + static_cast<std::ptrdiff_t>(at), std::move(p));
  return at;
}

void drop_node(ir::Model& model, size_t index) {
  ir::Node& n = model.nodes.at(index);
  n.type = "Dropped";
  n.inputs.clear();
}

int eliminate_dead_nodes(ir::Model& model) {
  const size_t count = model.nodes.size();
  std::vector<bool> live(count, false);
  // Walk backwards: inputs always come from earlier nodes.
  for (size_t i = count; i-- > 0;) {
    const ir::Node& n = model.nodes[i];
    if (n.type == "Result" || n.type == "Assign" || n.type == "Parameter") live[i] = true;
    if (!live[i]) continue;
    for (const ir::OutputRef& r : n.inputs) live[r.node] = true;
  }
  std::vector<size_t> renumber(count, 0);
  size_t kept = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!live[i]) continue;
    renumber[i] = kept;
    if (kept != i) model.nodes[kept] = std::move(model.nodes[i]);
    for (ir::OutputRef& r : model.nodes[kept].inputs) r.node = renumber[r.node];
    ++kept;
  }
  model.nodes.resize(kept);
  return static_cast<int>(count - kept);
}

}  // namespace openarc::graph

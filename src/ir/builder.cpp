#include "ir/builder.h"

#include <algorithm>

#include "core/error.h"

namespace openarc::ir {
namespace {

// Shape attribute text as the exports print it: "?, 4", "" for a scalar, "..." for any rank.
std::string shape_attr(const PartialShape& s) {
  if (s.rank_is_dynamic()) return "...";
  std::string out;
  for (size_t i = 0; i < s.dims().size(); ++i) {
    int64_t d = s.dims()[i];
    out += (i ? ", " : "") + (d < 0 ? std::string("?") : std::to_string(d));
  }
  return out;
}

}  // namespace

GraphBuilder::GraphBuilder(std::string model_name) { model_.name = std::move(model_name); }

std::vector<OutputRef> GraphBuilder::add(const std::string& type, const std::string& version,
                                         std::vector<OutputRef> inputs, Attributes attrs, const std::string& name,
                                         size_t num_outputs) {
  Node n;
  const size_t index = model_.nodes.size();
  n.id = static_cast<int64_t>(index);
  n.name = name.empty() ? cat(type, "_", index) : name;
  n.type = type;
  n.version = version;
  n.attrs = std::move(attrs);
  for (size_t k = 0; k < inputs.size(); ++k) {
    const OutputRef& r = inputs[k];
    check(r.node < index && r.port < model_.nodes[r.node].output_ports.size(), "GraphBuilder: input ", k, " of ",
          n.name, " refers to output ", r.port, " of node ", r.node, ", which does not exist");
    PortDecl p;
    p.id = static_cast<int64_t>(k);
    p.shape = PartialShape::dynamic_rank();
    n.input_ports.push_back(std::move(p));
  }
  n.inputs = std::move(inputs);
  std::vector<OutputRef> outs;
  for (size_t k = 0; k < num_outputs; ++k) {
    PortDecl p;
    p.id = static_cast<int64_t>(n.inputs.size() + k);
    p.shape = PartialShape::dynamic_rank();  // not declared: bind infers it
    n.output_ports.push_back(std::move(p));
    outs.push_back({index, k});
  }
  model_.nodes.push_back(std::move(n));
  return outs;
}

OutputRef GraphBuilder::op(const std::string& type, const std::string& version, std::vector<OutputRef> inputs,
                           Attributes attrs, const std::string& name) {
  return add(type, version, std::move(inputs), std::move(attrs), name, 1).front();
}

OutputRef GraphBuilder::parameter(const std::string& name, ElementType type, PartialShape shape) {
  Attributes a{{"shape", shape_attr(shape)}, {"element_type", std::string(to_string(type))}};
  OutputRef out = op("Parameter", "opset1", {}, std::move(a), name);
  PortDecl& p = model_.nodes[out.node].output_ports[0];
  p.precision = type;
  p.shape = std::move(shape);
  p.names = {name};
  return out;
}

OutputRef GraphBuilder::constant(Tensor value, const std::string& name) {
  check(value.valid(), "GraphBuilder: constant ", name, " has no value");
  // offset and size are filled by write_model.
  Attributes a{{"element_type", std::string(to_string(value.type()))}, {"shape", shape_attr(value.shape())}};
  OutputRef out = op("Const", "opset1", {}, std::move(a), name.empty() ? cat("Constant_", model_.nodes.size()) : name);
  Node& n = model_.nodes[out.node];
  n.output_ports[0].precision = value.type();
  n.output_ports[0].shape = value.shape();
  n.constant = std::move(value);
  return out;
}

void GraphBuilder::result(OutputRef value, const std::string& name) {
  add_names(value, {name});
  add("Result", "opset1", {value}, {}, name.empty() ? cat("Result_", model_.nodes.size()) : name, 0);
  model_.nodes.back().layer_attrs.set("output_names", name);
}

void GraphBuilder::add_names(OutputRef value, const std::vector<std::string>& names) {
  check(value.node < model_.nodes.size() && value.port < model_.nodes[value.node].output_ports.size(),
        "GraphBuilder: add_names on an output that does not exist");
  std::vector<std::string>& dst = model_.nodes[value.node].output_ports[value.port].names;
  for (const std::string& n : names)
    if (!n.empty() && std::find(dst.begin(), dst.end(), n) == dst.end()) dst.push_back(n);
}

void GraphBuilder::add_rt_info(OutputRef value, RtInfo info) {
  check(value.node < model_.nodes.size(), "GraphBuilder: add_rt_info on a node that does not exist");
  model_.nodes[value.node].rt_info.push_back(std::move(info));
}

void GraphBuilder::add_model_rt_info(RtInfo info) { model_.rt_info.push_back(std::move(info)); }

Model GraphBuilder::build() {
  Model m = std::move(model_);
  model_ = Model();
  return m;
}

}  // namespace openarc::ir

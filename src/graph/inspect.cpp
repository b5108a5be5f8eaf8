// What an IR model is, read from its files (`openarc inspect` and the dashboard's Model page): interface (inputs,
// outputs, variables), op counts, weight bytes by precision, parameter count, and whether every
// layer is supported. The structure is reported even when the .bin is absent or binding fails.
//
// Parameter count: elements of Const tensors with at least 2 dims and a numeric type, minus the
// scales and zero points of weight-decompression subgraphs (a smaller Const combined by
// Subtract/Multiply with a larger one, through Converts). Packed int4 counts elements, not bytes.
// Rank-1 tensors (norm weights, biases, shape vectors) are left out; rank-2+ buffers such as
// rotary tables are counted.
#include "graph/inspect.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>

#include "core/error.h"
#include "graph/bind.h"
#include "graph/passes.h"
#include "ir/reader.h"
#include "ops/registry.h"

namespace openarc::graph {
namespace {

using nlohmann::json;

struct TypeAndShape {
  ElementType type = ElementType::undefined;
  PartialShape shape = PartialShape::dynamic_rank();
};

// Output k of node n as far as it is known: inferred when bound, else declared in the XML.
TypeAndShape output_of(const ir::Node& n, size_t k) {
  if (k < n.output_types.size()) return {n.output_types[k], n.output_shapes[k]};
  if (k < n.output_ports.size()) return {n.output_ports[k].precision, n.output_ports[k].shape};
  return {};
}

// A Const's type and shape from its attributes (the reader has checked them).
std::optional<std::pair<ElementType, Shape>> const_info(const ir::Node& n) {
  try {
    ElementType t = parse_element_type(n.attrs.str("element_type"));
    PartialShape s = parse_partial_shape(n.attrs.str("shape"));
    if (t == ElementType::undefined || !s.is_static()) return std::nullopt;
    return std::make_pair(t, s.dims());
  } catch (const Error&) {
    return std::nullopt;
  }
}

json port_json(const std::string& name, const TypeAndShape& ts) {
  return {{"name", name}, {"type", std::string(to_string(ts.type))}, {"shape", ts.shape.to_string()}};
}

// Decompression companions (see the header comment): Consts that scale or offset a larger one.
std::vector<bool> decompression_companions(const ir::Model& m, const std::vector<int64_t>& elements) {
  std::vector<std::optional<size_t>> root(m.nodes.size());  // the largest Const each node derives from
  std::vector<bool> companion(m.nodes.size(), false);
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    const ir::Node& n = m.nodes[i];
    if (n.type == "Const") {
      root[i] = i;
    } else if (n.type == "Convert" && !n.inputs.empty()) {
      root[i] = root[n.inputs[0].node];
    } else if (n.type == "Subtract" || n.type == "Multiply") {
      for (const ir::OutputRef& r : n.inputs)
        if (root[r.node] && (!root[i] || elements[*root[r.node]] > elements[*root[i]])) root[i] = root[r.node];
      for (const ir::OutputRef& r : n.inputs)
        if (root[r.node] && root[i] && elements[*root[r.node]] < elements[*root[i]]) companion[*root[r.node]] = true;
    }
  }
  return companion;
}

}  // namespace

json inspect_model(const std::string& path, std::string& bind_error) {
  std::string xml = ir::resolve_model_xml(path);
  ir::Model m = ir::read_model(xml, "", ir::ReadOptions{.require_weights = false});
  try {
    graph::bind(m);
  } catch (const Error& e) {
    bind_error = e.what();
  }

  json r;
  r["model"] = m.name;
  r["ir_version"] = m.ir_version;
  r["xml"] = xml;
  r["weights_file"] = m.weights ? json(m.bin_path) : json(nullptr);
  r["weights_found"] = m.weights != nullptr;
  r["layers"] = m.nodes.size();

  json inputs = json::array(), outputs = json::array(), variables = json::array();
  for (size_t i : m.parameters()) {
    const ir::Node& n = m.nodes[i];
    TypeAndShape ts = output_of(n, 0);
    if (n.output_types.empty()) {  // not bound: the Parameter's own attributes are authoritative
      if (auto t = parse_element_type(n.attrs.str("element_type", "")); t != ElementType::undefined) ts.type = t;
      try {
        ts.shape = parse_partial_shape(n.attrs.str("shape"));
      } catch (const Error&) {
      }
    }
    const auto& names = n.output_ports.empty() ? std::vector<std::string>{} : n.output_ports[0].names;
    inputs.push_back(port_json(names.empty() ? n.name : names[0], ts));
  }
  for (size_t i : m.results()) {
    const ir::Node& n = m.nodes[i];
    const ir::OutputRef& src = n.inputs.at(0);
    const ir::Node& p = m.nodes[src.node];
    std::string name = n.layer_attrs.str("output_names", "");
    if (name.empty() && src.port < p.output_ports.size() && !p.output_ports[src.port].names.empty())
      name = p.output_ports[src.port].names[0];
    outputs.push_back(port_json(name.empty() ? n.name : name, output_of(p, src.port)));
  }
  for (const ir::Node& n : m.nodes) {
    if (n.type != "ReadValue") continue;
    TypeAndShape ts = output_of(n, 0);
    if (n.output_types.empty()) {
      ts.type = parse_element_type(n.attrs.str("variable_type", ""));
      try {
        ts.shape = parse_partial_shape(n.attrs.str("variable_shape", "..."));
      } catch (const Error&) {
      }
    }
    variables.push_back(port_json(n.attrs.str("variable_id", n.name), ts));
  }
  r["inputs"] = inputs;
  r["outputs"] = outputs;
  r["variables"] = variables;

  std::map<std::string, int64_t> op_counts;
  std::map<std::pair<std::string, std::string>, int64_t> unsupported;
  const ops::OpRegistry& registry = ops::OpRegistry::instance();
  for (const ir::Node& n : m.nodes) {
    ++op_counts[n.type + "-" + n.version];
    if (!registry.contains(n.type, n.version)) ++unsupported[{n.type, n.version}];
  }
  r["ops"] = op_counts;

  std::vector<int64_t> elements(m.nodes.size(), 0);
  for (size_t i = 0; i < m.nodes.size(); ++i)
    if (auto c = const_info(m.nodes[i])) elements[i] = shape_size(c->second);
  std::vector<bool> companion = decompression_companions(m, elements);
  struct Bytes {
    int64_t consts = 0, bytes = 0, weights = 0, weight_bytes = 0;
  };
  std::map<std::string, Bytes> by_type;
  int64_t parameters = 0, total_bytes = 0;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    auto c = const_info(m.nodes[i]);
    if (!c) continue;
    auto [type, shape] = *c;
    int64_t bytes = static_cast<int64_t>(byte_size(type, static_cast<size_t>(elements[i])));
    Bytes& b = by_type[std::string(to_string(type))];
    ++b.consts;
    b.bytes += bytes;
    total_bytes += bytes;
    bool weight = shape.size() >= 2 && type != ElementType::boolean;
    if (weight) {
      ++b.weights;
      b.weight_bytes += bytes;
      if (!companion[i]) parameters += elements[i];
    }
  }
  json precisions = json::array();
  for (const auto& [type, b] : by_type)
    precisions.push_back({{"element_type", type}, {"consts", b.consts}, {"bytes", b.bytes},
                          {"weights", b.weights}, {"weight_bytes", b.weight_bytes}});
  r["constants"] = precisions;
  r["constant_bytes"] = total_bytes;
  r["parameters"] = parameters;

  json missing = json::array();
  for (const auto& [key, count] : unsupported)
    missing.push_back({{"type", key.first}, {"version", key.second}, {"count", count}});
  r["unsupported_ops"] = missing;
  r["bound"] = bind_error.empty();
  r["bind_error"] = bind_error.empty() ? json(nullptr) : json(bind_error);
  // The fusions compilation applies (as generation compiles: last-position logits), on the
  // structure alone, and the layers left to the reference ops.
  json fusions = json::array();
  json after = json::object();
  if (bind_error.empty()) {
    ir::Model optimized = m;
    graph::PassOptions po;
    po.last_position_logits = true;
    for (const graph::PassCount& c : graph::optimize(optimized, po))
      fusions.push_back({{"pass", c.name}, {"fired", c.fired}});
    std::map<std::string, int64_t> ops;
    for (const ir::Node& n : optimized.nodes) ++ops[n.type];
    for (const auto& [type, count] : ops) after[type] = count;
    r["layers_after_fusion"] = optimized.nodes.size();
  }
  r["fusions"] = fusions;
  r["ops_after_fusion"] = after;
  return r;
}

}  // namespace openarc::graph

// IR XML -> Model. The document is parsed in three steps: layers (with their ports, <data> and
// rt_info), edges (port ids mapped to input/output indices by position), then the topological
// order. Const data is bound to the .bin last (constant_data.cpp). Every error names the file, the
// line, the layer or edge, and the problem.
#include "ir/reader.h"

#include <pugixml.hpp>

#include <charconv>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "core/error.h"
#include "core/text.h"
#include "ir/constant_data.h"
#include "ir/rt_info_xml.h"
#include "ir/tensor_names.h"
#include "ir/topological_order.h"

namespace openarc::ir {
namespace {

std::optional<int64_t> parse_int(std::string_view s) {
  s = trim(s, " \t\n\r");
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Line of a byte offset in the text (1-based), for messages.
size_t line_at(const std::string& text, ptrdiff_t offset) {
  if (offset < 0) return 0;
  size_t end = std::min(static_cast<size_t>(offset), text.size()), line = 1;
  for (size_t i = 0; i < end; ++i) line += text[i] == '\n';
  return line;
}

class Parser {
 public:
  Parser(const std::string& xml, const std::string& file) : xml_(xml), file_(file) {}

  Model parse(std::shared_ptr<MappedFile> weights);

 private:
  struct Layer {
    Node node;
    pugi::xml_node el;
    std::map<int64_t, size_t> in_index, out_index;  // port id -> position
    std::vector<std::optional<std::pair<size_t, size_t>>> sources;  // per input: (layer, output)
  };

  std::string where(const pugi::xml_node& el) const {
    size_t line = line_at(xml_, el.offset_debug());
    return line ? cat(file_, ":", line) : file_;
  }
  template <typename... Args>
  [[noreturn]] void layer_fail(const Layer& l, Args&&... args) const {
    fail(where(l.el), ": layer ", l.node.id, " '", l.node.name, "' (", l.node.type, "): ",
         std::forward<Args>(args)...);
  }
  std::string required(const pugi::xml_node& el, const char* key, const std::string& what) const {
    pugi::xml_attribute a = el.attribute(key);
    if (!a) fail(where(el), ": ", what, ": missing attribute '", key, "'");
    return a.value();
  }
  int64_t required_int(const pugi::xml_node& el, const char* key, const std::string& what) const {
    std::string text = required(el, key, what);
    std::optional<int64_t> v = parse_int(text);
    if (!v || *v < 0) fail(where(el), ": ", what, ": attribute '", key, "' is \"", text, "\", not a non-negative integer");
    return *v;
  }

  Layer read_layer(const pugi::xml_node& el);
  PortDecl read_port(Layer& l, const pugi::xml_node& el, bool is_input);
  void read_edges(const pugi::xml_node& edges, std::vector<Layer>& layers);

  const std::string& xml_;
  std::string file_;
  int64_t version_ = 11;
};

PortDecl Parser::read_port(Layer& l, const pugi::xml_node& el, bool is_input) {
  PortDecl p;
  if (!el.attribute("id")) layer_fail(l, "a port has no attribute 'id'");
  std::string id_text = el.attribute("id").value();
  std::optional<int64_t> id = parse_int(id_text);
  if (!id || *id < 0) layer_fail(l, "port id \"", id_text, "\" is not a non-negative integer");
  p.id = *id;
  if (l.in_index.count(p.id) || l.out_index.count(p.id)) layer_fail(l, "two ports have id ", p.id);
  if (pugi::xml_attribute prec = el.attribute("precision")) {
    std::string_view text = prec.value();
    p.precision = parse_element_type(text);
    if (p.precision == ElementType::undefined && text != "UNSPECIFIED" && text != "undefined" && text != "dynamic")
      layer_fail(l, "port ", p.id, ": unknown element type (precision) \"", text, "\"");
  }
  if (pugi::xml_attribute names = el.attribute("names")) p.names = split_tensor_names(names.value());
  // OpenArc's mark for a port of unknown rank (OpenVINO's readers ignore unknown port attributes).
  bool dynamic_rank = std::string_view(el.attribute("rank").value()) == "dynamic";
  Shape dims;
  int64_t elements = 1;  // product of the known dims, checked so later arithmetic cannot overflow
  for (const pugi::xml_node& d : el.children("dim")) {
    std::optional<int64_t> v = parse_int(d.text().get());
    if (!v) layer_fail(l, "port ", p.id, ": dim \"", d.text().get(), "\" is not an integer");
    if (*v < -1) layer_fail(l, "port ", p.id, ": dim ", *v, " is negative (only -1, meaning dynamic, is allowed)");
    if (*v > 0 && __builtin_mul_overflow(elements, *v, &elements))
      layer_fail(l, "port ", p.id, ": dims overflow (more than 2^63 elements)");
    dims.push_back(*v);
  }
  p.shape = dynamic_rank ? PartialShape::dynamic_rank() : PartialShape(std::move(dims));
  if (version_ > 10)
    if (pugi::xml_node rt = el.child("rt_info")) p.rt_info = read_rt_info(rt);
  (is_input ? l.in_index : l.out_index)[p.id] = is_input ? l.node.input_ports.size() : l.node.output_ports.size();
  return p;
}

Parser::Layer Parser::read_layer(const pugi::xml_node& el) {
  Layer l;
  l.el = el;
  Node& n = l.node;
  n.id = required_int(el, "id", "layer");
  std::string what = cat("layer ", n.id);
  n.name = required(el, "name", what);
  n.type = required(el, "type", what);
  n.version = required(el, "version", what);
  for (const pugi::xml_attribute& a : el.attributes()) {
    std::string_view k = a.name();
    if (k != "id" && k != "name" && k != "type" && k != "version") n.layer_attrs.set(a.name(), a.value());
  }
  if (pugi::xml_node data = el.child("data"))
    for (const pugi::xml_attribute& a : data.attributes()) n.attrs.set(a.name(), a.value());
  try {
    if (version_ > 10)
      if (pugi::xml_node rt = el.child("rt_info")) n.rt_info = read_rt_info(rt);
  } catch (const Error& e) {
    layer_fail(l, e.what());
  }
  for (const pugi::xml_node& p : el.child("input").children("port")) n.input_ports.push_back(read_port(l, p, true));
  for (const pugi::xml_node& p : el.child("output").children("port"))
    n.output_ports.push_back(read_port(l, p, false));
  l.sources.resize(n.input_ports.size());
  return l;
}

void Parser::read_edges(const pugi::xml_node& edges, std::vector<Layer>& layers) {
  std::map<int64_t, size_t> by_id;
  for (size_t i = 0; i < layers.size(); ++i) by_id[layers[i].node.id] = i;
  for (const pugi::xml_node& e : edges.children()) {
    if (e.type() != pugi::node_element) continue;
    if (std::string_view(e.name()) != "edge") fail(where(e), ": unexpected element <", e.name(), "> in <edges>");
    int64_t from = required_int(e, "from-layer", "edge"), from_port = required_int(e, "from-port", "edge");
    int64_t to = required_int(e, "to-layer", "edge"), to_port = required_int(e, "to-port", "edge");
    // Built only on failure: where() scans the text for the line number.
    auto edge = [&] { return cat(where(e), ": edge from layer ", from, " port ", from_port, " to layer ", to, " port ", to_port); };
    auto src = by_id.find(from), dst = by_id.find(to);
    if (src == by_id.end()) fail(edge(), ": there is no layer ", from);
    if (dst == by_id.end()) fail(edge(), ": there is no layer ", to);
    Layer& s = layers[src->second];
    Layer& d = layers[dst->second];
    auto out = s.out_index.find(from_port);
    if (out == s.out_index.end())
      fail(edge(), ": layer ", from, " '", s.node.name, "' (", s.node.type, ") has no output port ", from_port);
    auto in = d.in_index.find(to_port);
    if (in == d.in_index.end())
      fail(edge(), ": layer ", to, " '", d.node.name, "' (", d.node.type, ") has no input port ", to_port);
    if (d.sources[in->second])
      fail(edge(), ": input port ", to_port, " of layer ", to, " '", d.node.name, "' already has an edge (from layer ",
           layers[d.sources[in->second]->first].node.id, ")");
    d.sources[in->second] = {src->second, out->second};
  }
}

Model Parser::parse(std::shared_ptr<MappedFile> weights) {
  pugi::xml_document doc;
  pugi::xml_parse_result ok = doc.load_buffer(xml_.data(), xml_.size());
  if (!ok) fail(file_, ":", line_at(xml_, ok.offset), ": not valid XML: ", ok.description());
  pugi::xml_node net = doc.document_element();
  if (std::string_view(net.name()) != "net")
    fail(file_, ": the root element is <", net.name(), ">, not <net>: not an OpenVINO IR model");
  Model m;
  m.name = net.attribute("name").value();
  std::string version_text = required(net, "version", "<net>");
  std::optional<int64_t> version = parse_int(version_text);
  if (!version || (*version != 10 && *version != 11))
    fail(file_, ": unsupported IR version \"", version_text, "\" (OpenArc reads IR versions 10 and 11)");
  version_ = m.ir_version = *version;

  pugi::xml_node layers_el = net.child("layers");
  if (!layers_el) fail(where(net), ": <net> has no <layers>");
  std::vector<Layer> layers;
  std::map<int64_t, size_t> seen;
  for (const pugi::xml_node& el : layers_el.children()) {
    if (el.type() != pugi::node_element) continue;
    if (std::string_view(el.name()) != "layer") fail(where(el), ": unexpected element <", el.name(), "> in <layers>");
    layers.push_back(read_layer(el));
    auto [it, fresh] = seen.emplace(layers.back().node.id, layers.size() - 1);
    if (!fresh)
      layer_fail(layers.back(), "duplicate layer id ", it->first, " (also used by layer '",
                 layers[it->second].node.name, "')");
  }
  read_edges(net.child("edges"), layers);

  std::vector<OrderItem> items(layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    Layer& l = layers[i];
    for (size_t k = 0; k < l.sources.size(); ++k) {
      if (!l.sources[k]) layer_fail(l, "input port ", l.node.input_ports[k].id, " has no incoming edge");
      items[i].deps.push_back(l.sources[k]->first);
    }
    items[i].type = l.node.type;
    if (const std::string* v = l.node.attrs.find("variable_id")) items[i].variable_id = *v;
  }
  std::vector<size_t> order = topological_order(
      items, [&](size_t i) { layer_fail(layers[i], "the graph has a cycle through this layer"); });

  std::vector<size_t> position(layers.size());
  for (size_t k = 0; k < order.size(); ++k) position[order[k]] = k;
  m.nodes.reserve(layers.size());
  for (size_t i : order) {
    Layer& l = layers[i];
    for (const auto& src : l.sources) l.node.inputs.push_back({position[src->first], src->second});
    try {
      bind_constant_data(l.node, weights);
    } catch (const Error& e) {
      layer_fail(l, e.what());
    }
    m.nodes.push_back(std::move(l.node));
  }
  if (pugi::xml_node rt = net.child("rt_info")) {
    try {
      m.rt_info = read_rt_info(rt);
    } catch (const Error& e) {
      fail(where(rt), ": model rt_info: ", e.what());
    }
  }
  m.weights = std::move(weights);
  return m;
}

}  // namespace

Model read_model_from_string(const std::string& xml, std::shared_ptr<MappedFile> weights, const std::string& name) {
  Model m = Parser(xml, name).parse(std::move(weights));
  m.xml_path = name;
  if (m.weights) m.bin_path = m.weights->path();
  return m;
}

Model read_model(const std::string& xml_path, const std::string& bin_path, ReadOptions options) {
  std::string xml = read_file(xml_path);
  std::filesystem::path bin = bin_path;
  if (bin.empty()) bin = std::filesystem::path(xml_path).replace_extension(".bin");
  std::shared_ptr<MappedFile> weights;
  std::error_code ec;
  if (std::filesystem::exists(bin, ec)) {
    weights = MappedFile::open(bin.string());
  } else if (options.require_weights) {
    fail(xml_path, ": its weights file ", bin.string(), " does not exist");
  }
  Model m = read_model_from_string(xml, std::move(weights), xml_path);
  m.bin_path = m.weights ? bin.string() : "";
  return m;
}

}  // namespace openarc::ir

// Model -> IR v11 .xml + .bin. Constants' bytes are concatenated into the .bin, identical byte
// strings stored once (as OpenVINO's serializer does), and each Const's offset/size attributes
// point at them. Ports carry the bound types and shapes when the model is bound, else the
// declared ones.
#include "ir/writer.h"

#include <pugixml.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "core/error.h"
#include "ir/rt_info_xml.h"
#include "ir/tensor_names.h"

namespace openarc::ir {
namespace {

// The weights file being assembled, with identical byte strings shared.
class BinBuilder {
 public:
  explicit BinBuilder(const std::string& path) : path_(path), out_(path, std::ios::binary | std::ios::trunc) {
    check(out_.good(), "cannot create the weights file ", path);
  }
  uint64_t add(const uint8_t* data, size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    size_t h = std::hash<std::string_view>{}(bytes);
    auto [lo, hi] = seen_.equal_range(h);
    for (auto it = lo; it != hi; ++it) {
      std::string_view prev = it->second.first;
      if (prev.size() == size && (size == 0 || std::memcmp(prev.data(), data, size) == 0)) return it->second.second;
    }
    uint64_t offset = size_;
    if (size) out_.write(bytes.data(), static_cast<std::streamsize>(size));
    check(out_.good(), "cannot write the weights file ", path_);
    size_ += size;
    seen_.emplace(h, std::make_pair(bytes, offset));
    return offset;
  }
  void close() {
    out_.close();
    check(!out_.fail(), "cannot write the weights file ", path_);
  }

 private:
  std::string path_;
  std::ofstream out_;
  uint64_t size_ = 0;
  // The constants' own memory stays alive while the model is written: compare against it.
  std::unordered_multimap<size_t, std::pair<std::string_view, uint64_t>> seen_;  // hash -> (bytes, offset)
};

std::string shape_text(const Shape& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out;
}

void write_port(pugi::xml_node parent, int64_t id, ElementType type, const PartialShape& shape,
                const PortDecl* decl, bool with_names) {
  pugi::xml_node port = parent.append_child("port");
  port.append_attribute("id").set_value(std::to_string(id).c_str());
  if (type != ElementType::undefined) port.append_attribute("precision").set_value(std::string(to_precision(type)).c_str());
  if (with_names && decl && !decl->names.empty())
    port.append_attribute("names").set_value(join_tensor_names(decl->names).c_str());
  if (shape.rank_is_dynamic()) {
    port.append_attribute("rank").set_value("dynamic");  // see read_port
  } else {
    for (int64_t d : shape.dims()) port.append_child("dim").text().set(std::to_string(d).c_str());
  }
  if (decl) write_rt_info(port, decl->rt_info);
}

// Type and shape of output `k` of `n`: inferred when bound, else declared.
std::pair<ElementType, PartialShape> output_type(const Node& n, size_t k) {
  if (k < n.output_types.size()) return {n.output_types[k], n.output_shapes[k]};
  if (k < n.output_ports.size()) return {n.output_ports[k].precision, n.output_ports[k].shape};
  return {ElementType::undefined, PartialShape::dynamic_rank()};
}

size_t output_count(const Node& n) { return n.op ? n.output_types.size() : n.output_ports.size(); }

int64_t input_port_id(const Node& n, size_t k) {
  return n.input_ports.size() == n.inputs.size() ? n.input_ports[k].id : static_cast<int64_t>(k);
}
int64_t output_port_id(const Node& n, size_t k) {
  return n.output_ports.size() == output_count(n) ? n.output_ports[k].id : static_cast<int64_t>(n.inputs.size() + k);
}

std::string where(const Node& n) { return cat("layer ", n.id, " '", n.name, "' (", n.type, ")"); }

}  // namespace

void write_model(const Model& model, const std::string& xml_path, const std::string& bin_path) {
  std::string bin = bin_path.empty() ? std::filesystem::path(xml_path).replace_extension(".bin").string() : bin_path;
  BinBuilder weights(bin);
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version").set_value("1.0");
  pugi::xml_node net = doc.append_child("net");
  net.append_attribute("name").set_value(model.name.c_str());
  net.append_attribute("version").set_value("11");
  pugi::xml_node layers = net.append_child("layers");
  std::set<int64_t> ids;
  for (const Node& n : model.nodes) {
    check(ids.insert(n.id).second, "cannot write ", xml_path, ": two layers have id ", n.id);
    pugi::xml_node layer = layers.append_child("layer");
    layer.append_attribute("id").set_value(std::to_string(n.id).c_str());
    layer.append_attribute("name").set_value(n.name.c_str());
    layer.append_attribute("type").set_value(n.type.c_str());
    layer.append_attribute("version").set_value(n.version.c_str());
    for (const auto& [k, v] : n.layer_attrs.items()) layer.append_attribute(k.c_str()).set_value(v.c_str());

    Attributes attrs = n.attrs;
    if (n.type == "Const") {
      check(n.constant.valid(), "cannot write ", xml_path, ": ", where(n), " has no data (was the .bin absent?)");
      if (!attrs.has("element_type")) attrs.set("element_type", std::string(to_string(n.constant.type())));
      if (!attrs.has("shape")) attrs.set("shape", shape_text(n.constant.shape()));
      size_t size = n.constant.byte_size();
      uint64_t offset = weights.add(static_cast<const uint8_t*>(n.constant.data()), size);
      attrs.set("offset", std::to_string(offset));
      attrs.set("size", std::to_string(size));
    }
    if (!attrs.empty()) {
      pugi::xml_node data = layer.append_child("data");
      for (const auto& [k, v] : attrs.items()) data.append_attribute(k.c_str()).set_value(v.c_str());
    }
    write_rt_info(layer, n.rt_info);

    if (!n.inputs.empty()) {
      pugi::xml_node in = layer.append_child("input");
      for (size_t k = 0; k < n.inputs.size(); ++k) {
        const OutputRef& r = n.inputs[k];
        check(r.node < model.nodes.size(), "cannot write ", xml_path, ": ", where(n), " input ", k,
              " refers to node ", r.node, " of ", model.nodes.size());
        auto [type, shape] = output_type(model.nodes[r.node], r.port);
        const PortDecl* d = n.input_ports.size() == n.inputs.size() ? &n.input_ports[k] : nullptr;
        write_port(in, input_port_id(n, k), type, shape, d, false);
      }
    }
    if (size_t outs = output_count(n)) {
      pugi::xml_node out = layer.append_child("output");
      for (size_t k = 0; k < outs; ++k) {
        auto [type, shape] = output_type(n, k);
        const PortDecl* d = k < n.output_ports.size() ? &n.output_ports[k] : nullptr;
        write_port(out, output_port_id(n, k), type, shape, d, true);
      }
    }
  }
  pugi::xml_node edges = net.append_child("edges");
  for (const Node& n : model.nodes) {
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      const OutputRef& r = n.inputs[k];
      const Node& src = model.nodes[r.node];
      check(r.port < output_count(src), "cannot write ", xml_path, ": ", where(n), " input ", k, " refers to output ",
            r.port, " of ", where(src), ", which has ", output_count(src), " outputs");
      pugi::xml_node e = edges.append_child("edge");
      e.append_attribute("from-layer").set_value(std::to_string(src.id).c_str());
      e.append_attribute("from-port").set_value(std::to_string(output_port_id(src, r.port)).c_str());
      e.append_attribute("to-layer").set_value(std::to_string(n.id).c_str());
      e.append_attribute("to-port").set_value(std::to_string(input_port_id(n, k)).c_str());
    }
  }
  write_rt_info(net, model.rt_info);
  weights.close();
  check(doc.save_file(xml_path.c_str(), "\t", pugi::format_default, pugi::encoding_utf8), "cannot write ", xml_path);
}

}  // namespace openarc::ir

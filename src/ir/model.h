// The in-memory form of an OpenVINO IR model: nodes in topological order, each with its inputs
// (edges), declared ports, attributes and rt_info, constants viewing the memory-mapped .bin.
// The reader fills it (reader.h), the writer writes it back (writer.h), graph::bind() attaches an
// op to every node and infers every output's type and shape.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/attributes.h"
#include "core/element_type.h"
#include "core/mapped_file.h"
#include "core/shape.h"
#include "core/tensor.h"

namespace openarc::ops {
class Op;
}

namespace openarc::ir {

// <rt_info> content: <attribute name=".." version=".." value=".."/> and nested elements (the
// model-level rt_info nests). Unknown entries are kept so the writer can give them back.
struct RtInfo {
  std::string tag;  // element name: "attribute", or a nested section's name
  Attributes attrs;
  std::vector<RtInfo> children;
  bool operator==(const RtInfo&) const = default;
};

// A port as the XML declares it. Output ports carry tensor names ("names=").
struct PortDecl {
  int64_t id = 0;
  ElementType precision = ElementType::undefined;
  PartialShape shape;
  std::vector<std::string> names;
  std::vector<RtInfo> rt_info;
  bool operator==(const PortDecl&) const = default;
};

// Output `port` (0-based output index) of node `node` (index into Model::nodes).
struct OutputRef {
  size_t node = 0;
  size_t port = 0;
  bool operator==(const OutputRef&) const = default;
};

struct Node {
  int64_t id = 0;
  std::string name, type, version;
  Attributes attrs;        // <data .../>
  Attributes layer_attrs;  // other attributes of <layer> itself (Result's output_names ...)
  std::vector<OutputRef> inputs;  // one per input, in input-port order
  std::vector<PortDecl> input_ports, output_ports;
  std::vector<RtInfo> rt_info;
  Tensor constant;  // Const: its data, a view into the .bin (or owned when built in memory).
                    // Parameter: the value when the caller sets none (inputs passes add), or none.

  // Filled by graph::bind(): the operation and the inferred type and shape of each output.
  std::shared_ptr<const ops::Op> op;
  std::vector<ElementType> output_types;
  std::vector<PartialShape> output_shapes;
};

struct Model {
  std::string name = "Model";
  int64_t ir_version = 11;
  std::vector<Node> nodes;  // topological: every input comes from an earlier node
  std::vector<RtInfo> rt_info;
  std::shared_ptr<MappedFile> weights;  // null when the .bin was absent
  std::string xml_path, bin_path;

  std::vector<size_t> parameters() const;  // Parameter nodes, in XML order
  std::vector<size_t> results() const;     // Result nodes
  std::vector<size_t> sinks() const;       // Assign nodes
  const Node* find(const std::string& name) const;  // by friendly name
};

}  // namespace openarc::ir

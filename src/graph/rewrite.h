// What every fusion pass needs to read and rewrite a bound Model (graph::bind has run: every node
// has its op, output types and shapes). A fusion replaces the root node of the pattern it
// recognises *in place* by an internal op whose inputs come from earlier nodes, so the order stays
// topological and the root's consumers keep their edges; the nodes the pattern no longer needs are
// removed afterwards by eliminate_dead_nodes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/model.h"
#include "ops/op.h"

namespace openarc::graph {

// The consumers of every node output: uses[node][port] = {(consumer node, input index) ...}.
using Uses = std::vector<std::vector<std::vector<std::pair<size_t, size_t>>>>;
Uses find_uses(const ir::Model& model);

// The node an input comes from.
inline const ir::Node& producer(const ir::Model& m, const ir::OutputRef& r) { return m.nodes[r.node]; }
inline const ir::Node& input_node(const ir::Model& m, const ir::Node& n, size_t i) {
  return m.nodes[n.inputs.at(i).node];
}
// True when the node is of `type` (any version).
inline bool is(const ir::Node& n, const char* type) { return n.type == type; }
// The values of a Const as f64 (empty when it is not a Const or has no data, e.g. without .bin).
std::vector<double> const_values(const ir::Node& n);
// True when n is a Const holding one value (any shape of one element) equal to v.
bool is_const_scalar(const ir::Node& n, double v);

// Replaces node `index` by `op` on `inputs` (each from an earlier node): type and version become
// the internal op's ("openarc"), name and declared output ports stay; output types and shapes are
// inferred by `op`. The op must have as many outputs as the node had (its consumers keep their
// edges). Throws Error when the op rejects its inputs.
void replace_node(ir::Model& model, size_t index, const std::string& type, std::shared_ptr<const ops::Op> op,
                  std::vector<ir::OutputRef> inputs);

// Adds a model input: a Parameter `name` of the type and shape of `default_value`, which is the
// value it takes when a caller sets none (an input callers that predate the pass do not know).
// It goes after the last Parameter before node `before`, so inputs keep their indices when they
// come first; edges are renumbered. Returns the new node's index (`before` is now one further).
size_t add_parameter(ir::Model& model, size_t before, const std::string& name, Tensor default_value);

// Marks a node that nothing reads (an Assign whose state a fused op keeps) for removal by
// eliminate_dead_nodes.
void drop_node(ir::Model& model, size_t index);

// Removes every node no Result or Assign depends on (Parameters always stay: they are the
// model's interface) and renumbers the edges. Returns how many nodes were removed.
int eliminate_dead_nodes(ir::Model& model);

}  // namespace openarc::graph

#include "ir/model.h"

namespace openarc::ir {
namespace {

std::vector<size_t> nodes_of_type(const Model& m, const char* type) {
  std::vector<size_t> out;
  for (size_t i = 0; i < m.nodes.size(); ++i)
    if (m.nodes[i].type == type) out.push_back(i);
  return out;
}

}  // namespace

std::vector<size_t> Model::parameters() const { return nodes_of_type(*this, "Parameter"); }
std::vector<size_t> Model::results() const { return nodes_of_type(*this, "Result"); }
std::vector<size_t> Model::sinks() const { return nodes_of_type(*this, "Assign"); }

const Node* Model::find(const std::string& name) const {
  for (const Node& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

}  // namespace openarc::ir

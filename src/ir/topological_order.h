// The order the reader gives a model's nodes, the one OpenVINO's reader builds: Parameters first
// in XML order, then a depth-first walk over incoming edges from every Result and every Assign
// (sinks), each node placed after its inputs. An Assign also depends on the ReadValue of the same
// variable (the state is read before it is written). Nodes no sink reaches are kept, placed after
// their inputs too.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace openarc::ir {

struct OrderItem {
  std::string type;         // "Parameter", "Result", "Assign", "ReadValue" matter here
  std::string variable_id;  // ReadValue / Assign
  std::vector<size_t> deps;  // producers of each input, as indices into the item list
};

// A permutation of 0..items.size()-1 (order[k] = item placed k-th). On a cycle, calls
// `on_cycle(item)` with one item on it, which must throw.
std::vector<size_t> topological_order(const std::vector<OrderItem>& items,
                                      const std::function<void(size_t)>& on_cycle);

}  // namespace openarc::ir

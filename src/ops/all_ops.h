// Every op family registers itself here, one line each, called once by OpRegistry::instance().
#pragma once

namespace openarc::ops {

class OpRegistry;

void register_graph_ops(OpRegistry& r);        // Parameter Result Const ReadValue Assign (graph_io.cpp)

inline void register_all_ops(OpRegistry& r) {
  register_graph_ops(r);
}

}  // namespace openarc::ops

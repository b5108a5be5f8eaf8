#include "llm/decode_traffic.h"

#include <map>
#include <vector>
#include <string_view>

namespace openarc::llm {

namespace {

// Ops a decompression subgraph passes a weight through on its way to the op that reads it.
bool passes_weight_through(std::string_view type) {
  return type == "Convert" || type == "Subtract" || type == "Multiply" || type == "Reshape" ||
         type == "Unsqueeze" || type == "Squeeze";
}

}  // namespace

DecodeTraffic decode_traffic(const ir::Model& model) {
  const size_t n = model.nodes.size();
  std::vector<std::vector<std::pair<size_t, size_t>>> consumers(n);  // (node, input port)
  for (size_t j = 0; j < n; ++j)
    for (size_t k = 0; k < model.nodes[j].inputs.size(); ++k) consumers[model.nodes[j].inputs[k].node].push_back({j, k});

  // looked_up[i]: every use of node i's value ends at a Gather's data input. Consumers come later
  // in topological order, so one backward sweep decides it.
  std::vector<bool> looked_up(n, false);
  for (size_t i = n; i-- > 0;) {
    bool all = !consumers[i].empty();
    for (auto [j, k] : consumers[i]) {
      const std::string& type = model.nodes[j].type;
      bool row_read = (type == "Gather" && k == 0) || (passes_weight_through(type) && looked_up[j]);
      if (!row_read) {
        all = false;
        break;
      }
    }
    looked_up[i] = all;
  }

  // Per buffer: read whole if any Const viewing it is (a table shared with a MatMul is read whole).
  struct Buffer {
    int64_t bytes = 0, rows = 0;
    bool whole = false;
  };
  std::map<const void*, Buffer> buffers;
  for (size_t i = 0; i < n; ++i) {
    const ir::Node& node = model.nodes[i];
    if (node.type != "Const" || !node.constant.valid()) continue;
    const Tensor& c = node.constant;
    Buffer& buf = buffers[c.data()];
    buf.bytes = static_cast<int64_t>(c.byte_size());
    buf.rows = c.rank() > 0 ? c.shape()[0] : 0;
    buf.whole = buf.whole || !looked_up[i] || buf.rows <= 0;
  }
  DecodeTraffic t;
  int64_t largest_table = 0;
  for (const auto& [data, buf] : buffers) {
    t.constant_bytes += buf.bytes;
    t.bytes_per_token += buf.whole ? buf.bytes : buf.bytes / buf.rows;
    if (!buf.whole && buf.bytes > largest_table) {
      largest_table = buf.bytes;
      t.embedding_rows = buf.rows;
    }
  }
  return t;
}

}  // namespace openarc::llm

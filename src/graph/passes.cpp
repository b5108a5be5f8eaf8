#include "graph/passes.h"

#include "core/error.h"
#include "graph/rewrite.h"

namespace openarc::graph {

// Defined in graph/fuse_<name>.cpp, one file per fusion.
int fuse_linear(ir::Model& model, const PassOptions& options);
int fuse_embedding(ir::Model& model, const PassOptions& options);
int fuse_rms_norm(ir::Model& model, const PassOptions& options);
int fuse_rope(ir::Model& model, const PassOptions& options);
int fuse_swiglu(ir::Model& model, const PassOptions& options);
int fuse_kv_attention(ir::Model& model, const PassOptions& options);

const std::vector<Pass>& optimization_passes() {
  static const std::vector<Pass> passes = {
      {"FullyConnected (MatMul on stored weights)", fuse_linear},
      {"GatherRows (embedding on stored weights)", fuse_embedding},
      {"RMSNorm (decomposed rsqrt chain or opset RMS)", fuse_rms_norm},
      {"RoPE (rotate-half rotary embedding)", fuse_rope},
      {"SwiGLU (Swish(gate) * up)", fuse_swiglu},
      {"KvAttention (SDPA on an in-place KV cache, GQA without repeat)", fuse_kv_attention},
  };
  return passes;
}

std::vector<PassCount> optimize(ir::Model& model, const PassOptions& options) {
  for (const ir::Node& n : model.nodes)
    check(n.op != nullptr, "graph::optimize needs a bound model (graph::bind): layer ", n.id, " has no op");
  std::vector<PassCount> counts;
  for (const Pass& p : optimization_passes()) counts.push_back({p.name, p.run(model, options)});
  counts.push_back({"dead nodes removed", eliminate_dead_nodes(model)});
  return counts;
}

}  // namespace openarc::graph

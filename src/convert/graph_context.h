// What the layer builders share while one model graph is written: the builder, the config, the
// weights with their chosen precisions, the model inputs and the per-step values every layer
// uses (cos/sin, masks, batch size, past length). Node names follow optimum-intel's exports
// ("__module.model.layers.0.self_attn.q_proj/ov_ext::linear/MatMul") so a graph dump reads the
// same for converted and exported models.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "convert/hf_config.h"
#include "convert/weight_compression.h"
#include "ir/builder.h"

namespace openarc::convert {

using ir::OutputRef;

// Gives a Hugging Face tensor by name, as f32, with the shape the architecture expects
// (the converter checks shapes and dtypes before the graph is built).
using WeightLoader = std::function<Tensor(const std::string& name)>;
// Called once per weight written (name, bytes of the source tensor).
using WeightDone = std::function<void(const std::string& name, size_t bytes)>;

struct GraphContext {
  GraphContext(ir::GraphBuilder& builder, const ModelConfig& config, WeightLoader loader, CompressionPlan p,
               WeightDone on_done)
      : b(builder), cfg(config), load(std::move(loader)), plan(std::move(p)), done(std::move(on_done)) {}

  ir::GraphBuilder& b;
  const ModelConfig& cfg;
  WeightLoader load;
  CompressionPlan plan;
  WeightDone done;

  // Model inputs.
  OutputRef input_ids, attention_mask, position_ids, beam_idx;
  // Per-step values shared by all layers.
  OutputRef batch;          // i64 [1]: B
  OutputRef past_len;       // i64 scalar: P, from the first layer's key cache
  OutputRef total_len;      // i64 [1]: T = P + S
  OutputRef cos, sin;       // f32 [B, 1, S, D]
  std::map<int64_t, OutputRef> masks;  // by sliding window (0 = full): f32 [B, 1, S, T], 0 or lowest

  // Constants (small ones are built once and reused, as exports deduplicate them).
  OutputRef i64s(const std::vector<int64_t>& v);  // 1-D
  OutputRef i64(int64_t v);                       // scalar
  OutputRef i32s(const std::vector<int32_t>& v);  // 1-D
  OutputRef i32(int32_t v);                       // scalar
  OutputRef f32(float v, Shape shape = {});       // filled with v

  // Elementwise binary op with numpy broadcasting.
  OutputRef binary(const std::string& type, OutputRef a, OutputRef c, const std::string& name = "");

  // The stored (possibly compressed) weight `hf_name`, decompressed to f32 for `module`.
  OutputRef weight(const std::string& hf_name, const std::string& module, bool embedding = false);
  // A small f32 tensor (norm weight, bias) reshaped to `shape`, kept f32 as exports do.
  OutputRef f32_weight(const std::string& hf_name, Shape shape, const std::function<float(float)>& map = {});

 private:
  std::map<std::vector<int64_t>, OutputRef> i64s_, i32s_;
  std::map<int64_t, OutputRef> i64_;
  std::map<int32_t, OutputRef> i32_;
};

// Module path of a Hugging Face tensor prefix: "model.layers.0.mlp.up_proj" -> "__module.model.layers.0.mlp.up_proj".
inline std::string module_path(const std::string& prefix) { return "__module." + prefix; }

}  // namespace openarc::convert

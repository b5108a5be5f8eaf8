// One entry per architecture family: the tensors its checkpoint must hold (name, shape, role)
// and the graph it builds. llama.cpp covers Llama / Mistral / Qwen2 / Qwen3, phi3.cpp Phi-3
// (fused projections), gemma.cpp Gemma and Gemma2.
#pragma once

#include <string>
#include <vector>

#include "convert/graph_context.h"
#include "convert/hf_config.h"

namespace openarc::convert {

enum class TensorRole {
  matrix,     // a Linear weight [N, K]: compressible
  embedding,  // embedding table / untied lm_head: backup precision under int4
  vector,     // norm weights and biases: always f32
};

struct TensorSpec {
  std::string name;
  Shape shape;
  TensorRole role = TensorRole::matrix;
};

std::vector<TensorSpec> expected_tensors(const ModelConfig& cfg);
// Writes the whole graph (inputs to the logits Result) into ctx.b.
void build_decoder(GraphContext& ctx);

// Per family (defined in llama.cpp, phi3.cpp, gemma.cpp).
std::vector<TensorSpec> llama_tensors(const ModelConfig& cfg);
void build_llama(GraphContext& ctx);
std::vector<TensorSpec> phi3_tensors(const ModelConfig& cfg);
void build_phi3(GraphContext& ctx);
std::vector<TensorSpec> gemma_tensors(const ModelConfig& cfg);
void build_gemma(GraphContext& ctx);

// Tensors every family shares: embedding, final norm, untied lm_head.
void add_common_tensors(const ModelConfig& cfg, std::vector<TensorSpec>& out);
// A layer's separate q/k/v/o projections (`p` is "model.layers.N."), with the biases and q/k
// norms the config asks for; and its gate/up/down MLP, with biases when asked.
void add_attention_tensors(const ModelConfig& cfg, const std::string& p, std::vector<TensorSpec>& out);
void add_mlp_tensors(const ModelConfig& cfg, const std::string& p, std::vector<TensorSpec>& out);

}  // namespace openarc::convert

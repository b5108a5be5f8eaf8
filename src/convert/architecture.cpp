#include "convert/architecture.h"

namespace openarc::convert {

void add_common_tensors(const ModelConfig& cfg, std::vector<TensorSpec>& out) {
  out.push_back({"model.embed_tokens.weight", {cfg.vocab_size, cfg.hidden_size}, TensorRole::embedding});
  out.push_back({"model.norm.weight", {cfg.hidden_size}, TensorRole::vector});
  if (!cfg.tie_word_embeddings)
    out.push_back({"lm_head.weight", {cfg.vocab_size, cfg.hidden_size}, TensorRole::embedding});
}

std::vector<TensorSpec> expected_tensors(const ModelConfig& cfg) {
  switch (cfg.arch) {
    case Arch::phi3: return phi3_tensors(cfg);
    case Arch::gemma:
    case Arch::gemma2: return gemma_tensors(cfg);
    default: return llama_tensors(cfg);
  }
}

void build_decoder(GraphContext& ctx) {
  switch (ctx.cfg.arch) {
    case Arch::phi3: return build_phi3(ctx);
    case Arch::gemma:
    case Arch::gemma2: return build_gemma(ctx);
    default: return build_llama(ctx);
  }
}

}  // namespace openarc::convert

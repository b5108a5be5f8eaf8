// Synthetic models: seeded random weights for any supported config.json, written as a Hugging
// Face folder (config.json + model.safetensors), so tests cover every architecture at tiny
// sizes and benchmarks get realistic shapes with no download. The weights are scaled so
// activations stay of order one and the logits vary (a meaningful comparison target).
#pragma once

#include <cstdint>
#include <string>

namespace openarc::convert {

// Writes `out` (created; must not exist unless overwrite) from the config at `config_path`.
// Tensors are F32, or BF16 / F16 when config.json says torch_dtype bfloat16 / float16.
void write_synthetic_checkpoint(const std::string& config_path, const std::string& out, uint64_t seed,
                                bool overwrite = false);

}  // namespace openarc::convert

// What describes a model folder to /v1/models and /optimum/status: architecture, weight format,
// parameter count and bytes, context length.
#pragma once

#include <filesystem>

#include "ir/model.h"
#include "llm/pipeline.h"

namespace openarc::llm {

// Reads config.json (architectures, max_position_embeddings or its older names) and
// openvino_config.json (how the weights were compressed) when present, and counts the model's
// constants: parameters are the elements of constants with two or more dimensions; bytes count
// each distinct constant once.
ModelInfo read_model_info(const std::filesystem::path& dir, const ir::Model& model);

}  // namespace openarc::llm

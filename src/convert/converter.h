// `openarc convert`: a Hugging Face model folder in, an OpenVINO IR folder out
// (openvino_model.xml/.bin, config.json, generation_config.json, tokenizer files and
// openvino_config.json recording the compression). The output is written into a temporary
// folder beside the target and renamed at the end, so a failure leaves no half-written model.
#pragma once

#include <functional>
#include <string>

#include "convert/hf_config.h"
#include "convert/safetensors.h"
#include "convert/weight_compression.h"
#include "ir/model.h"

namespace openarc::convert {

struct ConvertOptions {
  CompressionOptions compression;
  bool overwrite = false;
  bool quiet = false;
  // Run on the built model before it is written (the CLI binds it: shapes are inferred, so the
  // written ports carry them, and an inconsistent graph is refused before anything is written).
  std::function<void(ir::Model&)> prepare;
};

struct ConvertSummary {
  size_t tensors = 0;
  std::map<std::string, size_t> by_precision;  // "int4_asym" -> count of weights
  std::map<std::string, std::string> notes;    // weight -> why it is not in the primary precision
};

// Checks every tensor the config implies (present, shape, float dtype) and builds the graph.
ir::Model build_model(const ModelConfig& cfg, const Checkpoint& ckpt, const CompressionOptions& opt,
                      ConvertSummary* summary = nullptr, const std::function<void(const std::string&, size_t)>& done = {});

ConvertSummary convert_folder(const std::string& input, const std::string& output, const ConvertOptions& opt);

}  // namespace openarc::convert

// `openarc convert`: a Hugging Face model folder in, an OpenVINO IR folder out
// (openvino_model.xml/.bin, config.json, generation_config.json, tokenizer files and
// openvino_config.json recording the compression). The output is written into a temporary
// folder beside the target and renamed at the end, so a failure leaves no half-written model.
#pragma once

#include <functional>
#include <map>
#include <stdexcept>
#include <string>

#include "convert/hf_config.h"
#include "convert/safetensors.h"
#include "convert/weight_compression.h"
#include "ir/model.h"

namespace openarc::convert {

// How far a conversion is: called once before the first tensor (done = 0) and after each one.
struct ConvertProgress {
  size_t done_tensors = 0, total_tensors = 0;
  size_t done_bytes = 0, total_bytes = 0;  // of the checkpoint's tensors
  std::string tensor;                      // the one just done (empty before the first)
};

// Thrown by convert_folder when ConvertOptions::stop_requested said so; nothing is left behind.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("conversion cancelled") {}
};

struct ConvertOptions {
  CompressionOptions compression;
  bool overwrite = false;
  bool quiet = false;
  // Run on the built model before it is written (the CLI binds it: shapes are inferred, so the
  // written ports carry them, and an inconsistent graph is refused before anything is written).
  std::function<void(ir::Model&)> prepare;
  // For a caller that shows progress itself (the server's conversion route).
  std::function<void(const ConvertProgress&)> on_progress;
  // Asked between tensors and before writing; true stops the conversion with Cancelled.
  std::function<bool()> stop_requested;
};

struct ConvertSummary {
  size_t tensors = 0;
  std::map<std::string, size_t> by_precision;  // "int4_asym" -> count of weights
  std::map<std::string, std::string> notes;    // weight -> why it is not in the primary precision
};

// Checks every tensor the config implies (present, shape, float dtype) and builds the graph.
ir::Model build_model(const ModelConfig& cfg, const Checkpoint& ckpt, const CompressionOptions& opt,
                      ConvertSummary* summary = nullptr, const std::function<void(const std::string&, size_t)>& done = {});

// Checks what convert_folder would check before writing anything: the folder, its config.json,
// every tensor the config implies, and the compression options. Throws Error naming the problem.
void check_input(const std::string& input, const CompressionOptions& opt);

// Converts into a temporary folder beside `output` and renames it there at the end.
ConvertSummary convert_folder(const std::string& input, const std::string& output, const ConvertOptions& opt);

}  // namespace openarc::convert

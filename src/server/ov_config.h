// ov_config: OpenVINO runtime properties a load request may set. Each key is checked by name and
// value (400 naming it otherwise) and turned into PipelineOptions; status reports them back.
#pragma once

#include <nlohmann/json.hpp>

#include "llm/pipeline.h"

namespace openarc::server {

llm::PipelineOptions pipeline_options(const nlohmann::json& ov_config, int default_threads, int64_t default_ctx);
// Every key pipeline_options accepts, with its type and allowed values and whether it changes
// anything yet (GET /openarc/ov-config: the dashboard's Load form offers them).
nlohmann::json ov_config_keys();
// What the runtime applies, for /optimum/status.
nlohmann::json applied_options_json(const llm::PipelineOptions& options);

}  // namespace openarc::server

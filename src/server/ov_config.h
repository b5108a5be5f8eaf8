// ov_config (OpenArc 1.0) and runtime_config (2.x): OpenVINO runtime properties a load request may
// set. Each key is checked by name and value (400 naming it otherwise) and turned into
// PipelineOptions; status reports them back. Values come as clients send them: numbers or
// numeric strings, booleans or YES/NO/TRUE/1 strings, choices in any case.
#pragma once

#include <nlohmann/json.hpp>

#include "llm/pipeline.h"

namespace openarc::server {

// `field` names the object in messages and params ("ov_config" or "runtime_config").
llm::PipelineOptions pipeline_options(const nlohmann::json& ov_config, int default_threads, int64_t default_ctx,
                                      const std::string& field = "ov_config");
// Every key pipeline_options accepts, with its type and allowed values, its older names and
// whether it changes anything yet (GET /openarc/ov-config: the dashboard's Load form offers them).
nlohmann::json ov_config_keys();
// What the runtime applies, for /optimum/status.
nlohmann::json applied_options_json(const llm::PipelineOptions& options);

}  // namespace openarc::server

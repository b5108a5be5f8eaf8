# Hugging Face safetensors + config.json -> OpenVINO IR (issue 3).
openarc_module(convert DEPS openarc_ir openarc_core nlohmann_json::nlohmann_json)

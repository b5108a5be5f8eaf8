openarc_module(chat DEPS openarc_core nlohmann_json::nlohmann_json)

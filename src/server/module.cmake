openarc_module(server DEPS openarc_llm openarc_convert openarc_web openarc_core nlohmann_json::nlohmann_json Threads::Threads)

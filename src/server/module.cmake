openarc_module(server DEPS openarc_llm openarc_core nlohmann_json::nlohmann_json Threads::Threads)

# The HTTP server: routes, schemas, model registry, scheduling, auth, metrics.
openarc_module(server DEPS openarc_core nlohmann_json::nlohmann_json Threads::Threads)

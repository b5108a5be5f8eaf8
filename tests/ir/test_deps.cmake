# The IR tests also bind models (graph::bind) and run them (runtime::CompiledModel).
target_link_libraries(openarc_ir_tests PRIVATE openarc_runtime)
# inspect_test.cpp parses `openarc inspect --json`.
target_link_libraries(openarc_ir_tests PRIVATE nlohmann_json::nlohmann_json)

# The graph tests run the patterns before and after a pass through the runtime's reference path
# (runtime::CompiledModel), and count fusions on a model written by the converter.
target_link_libraries(openarc_graph_tests PRIVATE openarc_runtime openarc_convert)

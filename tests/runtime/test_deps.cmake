# The KV attention tests convert the demo model and synthetic checkpoints (convert) to run them.
target_link_libraries(openarc_runtime_tests PRIVATE openarc_convert)

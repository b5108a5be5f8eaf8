# The pipeline tests convert the bundled demo model (stories260K) to IR first.
target_link_libraries(openarc_llm_tests PRIVATE openarc_convert)

# The convert tests bind the converted models (graph::bind) and run them (runtime::CompiledModel).
target_link_libraries(openarc_convert_tests PRIVATE openarc_runtime)
# The weight-format test measures perplexity on a text, tokenized by the project's tokenizer.
target_link_libraries(openarc_convert_tests PRIVATE openarc_tokenizer)

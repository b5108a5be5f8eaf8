# Grammar-constrained decoding: GBNF and JSON schema to a byte-level grammar, a matcher over it
# and token masks over a tokenizer's vocabulary. Only core and the tokenizer below it, so the
# sampler in llm can use it.
openarc_module(grammar DEPS openarc_core openarc_tokenizer nlohmann_json::nlohmann_json)

# Each fuzz target, fuzz/<name>_fuzzer.cpp, with the library it drives (name=library). The fuzz
# build (fuzz/CMakeLists.txt) runs them under libFuzzer; every test build replays their committed
# corpora through the same entry point (tests/CMakeLists.txt), sanitized builds included.
set(OPENARC_FUZZ_TARGETS
  ir_reader=openarc_graph
  jinja=openarc_chat
  tokenizer=openarc_tokenizer
  grammar=openarc_grammar
  http_request=openarc_server)

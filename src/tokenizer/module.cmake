# Tokenizer (tokenizer.json): PCRE2 runs the pre-tokenizer regexes, ICU gives Unicode
# normalization (NFC ...) and character properties, both Debian packages.
pkg_check_modules(ICU_UC REQUIRED IMPORTED_TARGET icu-uc)
openarc_module(tokenizer DEPS openarc_core PkgConfig::PCRE2 PkgConfig::ICU_UC nlohmann_json::nlohmann_json)

# Encode throughput benchmark (tools/tokenizer_bench/run.mjs compares it with the Rust library).
add_executable(openarc_tokenizer_bench EXCLUDE_FROM_ALL ${PROJECT_SOURCE_DIR}/tools/tokenizer_bench/bench_tokenizer.cpp)
target_link_libraries(openarc_tokenizer_bench PRIVATE openarc_tokenizer)

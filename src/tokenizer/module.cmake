# Tokenizer (tokenizer.json): PCRE2 runs the pre-tokenizer regexes, ICU gives Unicode
# normalization (NFC ...) and character properties, both Debian packages.
pkg_check_modules(ICU_UC REQUIRED IMPORTED_TARGET icu-uc)
openarc_module(tokenizer DEPS openarc_core PkgConfig::PCRE2 PkgConfig::ICU_UC nlohmann_json::nlohmann_json)

// GenerationConfig <-> JSON: a model's generation_config.json (the defaults), an HTTP request body
// (the overrides, by OpenAI, llama.cpp and /optimum names), and the settings as /status shows them.
#pragma once

#include <filesystem>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "llm/generation_config.h"

namespace openarc::llm {

// Applies the Hugging Face keys a generation_config.json may hold (eos_token_id as an int or a
// list, max_new_tokens, max_length, min_new_tokens, do_sample, temperature, top_k, top_p, min_p,
// repetition_penalty) over `config`; other keys are ignored. Errors name `where` and the key.
void apply_model_generation_config(GenerationConfig& config, const nlohmann::json& j, std::string_view where);

// The model folder's defaults: generation_config.json if present, with eos ids from config.json
// when generation_config.json names none. A folder without either gives the built-in defaults.
// The result is validated; errors name the file.
GenerationConfig read_generation_config(const std::filesystem::path& model_dir);

// Applies the settings a request body names, by name or alias (the first one present wins, in the
// order for_each_setting lists them); unknown fields and nulls are ignored. "stop" may be a string
// or an array, "eos_token_id(s)" an int or an array, "seed" -1 for random. "speculative" is an
// object {"type": "prompt_lookup", "num_draft_tokens": N (default 3), "max_ngram": M,
// "min_ngram": m (default 2, at most max_ngram)} for the speculative_* settings; its unknown
// members are errors. Throws
// SettingError naming the field on a wrong type. Call validate() afterwards.
void apply_request_json(GenerationConfig& config, const nlohmann::json& body);

// Every setting under its name, seed null when random: for /status and `--json` output.
nlohmann::json to_json(const GenerationConfig& config);

}  // namespace openarc::llm

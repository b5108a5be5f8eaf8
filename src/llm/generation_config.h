// GenerationConfig: every setting of one generation request, declared once.
//
// for_each_setting() walks the fields with their name, help text, HTTP aliases and allowed range
// (STYLE.md #5), so the CLI flags (--max-new-tokens), the HTTP field names (OpenAI's and
// llama.cpp's), /status and `/set` in `openarc chat` all derive from the one list below.
// Defaults come from a model's generation_config.json (generation_config_json.h), then a request
// overrides what it names, then validate() checks the result.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace openarc::llm {

// A bad setting value: the message names the setting; setting() gives it alone, for the
// "param" field of an HTTP 400.
class SettingError : public Error {
 public:
  SettingError(std::string setting, const std::string& message)
      : Error(message), setting_(std::move(setting)) {}
  const std::string& setting() const { return setting_; }

 private:
  std::string setting_;
};

// The numeric range validate() enforces; open ends exclude the bound. Also shown in --help.
struct SettingRange {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;

  bool contains(double v) const {
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
};

// Verification runs a draft and the token before it in one pass of at most kernels::kExactRows
// (4) positions, where every kernel computes each position as it would alone: greedy output is
// then the same with speculation on and off. More draft tokens would need a second pass anyway.
constexpr int64_t kMaxDraftTokens = 3;
// What a `speculative` request object without num_draft_tokens asks for.
constexpr int64_t kDefaultDraftTokens = kMaxDraftTokens;
constexpr int64_t kMaxNgram = 16;

// "[0, 1]", "(0, 1]", ">= 0", "any": how the range reads in an error or in --help.
std::string describe(const SettingRange& range);

struct SettingInfo {
  std::string_view name;  // snake_case; the CLI flag is --name with '-' for '_'
  std::string_view help;
  // Other HTTP field names for the same setting, most preferred first (OpenAI, llama.cpp,
  // /optimum/generate). Empty entries are unused slots.
  std::array<std::string_view, 3> aliases{};
  SettingRange range{};  // numeric settings only
};

struct GenerationConfig {
  int64_t max_new_tokens = -1;  // -1: until max_length or the context window
  int64_t max_length = 0;       // 0: unset; else prompt + new tokens (Hugging Face meaning)
  int64_t min_new_tokens = 0;
  bool do_sample = true;
  double temperature = 1.0;
  int64_t top_k = 0;  // 0: off
  double top_p = 1.0;
  double min_p = 0.0;
  double repetition_penalty = 1.0;
  double presence_penalty = 0.0;
  double frequency_penalty = 0.0;
  std::map<int64_t, double> logit_bias;
  std::optional<uint64_t> seed;  // unset: a fresh random seed per request
  std::vector<std::string> stop;
  bool include_stop_str_in_output = false;
  std::vector<int64_t> stop_token_ids;
  std::vector<int64_t> eos_token_ids;
  bool ignore_eos = false;
  int64_t n = 1;
  bool logprobs = false;
  int64_t top_logprobs = 0;
  // Speculative decoding by prompt lookup (prompt_lookup.h, speculative_decoder.h).
  int64_t speculative_draft = 0;  // most draft tokens per model pass; 0: off
  int64_t speculative_max_ngram = 3;
  int64_t speculative_min_ngram = 2;  // single-token matches guess poorly: drafts wasted

  // Calls visitor(field, info) for every setting, in the order --help lists them. Self is
  // GenerationConfig or const GenerationConfig.
  template <class Self, class Visitor>
  static void for_each_setting(Self& c, Visitor&& v);

  // Throws openarc::Error naming the first bad setting and its allowed range. With a vocab size
  // (> 0) token ids (stop_token_ids, eos_token_ids, logit_bias keys) must also lie below it.
  void validate(int64_t vocab_size = 0) const;

  // Greedy decoding: do_sample off (Hugging Face) or temperature 0 (OpenAI).
  bool greedy() const { return !do_sample || temperature == 0.0; }

  // How many tokens may be generated after a prompt of prompt_tokens: max_new_tokens if set,
  // else max_length - prompt if set, else what the context window leaves. context_length <= 0
  // means unknown. Throws, naming both numbers, when the request cannot fit.
  int64_t new_token_limit(int64_t prompt_tokens, int64_t context_length) const;
};

// A name for each field type, for --help and the settings table.
template <class T>
constexpr std::string_view setting_type_name();
template <> constexpr std::string_view setting_type_name<int64_t>() { return "int"; }
template <> constexpr std::string_view setting_type_name<double>() { return "float"; }
template <> constexpr std::string_view setting_type_name<bool>() { return "bool"; }
template <> constexpr std::string_view setting_type_name<std::optional<uint64_t>>() { return "seed"; }
template <> constexpr std::string_view setting_type_name<std::vector<std::string>>() { return "strings"; }
template <> constexpr std::string_view setting_type_name<std::vector<int64_t>>() { return "ints"; }
template <> constexpr std::string_view setting_type_name<std::map<int64_t, double>>() { return "token=bias"; }

// "max_new_tokens" -> "--max-new-tokens".
std::string cli_flag(std::string_view setting_name);

// Sets one setting from text, as `openarc chat`'s `/set NAME VALUE` and string flags need. NAME
// may be the name, an alias or a flag spelling (max-new-tokens, --max-new-tokens). Lists take one
// value: ints comma-separated ("2,32000"), a stop string as is, logit_bias as "id=bias,id=bias";
// seed takes an integer or "random". Throws naming the setting on an unknown name or bad value.
void set_setting(GenerationConfig& config, std::string_view name, std::string_view value);

template <class Self, class Visitor>
void GenerationConfig::for_each_setting(Self& c, Visitor&& v) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  v(c.max_new_tokens, SettingInfo{"max_new_tokens",
                                  "most tokens to generate (-1: until max_length or the context is full)",
                                  {"max_completion_tokens", "max_tokens", "n_predict"}, {-1, inf}});
  v(c.max_length, SettingInfo{"max_length", "most tokens of prompt + output (0: unset)", {}, {0, inf}});
  v(c.min_new_tokens, SettingInfo{"min_new_tokens", "eos and stop tokens cannot end the output before this many tokens",
                                  {"min_tokens"}, {0, inf}});
  v(c.do_sample, SettingInfo{"do_sample", "sample from the distribution; off means greedy argmax"});
  v(c.temperature, SettingInfo{"temperature", "divides the logits; 0 means greedy argmax", {}, {0, inf}});
  v(c.top_k, SettingInfo{"top_k", "keep only the k most likely tokens (0: off)", {}, {0, inf}});
  v(c.top_p, SettingInfo{"top_p", "keep the smallest set of tokens whose probability adds up to top_p", {},
                         {0, 1, true, false}});
  v(c.min_p, SettingInfo{"min_p", "keep tokens at least min_p times as likely as the most likely one", {},
                         {0, 1}});
  v(c.repetition_penalty, SettingInfo{"repetition_penalty",
                                      "divide positive (multiply negative) logits of tokens already in prompt "
                                      "or output (1: off)",
                                      {"repeat_penalty"}, {0, inf, true, false}});
  v(c.presence_penalty, SettingInfo{"presence_penalty", "subtract from the logit of every token already generated",
                                    {}, {-2, 2}});
  v(c.frequency_penalty, SettingInfo{"frequency_penalty",
                                     "subtract, times its count, from the logit of every token already generated",
                                     {}, {-2, 2}});
  v(c.logit_bias, SettingInfo{"logit_bias", "add a bias in [-100, 100] to the logits of given token ids"});
  v(c.seed, SettingInfo{"seed", "seed of the sampler's random numbers (unset: random)"});
  v(c.stop, SettingInfo{"stop", "end the output where one of these strings appears"});
  v(c.include_stop_str_in_output, SettingInfo{"include_stop_str_in_output", "keep the stop string in the output"});
  v(c.stop_token_ids, SettingInfo{"stop_token_ids", "token ids that end the output (besides eos)"});
  v(c.eos_token_ids, SettingInfo{"eos_token_ids", "the model's end-of-sequence token ids", {"eos_token_id"}});
  v(c.ignore_eos, SettingInfo{"ignore_eos", "keep generating after an eos token"});
  v(c.n, SettingInfo{"n", "independent samples per request", {"num_return_sequences"}, {1, 128}});
  v(c.logprobs, SettingInfo{"logprobs", "report the log probability of each output token"});
  v(c.top_logprobs, SettingInfo{"top_logprobs", "also report this many most likely alternatives per token", {},
                                {0, 20}});
  v(c.speculative_draft,
    SettingInfo{"speculative_draft",
                "speculative decoding by prompt lookup: most draft tokens verified per model pass (0: off)",
                {"speculative.n_max"}, {0, double(kMaxDraftTokens)}});
  v(c.speculative_max_ngram,
    SettingInfo{"speculative_max_ngram", "prompt lookup: the longest run of last tokens looked up in prompt and output",
                {}, {1, double(kMaxNgram)}});
  v(c.speculative_min_ngram,
    SettingInfo{"speculative_min_ngram", "prompt lookup: the shortest run of last tokens that may give a draft", {},
                {1, double(kMaxNgram)}});
}

}  // namespace openarc::llm

// StopRules: when a sequence ends and which of its text the caller may show.
//
// Per generated token the pipeline calls, in order:
//   suppressed_tokens()  -> ids to hand the sampler (eos and stop ids before min_new_tokens)
//   on_token(id)         -> whether the token's text belongs in the output (false for eos)
//   on_text(piece)       -> the decoded text of that token; returns the text that is now safe
//                           to show: text that could still be the start of a stop string is
//                           held back until the next pieces prove it is not one
// and at the end flush() releases what is still held (nothing after a stop string).
//
// A stop string is found across token boundaries: the match that completes first in the stream
// wins (the earliest end; at equal ends the longer string), so how the text is cut into pieces
// does not change the result. The output ends before the stop string, or after it with
// include_stop_str_in_output. Stop strings and stop/eos ids take effect once min_new_tokens
// tokens exist (as vLLM's min_tokens); max tokens gives finish reason "length".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "llm/finish_reason.h"
#include "llm/generation_config.h"

namespace openarc::llm {

class StopRules {
 public:
  // max_tokens: the most tokens this sequence may generate (GenerationConfig::new_token_limit).
  StopRules(const GenerationConfig& config, int64_t max_tokens);

  std::span<const int64_t> suppressed_tokens() const;

  // Records one generated token. Returns whether its text is part of the output: eos never is;
  // a stop token id is with include_stop_str_in_output.
  bool on_token(int64_t token);

  // Feeds the text of the last token; returns what may be shown now.
  std::string on_text(std::string_view piece);

  // The end of the sequence (any reason): returns the text still held back.
  std::string flush();

  // The caller's cancellation token tripped.
  void cancel();
  // The output's grammar matched a whole text and allows nothing more: the sequence stops with
  // "stop" (also when that token was the last max_tokens allowed).
  void end_of_grammar();

  bool finished() const { return reason_ != FinishReason::none; }
  FinishReason finish_reason() const { return reason_; }
  int64_t generated() const { return generated_; }
  // What ended the sequence, when it was a stop string or a stop/eos token.
  const std::optional<std::string>& matched_stop_string() const { return matched_string_; }
  const std::optional<int64_t>& matched_stop_token() const { return matched_token_; }

 private:
  bool stops_active() const { return generated_ >= min_new_tokens_; }
  size_t held_suffix_length() const;

  std::vector<std::string> stop_strings_;
  std::vector<int64_t> eos_ids_;    // empty with ignore_eos
  std::vector<int64_t> stop_ids_;   // from stop_token_ids
  std::vector<int64_t> suppress_;   // eos + stop ids: what min_new_tokens holds off
  bool include_stop_;
  int64_t min_new_tokens_;
  int64_t max_tokens_;
  int64_t generated_ = 0;
  std::string pending_;  // text held back: a possible start of a stop string
  bool text_closed_ = false;  // a stop string matched: later text is dropped
  FinishReason reason_ = FinishReason::none;
  std::optional<std::string> matched_string_;
  std::optional<int64_t> matched_token_;
};

}  // namespace openarc::llm

// Why a generated sequence ended. The names are the strings the HTTP API reports
// (OpenAI's finish_reason, plus "cancelled" for a client that went away).
#pragma once

#include <string_view>

namespace openarc::llm {

enum class FinishReason {
  none,       // still generating
  stop,       // an eos id, a stop token id or a stop string
  length,     // max_new_tokens, max_length or the context window
  cancelled,  // the caller tripped the cancellation token
};

constexpr std::string_view to_string(FinishReason reason) {
  switch (reason) {
    case FinishReason::none: return "none";
    case FinishReason::stop: return "stop";
    case FinishReason::length: return "length";
    case FinishReason::cancelled: return "cancelled";
  }
  return "none";
}

}  // namespace openarc::llm

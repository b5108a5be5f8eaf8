// The JSON bodies of /v1/chat/completions, /v1/completions and /optimum/generate, checked and
// turned into a GenerationRequest. Every mistake is an ApiError 400 naming the field (param).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/pipeline.h"

namespace openarc::server {

struct ParsedRequest {
  std::string model;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
  bool echo = false;           // completions: prompt text before the output
  int64_t logprobs_top = 0;    // completions' integer logprobs
  // Chat with tools and tool_choice other than "none": the output is parsed for the model's tool
  // calls ("required" and a named function also force them: GenerationRequest::forced_tool_call).
  bool parse_tool_calls = false;
  bool named_tool_choice = false;   // OpenAI then reports finish_reason "stop", not "tool_calls"
  bool parallel_tool_calls = true;  // false: only the first call is returned
  std::vector<llm::GenerationRequest> prompts;  // completions may carry several prompts
};

struct RequestLimits {
  int64_t max_messages = 1000;
  int64_t max_tokens = 0;  // 0: no cap beyond the context window
};

// /v1/chat/completions. `defaults` are the model's settings the request overrides.
ParsedRequest parse_chat_request(const nlohmann::json& body, const llm::GenerationConfig& defaults,
                                 const RequestLimits& limits);
// /v1/completions: prompt as a string, an array of strings, an array of ids or of id arrays.
ParsedRequest parse_completion_request(const nlohmann::json& body, const llm::GenerationConfig& defaults,
                                       const RequestLimits& limits);
// /optimum/generate: "conversation" (messages) or "prompt", with the pipeline's setting names.
ParsedRequest parse_generate_request(const nlohmann::json& body, const llm::GenerationConfig& defaults,
                                     const RequestLimits& limits);

// The request body as a JSON object, or ApiError 400 saying why not.
nlohmann::json parse_body(const std::string& body);
// A member of a request body, or null when it is absent or JSON null (clients send null for
// "unset", as OpenAI's own SDKs do).
template <class Json>
const Json* request_field(const Json& body, const char* key) {
  auto it = body.find(key);
  return it == body.end() || it->is_null() ? nullptr : &*it;
}

// Just the "model" field (empty when absent), checked to be a string.
std::string model_field(const nlohmann::json& body, const char* key = "model");

}  // namespace openarc::server

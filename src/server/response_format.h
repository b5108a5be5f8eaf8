// The three response shapes of a generation: OpenAI chat completions, OpenAI (text) completions
// and OpenArc's /optimum/generate, each as one JSON body or as a stream of SSE chunks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/pipeline.h"
#include "server/openai_request.h"

namespace openarc::tokenizer {
class Tokenizer;
}

namespace openarc::llm {
class ToolParser;
}

namespace openarc::server {

// Chat with ParsedRequest::parse_tool_calls and a tool parser: the content is parsed for tool
// calls (message.tool_calls, finish_reason "tool_calls"; streamed as OpenAI's tool-call deltas).
enum class ApiKind { chat, completion, optimum };

class ResponseFormat {
 public:
  virtual ~ResponseFormat() = default;
  // Chunks sent before the first token (the role chunk of chat).
  virtual std::vector<nlohmann::json> start(int64_t n) = 0;
  // The chunk for one event of prompt `prompt_index`, an array of chunks, or null for nothing to send.
  virtual nlohmann::json event(size_t prompt_index, const llm::StreamEvent& event) = 0;
  // Closing chunks after every prompt is done (finish reasons, usage, timings).
  virtual std::vector<nlohmann::json> finish(const std::vector<llm::GenerationResult>& results) = 0;
  // The whole non-streamed body.
  virtual nlohmann::json body(const std::vector<llm::GenerationResult>& results) = 0;
};

std::unique_ptr<ResponseFormat> make_response_format(ApiKind kind, const ParsedRequest& request,
                                                     const std::string& model_name,
                                                     const tokenizer::Tokenizer& tokenizer,
                                                     const llm::ToolParser* tool_parser = nullptr);

// Sums the metrics of several results into one (completions with several prompts).
llm::PerfMetrics combined_metrics(const std::vector<llm::GenerationResult>& results);

}  // namespace openarc::server

// Pipeline: a model folder (IR + tokenizer + config + generation_config.json) that turns a prompt
// or a conversation into generated text, streamed, with the sampling controls and metrics of
// generation_config.h / perf_metrics.h.
//
// One Pipeline runs one generation at a time (the server queues requests per model). It keeps the
// KV state of its last sequence: a request whose prompt shares a token prefix with it trims the
// state to the common prefix and prefills only the rest (a chat client resends the whole
// conversation every turn).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/cancellation.h"
#include "llm/finish_reason.h"
#include "llm/generation_config.h"
#include "llm/perf_metrics.h"
#include "llm/sampler.h"
#include "llm/tool_call_grammar.h"
#include "runtime/compiled_model.h"

namespace openarc::tokenizer {
class Tokenizer;
}
namespace openarc::chat {
class ChatTemplate;
}

namespace openarc::llm {

class ToolParser;

struct PipelineOptions {
  std::string device = "CPU";
  runtime::CompileOptions compile;
  int64_t ctx_size = 0;  // 0: the model's max_position_embeddings (or unlimited when unknown)
  bool prefix_reuse = true;
  // OpenVINO properties as ov_config names them, kept to report back. The runtime computes in
  // f32 and keeps the KV cache in the model's type whatever the hints say.
  std::string performance_hint = "LATENCY";
  int64_t num_streams = 1;
  std::string inference_precision = "f32";
  std::string kv_cache_precision = "f32";
  std::string cache_dir;
  // Tool-call format (tool_parser.h names); empty: detected from the chat template.
  std::string tool_parser;
  // The requests' default prompt-lookup draft length (GenerationConfig::speculative_draft);
  // -1: the model's generation config decides (off).
  int64_t speculative_draft = -1;
  // Token ids a load request sets over the model's (OpenArc 1.0's load_config): eos replaces the
  // end-of-sequence ids; bos replaces the tokenizer's BOS where a prompt begins with it; pad is
  // kept and reported (one sequence per request is never padded). Checked against the vocabulary.
  std::optional<int64_t> eos_token_id, bos_token_id, pad_token_id;
};

// What describes a loaded model to /v1/models and /optimum/status.
struct ModelInfo {
  std::string path;
  std::string architecture;   // config.json architectures[0]
  std::string weight_format;  // fp32, fp16, int8, int4, mixed ...
  int64_t parameters = 0;
  int64_t weight_bytes = 0;
  int64_t context_length = 0;
  double load_ms = 0;
};

struct GenerationRequest {
  // Exactly one of these is the prompt.
  std::optional<std::string> prompt;  // raw text: the tokenizer's own special-token rule applies
  std::optional<nlohmann::ordered_json> messages;  // rendered with the chat template
  std::optional<std::vector<int64_t>> prompt_ids;  // used as is

  nlohmann::ordered_json tools = nullptr;                                 // with messages
  nlohmann::ordered_json template_kwargs = nlohmann::ordered_json::object();  // enable_thinking ...
  bool add_generation_prompt = true;
  bool add_special_tokens = true;  // for `prompt`
  bool truncate = false;           // drop the oldest prompt tokens to fit instead of failing
  // The output will be parsed for tool calls: the special tokens the tool parser's format uses
  // stay in the text (other special tokens are still dropped).
  bool keep_tool_markers = false;
  // Constrained output: a grammar the text must match (GBNF, a JSON schema's), or tool calls the
  // output must make in the model's format (its grammar is built in prepare(); needs
  // keep_tool_markers). When the prompt opens a reasoning block, the model finishes its
  // reasoning first: the grammar starts after the block's closing marker (written by the model,
  // or forced when the token budget leaves just room for the constrained text).
  std::shared_ptr<const grammar::Grammar> grammar;
  std::optional<ForcedToolCall> forced_tool_call;
  // With tools, keep_tool_markers and neither of the above (tool_choice "auto"): a lazy grammar
  // (tool_call_triggers) makes every call the model begins well formed; without
  // parallel_tool_calls it may begin one.
  bool parallel_tool_calls = true;
  GenerationConfig config;         // start from Pipeline::default_config()
};

// One step of one sequence while streaming.
struct StreamEvent {
  int64_t index = 0;        // which of the n samples
  std::string text;         // content released by this token (may be empty)
  std::string reasoning;    // reasoning released by this token (may be empty)
  std::optional<SampledToken> token;  // the token, with logprobs when asked (absent on the final flush)
};
using StreamCallback = std::function<void(const StreamEvent&)>;

struct SequenceResult {
  std::string text;       // content (reasoning removed)
  std::string reasoning;  // between the thinking markers
  std::string raw_text;   // exactly what was generated, after stop rules
  std::vector<int64_t> token_ids;
  std::vector<SampledToken> logprobs;  // one per token when asked
  FinishReason finish_reason = FinishReason::none;
};

// A request checked and tokenized, ready to run: what prepare() returns. Cheap to make while the
// model serves another request, so a server can answer a bad request with 400 before it queues.
struct PreparedPrompt {
  std::vector<int64_t> ids;
  std::string text;            // the rendered prompt (chat template output or the prompt as given)
  int64_t max_new_tokens = 0;  // what the context window and the settings allow
  bool chat = false;           // rendered from messages: reasoning markers apply
  bool opens_reasoning = false;
  bool keep_tool_markers = false;  // GenerationRequest::keep_tool_markers
  std::shared_ptr<const grammar::Grammar> grammar;  // what the output must match, if anything
  std::shared_ptr<const grammar::LazyGrammarSpec> lazy_grammar;  // or a grammar from a trigger on
  double prepare_ms = 0;  // rendering, tokenizing and grammar building: counted in ttft_ms
};

struct GenerationResult {
  std::vector<SequenceResult> sequences;  // n of them
  std::vector<int64_t> prompt_ids;
  std::string prompt_text;  // the rendered prompt (chat template output or the prompt as given)
  PerfMetrics metrics;
};

class Pipeline {
 public:
  // Throws Error naming the file when the folder lacks what a pipeline needs.
  static std::unique_ptr<Pipeline> open(const std::string& dir, PipelineOptions options = {});
  ~Pipeline();

  // Throws Error (SettingError for a bad setting, naming it) before generating anything when the
  // request is invalid or cannot fit the context window.
  GenerationResult generate(const GenerationRequest& request, const StreamCallback& on_event = {},
                            const CancellationToken& cancel = CancellationToken());
  // The same in two steps: prepare() validates and tokenizes (const, safe to call while another
  // request generates), then generate() runs one prepared prompt with its settings.
  PreparedPrompt prepare(const GenerationRequest& request) const;
  GenerationResult generate(const PreparedPrompt& prompt, const GenerationConfig& config,
                            const StreamCallback& on_event = {}, const CancellationToken& cancel = CancellationToken());

  // The chat template's rendering alone. Throws Error when the model has no template.
  std::string apply_chat_template(const nlohmann::ordered_json& messages, const nlohmann::ordered_json& tools,
                                  bool add_generation_prompt,
                                  const nlohmann::ordered_json& template_kwargs = nlohmann::ordered_json::object()) const;

  const tokenizer::Tokenizer& tokenizer() const;
  bool has_chat_template() const;
  // The tool-call format: PipelineOptions::tool_parser, or detected from the chat template
  // (its tool_use variant when it has one; "generic" without a template).
  const ToolParser& tool_parser() const;
  const GenerationConfig& default_config() const { return defaults_; }
  const ModelInfo& info() const { return info_; }
  const PipelineOptions& options() const { return options_; }
  int64_t context_length() const { return info_.context_length; }
  // Tokens of the last sequence whose KV state is kept for reuse.
  const std::vector<int64_t>& cached_tokens() const { return cached_; }
  void reset_cache();
  // The request's per-node profile (PipelineOptions::compile.perf_count), and its reset.
  std::vector<runtime::ProfilingInfo> profiling_info() const;
  void reset_profiling();

 private:
  Pipeline() = default;
  GenerationResult run(const PreparedPrompt& prompt, const GenerationConfig& config, const StreamCallback& on_event,
                       const CancellationToken& cancel);
  struct Impl;

  PipelineOptions options_;
  ModelInfo info_;
  GenerationConfig defaults_;
  std::vector<int64_t> cached_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace openarc::llm

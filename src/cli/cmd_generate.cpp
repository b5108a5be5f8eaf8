// `openarc generate --model DIR (--prompt TEXT | --messages FILE.json) [settings] [--raw] [--json]
//   [--grammar FILE.gbnf | --json-schema FILE.json]`:
// one generation, streamed to stdout as it is produced, or printed as one JSON object with --json
// (text, reasoning, token_ids, prompt_token_ids, finish_reason, metrics; logprobs when asked). Ctrl-C stops the
// generation and still prints what was generated. --grammar / --json-schema constrain the output
// (grammar-constrained decoding) as the HTTP API's grammar and json_schema fields do.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/generation_flags.h"
#include "cli/interrupt.h"
#include "core/error.h"
#include "grammar/gbnf_parser.h"
#include "grammar/json_schema.h"
#include "llm/pipeline.h"

namespace openarc::cli {
namespace {

struct GenerateArgs {
  PipelineFlags pipeline;
  GenerationFlags settings;
  std::string prompt;
  std::string messages_file;
  bool raw = false;
  bool json = false;
  bool truncate = false;
  std::string grammar_file;
  std::string json_schema_file;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  check(in.good(), "cannot read '", path, "'");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The grammar of --grammar or --json-schema; errors name the file.
std::shared_ptr<const grammar::Grammar> output_grammar(const GenerateArgs& args) {
  try {
    if (!args.grammar_file.empty())
      return std::make_shared<const grammar::Grammar>(grammar::compile_gbnf(read_file(args.grammar_file)));
    if (!args.json_schema_file.empty()) {
      const std::string text = read_file(args.json_schema_file);
      nlohmann::ordered_json schema;
      try {
        schema = nlohmann::ordered_json::parse(text);
      } catch (const nlohmann::json::exception& e) {
        fail("invalid JSON: ", e.what());
      }
      return std::make_shared<const grammar::Grammar>(grammar::compile_json_schema(schema));
    }
  } catch (const Error& e) {
    fail(args.grammar_file.empty() ? args.json_schema_file : args.grammar_file, ": ", e.what());
  }
  return nullptr;
}

nlohmann::ordered_json read_messages(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  check(in.good(), "cannot read the messages file '", path, "'");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::ordered_json j;
  try {
    j = nlohmann::ordered_json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    fail(path, ": invalid JSON: ", e.what());
  }
  if (j.is_object() && j.contains("messages")) j = j["messages"];  // a request body works too
  check(j.is_array() && !j.empty(), path, ": expected a non-empty array of messages (or an object with \"messages\")");
  for (size_t i = 0; i < j.size(); ++i) {
    check(j[i].is_object() && j[i].contains("role") && j[i]["role"].is_string(), path, ": message ", i,
          " needs a string \"role\"");
  }
  return j;
}

nlohmann::ordered_json sequence_json(const llm::SequenceResult& s) {
  nlohmann::ordered_json j;
  j["text"] = s.text;
  j["reasoning"] = s.reasoning;
  j["token_ids"] = s.token_ids;
  j["finish_reason"] = std::string(llm::to_string(s.finish_reason));
  if (!s.logprobs.empty()) {  // with --logprobs: one entry per token, alternatives most likely first
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const llm::SampledToken& t : s.logprobs) {
      nlohmann::ordered_json top = nlohmann::ordered_json::array();
      for (const llm::TokenLogprob& alt : t.top_logprobs) top.push_back({{"token", alt.token}, {"logprob", alt.logprob}});
      list.push_back({{"token", t.token}, {"logprob", t.logprob}, {"top_logprobs", top}});
    }
    j["logprobs"] = list;
  }
  return j;
}

void run(const GenerateArgs& args) {
  check(!args.raw || args.messages_file.empty(), "--raw applies to --prompt only (messages always use the chat template)");
  auto pipe = llm::Pipeline::open(args.pipeline.model, args.pipeline.options());

  llm::GenerationRequest req;
  req.config = pipe->default_config();
  args.settings.apply(req.config);
  req.truncate = args.truncate;
  req.grammar = output_grammar(args);
  if (!args.messages_file.empty()) {
    req.messages = read_messages(args.messages_file);
  } else if (args.raw) {
    req.prompt = args.prompt;
  } else {
    check(pipe->has_chat_template(), args.pipeline.model,
          ": the model has no chat template to send --prompt as a user message; pass --raw to use the prompt as is");
    req.messages = nlohmann::ordered_json::array({{{"role", "user"}, {"content", args.prompt}}});
  }
  llm::PreparedPrompt prepared = pipe->prepare(req);  // bad settings and context overflow fail here

  llm::CancellationToken cancel;
  llm::GenerationResult result;
  {
    InterruptCancels interrupt(cancel);
    int64_t shown_index = 0;
    auto stream = [&](const llm::StreamEvent& ev) {
      if (ev.index != shown_index) {  // samples run one after another
        shown_index = ev.index;
        std::cout << "\n--- sample " << ev.index + 1 << " ---\n";
      }
      if (!ev.reasoning.empty()) std::cerr << ev.reasoning << std::flush;  // the answer alone on stdout
      if (!ev.text.empty()) std::cout << ev.text << std::flush;
    };
    result = pipe->generate(prepared, req.config, args.json ? llm::StreamCallback() : stream, cancel);
  }

  if (args.json) {
    nlohmann::ordered_json out = sequence_json(result.sequences.front());
    out["prompt_token_ids"] = result.prompt_ids;
    out["metrics"] = result.metrics.performance_metrics_json();
    if (result.sequences.size() > 1) {
      out["sequences"] = nlohmann::ordered_json::array();
      for (const auto& s : result.sequences) out["sequences"].push_back(sequence_json(s));
    }
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    const llm::PerfMetrics& m = result.metrics;
    std::cout << "\n" << std::flush;
    std::cerr << "[" << m.output_tokens << " tokens, ttft " << m.ttft_ms << " ms, "
              << m.decode_tokens_per_second() << " tokens/s, finish " << llm::to_string(m.finish_reason) << "]\n";
  }
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("generate", "Generate text from a prompt or a conversation, streamed to stdout");
  auto args = std::make_shared<GenerateArgs>();
  args->pipeline.add_to(*cmd);
  auto* prompt = cmd->add_option("--prompt", args->prompt, "The prompt (a user message unless --raw)");
  auto* messages = cmd->add_option("--messages", args->messages_file, "A JSON file with the conversation's messages");
  prompt->excludes(messages);
  messages->excludes(prompt);
  cmd->add_flag("--raw", args->raw, "Skip the chat template: encode the prompt as is, with the tokenizer's special tokens");
  cmd->add_flag("--json", args->json, "Print one JSON object (text, token ids, finish reason, metrics) at the end");
  cmd->add_flag("--truncate", args->truncate, "Drop the oldest prompt tokens to fit the context instead of failing");
  auto* grammar = cmd->add_option("--grammar", args->grammar_file, "A GBNF grammar file the output must match");
  auto* schema = cmd->add_option("--json-schema", args->json_schema_file, "A JSON schema file the output must validate against");
  grammar->excludes(schema);
  schema->excludes(grammar);
  args->settings.add_to(*cmd);
  cmd->callback([args, prompt, messages] {
    check(prompt->count() + messages->count() == 1, "generate needs --prompt TEXT or --messages FILE.json");
    run(*args);
  });
}

}  // namespace openarc::cli

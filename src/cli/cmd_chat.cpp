// `openarc chat --model DIR [settings]`: a conversation in the terminal. Each line is a user
// message; the answer streams as it is generated, then a metrics line. The whole history goes
// through the chat template every turn and the pipeline reuses the KV state of the shared prefix.
// Commands: /reset, /system TEXT, /set NAME VALUE, /quit (EOF quits too). Works with piped stdin:
// the prompt marker is shown only on a terminal.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/generation_flags.h"
#include "cli/interrupt.h"
#include "core/error.h"
#include "llm/generation_config_json.h"
#include "llm/pipeline.h"

namespace openarc::cli {
namespace {

struct ChatArgs {
  PipelineFlags pipeline;
  GenerationFlags settings;
};

const char* kHelp =
    "commands: /reset (forget the conversation), /system TEXT (set the system message), "
    "/set NAME VALUE (a generation setting, e.g. /set temperature 0), /settings, /quit";

class ChatSession {
 public:
  ChatSession(std::unique_ptr<llm::Pipeline> pipe, llm::GenerationConfig config)
      : pipe_(std::move(pipe)), config_(std::move(config)) {}

  // Handles one input line; returns false when the session should end.
  bool line(const std::string& text) {
    if (text.empty()) return true;
    if (text[0] == '/') return command(text);
    answer(text);
    return true;
  }

 private:
  bool command(const std::string& text) {
    const size_t space = text.find(' ');
    const std::string name = text.substr(0, space);
    const std::string rest = space == std::string::npos ? "" : text.substr(space + 1);
    if (name == "/quit" || name == "/exit") return false;
    if (name == "/reset") {
      history_ = nlohmann::ordered_json::array();
      std::cout << "(conversation cleared" << (system_.empty() ? "" : "; the system message stays") << ")\n";
    } else if (name == "/system") {
      system_ = rest;
      std::cout << (system_.empty() ? "(system message removed)\n" : "(system message set)\n");
    } else if (name == "/set") {
      const size_t sep = rest.find(' ');
      if (rest.empty() || sep == std::string::npos) {
        std::cout << "usage: /set NAME VALUE\n";
        return true;
      }
      llm::GenerationConfig next = config_;
      try {
        llm::set_setting(next, rest.substr(0, sep), rest.substr(sep + 1));
        next.validate(0);
        config_ = next;
        std::cout << "(" << rest.substr(0, sep) << " = " << rest.substr(sep + 1) << ")\n";
      } catch (const Error& e) {
        std::cout << "error: " << e.what() << "\n";
      }
    } else if (name == "/settings") {
      std::cout << llm::to_json(config_).dump() << "\n";
    } else {
      std::cout << "unknown command " << name << "; " << kHelp << "\n";
    }
    return true;
  }

  void answer(const std::string& text) {
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    if (!system_.empty()) messages.push_back({{"role", "system"}, {"content", system_}});
    for (const auto& m : history_) messages.push_back(m);
    messages.push_back({{"role", "user"}, {"content", text}});

    llm::GenerationRequest req;
    req.messages = messages;
    req.config = config_;
    llm::CancellationToken cancel;
    llm::GenerationResult result;
    try {
      InterruptCancels interrupt(cancel);
      result = pipe_->generate(req, [](const llm::StreamEvent& ev) {
        if (!ev.reasoning.empty()) std::cout << ev.reasoning;
        std::cout << ev.text << std::flush;
      }, cancel);
    } catch (const Error& e) {
      // The conversation stays as it was: the user can /reset, shorten or change settings.
      std::cout << "error: " << e.what() << "\n";
      return;
    }
    const llm::SequenceResult& seq = result.sequences.front();
    history_.push_back({{"role", "user"}, {"content", text}});
    history_.push_back({{"role", "assistant"}, {"content", seq.text}});
    const llm::PerfMetrics& m = result.metrics;
    std::cout << "\n[ttft " << m.ttft_ms << " ms, " << m.decode_tokens_per_second() << " tokens/s, "
              << m.output_tokens << " tokens, " << m.cached_tokens << "/" << m.input_tokens
              << " prompt tokens reused, finish " << llm::to_string(m.finish_reason) << "]\n"
              << std::flush;
  }

  std::unique_ptr<llm::Pipeline> pipe_;
  llm::GenerationConfig config_;
  std::string system_;
  nlohmann::ordered_json history_ = nlohmann::ordered_json::array();  // user and assistant turns
};

void run(const ChatArgs& args) {
  auto pipe = llm::Pipeline::open(args.pipeline.model, args.pipeline.options());
  check(pipe->has_chat_template(), args.pipeline.model,
        ": the model has no chat template, so it cannot hold a conversation; use `openarc generate --raw`");
  llm::GenerationConfig config = pipe->default_config();
  args.settings.apply(config);
  config.validate(0);
  const bool terminal = isatty(STDIN_FILENO);
  if (terminal) std::cout << "openarc chat: " << args.pipeline.model << "\n" << kHelp << "\n";
  ChatSession session(std::move(pipe), config);
  std::string line;
  while (true) {
    if (terminal) std::cout << "> " << std::flush;
    if (!std::getline(std::cin, line)) break;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!session.line(line)) break;
  }
}

}  // namespace

void add_chat_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("chat", "Talk with a model in the terminal (history, streaming, /set, /reset)");
  auto args = std::make_shared<ChatArgs>();
  args->pipeline.add_to(*cmd);
  args->settings.add_to(*cmd);
  cmd->callback([args] { run(*args); });
}

}  // namespace openarc::cli

// `openarc parse --model DIR [--tool-parser NAME]`: parses raw model output the way the server
// does, for users debugging why a tool call was or was not recognised. Reads JSON lines on stdin,
// {"text": "raw output, special tokens kept", "tools": [...], "starts_in_reasoning": false}, and
// writes one line each: {"content", "reasoning_content", "tool_calls": [...]}, or {"error": "..."}
// naming what is wrong with that line; the next line is still served. The tool-call format comes
// from the folder's chat template (its tool_use variant when it has one) unless --tool-parser
// names one; the choice goes to stderr.
#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "chat/chat_template.h"
#include "cli/commands.h"
#include "core/error.h"
#include "llm/message_parser.h"

namespace openarc::cli {
namespace {

struct Options {
  std::string model;
  std::string tool_parser;
  std::optional<uint64_t> seed;
};

nlohmann::ordered_json parse_line(const llm::ToolParser& parser, const std::optional<llm::ReasoningMarkers>& markers,
                                  llm::ToolCallIds& ids, const std::string& line) {
  nlohmann::ordered_json request;
  try {
    request = nlohmann::ordered_json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    return {{"error", cat("invalid JSON: ", e.what())}};
  }
  if (!request.is_object()) return {{"error", "each line must be a JSON object"}};
  for (auto it = request.begin(); it != request.end(); ++it)
    if (it.key() != "text" && it.key() != "tools" && it.key() != "starts_in_reasoning")
      return {{"error", cat("unknown field \"", it.key(), "\" (expected text, tools, starts_in_reasoning)")}};
  if (!request.contains("text") || !request["text"].is_string()) return {{"error", "\"text\" must be a string"}};
  const auto& sir = request.value("starts_in_reasoning", nlohmann::ordered_json(false));
  if (!sir.is_boolean()) return {{"error", "\"starts_in_reasoning\" must be true or false"}};
  llm::ToolSet tools;
  try {
    tools = llm::ToolSet(request.value("tools", nlohmann::ordered_json()));
  } catch (const Error& e) {
    return {{"error", e.what()}};
  }
  // A fresh seeded sequence per line would repeat ids; one sequence for the run does not.
  const llm::ParsedMessage m = llm::parse_message(request["text"].get<std::string>(), parser, tools, markers,
                                                  sir.get<bool>(), llm::ToolCallIds(ids.next_seed()));
  return llm::to_json(m);
}

void run(const Options& o) {
  chat::ChatTemplate ct = chat::ChatTemplate::load(o.model);
  const std::string& source = ct.has("tool_use") ? ct.source("tool_use") : ct.source();
  const llm::ToolParser* parser = nullptr;
  if (!o.tool_parser.empty()) {
    parser = llm::find_tool_parser(o.tool_parser);
    if (!parser) {
      std::string names;
      for (auto n : llm::tool_parser_names()) names += cat(names.empty() ? "" : ", ", n);
      fail("--tool-parser: unknown parser \"", o.tool_parser, "\" (one of ", names, ")");
    }
    std::cerr << "openarc parse: tool parser " << parser->name() << " (--tool-parser)\n";
  } else {
    parser = &llm::detect_tool_parser(source);
    std::cerr << "openarc parse: tool parser " << parser->name() << " (detected from the chat template)\n";
  }
  std::optional<llm::ReasoningMarkers> markers = llm::detect_reasoning_markers(ct.source());
  if (!markers) markers = llm::detect_reasoning_markers(source);

  llm::ToolCallIds ids = o.seed ? llm::ToolCallIds(*o.seed) : llm::ToolCallIds();
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    nlohmann::ordered_json reply = parse_line(*parser, markers, ids, line);
    // Model text may hold invalid UTF-8; it is replaced rather than ending the stream.
    std::cout << reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n" << std::flush;
  }
}

}  // namespace

void add_parse_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("parse", "Parse raw model output into content, reasoning and tool calls (JSON lines on stdin)");
  auto o = std::make_shared<Options>();
  cmd->add_option("--model", o->model, "Model folder with tokenizer_config.json or chat_template.jinja")->required();
  cmd->add_option("--tool-parser", o->tool_parser, "Tool-call format (default: detected from the chat template)");
  cmd->add_option("--seed", o->seed, "Seed for the tool-call ids (reproducible output)");
  cmd->callback([o]() { run(*o); });
}

}  // namespace openarc::cli

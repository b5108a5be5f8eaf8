// `openarc template --model DIR`: renders chats with the model's chat template. Reads JSON lines on
// stdin, {"messages": [...], "tools": [...], "add_generation_prompt": true, "now": "...", ...extra},
// and writes one line each: {"text": "..."}, or {"error": "..."} with the template's own message.
// A bad line gets its error and the next line is still served.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "chat/chat_template.h"
#include "cli/commands.h"

namespace openarc::cli {
namespace {

nlohmann::ordered_json render_line(const chat::ChatTemplate& ct, const std::string& line) {
  nlohmann::ordered_json request;
  try {
    request = nlohmann::ordered_json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    return {{"error", cat("invalid JSON: ", e.what())}};
  }
  if (!request.is_object()) return {{"error", "each line must be a JSON object"}};
  if (!request.contains("messages") || !request["messages"].is_array())
    return {{"error", "\"messages\" must be a JSON array"}};
  nlohmann::ordered_json tools = request.value("tools", nlohmann::ordered_json());
  if (!tools.is_null() && !tools.is_array()) return {{"error", "\"tools\" must be a JSON array or null"}};
  const auto& agp = request.value("add_generation_prompt", nlohmann::ordered_json(false));
  if (!agp.is_boolean()) return {{"error", "\"add_generation_prompt\" must be true or false"}};
  chat::RenderOptions options;
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
  for (auto it = request.begin(); it != request.end(); ++it) {
    const std::string& key = it.key();
    if (key == "messages" || key == "tools" || key == "add_generation_prompt") continue;
    if (key == "now") {
      if (!it.value().is_string()) return {{"error", "\"now\" must be an ISO 8601 string"}};
      try {
        options.now = chat::parse_iso8601(it.value().get<std::string>());
      } catch (const Error& e) {
        return {{"error", e.what()}};
      }
      continue;
    }
    extra[key] = it.value();
  }
  try {
    return {{"text", ct.render(request["messages"], tools, agp.get<bool>(), extra, options)}};
  } catch (const Error& e) {
    return {{"error", e.what()}};
  }
}

void run(const std::string& model_dir) {
  chat::ChatTemplate ct = chat::ChatTemplate::load(model_dir);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    nlohmann::ordered_json reply = render_line(ct, line);
    // Invalid UTF-8 produced by a template is replaced rather than aborting the stream.
    std::cout << reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n" << std::flush;
  }
}

}  // namespace

void add_template_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("template", "Render chats with a model's chat template (JSON lines on stdin)");
  auto model = std::make_shared<std::string>();
  cmd->add_option("--model", *model, "Model folder with tokenizer_config.json or chat_template.jinja")->required();
  cmd->callback([model]() { run(*model); });
}

}  // namespace openarc::cli

// `openarc serve`: the OpenAI-compatible and OpenArc HTTP server.
#include <CLI/CLI.hpp>

#include <cstdlib>

#include "cli/commands.h"
#include "cli/demo_model.h"
#include "llm/tool_parser.h"
#include "server/server.h"

namespace openarc::cli {

void add_serve_command(CLI::App& app) {
  auto o = std::make_shared<server::ServeOptions>();
  auto cors = std::make_shared<std::string>("*");
  CLI::App* cmd = app.add_subcommand("serve", "Serve models over the OpenAI-compatible and OpenArc HTTP APIs");
  cmd->add_option("--host", o->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", o->port, "Port to listen on (0: any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--model", o->models, "Model folder to load at start, as DIR or DIR=NAME (repeatable; "
                                        "none: the bundled demo model)");
  cmd->add_option("--config", o->config_file,
                  "JSON file of models to load at start: {\"models\": [{\"path\", \"name\", \"device\", \"ov_config\" or "
                  "\"runtime_config\"}]} (OpenArc 1.0 and 2.x load bodies also work as entries)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tool-parser", o->tool_parser,
                  "Tool-call format of the --model models (hermes, qwen3_coder, llama3_json, pythonic, mistral, "
                  "deepseek_r1, deepseek_v31, granite, phi4_mini, command_r7b, generic, none; default: detected "
                  "from the chat template)")
      ->check([](const std::string& name) {
        return llm::find_tool_parser(name) ? std::string() : "unknown tool parser '" + name + "'";
      });
  cmd->add_option("--models-dir", o->models_dir, "Only load models from inside this folder")->check(CLI::ExistingDirectory);
  cmd->add_option("--api-key", o->api_key, "Require this key (Authorization: Bearer KEY); also OPENARC_API_KEY");
  cmd->add_option("--threads", o->threads, "Threads per model (0: every core)")->check(CLI::Range(0, 1024));
  cmd->add_option("--ctx-size", o->ctx_size, "Context window in tokens (0: the model's)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-loaded", o->max_loaded, "Most models loaded at once (0: no limit)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-queue", o->max_queue, "Most requests waiting per model before 503")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-body-bytes", o->max_body_bytes, "Largest request body accepted (413 beyond)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--max-tokens", o->limits.max_tokens, "Cap on max_tokens per request (0: the context window)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-messages", o->limits.max_messages, "Most messages per request")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--header-timeout", o->header_timeout,
                  "Seconds a client has to send a request's whole head, from its first byte (408 beyond)")
      ->capture_default_str()->check(CLI::Range(0.001, 86400.0));
  cmd->add_option("--body-timeout", o->body_timeout, "Seconds a client has to send a request's body (408 beyond)")
      ->capture_default_str()->check(CLI::Range(0.001, 86400.0));
  cmd->add_option("--idle-timeout", o->idle_timeout, "Seconds a keep-alive connection may sit without a request")
      ->capture_default_str()->check(CLI::Range(0.001, 86400.0));
  cmd->add_option("--write-timeout", o->write_timeout,
                  "Seconds one response write may take before the client counts as gone")
      ->capture_default_str()->check(CLI::Range(0.001, 86400.0));
  cmd->add_option("--max-connections", o->max_connections, "Most open connections (503 and close beyond)")
      ->capture_default_str()->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--max-client-connections", o->max_client_connections,
                  "Most open connections from one client address (raise it behind a proxy)")
      ->capture_default_str()->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--log-format", o->log_format,
                  "The access log on stderr, a line per request: text, json (one object per line) or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json", "off"}));
  cmd->add_option("--cors-origins", *cors, "Comma-separated origins allowed by CORS (\"*\": any; \"\": none)")
      ->capture_default_str();
  cmd->callback([o, cors] {
    if (o->api_key.empty())
      if (const char* env = std::getenv("OPENARC_API_KEY")) o->api_key = env;
    o->cors_origins.clear();
    for (size_t start = 0; start < cors->size();) {
      size_t comma = cors->find(',', start);
      std::string origin = cors->substr(start, comma - start);
      if (!origin.empty()) o->cors_origins.push_back(origin);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (o->models.empty() && o->config_file.empty()) o->models.push_back(demo_model_dir() + "=stories260K");
    int rc = server::run_server(*o);
    if (rc != 0) std::exit(rc);
  });
}

}  // namespace openarc::cli

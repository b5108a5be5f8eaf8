// openarc: one binary for serving, generating, converting and inspecting OpenVINO IR models.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "cli/commands.h"
#include "core/error.h"
#include "core/version.h"

int main(int argc, char** argv) {
  CLI::App app{"OpenArc: serve OpenVINO IR language models over an OpenAI-compatible API"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("openarc ") + openarc::kVersion);
  // One line per subcommand (see commands.h).
  openarc::cli::add_infer_command(app);
  openarc::cli::add_serve_command(app);
  openarc::cli::add_inspect_command(app);
  openarc::cli::add_convert_command(app);
  openarc::cli::add_generate_command(app);
  openarc::cli::add_chat_command(app);
  openarc::cli::add_bench_command(app);
  openarc::cli::add_tokenize_command(app);
  openarc::cli::add_devices_command(app);
  openarc::cli::add_template_command(app);
  openarc::cli::add_parse_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const openarc::Error& e) {
    std::cerr << "openarc: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "openarc: internal error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

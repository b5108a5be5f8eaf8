// Each `openarc` subcommand lives in its own cmd_<name>.cpp and adds itself to the CLI11 app with
// one of these; main.cpp calls them in the order `openarc --help` lists them.
#pragma once

namespace CLI {
class App;
}

namespace openarc::cli {
void add_infer_command(CLI::App& app);     // cmd_infer.cpp
void add_serve_command(CLI::App& app);     // cmd_serve.cpp
void add_devices_command(CLI::App& app);   // cmd_devices.cpp
void add_template_command(CLI::App& app);
void add_tokenize_command(CLI::App& app);   // cmd_tokenize.cpp
void add_inspect_command(CLI::App& app);    // cmd_inspect.cpp
void add_convert_command(CLI::App& app);    // cmd_convert.cpp
void add_generate_command(CLI::App& app);   // cmd_generate.cpp
void add_chat_command(CLI::App& app);       // cmd_chat.cpp
void add_bench_command(CLI::App& app);      // cmd_bench.cpp
void add_parse_command(CLI::App& app);      // cmd_parse.cpp

}  // namespace openarc::cli

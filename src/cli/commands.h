// Each `openarc` subcommand lives in its own cmd_<name>.cpp and adds itself to the CLI11 app with
// one of these; main.cpp calls them in the order `openarc --help` lists them.
#pragma once

namespace CLI {
class App;
}

namespace openarc::cli {

}  // namespace openarc::cli

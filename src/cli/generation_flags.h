// The generation settings as command-line flags, one per GenerationConfig setting
// (--max-new-tokens, --temperature, --stop ...), derived from GenerationConfig::for_each_setting so
// a new setting gets its flag without touching the commands. `openarc generate` and
// `openarc chat` share them.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "llm/generation_config.h"

namespace CLI {
class App;
}

namespace openarc::cli {

class GenerationFlags {
 public:
  // Adds one flag per setting to `cmd`, in a "Generation settings" group.
  void add_to(CLI::App& cmd);

  // Applies the flags the user gave over `config` (the model's defaults), in the order the
  // settings are declared. Throws llm::SettingError naming the setting on a bad value.
  void apply(llm::GenerationConfig& config) const;

 private:
  // Every value given for each setting, by setting name; booleans hold "true" / "false".
  std::shared_ptr<std::map<std::string, std::vector<std::string>>> given_ =
      std::make_shared<std::map<std::string, std::vector<std::string>>>();
};

}  // namespace openarc::cli

namespace openarc::llm {
struct PipelineOptions;
}

namespace openarc::cli {

// The flags that open a model for generation: --model, --threads, --ctx-size, --no-prefix-reuse.
struct PipelineFlags {
  std::string model;
  int threads = 0;
  int64_t ctx_size = 0;
  bool no_prefix_reuse = false;

  void add_to(CLI::App& cmd);
  llm::PipelineOptions options() const;
};

}  // namespace openarc::cli

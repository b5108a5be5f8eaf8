#include "cli/generation_flags.h"

#include "llm/pipeline.h"

#include <CLI/CLI.hpp>

#include <type_traits>

namespace openarc::cli {

using llm::GenerationConfig;
using llm::SettingInfo;

namespace {

template <class T>
constexpr bool is_list() {
  return std::is_same_v<T, std::vector<std::string>> || std::is_same_v<T, std::vector<int64_t>> ||
         std::is_same_v<T, std::map<int64_t, double>>;
}

template <class T>
std::string flag_help(const SettingInfo& info) {
  std::string help(info.help);
  help += " [" + std::string(llm::setting_type_name<T>());
  if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, double>) help += ", " + llm::describe(info.range);
  if constexpr (is_list<T>()) help += "; repeatable";
  return help + "]";
}

}  // namespace

void GenerationFlags::add_to(CLI::App& cmd) {
  auto given = given_;
  GenerationConfig scratch;
  GenerationConfig::for_each_setting(scratch, [&](auto& field, const SettingInfo& info) {
    using T = std::decay_t<decltype(field)>;
    const std::string name(info.name);
    const std::string flag = llm::cli_flag(info.name);
    const std::string help = flag_help<T>(info);
    if constexpr (std::is_same_v<T, bool>) {
      // --ignore-eos sets it; --ignore-eos=false clears a model default.
      cmd.add_flag_function(
             flag, [given, name](int64_t count) { (*given)[name] = {count > 0 ? "true" : "false"}; }, help)
          ->group("Generation settings");
    } else {
      CLI::Option* opt = nullptr;
      if constexpr (is_list<T>()) {
        opt = cmd.add_option_function<std::vector<std::string>>(
            flag, [given, name](const std::vector<std::string>& values) { (*given)[name] = values; }, help);
        opt->allow_extra_args(false)->take_all();
      } else {
        opt = cmd.add_option_function<std::string>(
            flag, [given, name](const std::string& value) { (*given)[name] = {value}; }, help);
      }
      opt->group("Generation settings")->type_name(std::string(llm::setting_type_name<T>()));
    }
  });
}

void GenerationFlags::apply(GenerationConfig& config) const {
  GenerationConfig::for_each_setting(config, [&](auto& field, const SettingInfo& info) {
    using T = std::decay_t<decltype(field)>;
    auto it = given_->find(std::string(info.name));
    if (it == given_->end()) return;
    if constexpr (is_list<T>()) {
      // set_setting takes one value per list; each repetition of the flag adds its values.
      field.clear();
      for (const std::string& value : it->second) {
        GenerationConfig one;
        llm::set_setting(one, info.name, value);
        GenerationConfig::for_each_setting(one, [&](auto& other, const SettingInfo& other_info) {
          if constexpr (std::is_same_v<std::decay_t<decltype(other)>, T>) {
            if (other_info.name == info.name) {
              if constexpr (std::is_same_v<T, std::map<int64_t, double>>) {
                for (const auto& [k, v] : other) field[k] = v;
              } else {
                field.insert(field.end(), other.begin(), other.end());
              }
            }
          }
        });
      }
    } else {
      llm::set_setting(config, info.name, it->second.back());
    }
  });
}

}  // namespace openarc::cli

namespace openarc::cli {

void PipelineFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--model", model, "Model folder: openvino_model.xml/.bin, tokenizer.json, config files")->required();
  cmd.add_option("--threads", threads, "Inference threads (0: every core)")->check(CLI::NonNegativeNumber);
  cmd.add_option("--ctx-size", ctx_size, "Context window in tokens (0: the model's max_position_embeddings)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_flag("--no-prefix-reuse", no_prefix_reuse, "Prefill the whole prompt every time (no KV prefix reuse)");
}

llm::PipelineOptions PipelineFlags::options() const {
  llm::PipelineOptions o;
  o.compile.num_threads = threads;
  o.ctx_size = ctx_size;
  o.prefix_reuse = !no_prefix_reuse;
  return o;
}

}  // namespace openarc::cli

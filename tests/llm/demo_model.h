// The bundled demo model (models/stories260K, Hugging Face format) converted to IR at fp32, once
// per test process, into a temporary folder removed at exit; and the llama2.c reference cases.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "convert/converter.h"
#include "graph/bind.h"

namespace openarc::llm::test {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("openarc_llm_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The converted demo model's folder (IR + tokenizer + config + generation_config.json).
inline const std::string& demo_model() {
  static TempDir dir;
  static const std::string path = [] {
    convert::ConvertOptions opt;
    opt.quiet = true;
    opt.prepare = [](ir::Model& m) { graph::bind(m); };
    convert::convert_folder(OPENARC_SOURCE_DIR "/models/stories260K", dir.file("stories260K"), opt);
    return dir.file("stories260K");
  }();
  return path;
}

// The demo model converted with integer weights (int8: u8 per channel; int4: u4 in groups of 32,
// u8 where 32 does not divide a row), once per format per test process.
inline std::string demo_model(convert::WeightFormat format) {
  static TempDir dir;
  static std::map<convert::WeightFormat, std::string> paths;
  auto it = paths.find(format);
  if (it != paths.end()) return it->second;
  convert::ConvertOptions opt;
  opt.quiet = true;
  opt.compression.format = format;
  opt.compression.group_size = 32;
  opt.prepare = [](ir::Model& m) { graph::bind(m); };
  const std::string out = dir.file("stories260K-" + convert::to_string(format));
  convert::convert_folder(OPENARC_SOURCE_DIR "/models/stories260K", out, opt);
  return paths[format] = out;
}

struct ReferenceCase {
  std::string prompt;
  int64_t max_new_tokens = 0;
  std::vector<int64_t> prompt_ids, output_ids;
  std::string output_text;
};

// tests/reference/stories260K-greedy.json: llama2.c's greedy outputs.
inline std::vector<ReferenceCase> reference_cases() {
  std::ifstream in(OPENARC_SOURCE_DIR "/tests/reference/stories260K-greedy.json");
  nlohmann::json j = nlohmann::json::parse(in);
  std::vector<ReferenceCase> cases;
  for (const auto& c : j.at("cases")) {
    cases.push_back({c.at("prompt").get<std::string>(), c.at("max_new_tokens").get<int64_t>(),
                     c.at("prompt_ids").get<std::vector<int64_t>>(), c.at("output_ids").get<std::vector<int64_t>>(),
                     c.at("output_text").get<std::string>()});
  }
  return cases;
}

}  // namespace openarc::llm::test

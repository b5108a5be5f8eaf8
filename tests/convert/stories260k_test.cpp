// THE key test of the converter: stories260K (a real trained Llama) converted at fp32 and run by
// the IR runtime must reproduce llama2.c's greedy outputs token for token, every case.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "convert/converter.h"
#include "ir/reader.h"
#include "run_model.h"
#include "test_dir.h"

namespace openarc::convert {
namespace {

const std::string kReference = OPENARC_SOURCE_DIR "/tests/reference/stories260K-greedy.json";

struct Case {
  std::vector<int64_t> prompt, expected;
};

std::vector<Case> reference_cases() {
  std::ifstream in(kReference);
  nlohmann::json j = nlohmann::json::parse(in);
  std::vector<Case> cases;
  for (const auto& c : j.at("cases"))
    cases.push_back({c.at("prompt_ids").get<std::vector<int64_t>>(), c.at("output_ids").get<std::vector<int64_t>>()});
  return cases;
}

TEST(Stories260K, Fp32GreedyMatchesLlama2c) {
  test::TempDir dir;
  ConvertOptions opt;
  opt.quiet = true;
  opt.prepare = [](ir::Model& m) { graph::bind(m); };
  convert_folder(test::kDemoModel, dir.file("ir"), opt);
  // Through the files, as a user would load them.
  auto compiled = test::compile(ir::read_model(dir.file("ir/openvino_model.xml")));
  auto req = compiled->create_infer_request();
  int matched_cases = 0, matched_tokens = 0, total_tokens = 0;
  for (const Case& c : reference_cases()) {
    std::vector<int64_t> got = test::greedy(req, c.prompt, static_cast<int>(c.expected.size()));
    size_t same = 0;
    while (same < got.size() && got[same] == c.expected[same]) ++same;
    matched_tokens += static_cast<int>(same);
    total_tokens += static_cast<int>(c.expected.size());
    matched_cases += got == c.expected;
    EXPECT_EQ(got, c.expected) << "prompt of " << c.prompt.size() << " tokens: first difference at output " << same;
  }
  std::printf("stories260K fp32: %d/%zu cases identical, %d/%d tokens before the first difference\n", matched_cases,
              reference_cases().size(), matched_tokens, total_tokens);
}

}  // namespace
}  // namespace openarc::convert

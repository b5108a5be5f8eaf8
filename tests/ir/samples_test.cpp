// The reader on the real optimum-intel exports in ../shared/ir-samples (XML only, no .bin).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "core/error.h"
#include "core/mapped_file.h"
#include "ir/reader.h"
#include "ir_test_util.h"

namespace openarc::ir {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Sample {
  const char* file;
  int layers;  // decoder layers (config.json num_hidden_layers)
};

class SampleTest : public ::testing::TestWithParam<Sample> {
 protected:
  void SetUp() override {
    if (!testing::have_samples()) GTEST_SKIP() << "no " << testing::shared_dir() << "/ir-samples";
  }
  std::string path() const { return testing::shared_dir() + "/ir-samples/" + GetParam().file; }
};

// Counts of type="..." over the <layer> start tags, straight from the text.
std::map<std::string, int> grep_layer_types(const std::string& xml) {
  std::map<std::string, int> counts;
  std::regex layer_tag(R"re(<layer [^>]*\btype="([^"]*)")re");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), layer_tag); it != std::sregex_iterator(); ++it)
    ++counts[(*it)[1]];
  return counts;
}

TEST_P(SampleTest, InterfaceOrderAndCounts) {
  Model m = read_model(path(), "", ReadOptions{.require_weights = false});
  EXPECT_EQ(m.ir_version, 11);
  EXPECT_FALSE(m.weights);

  std::vector<std::string> inputs;
  for (size_t i : m.parameters()) inputs.push_back(m.nodes[i].output_ports.at(0).names.at(0));
  EXPECT_THAT(inputs, ElementsAre("input_ids", "attention_mask", "position_ids", "beam_idx"));
  // Parameters come first.
  EXPECT_THAT(m.parameters(), ElementsAre(0u, 1u, 2u, 3u));

  ASSERT_EQ(m.results().size(), 1u);
  const Node& result = m.nodes[m.results()[0]];
  const OutputRef& src = result.inputs.at(0);
  EXPECT_THAT(m.nodes[src.node].output_ports.at(src.port).names, ::testing::Contains("logits"));

  std::set<std::string> read_vars, assign_vars;
  for (const Node& n : m.nodes) {
    if (n.type == "ReadValue") read_vars.insert(n.attrs.str("variable_id"));
    if (n.type == "Assign") assign_vars.insert(n.attrs.str("variable_id"));
  }
  EXPECT_EQ(read_vars.size(), 2u * GetParam().layers);
  EXPECT_EQ(read_vars, assign_vars);
  EXPECT_TRUE(read_vars.count("past_key_values.0.keypresent.0.key"));
  EXPECT_TRUE(read_vars.count("past_key_values.0.valuepresent.0.value"));

  std::map<std::string, int> counts;
  for (const Node& n : m.nodes) ++counts[n.type];
  EXPECT_EQ(counts, grep_layer_types(read_file(path())));

  // Topological: every input comes from an earlier node; every ReadValue precedes its Assign.
  std::map<std::string, size_t> read_at;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    for (const OutputRef& r : m.nodes[i].inputs) {
      ASSERT_LT(r.node, i) << "layer " << m.nodes[i].id;
      ASSERT_LT(r.port, m.nodes[r.node].output_ports.size());
    }
    if (m.nodes[i].type == "ReadValue") read_at[m.nodes[i].attrs.str("variable_id")] = i;
    if (m.nodes[i].type == "Assign") {
      EXPECT_LT(read_at.at(m.nodes[i].attrs.str("variable_id")), i);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(IrSamples, SampleTest,
                         ::testing::Values(Sample{"gpt2-fp32.xml", 12}, Sample{"llama-int8.xml", 22},
                                           Sample{"llama-int4asym.xml", 22}, Sample{"qwen2-int4asym.xml", 28},
                                           Sample{"qwen3-int4asym.xml", 36}),
                         [](const auto& info) {
                           std::string name = info.param.file;
                           return std::regex_replace(name.substr(0, name.find('.')), std::regex("[^A-Za-z0-9]"), "_");
                         });

TEST(SampleRtInfo, DecompressionMarksAndModelMetadata) {
  if (!testing::have_samples()) GTEST_SKIP() << "no " << testing::shared_dir() << "/ir-samples";
  Model m = read_model(testing::shared_dir() + "/ir-samples/qwen3-int4asym.xml", "", ReadOptions{false});
  int marked = 0;
  for (const Node& n : m.nodes) {
    for (const RtInfo& r : n.rt_info) {
      if (r.attrs.str("name", "") == "decompression") {
        ++marked;
        EXPECT_EQ(n.type, "Convert");
      }
    }
  }
  EXPECT_GT(marked, 0);
  const Node* result = nullptr;
  for (const Node& n : m.nodes)
    if (n.type == "Result") result = &n;
  ASSERT_TRUE(result);
  EXPECT_EQ(result->layer_attrs.str("output_names"), "logits");
  std::vector<std::string> tags;
  for (const RtInfo& r : m.rt_info) tags.push_back(r.tag);
  EXPECT_THAT(tags, ElementsAre("Runtime_version", "conversion_parameters", "nncf", "optimum", "runtime_options"));
}

TEST(SampleMoeExcerpt, IsRefusedAsADisconnectedGraph) {
  if (!testing::have_samples()) GTEST_SKIP() << "no " << testing::shared_dir() << "/ir-samples";
  try {
    read_model(testing::shared_dir() + "/ir-samples/qwen3moe-int4sym.excerpt.xml", "", ReadOptions{false});
    FAIL() << "the excerpt is not a loadable graph";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("qwen3moe-int4sym.excerpt.xml:"));
    EXPECT_THAT(e.what(), HasSubstr("has no incoming edge"));
  }
}

}  // namespace
}  // namespace openarc::ir

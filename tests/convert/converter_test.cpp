// The converter's output folder and interface, and its refusals: every bad input gets an
// error naming the problem, and no output (nor temporary folder) is left behind.
#include "convert/converter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "convert/synthetic.h"
#include "core/error.h"
#include "error_of.h"
#include "ir/reader.h"
#include "run_model.h"
#include "test_dir.h"

namespace openarc::convert {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;


ConvertOptions quiet() {
  ConvertOptions o;
  o.quiet = true;
  return o;
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> v;
  for (const auto& e : fs::directory_iterator(dir)) v.push_back(e.path().filename().string());
  std::sort(v.begin(), v.end());
  return v;
}

TEST(Converter, WritesTheIrFolderWithOptimumInterface) {
  test::TempDir dir;
  ConvertOptions opt = quiet();
  opt.compression.format = WeightFormat::int8;
  opt.prepare = [](ir::Model& m) { graph::bind(m); };
  ConvertSummary s = convert_folder(test::kDemoModel, dir.file("ir"), opt);
  EXPECT_EQ(listing(dir.path()), (std::vector<std::string>{"ir"}));  // no temporary folder left
  EXPECT_EQ(listing(dir.path() / "ir"),
            (std::vector<std::string>{"config.json", "generation_config.json", "openvino_config.json",
                                      "openvino_model.bin", "openvino_model.xml", "tokenizer.json",
                                      "tokenizer_config.json"}));
  // 5 layers x 7 Linear + the (tied) embedding: 36 weights, all int8_asym.
  EXPECT_EQ(s.by_precision, (std::map<std::string, size_t>{{"int8_asym", 36}}));
  nlohmann::json oc = nlohmann::json::parse(read_file(dir.file("ir/openvino_config.json")));
  EXPECT_EQ(oc["dtype"], "int8");
  EXPECT_EQ(oc["quantization_config"]["bits"], 8);

  ir::Model m = ir::read_model(dir.file("ir/openvino_model.xml"));
  std::vector<std::string> params;
  for (size_t p : m.parameters()) params.push_back(m.nodes[p].name);
  EXPECT_EQ(params, (std::vector<std::string>{"input_ids", "attention_mask", "position_ids", "beam_idx"}));
  ASSERT_EQ(m.results().size(), 1u);
  EXPECT_EQ(m.nodes[m.results()[0]].layer_attrs.str("output_names"), "logits");
  std::map<std::string, int> types;
  std::vector<std::string> variables;
  int decompression = 0;
  for (const auto& n : m.nodes) {
    ++types[n.type];
    if (n.type == "ReadValue") {
      variables.push_back(n.attrs.str("variable_id"));
      EXPECT_EQ(n.attrs.str("variable_shape"), "?,4,?,8");
      EXPECT_EQ(n.attrs.str("variable_type"), "f32");
    }
    if (n.type == "ScaledDotProductAttention") {
      EXPECT_EQ(n.inputs.size(), 5u);  // explicit scale
      EXPECT_EQ(n.version, "opset13");
    }
    for (const auto& r : n.rt_info) decompression += r.attrs.str("name", "") == "decompression";
  }
  EXPECT_EQ(variables.size(), 10u);
  EXPECT_EQ(variables[0], "past_key_values.0.keypresent.0.key");
  EXPECT_EQ(variables[1], "past_key_values.0.valuepresent.0.value");
  EXPECT_EQ(types["Assign"], 10);
  EXPECT_EQ(types["ScaledDotProductAttention"], 5);
  EXPECT_EQ(decompression, 36);
  const ir::Node* logits = m.find("__module.lm_head/ov_ext::linear/MatMul");
  ASSERT_NE(logits, nullptr);
  EXPECT_EQ(logits->output_ports[0].shape, PartialShape({-1, -1, 512}));  // bound before writing
}

TEST(Converter, RefusesAnExistingOutputUnlessOverwrite) {
  test::TempDir dir;
  fs::create_directories(dir.file("ir"));
  test::write_text(dir.file("ir/keep.txt"), "x");
  EXPECT_THAT(error_of([&] { convert_folder(test::kDemoModel, dir.file("ir"), quiet()); }),
              HasSubstr("exists (use --overwrite to replace it)"));
  EXPECT_TRUE(fs::exists(dir.file("ir/keep.txt")));
  ConvertOptions o = quiet();
  o.overwrite = true;
  convert_folder(test::kDemoModel, dir.file("ir"), o);
  EXPECT_FALSE(fs::exists(dir.file("ir/keep.txt")));
  EXPECT_TRUE(fs::exists(dir.file("ir/openvino_model.xml")));
  // Overwriting a Hugging Face folder by mistake is refused even with --overwrite.
  EXPECT_THAT(error_of([&] {
                fs::copy(test::kDemoModel, dir.file("hf"));
                convert_folder(test::kDemoModel, dir.file("hf"), o);
              }),
              HasSubstr("holds a Hugging Face model"));
}

// A copy of stories260K in `dir`/name, with `edit` applied, converted into `dir`/out: the error.
std::string convert_edited(const test::TempDir& dir, const std::function<void(const fs::path&)>& edit) {
  fs::path in = dir.path() / "in";
  fs::remove_all(in);
  fs::copy(test::kDemoModel, in);
  for (const auto& e : fs::directory_iterator(in)) fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  edit(in);
  std::string err = error_of([&] { convert_folder(in.string(), dir.file("out"), quiet()); });
  EXPECT_FALSE(fs::exists(dir.file("out"))) << "a failed conversion left an output folder";
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".out.openarc-tmp"), std::string::npos) << "temporary folder left";
  return err;
}

void set_config(const fs::path& in, const std::string& key, const nlohmann::json& value) {
  nlohmann::json j = nlohmann::json::parse(read_file((in / "config.json").string()));
  j[key] = value;
  std::ofstream(in / "config.json") << j.dump();
}

TEST(Converter, RefusesBadInputsAndLeavesNothing) {
  test::TempDir dir;
  EXPECT_THAT(convert_edited(dir, [](const fs::path& in) { set_config(in, "architectures", {"GPT2LMHeadModel"}); }),
              HasSubstr("architecture 'GPT2LMHeadModel' is not supported (supported: LlamaForCausalLM"));
  EXPECT_THAT(convert_edited(dir, [](const fs::path& in) { fs::remove(in / "model.safetensors"); }),
              HasSubstr("no model.safetensors"));
  EXPECT_THAT(convert_edited(dir, [](const fs::path& in) { fs::remove(in / "config.json"); }),
              HasSubstr("no config.json"));
  EXPECT_THAT(convert_edited(dir,
                             [](const fs::path& in) {
                               fs::resize_file(in / "model.safetensors", fs::file_size(in / "model.safetensors") - 100);
                             }),
              HasSubstr("outside the data section"));
  EXPECT_THAT(convert_edited(dir, [](const fs::path& in) { set_config(in, "intermediate_size", 128); }),
              HasSubstr("tensor 'model.layers.0.mlp.gate_proj.weight' has shape [172,64] but config.json implies "
                        "[128,64]"));
  EXPECT_THAT(convert_edited(dir, [](const fs::path& in) { set_config(in, "tie_word_embeddings", false); }),
              HasSubstr("tensor 'lm_head.weight' is missing from the checkpoint"));
  EXPECT_THAT(convert_edited(dir, [](const fs::path& in) { std::ofstream(in / "config.json") << "{\"architectures\":"; }),
              HasSubstr("malformed JSON"));
  EXPECT_THAT(error_of([&] { convert_folder(dir.file("nowhere"), dir.file("out"), quiet()); }),
              HasSubstr("does not exist"));
}

// The server's conversion route follows a conversion and may stop it: progress before the first
// tensor and after each one, and a stop between tensors leaves neither output nor temporary folder.
TEST(Converter, ReportsProgressAndStopsWhenAskedLeavingNothing) {
  test::TempDir dir;
  ConvertOptions o = quiet();
  std::vector<ConvertProgress> seen;
  o.on_progress = [&](const ConvertProgress& p) { seen.push_back(p); };
  convert_folder(test::kDemoModel, dir.file("out"), o);
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen.front().done_tensors, 0u);
  EXPECT_TRUE(seen.front().tensor.empty());
  EXPECT_EQ(seen.back().done_tensors, seen.back().total_tensors);
  EXPECT_EQ(seen.back().done_bytes, seen.back().total_bytes);
  EXPECT_FALSE(seen.back().tensor.empty());
  EXPECT_EQ(seen.size(), seen.back().total_tensors + 1);

  int steps = 0;
  o.on_progress = [&](const ConvertProgress&) { ++steps; };
  o.stop_requested = [&] { return steps > 3; };
  EXPECT_THROW(convert_folder(test::kDemoModel, dir.file("stopped"), o), Cancelled);
  EXPECT_FALSE(fs::exists(dir.file("stopped")));
  for (const auto& e : fs::directory_iterator(dir.path())) EXPECT_EQ(e.path().filename(), "out") << "left behind: " << e.path();

  // check_input finds what convert_folder would refuse, without writing anything.
  EXPECT_NO_THROW(check_input(test::kDemoModel, {}));
  EXPECT_THAT(error_of([&] { check_input(dir.file("nowhere"), {}); }), HasSubstr("does not exist"));
  CompressionOptions bad;
  bad.ratio = 0;
  EXPECT_THAT(error_of([&] { check_input(test::kDemoModel, bad); }), HasSubstr("--ratio must be in (0, 1]"));
}

TEST(Converter, RefusesAWeightOfTheWrongDtype) {
  test::TempDir dir;
  test::write_text(dir.file("config.json"),
                   R"({"architectures":["LlamaForCausalLM"],"hidden_size":8,"intermediate_size":8,)"
                   R"("num_hidden_layers":1,"num_attention_heads":2,"vocab_size":4,"tie_word_embeddings":true})");
  write_synthetic_checkpoint(dir.file("config.json"), dir.file("hf"), 1);
  // Rewrite the checkpoint with the norm weight stored as I32.
  Checkpoint c = Checkpoint::open(dir.file("hf"));
  std::vector<std::pair<std::string, Tensor>> tensors;
  for (const std::string& n : c.names())
    tensors.emplace_back(n, n == "model.norm.weight" ? Tensor(ElementType::i32, {8}) : c.view(n).clone());
  write_safetensors(dir.file("hf/model.safetensors"), tensors);
  EXPECT_THAT(error_of([&] { convert_folder(dir.file("hf"), dir.file("out"), quiet()); }),
              HasSubstr("tensor 'model.norm.weight' has dtype I32; weights must be F32, F16 or BF16"));
  EXPECT_FALSE(fs::exists(dir.file("out")));
}

TEST(Converter, BuildsFromBf16AndShardedCheckpoints) {
  test::TempDir dir;
  test::write_text(dir.file("config.json"),
                   R"({"architectures":["Qwen2ForCausalLM"],"hidden_size":16,"intermediate_size":24,)"
                   R"("num_hidden_layers":1,"num_attention_heads":2,"vocab_size":32,"torch_dtype":"bfloat16"})");
  write_synthetic_checkpoint(dir.file("config.json"), dir.file("hf"), 5);
  Checkpoint c = Checkpoint::open(dir.file("hf"));
  EXPECT_EQ(c.entry("model.embed_tokens.weight").dtype, "BF16");
  // Shard it in two.
  std::vector<std::pair<std::string, Tensor>> a, b;
  nlohmann::json map;
  int i = 0;
  for (const std::string& n : c.names()) {
    bool first = i++ % 2 == 0;
    (first ? a : b).emplace_back(n, c.view(n).clone());
    map[n] = first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
  }
  fs::create_directories(dir.file("sharded"));
  write_safetensors(dir.file("sharded/model-00001-of-00002.safetensors"), a);
  write_safetensors(dir.file("sharded/model-00002-of-00002.safetensors"), b);
  test::write_text(dir.file("sharded/model.safetensors.index.json"), nlohmann::json({{"weight_map", map}}).dump());
  fs::copy_file(dir.file("hf/config.json"), dir.file("sharded/config.json"));
  ModelConfig cfg = load_hf_config(dir.file("sharded/config.json"));
  ir::Model one = build_model(cfg, Checkpoint::open(dir.file("hf")), CompressionOptions{});
  ir::Model two = build_model(cfg, Checkpoint::open(dir.file("sharded")), CompressionOptions{});
  graph::bind(one);
  graph::bind(two);
  auto r1 = test::compile(std::move(one))->create_infer_request();
  auto r2 = test::compile(std::move(two))->create_infer_request();
  std::vector<float> l1 = test::logits_row(test::run_step(r1, {3, 1, 4}, 0), 2);
  std::vector<float> l2 = test::logits_row(test::run_step(r2, {3, 1, 4}, 0), 2);
  EXPECT_EQ(l1, l2);
}

}  // namespace
}  // namespace openarc::convert

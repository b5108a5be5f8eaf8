// KvAttention on whole models (graph/fuse_kv_attention.cpp, ops/fused_attention.h, the request's
// KV caches): the demo model (stories260K, fp32, GQA 8 q / 4 kv heads) and converter-built
// synthetic Llama (fp16 weights, GQA 4 / 2) and Qwen3 (q/k norms, 4 / 4 heads, no repeat), each
// compiled with and without optimize. Over a prefill and 20 decode steps the logits agree at
// every step; the state API on the fused model (dense state read, set, reset, trim for prefix
// reuse, beam_idx reordering with batch 2, a bad beam_idx) behaves as the reference path's.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <map>

#include "convert/converter.h"
#include "convert/synthetic.h"
#include "convert/test_dir.h"
#include "core/error.h"
#include "ir/reader.h"
#include "kernels/isa_fixture.h"
#include "llm/demo_model.h"
#include "runtime/compiled_model.h"
#include "model_test_util.h"

namespace openarc::runtime {
namespace {

constexpr double kTolerance = 1e-4;  // of 1 + max |reference|

struct TestModel {
  std::string name;
  int layers = 0;
  std::shared_ptr<CompiledModel> fused, reference;
};

TestModel make(const std::string& name, const ir::Model& m, int layers) {
  return {name, layers, compile(m, true), compile(m, false)};
}

ir::Model synthetic(const std::string& config, const convert::CompressionOptions& opt) {
  convert::test::TempDir dir;
  convert::test::write_text(dir.file("config.json"), config);
  convert::write_synthetic_checkpoint(dir.file("config.json"), dir.file("hf"), /*seed=*/5);
  convert::ModelConfig cfg = convert::load_hf_config(dir.file("hf/config.json"));
  return convert::build_model(cfg, convert::Checkpoint::open(dir.file("hf")), opt);
}

// Compiled once per process (the ISA level is chosen per kernel call, not at compilation).
const std::vector<TestModel>& models() {
  static const std::vector<TestModel> all = [] {
    std::vector<TestModel> v;
    const std::string demo = llm::test::demo_model();
    v.push_back(make("stories260K", ir::read_model(ir::resolve_model_xml(demo)), 5));
    convert::CompressionOptions fp16;
    fp16.format = convert::WeightFormat::fp16;
    v.push_back(make("synthetic Llama fp16",
                     synthetic(R"({"architectures":["LlamaForCausalLM"],"hidden_size":64,"intermediate_size":96,
                                   "num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,
                                   "vocab_size":96,"rms_norm_eps":1e-5,"rope_theta":10000.0,
                                   "tie_word_embeddings":false})",
                               fp16),
                     2));
    v.push_back(make("synthetic Qwen3 fp32",
                     synthetic(R"({"architectures":["Qwen3ForCausalLM"],"hidden_size":64,"intermediate_size":96,
                                   "num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":4,
                                   "head_dim":16,"vocab_size":96,"rope_theta":1000000.0,"rms_norm_eps":1e-6,
                                   "tie_word_embeddings":true})",
                               convert::CompressionOptions{}),
                     2));
    return v;
  }();
  return all;
}

int64_t vocab(const TestModel& m) { return m.reference->outputs()[m.reference->output_index("logits")].shape[2]; }

// One step for a batch: ids[b] are row b's new tokens (all rows the same length), after `past`
// positions; attention_mask ones, position_ids past.., beam_idx `beam` (identity if empty).
const Tensor& step(InferRequest& req, const std::vector<std::vector<int64_t>>& ids, int64_t past,
                   std::vector<int32_t> beam = {}) {
  const int64_t B = static_cast<int64_t>(ids.size()), n = static_cast<int64_t>(ids[0].size());
  Tensor input(ElementType::i64, {B, n}), mask(ElementType::i64, {B, past + n}), pos(ElementType::i64, {B, n});
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t i = 0; i < n; ++i) {
      input.data<int64_t>()[b * n + i] = ids[b][i];
      pos.data<int64_t>()[b * n + i] = past + i;
    }
    for (int64_t i = 0; i < past + n; ++i) mask.data<int64_t>()[b * (past + n) + i] = 1;
  }
  if (beam.empty())
    for (int64_t b = 0; b < B; ++b) beam.push_back(static_cast<int32_t>(b));
  Tensor beam_idx(ElementType::i32, {static_cast<int64_t>(beam.size())});
  std::copy(beam.begin(), beam.end(), beam_idx.data<int32_t>());
  req.set_input("input_ids", input);
  req.set_input("attention_mask", mask);
  req.set_input("position_ids", pos);
  req.set_input("beam_idx", beam_idx);
  req.infer();
  return req.output("logits");
}

const Tensor& step1(InferRequest& req, const std::vector<int64_t>& ids, int64_t past) { return step(req, {ids}, past); }

double relative_diff(const Tensor& got, const Tensor& want) {
  EXPECT_EQ(got.shape(), want.shape());
  if (got.shape() != want.shape()) return INFINITY;
  double diff = 0, scale = 0;
  for (int64_t i = 0; i < want.size(); ++i) {
    diff = std::max(diff, std::abs(got.get_f64(i) - want.get_f64(i)));
    scale = std::max(scale, std::abs(want.get_f64(i)));
  }
  return diff / (1 + scale);
}

// Row b, position s of logits [B, S, V].
Tensor row(const Tensor& logits, int64_t b, int64_t s) {
  const int64_t S = logits.shape()[1], V = logits.shape()[2];
  Tensor r(ElementType::f32, {V});
  std::copy_n(logits.data<float>() + (b * S + s) * V, V, r.data<float>());
  return r;
}

int64_t argmax(const Tensor& r) {
  return std::max_element(r.data<float>(), r.data<float>() + r.size()) - r.data<float>();
}

std::vector<int64_t> prompt(int64_t n, int64_t v, int64_t salt = 0) {
  std::vector<int64_t> p;
  for (int64_t i = 0; i < n; ++i) p.push_back((i * 37 + 11 + salt * 13) % v);
  return p;
}

class KvAttentionModels : public kernels::testing::AtIsaLevel {};

TEST_P(KvAttentionModels, FusesEveryLayerAndDropsTheAssigns) {
  for (const TestModel& m : models()) {
    SCOPED_TRACE(m.name);
    int fired = -1;
    for (const graph::PassCount& c : m.fused->fusions())
      if (c.name.rfind("KvAttention", 0) == 0) fired = c.fired;
    EXPECT_EQ(fired, m.layers);
    int attention = 0, sdpa = 0, assign = 0;
    for (const ir::Node& n : m.fused->model().nodes) {
      attention += n.type == "KvAttention";
      sdpa += n.type == "ScaledDotProductAttention";
      assign += n.type == "Assign";
    }
    EXPECT_EQ(attention, m.layers);
    EXPECT_EQ(sdpa, 0);
    EXPECT_EQ(assign, 0);
    // The variables stay the model's interface.
    EXPECT_EQ(m.fused->variables().size(), static_cast<size_t>(2 * m.layers));
    EXPECT_EQ(m.fused->create_infer_request().state_names(), m.reference->create_infer_request().state_names());
  }
}

TEST_P(KvAttentionModels, PrefillThenTwentyDecodeStepsMatchTheReference) {
  for (const TestModel& m : models()) {
    SCOPED_TRACE(m.name);
    InferRequest fused = m.fused->create_infer_request(), ref = m.reference->create_infer_request();
    const std::vector<int64_t> p = prompt(9, vocab(m));
    const Tensor& want0 = step1(ref, p, 0);
    EXPECT_LE(relative_diff(step1(fused, p, 0), want0), kTolerance) << "prefill";
    int64_t next = argmax(row(want0, 0, 8)), past = 9;
    for (int s = 0; s < 20; ++s, ++past) {
      const Tensor& want = step1(ref, {next}, past);
      EXPECT_LE(relative_diff(step1(fused, {next}, past), want), kTolerance) << "decode step " << s;
      next = argmax(row(want, 0, 0));
    }
    // The caches as the reference's states: dense [B, Hkv, T, D].
    for (const std::string& id : ref.state_names()) {
      Tensor a = fused.state(id), b = ref.state(id);
      ASSERT_EQ(a.shape().size(), 4u) << id;
      EXPECT_EQ(a.shape()[2], past) << id;
      EXPECT_LE(relative_diff(a, b), kTolerance) << id;
    }
  }
}

TEST_P(KvAttentionModels, StatesMoveBetweenTheFusedAndTheReferencePath) {
  for (const TestModel& m : models()) {
    SCOPED_TRACE(m.name);
    InferRequest fused = m.fused->create_infer_request(), ref = m.reference->create_infer_request();
    const std::vector<int64_t> p = prompt(7, vocab(m));
    step1(ref, p, 0);
    step1(fused, p, 0);
    // Cross over: each path continues from the other's state.
    InferRequest fused2 = m.fused->create_infer_request(), ref2 = m.reference->create_infer_request();
    for (const std::string& id : ref.state_names()) {
      fused2.set_state(id, ref.state(id));
      ref2.set_state(id, fused.state(id));
      EXPECT_LE(relative_diff(fused2.state(id), ref.state(id)), 0.0) << id;
    }
    for (int64_t t = 0; t < 3; ++t) {
      const Tensor want = step1(ref, {t + 1}, 7 + t).clone();
      EXPECT_LE(relative_diff(step1(fused2, {t + 1}, 7 + t), want), kTolerance) << t;
      EXPECT_LE(relative_diff(step1(ref2, {t + 1}, 7 + t), want), kTolerance) << t;
    }
  }
}

TEST_P(KvAttentionModels, ResetStateStartsAgain) {
  for (const TestModel& m : models()) {
    SCOPED_TRACE(m.name);
    InferRequest fused = m.fused->create_infer_request(), cold = m.fused->create_infer_request();
    step1(fused, prompt(11, vocab(m), 1), 0);
    step1(fused, {3}, 11);
    fused.reset_states();
    for (const std::string& id : fused.state_names()) EXPECT_FALSE(fused.state(id).valid()) << id;
    const std::vector<int64_t> p = prompt(5, vocab(m), 2);
    const Tensor want = step1(cold, p, 0).clone();
    EXPECT_LE(relative_diff(step1(fused, p, 0), want), 0.0);
    // One variable reset alone: its state is gone, the others stay.
    const std::string first = fused.state_names()[0], second = fused.state_names()[1];
    fused.reset_state(first);
    EXPECT_FALSE(fused.state(first).valid());
    EXPECT_EQ(fused.state(second).shape()[2], 5);
  }
}

TEST_P(KvAttentionModels, TrimForPrefixReuseEqualsAColdRun) {
  for (const TestModel& m : models()) {
    SCOPED_TRACE(m.name);
    const std::vector<int64_t> a = prompt(12, vocab(m), 3);
    InferRequest fused = m.fused->create_infer_request(), cold = m.fused->create_infer_request(),
                 ref = m.reference->create_infer_request();
    step1(fused, a, 0);
    for (int64_t t = 0; t < 3; ++t) step1(fused, {t + 7}, 12 + t);
    // Keep the first 8 positions (the common prefix), then run the rest of a.
    fused.trim_states(8);
    for (const std::string& id : fused.state_names()) EXPECT_EQ(fused.state(id).shape()[2], 8) << id;
    const std::vector<int64_t> rest(a.begin() + 8, a.end());
    const Tensor got = step1(fused, rest, 8).clone();
    const Tensor want = step1(cold, a, 0);
    for (int64_t s = 0; s < 4; ++s) EXPECT_LE(relative_diff(row(got, 0, s), row(want, 0, 8 + s)), kTolerance) << s;
    // And the next decode step as well; against the reference path doing the same trim.
    step1(ref, a, 0);
    for (int64_t t = 0; t < 3; ++t) step1(ref, {t + 7}, 12 + t);
    ref.trim_states(8);
    step1(ref, rest, 8);
    const Tensor next_want = step1(ref, {5}, 12).clone();
    EXPECT_LE(relative_diff(step1(fused, {5}, 12), next_want), kTolerance);
    EXPECT_THROW(fused.trim_states(14), Error) << "more than the cache holds";
    fused.trim_states(0);
    const Tensor again = step1(fused, a, 0).clone();
    EXPECT_LE(relative_diff(again, want), kTolerance);
  }
}

TEST_P(KvAttentionModels, BeamIdxReordersTheBatch) {
  for (const TestModel& m : models()) {
    SCOPED_TRACE(m.name);
    const int64_t v = vocab(m);
    const std::vector<std::vector<int64_t>> prompts = {prompt(6, v, 4), prompt(6, v, 5)};
    InferRequest plain = m.fused->create_infer_request(), swapped = m.fused->create_infer_request(),
                 ref = m.reference->create_infer_request();
    step(plain, prompts, 0);
    step(swapped, prompts, 0);
    step(ref, prompts, 0);
    // Row 0 continues row 1's past with row 1's token and vice versa: the rows come out swapped.
    const Tensor a = step(plain, {{10}, {20}}, 6).clone();
    const Tensor b = step(swapped, {{20}, {10}}, 6, {1, 0}).clone();
    const Tensor r = step(ref, {{20}, {10}}, 6, {1, 0}).clone();
    EXPECT_LE(relative_diff(row(b, 0, 0), row(a, 1, 0)), kTolerance);
    EXPECT_LE(relative_diff(row(b, 1, 0), row(a, 0, 0)), kTolerance);
    EXPECT_LE(relative_diff(b, r), kTolerance) << "against the reference's Gather";
    for (const std::string& id : ref.state_names()) EXPECT_LE(relative_diff(swapped.state(id), ref.state(id)), kTolerance) << id;
    // Both rows from one parent (a beam forking): [0, 0].
    const Tensor c = step(swapped, {{3}, {4}}, 7, {0, 0}).clone();
    const Tensor rc = step(ref, {{3}, {4}}, 7, {0, 0}).clone();
    EXPECT_LE(relative_diff(c, rc), kTolerance);
  }
}

TEST_P(KvAttentionModels, ABadBeamIdxIsAnErrorAndLeavesTheState) {
  for (const TestModel& m : models()) {
    SCOPED_TRACE(m.name);
    const int64_t v = vocab(m);
    const std::vector<std::vector<int64_t>> prompts = {prompt(5, v, 6), prompt(5, v, 7)};
    InferRequest fused = m.fused->create_infer_request(), ref = m.reference->create_infer_request();
    step(fused, prompts, 0);
    step(ref, prompts, 0);
    step(fused, {{1}, {2}}, 5);
    step(ref, {{1}, {2}}, 5);
    std::map<std::string, Tensor> before;
    for (const std::string& id : fused.state_names()) before[id] = fused.state(id);
    // Out of range, and one entry too many (with two new tokens, another shape than the steps').
    try {
      step(fused, {{3}, {4}}, 6, {0, 5});
      ADD_FAILURE() << "beam_idx [0, 5] was accepted";
    } catch (const Error& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("beam_idx"));
    }
    try {
      step(fused, {{3, 3}, {4, 4}}, 6, {0, 1, 1});
      ADD_FAILURE() << "beam_idx [0, 1, 1] on a batch of 2 was accepted";
    } catch (const Error& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("beam_idx"));
    }
    for (const std::string& id : fused.state_names()) EXPECT_LE(relative_diff(fused.state(id), before[id]), 0.0) << id;
    // The request goes on as if the bad steps had not been tried.
    const Tensor want = step(ref, {{3}, {4}}, 6, {1, 0}).clone();
    EXPECT_LE(relative_diff(step(fused, {{3}, {4}}, 6, {1, 0}), want), kTolerance);
  }
}

INSTANTIATE_TEST_SUITE_P(Isa, KvAttentionModels, kernels::testing::isa_levels(), kernels::testing::isa_name);

}  // namespace
}  // namespace openarc::runtime

// KvAttention fusion (graph/fuse_kv_attention.cpp) on one stateful attention block built with the
// GraphBuilder, graph against graph (STYLE.md #8): compiled with and without optimize, run over a
// prefill and decode steps with the same inputs, outputs compared at every step; the forms the
// pass accepts (GQA repeat or not, beam Gather or not, float or boolean mask, scale, causal) and
// look-alikes it must leave alone. Every case at every ISA level.
#include <gtest/gtest.h>

#include "fusion_test_util.h"
#include "ir/builder.h"
#include "kernels/isa_fixture.h"
#include "model_test_util.h"

namespace openarc::graph {
namespace {

using testing::count_type;
using testing::max_relative_diff;
using testing::random_tensor;

struct Block {
  int64_t heads = 4, kv_heads = 2, dim = 8;
  bool beam = true, mask = true, scale = true, causal = false, bool_mask = false;
  // Look-alikes.
  bool present_is_output = false;  // a Result reads the Concat's values
  bool beam_on_keys_only = false;
  bool past_value_read = false;    // ReduceSum(past keys) is an output
  bool assign_computed = false;    // the keys' variable stores Multiply(Concat, 1), not the Concat
};

ir::OutputRef dims(ir::GraphBuilder& b, ir::OutputRef x, std::vector<int64_t> which) {
  auto shape = b.op("ShapeOf", "opset3", {x}, {{"output_type", "i64"}});
  return b.op("Gather", "opset8", {shape, i64s(b, which), b.constant(Tensor::scalar<int64_t>(0))}, {{"batch_dims", "0"}});
}

// The cache of one of k / v: ReadValue(zeros [B, Hkv, 0, D]) [-> Gather(beam)] -> Concat -> Assign.
ir::OutputRef cache(ir::GraphBuilder& b, const Block& f, const std::string& var, ir::OutputRef fresh,
                    const ir::OutputRef* beam, ir::OutputRef* past_out = nullptr) {
  auto shape = b.op("Concat", "opset1", {dims(b, fresh, {0}), i64s(b, {f.kv_heads, 0, f.dim})}, {{"axis", "0"}});
  auto init = b.op("Broadcast", "opset3", {b.constant(Tensor::scalar<float>(0)), shape}, {{"mode", "numpy"}});
  auto past = b.op("ReadValue", "opset6", {init},
                   {{"variable_id", var}, {"variable_type", "f32"},
                    {"variable_shape", "?," + std::to_string(f.kv_heads) + ",?," + std::to_string(f.dim)}});
  if (past_out) *past_out = past;
  if (beam) past = b.op("Gather", "opset8", {past, *beam, b.constant(Tensor::scalar<int64_t>(0))}, {{"batch_dims", "0"}});
  auto all = b.op("Concat", "opset1", {past, fresh}, {{"axis", "-2"}});
  ir::OutputRef stored = all;
  if (f.assign_computed && var == "k") stored = b.op("Multiply", "opset1", {all, b.constant(Tensor::scalar<float>(1))});
  b.op("Assign", "opset6", {stored}, {{"variable_id", var}});
  return all;
}

// repeat_kv as the exports spell it: Unsqueeze(2) -> Broadcast(bidirectional) -> Reshape.
ir::OutputRef repeat(ir::GraphBuilder& b, const Block& f, ir::OutputRef x) {
  const int64_t groups = f.heads / f.kv_heads;
  if (groups == 1) return x;
  auto u = b.op("Unsqueeze", "opset1", {x, b.constant(Tensor::scalar<int64_t>(2))});
  auto target = b.op("Concat", "opset1", {dims(b, x, {0, 1}), i64s(b, {groups}), dims(b, x, {2}), i64s(b, {f.dim})},
                     {{"axis", "0"}});
  auto e = b.op("Broadcast", "opset3", {u, target}, {{"mode", "bidirectional"}});
  return b.op("Reshape", "opset1", {e, i64s(b, {0, f.heads, -1, f.dim})}, {{"special_zero", "true"}});
}

ir::Model block_model(const Block& f) {
  ir::GraphBuilder b("attention");
  auto q = b.parameter("q", ElementType::f32, PartialShape({-1, f.heads, -1, f.dim}));
  auto k = b.parameter("k", ElementType::f32, PartialShape({-1, f.kv_heads, -1, f.dim}));
  auto v = b.parameter("v", ElementType::f32, PartialShape({-1, f.kv_heads, -1, f.dim}));
  ir::OutputRef beam, mask;
  if (f.beam) beam = b.parameter("beam_idx", ElementType::i32, PartialShape({-1}));
  if (f.mask) mask = b.parameter("mask", f.bool_mask ? ElementType::boolean : ElementType::f32, PartialShape({-1, 1, -1, -1}));
  ir::OutputRef past_k;
  auto k_all = cache(b, f, "k", k, f.beam ? &beam : nullptr, &past_k);
  auto v_all = cache(b, f, "v", v, f.beam && !f.beam_on_keys_only ? &beam : nullptr);
  std::vector<ir::OutputRef> in = {q, repeat(b, f, k_all), repeat(b, f, v_all)};
  if (f.mask) in.push_back(mask);
  if (f.scale) in.push_back(b.constant(Tensor::scalar<float>(0.3f)));
  auto out = b.op("ScaledDotProductAttention", "opset13", in, {{"causal", f.causal ? "true" : "false"}}, "attn/SDPA");
  b.result(out, "out");
  if (f.present_is_output) b.result(k_all, "present.k");
  if (f.past_value_read)
    b.result(b.op("ReduceSum", "opset1", {past_k, i64s(b, {0, 1, 2, 3})}, {{"keep_dims", "false"}}), "past_sum");
  return b.build();
}

// One step's inputs: S new positions after `past` for a batch of B.
std::vector<Tensor> step_inputs(const Block& f, int64_t B, int64_t S, int64_t past, std::vector<int32_t> beam,
                                uint32_t seed) {
  std::vector<Tensor> in = {random_tensor({B, f.heads, S, f.dim}, seed), random_tensor({B, f.kv_heads, S, f.dim}, seed + 1),
                            random_tensor({B, f.kv_heads, S, f.dim}, seed + 2)};
  if (f.beam) {
    Tensor t(ElementType::i32, {B});
    for (int64_t i = 0; i < B; ++i) t.data<int32_t>()[i] = beam.empty() ? static_cast<int32_t>(i) : beam[i];
    in.push_back(t);
  }
  if (f.mask) {
    const int64_t T = past + S;
    if (f.bool_mask) {  // causal from this step's positions, plus a hole, never an empty row
      Tensor m(ElementType::boolean, {B, 1, S, T});
      for (int64_t bb = 0; bb < B; ++bb)
        for (int64_t i = 0; i < S; ++i)
          for (int64_t t = 0; t < T; ++t)
            m.data<uint8_t>()[(bb * S + i) * T + t] = t <= past + i && !(t == 1 && t < past + i);
      in.push_back(m);
    } else {
      in.push_back(random_tensor({B, 1, S, T}, seed + 3, -3.0f, 0.0f));
    }
  }
  return in;
}

// Runs the block with and without the fusion over prefill 5, three decode steps, a 2-token step
// (batch B, beam `reorder` from the second decode step on) and compares every output and state.
void expect_same_over_steps(const Block& f, int expected_fusions, int64_t B = 1, std::vector<int32_t> reorder = {}) {
  const ir::Model m = block_model(f);
  auto ref = compile(m, false), opt = compile(m, true);
  EXPECT_EQ(count_type(opt->model(), "KvAttention"), expected_fusions);
  auto rr = ref->create_infer_request(), ro = opt->create_infer_request();
  int64_t past = 0;
  uint32_t seed = 1;
  int step = 0;
  for (int64_t S : {5, 1, 1, 1, 2}) {
    const std::vector<Tensor> in = step_inputs(f, B, S, past, step >= 2 ? reorder : std::vector<int32_t>{}, seed);
    seed += 10;
    for (size_t i = 0; i < in.size(); ++i) {
      rr.set_input(i, in[i]);
      ro.set_input(i, in[i]);
    }
    rr.infer();
    ro.infer();
    for (size_t o = 0; o < ref->outputs().size(); ++o)
      EXPECT_LE(max_relative_diff(ro.output(o), rr.output(o)), 1e-5) << "step " << step << " output " << o;
    for (const std::string& id : rr.state_names())
      if (rr.state(id).valid()) EXPECT_LE(max_relative_diff(ro.state(id), rr.state(id)), 1e-6) << "step " << step << " " << id;
    past += S;
    ++step;
  }
}

class FuseKvAttention : public kernels::testing::AtIsaLevel {};

TEST_P(FuseKvAttention, GqaWithBeamMaskAndScale) { expect_same_over_steps(Block{}, 1); }

TEST_P(FuseKvAttention, EveryAcceptedForm) {
  for (int bits = 0; bits < 32; ++bits) {
    Block f;
    f.kv_heads = bits & 1 ? 4 : 2;  // no repeat chain / GQA
    f.beam = bits & 2;
    f.mask = bits & 4;
    f.scale = bits & 8;
    f.causal = bits & 16;
    SCOPED_TRACE(bits);
    expect_same_over_steps(f, 1);
  }
  Block boolean;
  boolean.bool_mask = true;
  expect_same_over_steps(boolean, 1);
}

TEST_P(FuseKvAttention, BeamReorderWithBatchTwo) {
  expect_same_over_steps(Block{}, 1, 2, {1, 0});
  expect_same_over_steps(Block{}, 1, 2, {1, 1});
  expect_same_over_steps(Block{}, 1, 3, {2, 0, 1});
}

TEST_P(FuseKvAttention, PassKeepsTheNameAndDropsTheBlock) {
  ir::Model m = block_model(Block{});
  bind(m);
  const std::vector<PassCount> counts = optimize(m);
  ASSERT_EQ(counts.at(5).name.rfind("KvAttention", 0), 0u);
  EXPECT_EQ(counts.at(5).fired, 1);
  const ir::Node* attn = m.find("attn/SDPA");
  ASSERT_NE(attn, nullptr);
  EXPECT_EQ(attn->type, "KvAttention");
  // Nothing else reads the caches here (no mask side graph): the whole block goes.
  for (const char* gone : {"Assign", "Concat", "ReadValue", "Gather", "Broadcast", "Unsqueeze", "Reshape"})
    EXPECT_EQ(count_type(m, gone), 0) << gone;
  // The compiled model still declares both variables.
  auto opt = compile(block_model(Block{}), true);
  ASSERT_EQ(opt->variables().size(), 2u);
  EXPECT_EQ(opt->variables()[0].id, "k");
  EXPECT_EQ(opt->variables()[1].id, "v");
}

TEST_P(FuseKvAttention, MustNotFireOnLookAlikes) {
  Block present;
  present.present_is_output = true;
  Block keys_only;
  keys_only.beam_on_keys_only = true;
  Block past_read;
  past_read.past_value_read = true;
  Block computed;
  computed.assign_computed = true;
  for (const auto& [name, f] : {std::pair<const char*, Block>{"present is an output", present},
                                {"beam Gather on the keys only", keys_only},
                                {"the past's values are read", past_read},
                                {"the variable stores a computed value", computed}}) {
    SCOPED_TRACE(name);
    expect_same_over_steps(f, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Isa, FuseKvAttention, kernels::testing::isa_levels(), kernels::testing::isa_name);

}  // namespace
}  // namespace openarc::graph

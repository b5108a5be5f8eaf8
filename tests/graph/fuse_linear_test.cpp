// FullyConnected / GatherRows fusion (graph/fuse_linear.cpp) graph against graph (STYLE.md #8):
// the same model compiled with optimize on and off, the same inputs, the outputs compared; the
// decompression chains are the converter's (convert::decompressed_weight), one per weight
// precision; look-alikes that must not fire; last-position logits. Every case at every ISA level.
#include <gtest/gtest.h>

#include <cstdlib>

#include "convert/weight_compression.h"
#include "core/float16.h"
#include "fusion_test_util.h"
#include "ir/builder.h"
#include "kernels/isa_fixture.h"
#include "model_test_util.h"

namespace openarc::graph {
namespace {

using convert::Precision;
using testing::count_type;
using testing::max_relative_diff;
using testing::random_tensor;

constexpr double kTolerance = 1e-4;
// Integer weights: the reference graph rounds every decompressed (q - zp) * scale to f16 (the
// Multiply is f16) while the kernels dequantize in f32, a difference of up to 2^-11 of each
// weight; and at decode sizes (m <= 4) they meet activations quantized to int8 per block of 32
// (kernels/linear.h), each x off by up to half a step of its block's 127 levels. Outputs then
// differ by up to ~1e-2 relative; the kernels' own tests check each path exactly.
constexpr double kIntegerTolerance = 1e-2;

// One request per compiled model, so that a sequence of runs also changes shapes between runs.
struct Runner {
  std::shared_ptr<runtime::CompiledModel> model;
  runtime::InferRequest req;
  explicit Runner(std::shared_ptr<runtime::CompiledModel> m) : model(std::move(m)), req(model->create_infer_request()) {}
  std::vector<Tensor> run(const std::vector<Tensor>& inputs) {
    for (size_t i = 0; i < inputs.size(); ++i) req.set_input(i, inputs[i]);
    req.infer();
    std::vector<Tensor> out;
    for (size_t i = 0; i < model->outputs().size(); ++i) out.push_back(req.output(i).clone());
    return out;
  }
};

// How often the pass whose name starts with `prefix` fired at compilation.
int fired(const runtime::CompiledModel& cm, const std::string& prefix) {
  for (const PassCount& c : cm.fusions())
    if (c.name.rfind(prefix, 0) == 0) return c.fired;
  return -1;
}

// Compiles `m` with and without the fusions, runs both on each input set in turn (one request
// each, so shapes change between runs) and expects equal outputs.
void expect_same_as_reference(const ir::Model& m, const std::vector<std::vector<Tensor>>& input_sets,
                              double tolerance = kTolerance) {
  Runner ref(compile(m, false)), opt(compile(m, true));
  for (size_t s = 0; s < input_sets.size(); ++s) {
    std::vector<Tensor> want = ref.run(input_sets[s]), got = opt.run(input_sets[s]);
    ASSERT_EQ(want.size(), got.size());
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_LE(max_relative_diff(got[i], want[i]), tolerance) << "input set " << s << ", output " << i;
  }
}

struct WeightCase {
  const char* name;
  Precision precision;
  int64_t group_size;  // int4: -1 per channel
};

const WeightCase kWeights[] = {
    {"f32", Precision::f32, -1},           {"f16", Precision::f16, -1},
    {"int8_asym", Precision::int8_asym, -1}, {"int4_asym_g32", Precision::int4_asym, 32},
    {"int4_asym_g128", Precision::int4_asym, 128}, {"int4_asym_channel", Precision::int4_asym, -1},
    {"int4_sym_g32", Precision::int4_sym, 32}, {"int4_sym_channel", Precision::int4_sym, -1},
};

constexpr int64_t kN = 40, kK = 256;  // n not a multiple of the kernels' 16-row tiles

Tensor weight(int64_t n = kN, int64_t k = kK, uint32_t seed = 7) { return random_tensor({n, k}, seed, -1.0f, 1.0f); }

bool is_integer(Precision p) { return p != Precision::f32 && p != Precision::f16; }

// What the kernels compute W as: (q - zp) * scale in f32 from the codes decompressed_weight
// stores (the same deterministic quantization), the f16 value of an f16 weight.
Tensor exact_weight(const Tensor& w, Precision p, int64_t group_size) {
  Tensor out = w.clone();
  if (p == Precision::f32) return out;
  if (p == Precision::f16) {
    for (int64_t i = 0; i < out.size(); ++i) out.data<float>()[i] = f16_to_f32(f32_to_f16(out.data<float>()[i]));
    return out;
  }
  const int64_t g = p == Precision::int8_asym ? -1 : group_size;
  convert::QuantizedWeight q = p == Precision::int4_sym ? convert::quantize_sym4(w, g)
                                                        : convert::quantize_asym(w, p == Precision::int8_asym ? 8 : 4, g);
  const int64_t groups = q.scale.size(), per_group = out.size() / groups;
  for (int64_t gi = 0; gi < groups; ++gi)
    for (int64_t j = 0; j < per_group; ++j) {
      const double zp = q.zero_point.valid() ? q.zero_point.get_f64(gi) : 0.0;
      out.data<float>()[gi * per_group + j] =
          static_cast<float>((q.q.get_f64(gi * per_group + j) - zp) * q.scale.get_f64(gi));
    }
  return out;
}

struct LinearForm {
  Precision precision = Precision::f32;
  int64_t group_size = -1;
  bool bias = false, transpose_a = false, transpose_b = true;
  std::string output = "y";
  Tensor stored;  // the f32 weight to store instead of weight() (the exact dequantization)
};

// y = MatMul(x [B, S, K], W [N, K], transpose_b) [+ bias [N]]; W through its decompression chain.
ir::Model linear_model(const LinearForm& f) {
  ir::GraphBuilder b("linear");
  auto x = b.parameter("x", ElementType::f32, f.transpose_a ? PartialShape({-1, kK, -1}) : PartialShape({-1, -1, kK}));
  Tensor w = f.stored.valid() ? f.stored : weight();
  if (!f.transpose_b) {  // store W^T [K, N] so that the product is the same
    Tensor t(ElementType::f32, {kK, kN});
    for (int64_t r = 0; r < kN; ++r)
      for (int64_t c = 0; c < kK; ++c) t.data<float>()[c * kN + r] = w.data<float>()[r * kK + c];
    w = t;
  }
  auto wv = convert::decompressed_weight(b, w, f.precision, f.group_size, "lm.weight", "__module.lm", false);
  auto y = b.op("MatMul", "opset1", {x, wv},
                {{"transpose_a", f.transpose_a ? "true" : "false"}, {"transpose_b", f.transpose_b ? "true" : "false"}},
                "lm/MatMul");
  if (f.bias) y = b.op("Add", "opset1", {y, b.constant(random_tensor({kN}, 11))}, {{"auto_broadcast", "numpy"}}, "lm/Add");
  b.result(y, f.output);
  return b.build();
}

std::vector<std::vector<Tensor>> linear_inputs() {
  // Decode (m = 1), the small-m GEMV path (m = 3), a prefill (m = 14), a batch of one row each.
  return {{random_tensor({1, 1, kK}, 1)}, {random_tensor({1, 3, kK}, 2)}, {random_tensor({2, 7, kK}, 3)},
          {random_tensor({1, 1, kK}, 4)}, {random_tensor({4, 1, kK}, 5)}};
}

class FuseLinear : public kernels::testing::AtIsaLevel {};

TEST_P(FuseLinear, FiresForEveryWeightPrecisionWithAndWithoutBias) {
  for (const WeightCase& wc : kWeights) {
    for (bool bias : {false, true}) {
      SCOPED_TRACE(std::string(wc.name) + (bias ? " + bias" : ""));
      LinearForm f;
      f.precision = wc.precision;
      f.group_size = wc.group_size;
      f.bias = bias;
      const ir::Model m = linear_model(f);
      auto opt = compile(m, true);
      EXPECT_EQ(fired(*opt, "FullyConnected"), 1);
      const ir::Model& after = opt->model();
      EXPECT_EQ(count_type(after, "FullyConnected"), 1);
      for (const char* gone : {"MatMul", "Add", "Multiply", "Subtract", "Convert", "Reshape"})
        EXPECT_EQ(count_type(after, gone), 0) << gone;
      EXPECT_EQ(count_type(after, "Const"), 0) << "the weight lives in the op";
      // The pass keeps the root's name: the Add's with a bias, else the MatMul's.
      const ir::Node* fc = after.find(bias ? "lm/Add" : "lm/MatMul");
      ASSERT_NE(fc, nullptr);
      EXPECT_EQ(fc->type, "FullyConnected");
      expect_same_as_reference(m, linear_inputs(), is_integer(wc.precision) ? kIntegerTolerance : kTolerance);
      // The fused model against the reference MatMul on the exactly dequantized f32 weight.
      LinearForm exact = f;
      exact.precision = Precision::f32;
      exact.stored = exact_weight(weight(), wc.precision, wc.group_size);
      Runner fused(opt), ref(compile(linear_model(exact), false));
      for (const std::vector<Tensor>& in : linear_inputs())
        EXPECT_LE(max_relative_diff(fused.run(in)[0], ref.run(in)[0]), is_integer(wc.precision) ? kIntegerTolerance : kTolerance)
            << to_string(in[0].shape());
    }
  }
}

TEST_P(FuseLinear, OutputShapeIsTheMatMuls) {
  LinearForm f;
  f.bias = true;
  auto opt = compile(linear_model(f), true);
  auto req = opt->create_infer_request();
  req.set_input(0, random_tensor({3, 5, kK}, 9));
  req.infer();
  EXPECT_EQ(req.output(0).shape(), (Shape{3, 5, kN}));
}

TEST_P(FuseLinear, MustNotFireOnTransposeBFalseOrTransposeA) {
  LinearForm no_tb;
  no_tb.transpose_b = false;
  LinearForm ta;
  ta.transpose_a = true;
  for (const LinearForm& f : {no_tb, ta}) {
    SCOPED_TRACE(f.transpose_a ? "transpose_a" : "transpose_b=false");
    const ir::Model m = linear_model(f);
    auto opt = compile(m, true);
    EXPECT_EQ(fired(*opt, "FullyConnected"), 0);
    EXPECT_EQ(count_type(opt->model(), "MatMul"), 1);
    std::vector<std::vector<Tensor>> inputs;
    if (f.transpose_a) inputs = {{random_tensor({2, kK, 3}, 1)}, {random_tensor({1, kK, 1}, 2)}};
    else inputs = linear_inputs();
    expect_same_as_reference(m, inputs);
  }
}

TEST_P(FuseLinear, MustNotFireOnAParameterWeight) {
  // W itself an input, and W's integer codes an input (a chain that does not start at a Const).
  {
    ir::GraphBuilder b("param_weight");
    auto x = b.parameter("x", ElementType::f32, PartialShape({-1, -1, kK}));
    auto w = b.parameter("w", ElementType::f32, PartialShape({kN, kK}));
    b.result(b.op("MatMul", "opset1", {x, w}, {{"transpose_a", "false"}, {"transpose_b", "true"}}), "y");
    const ir::Model m = b.build();
    EXPECT_EQ(fired(*compile(m, true), "FullyConnected"), 0);
    expect_same_as_reference(m, {{random_tensor({2, 3, kK}, 1), weight()}});
  }
  {
    convert::QuantizedWeight q = convert::quantize_asym(weight(), 8, -1);
    ir::GraphBuilder b("param_codes");
    auto x = b.parameter("x", ElementType::f32, PartialShape({-1, -1, kK}));
    auto codes = b.parameter("codes", ElementType::u8, PartialShape({kN, kK}));
    auto qf = b.op("Convert", "opset1", {codes}, {{"destination_type", "f16"}});
    auto zf = b.op("Convert", "opset1", {b.constant(q.zero_point)}, {{"destination_type", "f16"}});
    auto centred = b.op("Subtract", "opset1", {qf, zf});
    auto scaled = b.op("Multiply", "opset1", {centred, b.constant(q.scale)});
    auto wv = b.op("Convert", "opset1", {scaled}, {{"destination_type", "f32"}});
    b.result(b.op("MatMul", "opset1", {x, wv}, {{"transpose_a", "false"}, {"transpose_b", "true"}}), "y");
    const ir::Model m = b.build();
    EXPECT_EQ(fired(*compile(m, true), "FullyConnected"), 0);
    expect_same_as_reference(m, {{random_tensor({2, 3, kK}, 1), q.q}});
  }
}

// The u8 per-channel chain of decompressed_weight with the scale replaced by `scale`.
ir::Model int8_chain_with_scale(const Tensor& scale) {
  convert::QuantizedWeight q = convert::quantize_asym(weight(), 8, -1);
  ir::GraphBuilder b("scale_shape");
  auto x = b.parameter("x", ElementType::f32, PartialShape({-1, -1, kK}));
  auto qf = b.op("Convert", "opset1", {b.constant(q.q)}, {{"destination_type", "f16"}});
  auto zf = b.op("Convert", "opset1", {b.constant(q.zero_point)}, {{"destination_type", "f16"}});
  auto centred = b.op("Subtract", "opset1", {qf, zf});
  auto scaled = b.op("Multiply", "opset1", {centred, b.constant(scale)});
  auto wv = b.op("Convert", "opset1", {scaled}, {{"destination_type", "f32"}});
  b.result(b.op("MatMul", "opset1", {x, wv}, {{"transpose_a", "false"}, {"transpose_b", "true"}}), "y");
  return b.build();
}

Tensor f16_values(Shape shape, float lo, float hi, uint32_t seed) {
  Tensor f = random_tensor(shape, seed, lo, hi), h(ElementType::f16, shape);
  for (int64_t i = 0; i < f.size(); ++i) h.set_f64(i, f.get_f64(i));
  return h;
}

TEST_P(FuseLinear, MustNotFireOnAScaleOfTheWrongShape) {
  // Control: a [N, 1] scale fires. [1, K] (per input column), [K] and a scalar broadcast fine in
  // the reference graph but are not the kernel's per-row (per-group) scales.
  ASSERT_EQ(fired(*compile(int8_chain_with_scale(f16_values({kN, 1}, 0.001f, 0.01f, 3)), true), "FullyConnected"), 1);
  for (const Shape& s : {Shape{1, kK}, Shape{kK}, Shape{}, Shape{1, 1}}) {
    SCOPED_TRACE(to_string(s));
    const ir::Model m = int8_chain_with_scale(f16_values(s, 0.001f, 0.01f, 3));
    EXPECT_EQ(fired(*compile(m, true), "FullyConnected"), 0);
    expect_same_as_reference(m, {{random_tensor({2, 3, kK}, 1)}});
  }
}

TEST_P(FuseLinear, MustNotFireWhenTheBiasWidensTheRank) {
  // Add(MatMul [B, S, N], Const [1, 1, 1, N]) is [1, B, S, N]: the fused op could not say so.
  ir::GraphBuilder b("rank_bias");
  auto x = b.parameter("x", ElementType::f32, PartialShape({-1, -1, kK}));
  auto y = b.op("MatMul", "opset1", {x, b.constant(weight())}, {{"transpose_a", "false"}, {"transpose_b", "true"}});
  y = b.op("Add", "opset1", {y, b.constant(random_tensor({1, 1, 1, kN}, 4))}, {{"auto_broadcast", "numpy"}});
  b.result(y, "y");
  const ir::Model m = b.build();
  Runner ref(compile(m, false)), opt(compile(m, true));
  const std::vector<Tensor> in = {random_tensor({2, 3, kK}, 1)};
  std::vector<Tensor> want = ref.run(in), got = opt.run(in);
  ASSERT_EQ(want[0].shape(), (Shape{1, 2, 3, kN}));
  EXPECT_EQ(got[0].shape(), want[0].shape());
  EXPECT_LE(max_relative_diff(got[0], want[0]), kTolerance);
}

// y = Gather(W, ids, axis 0): the embedding lookup, W through its decompression chain.
ir::Model embedding_model(Precision p, int64_t group_size, const Tensor& stored = Tensor()) {
  ir::GraphBuilder b("embedding");
  auto ids = b.parameter("input_ids", ElementType::i64, PartialShape({-1, -1}));
  auto w = convert::decompressed_weight(b, stored.valid() ? stored : weight(), p, group_size, "embed.weight",
                                        "__module.embed", true);
  auto axis = b.constant(Tensor::scalar<int32_t>(0));
  b.result(b.op("Gather", "opset8", {w, ids, axis}, {{"batch_dims", "0"}}, "embed/Gather"), "embeds");
  return b.build();
}

TEST_P(FuseLinear, EmbeddingGatherForEveryWeightPrecision) {
  // Ids in range, a negative one (from the end) and out-of-range ones (Gather-8: zeros).
  const Tensor ids_a = Tensor::from<int64_t>({2, 4}, {0, 5, kN - 1, 17, -1, -kN, kN, 3});
  const Tensor ids_b = Tensor::from<int64_t>({1, 1}, {9});
  for (const WeightCase& wc : kWeights) {
    SCOPED_TRACE(wc.name);
    const ir::Model m = embedding_model(wc.precision, wc.group_size);
    auto opt = compile(m, true);
    EXPECT_EQ(fired(*opt, "GatherRows"), 1);
    EXPECT_EQ(count_type(opt->model(), "GatherRows"), 1);
    EXPECT_EQ(count_type(opt->model(), "Gather"), 0);
    EXPECT_EQ(count_type(opt->model(), "Convert"), 0);
    ASSERT_NE(opt->model().find("embed/Gather"), nullptr);
    expect_same_as_reference(m, {{ids_a}, {ids_b}, {ids_a}},
                             is_integer(wc.precision) ? kIntegerTolerance : kTolerance);
    Runner fused(opt), exact(compile(embedding_model(Precision::f32, -1,
                                                     exact_weight(weight(), wc.precision, wc.group_size)),
                                     false));
    for (const Tensor& ids : {ids_a, ids_b}) EXPECT_LE(max_relative_diff(fused.run({ids})[0], exact.run({ids})[0]), 1e-7);
  }
}

TEST_P(FuseLinear, EmbeddingMustNotFireOnAnotherAxisOrBatchDims) {
  ir::GraphBuilder b("gather_axis1");
  auto ids = b.parameter("ids", ElementType::i64, PartialShape({-1}));
  auto w = b.constant(weight());
  b.result(b.op("Gather", "opset8", {w, ids, b.constant(Tensor::scalar<int32_t>(1))}, {{"batch_dims", "0"}}), "y");
  const ir::Model m = b.build();
  EXPECT_EQ(fired(*compile(m, true), "GatherRows"), 0);
  expect_same_as_reference(m, {{Tensor::from<int64_t>({3}, {0, 7, 255})}});
}

// logits = MatMul(h, W_lm) [+ bias]; other = MatMul(h, W_other), both [B, S, N].
ir::Model two_heads_model(bool bias, Precision p) {
  ir::GraphBuilder b("heads");
  auto h = b.parameter("hidden", ElementType::f32, PartialShape({-1, -1, kK}));
  auto lm = convert::decompressed_weight(b, weight(), p, 32, "lm_head.weight", "__module.lm_head", false);
  auto logits = b.op("MatMul", "opset1", {h, lm}, {{"transpose_a", "false"}, {"transpose_b", "true"}});
  if (bias) logits = b.op("Add", "opset1", {logits, b.constant(random_tensor({1, 1, kN}, 12))});
  b.result(logits, "logits");
  auto other = b.op("MatMul", "opset1", {h, b.constant(weight(kN, kK, 8))}, {{"transpose_a", "false"}, {"transpose_b", "true"}});
  b.result(other, "other");
  return b.build();
}

TEST_P(FuseLinear, LastPositionLogitsAreTheLastRowOfTheFullLogits) {
  for (bool bias : {false, true}) {
    for (Precision p : {Precision::f32, Precision::int4_asym}) {
      SCOPED_TRACE(std::string(bias ? "bias " : "") + convert::to_string(p));
      const ir::Model m = two_heads_model(bias, p);
      Runner ref(compile(m, false)), last(compile(m, true, true));
      EXPECT_EQ(fired(*last.model, "FullyConnected"), 2);
      for (const Shape& s : {Shape{1, 6, kK}, Shape{2, 5, kK}, Shape{1, 1, kK}, Shape{3, 2, kK}}) {
        SCOPED_TRACE(to_string(s));
        const std::vector<Tensor> in = {random_tensor(s, static_cast<uint32_t>(s[0] * 10 + s[1]))};
        std::vector<Tensor> want = ref.run(in), got = last.run(in);
        const int64_t B = s[0], S = s[1];
        ASSERT_EQ(got[0].shape(), (Shape{B, 1, kN}));
        Tensor last_rows(ElementType::f32, {B, 1, kN});
        for (int64_t bb = 0; bb < B; ++bb)
          for (int64_t j = 0; j < kN; ++j)
            last_rows.data<float>()[bb * kN + j] = want[0].data<float>()[(bb * S + S - 1) * kN + j];
        EXPECT_LE(max_relative_diff(got[0], last_rows), is_integer(p) ? kIntegerTolerance : kTolerance);
        // Only the MatMul that feeds the "logits" Result is cut to the last position.
        EXPECT_EQ(got[1].shape(), (Shape{B, S, kN}));
        EXPECT_LE(max_relative_diff(got[1], want[1]), kTolerance);
      }
    }
  }
}

TEST_P(FuseLinear, LogitsToKeepChoosesHowManyLastPositions) {
  for (Precision p : {Precision::f32, Precision::int4_asym}) {
    SCOPED_TRACE(convert::to_string(p));
    const ir::Model m = two_heads_model(true, p);
    Runner ref(compile(m, false)), last(compile(m, true, true));
    // The pass adds the input after the model's own, an i64 scalar that defaults to 1.
    const auto& inputs = last.model->inputs();
    ASSERT_EQ(inputs.size(), 2u);
    EXPECT_EQ(inputs[0].name, "hidden");
    EXPECT_EQ(inputs[1].name, kLogitsToKeep);
    EXPECT_EQ(inputs[1].type, ElementType::i64);
    ASSERT_TRUE(inputs[1].default_value.valid());
    EXPECT_EQ(inputs[1].default_value.get_i64(0), 1);
    EXPECT_EQ(compile(m, true, false)->inputs().size(), 1u) << "only with last_position_logits";
    const int64_t B = 2, S = 5;
    const Tensor x = random_tensor({B, S, kK}, 7);
    const Tensor full = ref.run({x})[0];
    for (int64_t keep : {1, 3, 0, 9, 2}) {  // a changed value between runs re-infers the shape
      SCOPED_TRACE("keep " + std::to_string(keep));
      const int64_t rows = keep == 0 ? S : std::min(keep, S);
      Tensor k(ElementType::i64, {});
      k.set_i64(0, keep);
      std::vector<Tensor> got = last.run({x, k});
      ASSERT_EQ(got[0].shape(), (Shape{B, rows, kN}));
      Tensor want(ElementType::f32, {B, rows, kN});
      for (int64_t b = 0; b < B; ++b)
        std::memcpy(want.data<float>() + b * rows * kN, full.data<float>() + (b * S + S - rows) * kN,
                    sizeof(float) * rows * kN);
      EXPECT_LE(max_relative_diff(got[0], want), is_integer(p) ? kIntegerTolerance : kTolerance);
      EXPECT_EQ(got[1].shape(), (Shape{B, S, kN}));
    }
    Tensor negative(ElementType::i64, {});
    negative.set_i64(0, -1);
    try {
      last.run({x, negative});
      ADD_FAILURE() << "a negative logits_to_keep must fail";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("logits_to_keep"), std::string::npos) << e.what();
    }
  }
}

TEST_P(FuseLinear, LastPositionLogitsNotWhenTheLogitsHaveAnotherReader) {
  // The logits MatMul also feeds a Softmax: every row is needed.
  ir::GraphBuilder b("shared_logits");
  auto h = b.parameter("hidden", ElementType::f32, PartialShape({-1, -1, kK}));
  auto logits = b.op("MatMul", "opset1", {h, b.constant(weight())}, {{"transpose_a", "false"}, {"transpose_b", "true"}});
  b.result(logits, "logits");
  b.result(b.op("SoftMax", "opset8", {logits}, {{"axis", "-1"}}), "probs");
  const ir::Model m = b.build();
  Runner ref(compile(m, false)), last(compile(m, true, true));
  EXPECT_EQ(fired(*last.model, "FullyConnected"), 1);
  const std::vector<Tensor> in = {random_tensor({2, 4, kK}, 3)};
  std::vector<Tensor> want = ref.run(in), got = last.run(in);
  ASSERT_EQ(got[0].shape(), (Shape{2, 4, kN}));
  EXPECT_LE(max_relative_diff(got[0], want[0]), kTolerance);
  EXPECT_LE(max_relative_diff(got[1], want[1]), kTolerance);
}

TEST_P(FuseLinear, WithoutTheOptionEveryPositionIsComputed) {
  const ir::Model m = two_heads_model(false, Precision::f32);
  auto opt = compile(m, true, false);
  auto req = opt->create_infer_request();
  req.set_input(0, random_tensor({1, 6, kK}, 1));
  req.infer();
  EXPECT_EQ(req.output("logits").shape(), (Shape{1, 6, kN}));
}

TEST(FuseLinearSwitch, OptimizeOffAndOpenarcReferenceKeepTheReferenceOps) {
  LinearForm f;
  f.precision = Precision::int4_asym;
  f.group_size = 32;
  const ir::Model m = linear_model(f);
  auto off = compile(m, false);
  EXPECT_TRUE(off->fusions().empty());
  EXPECT_EQ(count_type(off->model(), "FullyConnected"), 0);
  for (const char* value : {"1", "yes"}) {
    ::setenv("OPENARC_REFERENCE", value, 1);
    auto env = compile(m, true);
    ::unsetenv("OPENARC_REFERENCE");
    EXPECT_TRUE(env->fusions().empty()) << value;
    EXPECT_EQ(count_type(env->model(), "FullyConnected"), 0) << value;
    EXPECT_EQ(count_type(env->model(), "MatMul"), 1) << value;
  }
  ::setenv("OPENARC_REFERENCE", "0", 1);
  auto on = compile(m, true);
  ::unsetenv("OPENARC_REFERENCE");
  EXPECT_EQ(fired(*on, "FullyConnected"), 1);
  // The caller's model is not rewritten by compilation.
  EXPECT_EQ(count_type(m, "FullyConnected"), 0);
}

INSTANTIATE_TEST_SUITE_P(Isa, FuseLinear, kernels::testing::isa_levels(), kernels::testing::isa_name);

}  // namespace
}  // namespace openarc::graph

// The execution plan (runtime/execution_plan.h): a run re-infers only the nodes whose shape
// depends on what changed and re-evaluates only those whose value does, in liveness-shared
// buffers. Whatever the sequence of runs on one request, each must give what a fresh request
// gives; outputs handed out earlier stay as they were; data-dependent shapes follow the data.
#include <gtest/gtest.h>

#include <random>

#include "core/error.h"
#include "graph/bind.h"
#include "ir/builder.h"
#include "kernels/isa_fixture.h"
#include "runtime/compiled_model.h"
#include "model_test_util.h"

namespace openarc::runtime {
namespace {

std::vector<Tensor> run(InferRequest& req, const CompiledModel& cm, const std::vector<Tensor>& inputs) {
  for (size_t i = 0; i < inputs.size(); ++i) req.set_input(i, inputs[i]);
  req.infer();
  std::vector<Tensor> out;
  for (size_t i = 0; i < cm.outputs().size(); ++i) out.push_back(req.output(i));
  return out;
}

// What a new request on the same compiled model gives for these inputs (copied out).
std::vector<Tensor> fresh_run(const CompiledModel& cm, const std::vector<Tensor>& inputs) {
  InferRequest req = cm.create_infer_request();
  std::vector<Tensor> out = run(req, cm, inputs);
  for (Tensor& t : out) t = t.clone();
  return out;
}

void expect_equal(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_EQ(got.type(), want.type()) << what;
  ASSERT_EQ(got.shape(), want.shape()) << what;
  for (int64_t i = 0; i < want.size(); ++i) ASSERT_EQ(got.get_f64(i), want.get_f64(i)) << what << " element " << i;
}

// Runs every input set in turn on one request and compares each run with a fresh request.
void expect_runs_match_fresh_requests(const CompiledModel& cm, const std::vector<std::vector<Tensor>>& sets) {
  InferRequest req = cm.create_infer_request();
  for (size_t s = 0; s < sets.size(); ++s) {
    std::vector<Tensor> got = run(req, cm, sets[s]), want = fresh_run(cm, sets[s]);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) expect_equal(got[i], want[i], "run " + std::to_string(s) + " output " + std::to_string(i));
  }
}

// x [B, S, 8]: h = Softmax(MatMul(x, W [8, 8]) + x); flat = Reshape(h, Concat(ShapeOf(x)[0], -1))
// (the target from a ShapeOf side graph: [B, S * 8]); outputs h, flat, ReduceSum(flat, 1) and
// the side graph's S * 8 itself.
ir::Model side_graph_model() {
  ir::GraphBuilder b("side_graph");
  auto x = b.parameter("x", ElementType::f32, PartialShape({-1, -1, 8}));
  auto w = b.constant(random_f32({8, 8}, 99));
  auto mm = b.op("MatMul", "opset1", {x, w}, {{"transpose_a", "false"}, {"transpose_b", "false"}});
  auto h = b.op("SoftMax", "opset8", {b.op("Add", "opset1", {mm, x})}, {{"axis", "-1"}});
  auto shape = b.op("ShapeOf", "opset3", {x}, {{"output_type", "i64"}});
  auto batch = b.op("Gather", "opset8", {shape, i64s(b, {0}), b.constant(Tensor::scalar<int64_t>(0))}, {{"batch_dims", "0"}});
  auto target = b.op("Concat", "opset1", {batch, i64s(b, {-1})}, {{"axis", "0"}});
  auto flat = b.op("Reshape", "opset1", {h, target}, {{"special_zero", "false"}});
  auto seq = b.op("Gather", "opset8", {shape, i64s(b, {1}), b.constant(Tensor::scalar<int64_t>(0))}, {{"batch_dims", "0"}});
  auto width = b.op("Multiply", "opset1", {seq, i64s(b, {8})});
  b.result(h, "h");
  b.result(flat, "flat");
  b.result(b.op("ReduceSum", "opset1", {flat, i64s(b, {1})}, {{"keep_dims", "false"}}), "sum");
  b.result(width, "width");
  return b.build();
}

class ExecutionPlanRuns : public kernels::testing::AtIsaLevel {};

TEST_P(ExecutionPlanRuns, AlternatingPrefillLengthsAndBatchSizes) {
  auto cm = compile(side_graph_model());
  std::vector<std::vector<Tensor>> sets;
  uint32_t seed = 1;
  for (const Shape& s : {Shape{1, 7, 8}, Shape{1, 1, 8}, Shape{1, 1, 8}, Shape{2, 7, 8}, Shape{1, 7, 8},
                         Shape{3, 2, 8}, Shape{1, 12, 8}, Shape{1, 1, 8}, Shape{2, 7, 8}, Shape{1, 3, 8}})
    sets.push_back({random_f32(s, seed++)});
  expect_runs_match_fresh_requests(*cm, sets);
  // And the values themselves: the side graph's width follows S, the reshape [B, S * 8].
  InferRequest req = cm->create_infer_request();
  for (const std::vector<Tensor>& in : sets) {
    std::vector<Tensor> out = run(req, *cm, in);
    const Shape& s = in[0].shape();
    EXPECT_EQ(out[1].shape(), (Shape{s[0], s[1] * 8}));
    EXPECT_EQ(out[3].get_i64(0), s[1] * 8);
  }
}

TEST_P(ExecutionPlanRuns, EqualsTheReferencePathOnEveryRun) {
  auto opt = compile(side_graph_model(), true), ref = compile(side_graph_model(), false);
  InferRequest a = opt->create_infer_request(), b = ref->create_infer_request();
  uint32_t seed = 40;
  for (const Shape& s : {Shape{2, 5, 8}, Shape{2, 1, 8}, Shape{1, 9, 8}, Shape{2, 5, 8}}) {
    const std::vector<Tensor> in = {random_f32(s, seed++)};
    std::vector<Tensor> got = run(a, *opt, in), want = run(b, *ref, in);
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].shape(), want[i].shape());
      for (int64_t k = 0; k < got[i].size(); ++k) EXPECT_NEAR(got[i].get_f64(k), want[i].get_f64(k), 1e-5);
    }
  }
}

TEST_P(ExecutionPlanRuns, InputsWhoseShapesChangeIndependently) {
  // y = a [N, 4] * Unsqueeze(b [N], 1) + ReduceMean(c [M], 0); z = Concat(b, c).
  ir::GraphBuilder g("two_inputs");
  auto a = g.parameter("a", ElementType::f32, PartialShape({-1, 4}));
  auto bb = g.parameter("b", ElementType::f32, PartialShape({-1}));
  auto c = g.parameter("c", ElementType::f32, PartialShape({-1}));
  auto col = g.op("Unsqueeze", "opset1", {bb, i64s(g, {1})});
  auto mean = g.op("ReduceMean", "opset1", {c, i64s(g, {0})}, {{"keep_dims", "false"}});
  g.result(g.op("Add", "opset1", {g.op("Multiply", "opset1", {a, col}), mean}), "y");
  g.result(g.op("Concat", "opset1", {bb, c}, {{"axis", "0"}}), "z");
  auto cm = compile(g.build());
  std::vector<std::vector<Tensor>> sets;
  uint32_t seed = 10;
  for (auto [n, m] : {std::pair<int64_t, int64_t>{3, 5}, {3, 2}, {1, 2}, {1, 2}, {6, 2}, {6, 9}, {3, 5}, {2, 1}}) {
    sets.push_back({random_f32({n, 4}, seed), random_f32({n}, seed + 1), random_f32({m}, seed + 2)});
    seed += 3;
  }
  expect_runs_match_fresh_requests(*cm, sets);
}

TEST_P(ExecutionPlanRuns, EarlierOutputsStayValidAfterLaterRuns) {
  // Outputs of the same shape run after run: the buffers of the plan must not be handed out.
  auto cm = compile(side_graph_model());
  InferRequest req = cm->create_infer_request();
  std::vector<std::vector<Tensor>> kept, copies;
  uint32_t seed = 20;
  for (const Shape& s : {Shape{1, 4, 8}, Shape{1, 4, 8}, Shape{2, 3, 8}, Shape{1, 4, 8}}) {
    std::vector<Tensor> out = run(req, *cm, {random_f32(s, seed++)});
    kept.push_back(out);
    std::vector<Tensor> c;
    for (const Tensor& t : out) c.push_back(t.clone());
    copies.push_back(c);
  }
  for (size_t r = 0; r < kept.size(); ++r)
    for (size_t i = 0; i < kept[r].size(); ++i)
      expect_equal(kept[r][i], copies[r][i], "run " + std::to_string(r) + " output " + std::to_string(i));
}

TEST_P(ExecutionPlanRuns, OutputsOfConstantsAndInputsStayValid) {
  // A Result on a constant-only subgraph (computed once), one on an input, one computed.
  ir::GraphBuilder g("kinds");
  auto x = g.parameter("x", ElementType::f32, PartialShape({-1}));
  auto k = g.op("Multiply", "opset1", {g.constant(Tensor::from<float>({3}, {1, 2, 3})), g.constant(Tensor::scalar<float>(2))});
  g.result(k, "constant");
  g.result(x, "echo");
  g.result(g.op("Relu", "opset1", {x}), "relu");
  auto cm = compile(g.build());
  InferRequest req = cm->create_infer_request();
  std::vector<Tensor> first = run(req, *cm, {Tensor::from<float>({2}, {-1, 4})});
  std::vector<Tensor> second = run(req, *cm, {Tensor::from<float>({2}, {5, -6})});
  EXPECT_EQ(first[0].to_f32_vector(), (std::vector<float>{2, 4, 6}));
  EXPECT_EQ(first[1].to_f32_vector(), (std::vector<float>{-1, 4}));
  EXPECT_EQ(first[2].to_f32_vector(), (std::vector<float>{0, 4}));
  EXPECT_EQ(second[0].to_f32_vector(), (std::vector<float>{2, 4, 6}));
  EXPECT_EQ(second[1].to_f32_vector(), (std::vector<float>{5, -6}));
  EXPECT_EQ(second[2].to_f32_vector(), (std::vector<float>{5, 0}));
}

TEST_P(ExecutionPlanRuns, RangeWhoseStopIsAnInputValue) {
  // y = Range(0, n, 1) * scale: the output length is the input's value, not its shape.
  ir::GraphBuilder g("range");
  auto n = g.parameter("n", ElementType::i64, PartialShape(Shape{}));
  auto scale = g.parameter("scale", ElementType::f32, PartialShape(Shape{}));
  auto r = g.op("Range", "opset4", {g.constant(Tensor::scalar<int64_t>(0)), n, g.constant(Tensor::scalar<int64_t>(1))},
                {{"output_type", "f32"}});
  g.result(g.op("Multiply", "opset1", {r, scale}), "y");
  auto cm = compile(g.build());
  InferRequest req = cm->create_infer_request();
  std::vector<std::vector<Tensor>> sets;
  for (int64_t v : {4, 4, 7, 1, 0, 7, 3})
    sets.push_back({Tensor::scalar<int64_t>(v), Tensor::scalar<float>(static_cast<float>(v) + 0.5f)});
  for (const std::vector<Tensor>& in : sets) {
    std::vector<Tensor> out = run(req, *cm, in);
    const int64_t count = in[0].get_i64(0);
    ASSERT_EQ(out[0].shape(), (Shape{count}));
    for (int64_t i = 0; i < count; ++i) EXPECT_EQ(out[0].get_f64(i), static_cast<double>(i) * in[1].get_f64(0));
  }
  expect_runs_match_fresh_requests(*cm, sets);
}

TEST_P(ExecutionPlanRuns, NonZeroOfTheSameShapeWithOtherData) {
  // idx = NonZero(x [6]) -> [1, count]; y = Gather(x, idx[0]) (the non-zero values).
  ir::GraphBuilder g("non_zero");
  auto x = g.parameter("x", ElementType::f32, PartialShape({6}));
  auto idx = g.op("NonZero", "opset3", {x}, {{"output_type", "i64"}});
  auto row = g.op("Squeeze", "opset1", {idx, i64s(g, {0})});
  g.result(idx, "idx");
  g.result(g.op("Gather", "opset8", {x, row, g.constant(Tensor::scalar<int64_t>(0))}, {{"batch_dims", "0"}}), "values");
  auto cm = compile(g.build());
  InferRequest req = cm->create_infer_request();
  const std::vector<std::vector<float>> data = {
      {0, 1, 0, 2, 0, 3}, {4, 5, 6, 0, 0, 0}, {0, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 1, 1}, {0, 0, 9, 0, 0, 0}};
  std::vector<std::vector<Tensor>> sets;
  for (const auto& d : data) {
    Tensor t(ElementType::f32, {6});
    std::copy(d.begin(), d.end(), t.data<float>());
    sets.push_back({t});
  }
  for (size_t s = 0; s < sets.size(); ++s) {
    std::vector<Tensor> out = run(req, *cm, sets[s]);
    std::vector<float> want;
    for (float v : data[s])
      if (v != 0) want.push_back(v);
    ASSERT_EQ(out[0].shape(), (Shape{1, static_cast<int64_t>(want.size())})) << "run " << s;
    EXPECT_EQ(out[1].to_f32_vector(), want) << "run " << s;
  }
  expect_runs_match_fresh_requests(*cm, sets);
}

TEST_P(ExecutionPlanRuns, AFailedRunDoesNotLeaveItsShapesForTheNext) {
  // y = Reshape(Relu(x), [2, -1]): x [3] fails at the Reshape after Relu has taken shape [3];
  // the next run, with the shape of the last good one, must not reuse what the failed run left.
  ir::GraphBuilder g("fails");
  auto x = g.parameter("x", ElementType::f32, PartialShape({-1}));
  auto relu = g.op("Relu", "opset1", {x});
  g.result(g.op("Reshape", "opset1", {relu, i64s(g, {2, -1})}, {{"special_zero", "false"}}), "y");
  auto cm = compile(g.build());
  InferRequest req = cm->create_infer_request();
  run(req, *cm, {Tensor::from<float>({4}, {1, 2, 3, 4})});
  req.set_input(0, Tensor::from<float>({3}, {1, 2, 3}));
  EXPECT_THROW(req.infer(), Error);
  const std::vector<Tensor> in = {Tensor::from<float>({4}, {5, -6, 7, 8})};
  std::vector<Tensor> got = run(req, *cm, in);
  expect_equal(got[0], fresh_run(*cm, in)[0], "after a failed run");
  EXPECT_EQ(got[0].to_f32_vector(), (std::vector<float>{5, 0, 7, 8}));
}

INSTANTIATE_TEST_SUITE_P(Isa, ExecutionPlanRuns, kernels::testing::isa_levels(), kernels::testing::isa_name);

// The plan itself, on x -> Relu x4 -> Result plus a ShapeOf side graph.
TEST(ExecutionPlan, StorageAndDependencies) {
  ir::GraphBuilder g("chain");
  auto x = g.parameter("x", ElementType::f32, PartialShape({-1, 3}));      // node 0
  auto r1 = g.op("Relu", "opset1", {x});                                   // 1
  auto r2 = g.op("Relu", "opset1", {r1});                                  // 2
  auto r3 = g.op("Relu", "opset1", {r2});                                  // 3
  auto r4 = g.op("Relu", "opset1", {r3});                                  // 4
  g.result(r4, "y");                                                       // 5
  auto shape = g.op("ShapeOf", "opset3", {x}, {{"output_type", "i64"}});  // 6
  g.result(shape, "shape");                                                // 7
  auto cst = g.constant(Tensor::from<float>({1}, {1}));                     // 8
  g.result(g.op("Relu", "opset1", {cst}), "constant");                      // 9, 10
  ir::Model m = g.build();
  graph::bind(m);
  const ExecutionPlan plan = ExecutionPlan::build(m);
  auto value = [&](size_t node) { return plan.values[plan.steps[node].first_output]; };
  using S = ExecutionPlan::Storage;
  EXPECT_EQ(value(0).storage, S::external);
  EXPECT_EQ(value(1).storage, S::slot);
  EXPECT_EQ(value(2).storage, S::slot);
  EXPECT_EQ(value(3).storage, S::slot);
  EXPECT_EQ(value(4).storage, S::fresh);  // a model output
  EXPECT_EQ(value(6).storage, S::fresh);
  EXPECT_EQ(value(8).storage, S::external);
  EXPECT_EQ(value(9).storage, S::fresh);
  // r1 is dead once r2 is computed: r3 takes its slot; two slots serve three values.
  EXPECT_EQ(plan.slot_count, 2);
  EXPECT_EQ(value(1).slot, value(3).slot);
  EXPECT_NE(value(1).slot, value(2).slot);
  // Shapes depend on x's dim 0 only (dim 1 is static but still a bit); values on the data too.
  const uint64_t dim0 = signature_bit(0), dim1 = signature_bit(1);
  EXPECT_EQ(plan.steps[4].shape_deps, dim0 | dim1);
  EXPECT_TRUE(plan.steps[4].value_deps & ExecutionPlan::kData);
  EXPECT_FALSE(plan.steps[6].value_deps & ExecutionPlan::kData) << "ShapeOf reads no data";
  EXPECT_EQ(plan.steps[9].value_deps, 0u) << "a constant subgraph is computed once";
}

// PERF_COUNT: a request profiles the nodes it computes, not the ones whose value it reuses.
TEST(ExecutionPlan, PerfCountTimesTheNodesThatRan) {
  ir::GraphBuilder g("profiled");
  auto x = g.parameter("x", ElementType::f32, PartialShape({-1, 3}));
  g.result(g.op("Relu", "opset1", {g.op("Relu", "opset1", {x})}), "y");
  g.result(g.op("Relu", "opset1", {g.constant(Tensor::from<float>({1}, {-1}))}), "constant");
  auto model = std::make_shared<ir::Model>(g.build());
  InferRequest off = CompiledModel::compile(model)->create_infer_request();
  off.set_input(0, Tensor::from<float>({1, 3}, {1, -2, 3}));
  off.infer();
  EXPECT_TRUE(off.profiling_info().empty()) << "profiling is off unless asked for";

  CompileOptions options;
  options.perf_count = true;
  InferRequest req = CompiledModel::compile(model, options)->create_infer_request();
  for (int run = 0; run < 3; ++run) {
    req.set_input(0, Tensor::from<float>({1, 3}, {1, -2, float(run)}));
    req.infer();
  }
  std::vector<ProfilingInfo> info = req.profiling_info();
  ASSERT_EQ(info.size(), 3u);  // the two Relus on x and the one on the constant; no Parameter, Const, Result
  int64_t on_x = 0, on_constant = 0;
  for (const ProfilingInfo& p : info) {
    EXPECT_EQ(p.node_type, "Relu");
    EXPECT_FALSE(p.node_name.empty());
    EXPECT_GE(p.real_time_ns, 0);
    (p.runs == 3 ? on_x : on_constant) += p.runs;
  }
  EXPECT_EQ(on_x, 6) << "each Relu on x ran in every run";
  EXPECT_EQ(on_constant, 1) << "the constant's Relu ran once; later runs reuse its value";
  req.reset_profiling();
  EXPECT_TRUE(req.profiling_info().empty());
  req.set_input(0, Tensor::from<float>({1, 3}, {4, 5, 6}));
  req.infer();
  EXPECT_EQ(req.profiling_info().size(), 2u);
}

}  // namespace
}  // namespace openarc::runtime

// SwiGLU fusion: Multiply(Swish(gate), up) against its reference graph, and look-alikes.
#include <gtest/gtest.h>

#include "core/thread_pool.h"
#include "fusion_test_util.h"
#include "ir/builder.h"
#include "ops/fused_swiglu.h"

namespace openarc::graph {
namespace {

using testing::apply;
using testing::count_type;
using testing::expect_same_outputs;
using testing::random_tensor;

struct GluForm {
  bool beta = false, swap = false;
  float beta_value = 1.7f;
  PartialShape up_shape = PartialShape({-1, -1, 24});
  std::string activation = "Swish";
};

ir::Model glu_model(const GluForm& f) {
  ir::GraphBuilder b("glu");
  auto gate = b.parameter("gate", ElementType::f32, PartialShape({-1, -1, 24}));
  auto up = b.parameter("up", ElementType::f32, f.up_shape);
  std::vector<ir::OutputRef> in{gate};
  if (f.beta) in.push_back(b.constant(Tensor::scalar<float>(f.beta_value)));
  auto act = f.activation == "Gelu" ? b.op("Gelu", "opset7", in, {{"approximation_mode", "tanh"}})
                                    : b.op(f.activation, "opset4", in);
  auto y = f.swap ? b.op("Multiply", "opset1", {up, act}, {}, "mlp/Multiply")
                  : b.op("Multiply", "opset1", {act, up}, {}, "mlp/Multiply");
  b.result(y, "y");
  return b.build();
}

std::vector<Tensor> glu_inputs(Shape gate = {2, 5, 24}, Shape up = {2, 5, 24}) {
  return {random_tensor(gate, 1, -6.0f, 6.0f), random_tensor(up, 2)};
}

TEST(FuseSwiglu, SiluAndBetaInEitherOrder) {
  for (int bits = 0; bits < 4; ++bits) {
    GluForm f;
    f.beta = bits & 1;
    f.swap = bits & 2;
    SCOPED_TRACE(bits);
    expect_same_outputs(glu_model(f), fuse_swiglu, 1, glu_inputs(), 1e-6);
    testing::Fused fused = apply(glu_model(f), fuse_swiglu);
    EXPECT_EQ(count_type(fused.model, "Swish") + count_type(fused.model, "Multiply"), 0);
    ASSERT_NE(fused.model.find("mlp/Multiply"), nullptr);
    EXPECT_EQ(fused.model.find("mlp/Multiply")->type, "SwiGLU");
  }
}

TEST(FuseSwiglu, LargeOnThePool) {
  expect_same_outputs(glu_model(GluForm{}), fuse_swiglu, 1, glu_inputs({4, 1000, 24}, {4, 1000, 24}), 1e-6);
}

TEST(FuseSwiglu, KernelIsBitIdenticalForAnyThreadCount) {
  const int64_t n = 100000;
  Tensor g = random_tensor({n}, 3, -8.0f, 8.0f), u = random_tensor({n}, 4);
  std::vector<std::vector<float>> results;
  for (int threads : {1, 3}) {
    ThreadPool pool(threads);
    ScopedPool scope(pool);
    std::vector<float> y(n);
    ops::swiglu(g.data<float>(), u.data<float>(), y.data(), n, 1.0f);
    results.push_back(y);
  }
  EXPECT_EQ(results[0], results[1]);
}

TEST(FuseSwiglu, MustNotFireOnLookAlikes) {
  GluForm broadcast_up;  // up [B, S, 1] broadcasts: not an elementwise gate
  broadcast_up.up_shape = PartialShape({-1, -1, 1});
  EXPECT_EQ(apply(glu_model(broadcast_up), fuse_swiglu).fired, 0);
  GluForm gelu;  // GELU-tanh MLPs are another pattern
  gelu.activation = "Gelu";
  EXPECT_EQ(apply(glu_model(gelu), fuse_swiglu).fired, 0);
  GluForm hswish;
  hswish.activation = "HSwish";
  EXPECT_EQ(apply(glu_model(hswish), fuse_swiglu).fired, 0);
}

TEST(FuseSwiglu, ComputedBetaDoesNotMatch) {
  ir::GraphBuilder b("glu");
  auto gate = b.parameter("gate", ElementType::f32, PartialShape({-1, 24}));
  auto up = b.parameter("up", ElementType::f32, PartialShape({-1, 24}));
  auto beta = b.parameter("beta", ElementType::f32, PartialShape(Shape{}));
  b.result(b.op("Multiply", "opset1", {b.op("Swish", "opset4", {gate, beta}), up}), "y");
  EXPECT_EQ(apply(b.build(), fuse_swiglu).fired, 0);
}

TEST(FuseSwiglu, BetaWithoutDataFiresButCannotRun) {
  GluForm f;
  f.beta = true;
  ir::Model m = glu_model(f);
  bind(m);
  for (ir::Node& n : m.nodes)
    if (n.type == "Const") n.constant = Tensor();
  ASSERT_EQ(fuse_swiglu(m, PassOptions{}), 1);
  const ir::Node* glu = m.find("mlp/Multiply");
  ASSERT_NE(glu, nullptr);
  std::vector<Tensor> in = glu_inputs(), out{Tensor(ElementType::f32, {2, 5, 24})};
  EXPECT_THROW(glu->op->evaluate(in, out), Error);
}

}  // namespace
}  // namespace openarc::graph

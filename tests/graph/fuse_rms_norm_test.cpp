// RMSNorm fusion: every written form against its reference graph, and the look-alikes it must
// leave alone.
#include <gtest/gtest.h>

#include "core/thread_pool.h"
#include "fusion_test_util.h"
#include "ir/builder.h"
#include "ops/fused_rms_norm.h"

namespace openarc::graph {
namespace {

using testing::apply;
using testing::count_type;
using testing::expect_same_outputs;
using testing::random_tensor;

enum class Rsqrt { sqrt_divide_one, power_minus_half, divide_x };

struct RmsNormForm {
  Rsqrt rsqrt = Rsqrt::sqrt_divide_one;
  bool swap_add = false, swap_mul = false, weight_first = false;
  Shape x{2, 3, 40};   // 40: two blocks of the kernel's 16 lanes and a tail
  Shape w{1, 1, 40};   // empty: no weight Multiply
  double exponent = 2.0, numerator = 1.0;
  int64_t axis = -1;
  bool keep_dims = true;
};

ir::OutputRef scalar_like(ir::GraphBuilder& b, float v, size_t rank) {
  Tensor t(ElementType::f32, Shape(rank, 1));
  t.data<float>()[0] = v;
  return b.constant(t);
}

// x -> Power(2) -> ReduceMean -> Add(eps) -> rsqrt -> Multiply(x) [-> Multiply(w)], as exports write it.
ir::Model norm_model(const RmsNormForm& f) {
  ir::GraphBuilder b("rms");
  const size_t rank = f.x.size();
  auto x = b.parameter("x", ElementType::f32, PartialShape::dynamic(rank));
  auto sq = b.op("Power", "opset1", {x, scalar_like(b, static_cast<float>(f.exponent), rank)}, {{"auto_broadcast", "numpy"}});
  auto mean = b.op("ReduceMean", "opset1", {sq, b.constant(Tensor::from<int64_t>({1}, {f.axis}))},
                   {{"keep_dims", f.keep_dims ? "true" : "false"}});
  auto eps = scalar_like(b, 1e-6f, rank);
  auto var = f.swap_add ? b.op("Add", "opset1", {eps, mean}) : b.op("Add", "opset1", {mean, eps});
  ir::OutputRef n;
  if (f.rsqrt == Rsqrt::divide_x) {
    n = b.op("Divide", "opset1", {x, b.op("Sqrt", "opset1", {var})}, {{"m_pythondiv", "true"}});
  } else {
    ir::OutputRef inv =
        f.rsqrt == Rsqrt::power_minus_half
            ? b.op("Power", "opset1", {var, scalar_like(b, -0.5f, rank)})
            : b.op("Divide", "opset1", {scalar_like(b, static_cast<float>(f.numerator), rank), b.op("Sqrt", "opset1", {var})},
                   {{"m_pythondiv", "true"}});
    n = f.swap_mul ? b.op("Multiply", "opset1", {inv, x}) : b.op("Multiply", "opset1", {x, inv});
  }
  if (!f.w.empty()) {
    auto w = b.constant(random_tensor(f.w, 7, 0.5f, 1.5f), "weight");
    n = f.weight_first ? b.op("Multiply", "opset1", {w, n}, {}, "norm/Multiply_1")
                       : b.op("Multiply", "opset1", {n, w}, {}, "norm/Multiply_1");
  }
  b.result(n, "y");
  return b.build();
}

void expect_rms_norm_fuses(const RmsNormForm& f) {
  expect_same_outputs(norm_model(f), fuse_rms_norm, 1, {random_tensor(f.x, 1)});
  testing::Fused fused = apply(norm_model(f), fuse_rms_norm);
  EXPECT_EQ(count_type(fused.model, "RMSNorm"), 1);
  // Nothing of the chain is left: the fused op reads x (and w) only.
  EXPECT_EQ(count_type(fused.model, "Power") + count_type(fused.model, "ReduceMean") + count_type(fused.model, "Sqrt") +
                count_type(fused.model, "Divide") + count_type(fused.model, "Multiply"),
            0);
}

void expect_rms_norm_not_fused(const RmsNormForm& f) {
  testing::Fused fused = apply(norm_model(f), fuse_rms_norm);
  EXPECT_EQ(fused.fired, 0);
  EXPECT_EQ(count_type(fused.model, "RMSNorm"), 0);
}

TEST(FuseRmsNorm, ExportForm) { expect_rms_norm_fuses(RmsNormForm{}); }

TEST(FuseRmsNorm, OperandsInEitherOrder) {
  for (int bits = 1; bits < 8; ++bits) {
    RmsNormForm f;
    f.swap_add = bits & 1;
    f.swap_mul = bits & 2;
    f.weight_first = bits & 4;
    SCOPED_TRACE(bits);
    expect_rms_norm_fuses(f);
  }
}

TEST(FuseRmsNorm, RsqrtAsPowerAndDivideOfX) {
  for (Rsqrt r : {Rsqrt::power_minus_half, Rsqrt::divide_x}) {
    RmsNormForm f;
    f.rsqrt = r;
    f.weight_first = true;
    SCOPED_TRACE(static_cast<int>(r));
    expect_rms_norm_fuses(f);
  }
}

TEST(FuseRmsNorm, WeightShapesAndNoWeight) {
  for (Shape w : {Shape{40}, Shape{1, 40}, Shape{1, 1, 40}, Shape{}}) {
    RmsNormForm f;
    f.w = w;
    SCOPED_TRACE(to_string(w));
    expect_rms_norm_fuses(f);
  }
}

TEST(FuseRmsNorm, PerHeadNormOnFourDims) {
  // Qwen3's q_norm / k_norm: [B, S, H, D] with w [1, 1, 1, D], the axis written as rank-1.
  RmsNormForm f;
  f.x = {1, 5, 4, 16};
  f.w = {1, 1, 1, 16};
  f.axis = 3;
  f.weight_first = true;
  expect_rms_norm_fuses(f);
}

TEST(FuseRmsNorm, ManyRowsOnThePool) {
  RmsNormForm f;
  f.x = {3, 700, 64};  // 2100 rows: several chunks of the thread pool
  f.w = {64};
  expect_rms_norm_fuses(f);
}

TEST(FuseRmsNorm, KernelIsBitIdenticalForAnyThreadCount) {
  const int64_t rows = 1000, e = 100;
  Tensor x = random_tensor({rows, e}, 3), w = random_tensor({e}, 4);
  std::vector<std::vector<float>> results;
  for (int threads : {1, 2, 5}) {
    ThreadPool pool(threads);
    ScopedPool scope(pool);
    std::vector<float> y(rows * e);
    ops::rms_norm_rows(x.data<float>(), w.data<float>(), y.data(), rows, e, 1e-5f);
    results.push_back(y);
  }
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[0], results[2]);
}

TEST(FuseRmsNorm, MustNotFireOnLookAlikes) {
  RmsNormForm cube;
  cube.exponent = 3.0;
  expect_rms_norm_not_fused(cube);
  RmsNormForm other_axis;
  other_axis.axis = 1;
  expect_rms_norm_not_fused(other_axis);
  RmsNormForm no_keep_dims;
  no_keep_dims.keep_dims = false;
  expect_rms_norm_not_fused(no_keep_dims);
  RmsNormForm two_over;
  two_over.numerator = 2.0;
  expect_rms_norm_not_fused(two_over);
}

TEST(FuseRmsNorm, WeightThatBroadcastsStaysOutside) {
  // w [2, 1, 40] is not a per-channel weight: the norm fuses, the Multiply by w stays.
  RmsNormForm f;
  f.w = {2, 1, 40};
  expect_same_outputs(norm_model(f), fuse_rms_norm, 1, {random_tensor(f.x, 1)});
  testing::Fused fused = apply(norm_model(f), fuse_rms_norm);
  EXPECT_EQ(count_type(fused.model, "Multiply"), 1);
}

TEST(FuseRmsNorm, SquaresOfAnotherTensorDoNotMatch) {
  // Multiply(z, rsqrt(mean(x^2))): z is not the normalised x.
  ir::GraphBuilder b("rms");
  auto x = b.parameter("x", ElementType::f32, PartialShape::dynamic(3));
  auto z = b.parameter("z", ElementType::f32, PartialShape::dynamic(3));
  auto sq = b.op("Power", "opset1", {x, scalar_like(b, 2.0f, 3)});
  auto mean = b.op("ReduceMean", "opset1", {sq, b.constant(Tensor::from<int64_t>({1}, {-1}))}, {{"keep_dims", "true"}});
  auto var = b.op("Add", "opset1", {mean, scalar_like(b, 1e-6f, 3)});
  auto inv = b.op("Divide", "opset1", {scalar_like(b, 1.0f, 3), b.op("Sqrt", "opset1", {var})});
  b.result(b.op("Multiply", "opset1", {z, inv}), "y");
  EXPECT_EQ(apply(b.build(), fuse_rms_norm).fired, 0);
}

ir::Model opset_rms(int64_t axis, bool scale) {
  ir::GraphBuilder b("rms14");
  auto x = b.parameter("x", ElementType::f32, PartialShape::dynamic(3));
  std::vector<ir::OutputRef> in{x, b.constant(Tensor::from<int64_t>({1}, {axis}))};
  if (scale) in.push_back(b.constant(random_tensor({40}, 9, 0.5f, 1.5f)));
  b.result(b.op("RMS", "opset14", in, {{"epsilon", "1e-5"}, {"compute_type", "f32"}}), "y");
  return b.build();
}

TEST(FuseRmsNorm, OpsetRmsOverTheLastAxis) {
  expect_same_outputs(opset_rms(-1, true), fuse_rms_norm, 1, {random_tensor({2, 3, 40}, 1)});
  expect_same_outputs(opset_rms(2, false), fuse_rms_norm, 1, {random_tensor({2, 3, 40}, 1)});
  EXPECT_EQ(apply(opset_rms(1, true), fuse_rms_norm).fired, 0);
}

TEST(FuseRmsNorm, WithoutConstantDataFiresButCannotRun) {
  // A model read without its .bin: the pass matches on structure; the op refuses to run.
  ir::Model m = norm_model(RmsNormForm{});
  bind(m);
  for (ir::Node& n : m.nodes)
    if (n.type == "Const" && n.name != "weight") n.constant = Tensor();
  ASSERT_EQ(fuse_rms_norm(m, PassOptions{}), 1);
  const ir::Node* norm = m.find("norm/Multiply_1");
  ASSERT_NE(norm, nullptr);  // the pass keeps the root's name
  EXPECT_EQ(norm->type, "RMSNorm");
  std::vector<Tensor> in{random_tensor({2, 3, 40}, 1), random_tensor({1, 1, 40}, 2)};
  std::vector<Tensor> out{Tensor(ElementType::f32, {2, 3, 40})};
  EXPECT_THROW(norm->op->evaluate(in, out), Error);
}

}  // namespace
}  // namespace openarc::graph

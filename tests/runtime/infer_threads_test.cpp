// InferRequest::infer runs its kernels on the pool of CompileOptions::num_threads, and the result
// does not depend on the thread count.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>

#include "core/thread_pool.h"
#include "ir/builder.h"
#include "runtime/compiled_model.h"
#include "model_test_util.h"

namespace openarc::runtime {
namespace {

// y = x · W^T with W [N,K]: a decode-shaped Linear.
std::shared_ptr<ir::Model> linear_model(int64_t n, int64_t k) {
  ir::GraphBuilder b("linear");
  auto x = b.parameter("x", ElementType::f32, PartialShape({1, -1, k}));
  auto w = b.constant(random_f32({n, k}, 5, -1, 1));
  auto y = b.op("MatMul", "opset1", {x, w}, {{"transpose_a", "false"}, {"transpose_b", "true"}});
  b.result(y, "y");
  return std::make_shared<ir::Model>(b.build());
}

TEST(InferThreads, OutputsAreBitIdenticalForEveryNumThreads) {
  auto model = linear_model(1003, 96);
  Tensor x = random_f32({1, 3, 96}, 6, -1, 1);
  Tensor ref;
  for (int threads : {1, 2, 3, 0}) {
    auto cm = CompiledModel::compile(model, CompileOptions{threads});
    InferRequest r = cm->create_infer_request();
    r.set_input("x", x);
    r.infer();
    const Tensor& y = r.output("y");
    ASSERT_EQ(to_string(y.shape()), "[1,3,1003]");
    if (!ref.valid()) {
      ref = y;
      continue;
    }
    EXPECT_EQ(std::memcmp(y.data(), ref.data(), y.byte_size()), 0) << "num_threads " << threads;
  }
}

TEST(InferThreads, TheCallersCurrentPoolIsRestored) {
  auto cm = CompiledModel::compile(linear_model(8, 4), CompileOptions{3});
  InferRequest r = cm->create_infer_request();
  ThreadPool& mine = shared_pool(2);
  ScopedPool scope(mine);
  r.set_input("x", random_f32({1, 1, 4}, 1, -1, 1));
  r.infer();
  EXPECT_EQ(&current_pool(), &mine);
  // Also when infer throws (a missing input).
  InferRequest unset = cm->create_infer_request();
  EXPECT_ANY_THROW(unset.infer());
  EXPECT_EQ(&current_pool(), &mine);
}

}  // namespace
}  // namespace openarc::runtime

// Variables of ReadValue/Assign persist across infer() per request: they accumulate, reset, trim
// to a prefix along the sequence axis (what prefix reuse of an LLM's KV cache needs), and two
// requests on one compiled model keep separate states.
#include <gtest/gtest.h>

#include "core/error.h"
#include "graph/bind.h"
#include "ir/builder.h"
#include "runtime/compiled_model.h"

namespace openarc::runtime {
namespace {

// history = Concat(ReadValue("history", init [1,0]), x, axis 1); Assign(history);
// total = ReadValue("total", init 0) + ReduceSum(x); Assign(total). Outputs: history, total.
std::shared_ptr<CompiledModel> accumulator() {
  ir::GraphBuilder b("accumulator");
  auto x = b.parameter("x", ElementType::f32, PartialShape({1, -1}));
  auto empty = b.constant(Tensor(ElementType::f32, {1, 0}));
  auto past = b.op("ReadValue", "opset6", {empty},
                   {{"variable_id", "history"}, {"variable_type", "f32"}, {"variable_shape", "1,?"}});
  auto history = b.op("Concat", "opset1", {past, x}, {{"axis", "1"}});
  b.op("Assign", "opset6", {history}, {{"variable_id", "history"}});
  auto zero = b.constant(Tensor::from<float>({1}, {0.0f}));
  auto total_past = b.op("ReadValue", "opset6", {zero},
                         {{"variable_id", "total"}, {"variable_type", "f32"}, {"variable_shape", "1"}});
  auto axes = b.constant(Tensor::from<int64_t>({1}, {1}));
  auto sum = b.op("ReduceSum", "opset1", {x, axes}, {{"keep_dims", "false"}});
  auto total = b.op("Add", "opset1", {total_past, sum});
  b.op("Assign", "opset6", {total}, {{"variable_id", "total"}});
  b.result(history, "history");
  b.result(total, "total");
  auto model = std::make_shared<ir::Model>(b.build());
  graph::bind(*model);
  return CompiledModel::compile(model);
}

Tensor row(std::initializer_list<float> v) { return Tensor::from<float>({1, static_cast<int64_t>(v.size())}, v); }

std::vector<float> values(const Tensor& t) { return t.to_f32_vector(); }

TEST(Stateful, StateAccumulatesAcrossCalls) {
  auto model = accumulator();
  ASSERT_EQ(model->variables().size(), 2u);
  InferRequest r = model->create_infer_request();
  r.set_input("x", row({1, 2}));
  r.infer();
  EXPECT_EQ(values(r.output("history")), (std::vector<float>{1, 2}));
  EXPECT_EQ(values(r.output("total")), (std::vector<float>{3}));
  r.set_input("x", row({5}));
  r.infer();
  EXPECT_EQ(values(r.output("history")), (std::vector<float>{1, 2, 5}));
  EXPECT_EQ(values(r.output("total")), (std::vector<float>{8}));
  EXPECT_EQ(values(r.state("history")), (std::vector<float>{1, 2, 5}));
}

TEST(Stateful, ResetStartsFromTheInitialiser) {
  auto model = accumulator();
  InferRequest r = model->create_infer_request();
  r.set_input("x", row({1, 2}));
  r.infer();
  r.reset_state("history");
  r.set_input("x", row({7}));
  r.infer();
  EXPECT_EQ(values(r.output("history")), (std::vector<float>{7}));
  EXPECT_EQ(values(r.output("total")), (std::vector<float>{10}));  // "total" was not reset
  r.reset_states();
  r.infer();
  EXPECT_EQ(values(r.output("total")), (std::vector<float>{7}));
}

TEST(Stateful, TrimKeepsAPrefixAlongTheSequenceAxis) {
  auto model = accumulator();
  InferRequest r = model->create_infer_request();
  r.set_input("x", row({1, 2, 3, 4}));
  r.infer();
  r.trim_state("history", 2, /*axis=*/1);
  EXPECT_EQ(values(r.state("history")), (std::vector<float>{1, 2}));
  r.set_input("x", row({9}));
  r.infer();
  EXPECT_EQ(values(r.output("history")), (std::vector<float>{1, 2, 9}));
  EXPECT_THROW(r.trim_state("history", 4, 1), Error);  // holds only 3
  r.trim_state("history", 0, 1);
  EXPECT_EQ(r.state("history").size(), 0);
}

TEST(Stateful, TwoRequestsKeepSeparateStates) {
  auto model = accumulator();
  InferRequest a = model->create_infer_request();
  InferRequest b = model->create_infer_request();
  a.set_input("x", row({1}));
  b.set_input("x", row({100}));
  a.infer();
  b.infer();
  a.infer();
  EXPECT_EQ(values(a.output("history")), (std::vector<float>{1, 1}));
  EXPECT_EQ(values(b.output("history")), (std::vector<float>{100}));
  EXPECT_EQ(values(a.output("total")), (std::vector<float>{2}));
}

TEST(Stateful, SetStateChecksTypeShapeAndName) {
  auto model = accumulator();
  InferRequest r = model->create_infer_request();
  r.set_state("history", row({4, 5}));
  r.set_input("x", row({6}));
  r.infer();
  EXPECT_EQ(values(r.output("history")), (std::vector<float>{4, 5, 6}));
  EXPECT_THROW(r.set_state("history", Tensor::from<int64_t>({1, 1}, {1})), Error);
  EXPECT_THROW(r.set_state("history", Tensor(ElementType::f32, {2, 1})), Error);
  EXPECT_THROW(r.set_state("nope", row({1})), Error);
  EXPECT_EQ(r.state_names(), (std::vector<std::string>{"history", "total"}));
}

TEST(Stateful, InputsAreCheckedAgainstTheModel) {
  auto model = accumulator();
  InferRequest r = model->create_infer_request();
  EXPECT_THROW(r.infer(), Error);  // x not set
  EXPECT_THROW(r.set_input("x", Tensor(ElementType::f32, {2, 3})), Error);
  EXPECT_THROW(r.set_input("x", Tensor(ElementType::i64, {1, 3})), Error);
  EXPECT_THROW(r.set_input("y", row({1})), Error);
}

}  // namespace
}  // namespace openarc::runtime

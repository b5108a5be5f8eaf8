// Inputs with a default value (graph::add_parameter: inputs a pass adds, such as logits_to_keep):
// a caller that never sets them gets the default, one that does gets its value, run after run;
// inputs without one are still required.
#include <gtest/gtest.h>

#include "core/error.h"
#include "graph/rewrite.h"
#include "ir/builder.h"
#include "runtime/compiled_model.h"

namespace openarc::runtime {
namespace {

// y = x * scale, where `scale` is an added input that defaults to 2.
std::shared_ptr<CompiledModel> scaled_model() {
  ir::GraphBuilder b("scaled");
  auto x = b.parameter("x", ElementType::f32, PartialShape({-1}));
  b.result(b.op("Multiply", "opset1", {x, x}), "y");  // the second operand becomes `scale` below
  auto m = std::make_shared<ir::Model>(b.build());
  const size_t multiply = m->nodes.size() - 2;
  const size_t scale = graph::add_parameter(*m, multiply, "scale", Tensor::from<float>({1}, {2.0f}));
  m->nodes[multiply + 1].inputs[1] = {scale, 0};
  return CompiledModel::compile(m);
}

TEST(DefaultInput, AnUnsetInputTakesItsDefaultAndASetOneItsValue) {
  auto cm = scaled_model();
  ASSERT_EQ(cm->inputs().size(), 2u);
  EXPECT_EQ(cm->inputs()[0].name, "x");  // the added input comes after the model's own
  EXPECT_FALSE(cm->inputs()[0].default_value.valid());
  EXPECT_EQ(cm->inputs()[1].name, "scale");
  InferRequest req = cm->create_infer_request();
  EXPECT_FLOAT_EQ(req.input(1).data<float>()[0], 2.0f);

  req.set_input(0, Tensor::from<float>({3}, {1, 2, 3}));
  req.infer();
  EXPECT_EQ(req.output(0).shape(), (Shape{3}));
  EXPECT_FLOAT_EQ(req.output(0).data<float>()[2], 6.0f);
  req.set_input("scale", Tensor::from<float>({1}, {-1.0f}));
  req.infer();
  EXPECT_FLOAT_EQ(req.output(0).data<float>()[2], -3.0f);
  req.set_input(0, Tensor::from<float>({2}, {5, 7}));  // the set value stays for later runs
  req.infer();
  EXPECT_FLOAT_EQ(req.output(0).data<float>()[1], -7.0f);
}

TEST(DefaultInput, InputsWithoutADefaultAreRequired) {
  auto cm = scaled_model();
  InferRequest req = cm->create_infer_request();
  try {
    req.infer();
    ADD_FAILURE() << "x was not set";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("input 'x' is not set"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace openarc::runtime

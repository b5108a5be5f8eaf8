// A small graph-building API: tests build graphs with it and the converter writes models with
// it. Nodes are appended in order, so the result is topological by construction. The Model it
// builds is not yet bound: call graph::bind() to attach ops and infer shapes, then write_model().
//
//   ir::GraphBuilder b("tiny");
//   auto x = b.parameter("x", ElementType::f32, PartialShape({-1, 4}));
//   auto w = b.constant(Tensor::from<float>({4}, {1, 2, 3, 4}));
//   auto y = b.op("Multiply", "opset1", {x, w});
//   b.result(y, "y");
//   ir::Model m = b.build();
#pragma once

#include <string>
#include <vector>

#include "core/attributes.h"
#include "core/tensor.h"
#include "ir/model.h"

namespace openarc::ir {

class GraphBuilder {
 public:
  explicit GraphBuilder(std::string model_name = "Model");

  // A model input; its tensor name is `name`.
  OutputRef parameter(const std::string& name, ElementType type, PartialShape shape);
  // A constant; the data is written to the .bin by write_model.
  OutputRef constant(Tensor value, const std::string& name = "");
  // Any op by IR type and version ("Add", "opset1"), with `num_outputs` outputs.
  std::vector<OutputRef> add(const std::string& type, const std::string& version, std::vector<OutputRef> inputs,
                             Attributes attrs = {}, const std::string& name = "", size_t num_outputs = 1);
  // The same for the common single-output case.
  OutputRef op(const std::string& type, const std::string& version, std::vector<OutputRef> inputs,
               Attributes attrs = {}, const std::string& name = "");
  // A model output named `name` (Result with output_names, its input's tensor name).
  void result(OutputRef value, const std::string& name);
  // Extra tensor names on an output port.
  void add_names(OutputRef value, const std::vector<std::string>& names);
  // rt_info on the node that produces `value` (e.g. {"attribute", {{"name","decompression"},{"version","0"}}}).
  void add_rt_info(OutputRef value, RtInfo info);
  // Model-level rt_info.
  void add_model_rt_info(RtInfo info);

  Model build();  // the builder is empty afterwards

 private:
  Model model_;
};

}  // namespace openarc::ir

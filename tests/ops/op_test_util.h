// Runs one op the way the runtime does: create it from the registry, infer output shapes from
// the actual inputs, allocate, evaluate. Shared by every tests/ops/*_test.cpp.
#pragma once

#include <string>
#include <vector>

#include "error_of.h"
#include "ops/registry.h"

namespace openarc::ops::testing {

inline std::vector<Tensor> run_op(const std::string& type, const std::string& version, const Attributes& attrs,
                                  const std::vector<Tensor>& inputs) {
  std::unique_ptr<Op> op = OpRegistry::instance().create(type, version, attrs);
  std::vector<InputInfo> info;
  for (const Tensor& t : inputs) info.push_back({t.type(), PartialShape(t.shape()), &t});
  std::vector<OutputInfo> out_info = op->infer(info);
  std::vector<Tensor> out;
  for (const OutputInfo& o : out_info) out.emplace_back(o.type, o.shape.to_shape());
  op->evaluate(inputs, out);
  return out;
}

// Shape inference alone, as at load time: inputs are (type, partial shape, optional value).
inline std::vector<OutputInfo> infer_op(const std::string& type, const std::string& version, const Attributes& attrs,
                                        const std::vector<InputInfo>& inputs) {
  return OpRegistry::instance().create(type, version, attrs)->infer(inputs);
}

}  // namespace openarc::ops::testing

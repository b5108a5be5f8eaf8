// Helpers the graph and runtime suites share: compile a built graph with or without the passes,
// i64 constants, random f32 inputs.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "core/tensor.h"
#include "ir/builder.h"
#include "ir/model.h"
#include "runtime/compiled_model.h"

namespace openarc {

inline std::shared_ptr<runtime::CompiledModel> compile(const ir::Model& m, bool optimize = true,
                                                       bool last_position_logits = false) {
  runtime::CompileOptions options;
  options.optimize = optimize;
  options.last_position_logits = last_position_logits;
  return runtime::CompiledModel::compile(std::make_shared<ir::Model>(m), options);
}

inline ir::OutputRef i64s(ir::GraphBuilder& b, const std::vector<int64_t>& v) {
  Tensor t(ElementType::i64, {static_cast<int64_t>(v.size())});
  for (size_t i = 0; i < v.size(); ++i) t.data<int64_t>()[i] = v[i];
  return b.constant(t);
}

inline Tensor random_f32(const Shape& shape, uint32_t seed, float lo = -2.0f, float hi = 2.0f) {
  Tensor t(ElementType::f32, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

}  // namespace openarc

// Graph-against-graph testing of the fusion passes (STYLE.md #8): a test builds `model` with the
// GraphBuilder; `model_ref` is it as bound, `model` is it bound and rewritten by one pass. Both
// run through the runtime's reference path (CompiledModel with optimize off, so nothing else
// rewrites them) on the same random inputs, and their outputs are compared.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "graph/bind.h"
#include "graph/passes.h"
#include "graph/rewrite.h"
#include "ir/model.h"
#include "runtime/compiled_model.h"

namespace openarc::graph {
// The passes under test (graph/fuse_<name>.cpp; registered in graph/passes.cpp).
int fuse_rms_norm(ir::Model& model, const PassOptions& options);
int fuse_rope(ir::Model& model, const PassOptions& options);
int fuse_swiglu(ir::Model& model, const PassOptions& options);
}  // namespace openarc::graph

namespace openarc::graph::testing {

using PassFn = int (*)(ir::Model&, const PassOptions&);

inline std::string shared_dir() { return OPENARC_SHARED_DIR; }
inline bool have_samples() { return std::filesystem::is_directory(shared_dir() + "/ir-samples"); }

// Uniform values in [lo, hi), the same for a given seed.
inline Tensor random_tensor(Shape shape, uint32_t seed, float lo = -2.0f, float hi = 2.0f) {
  Tensor t(ElementType::f32, std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

inline int count_type(const ir::Model& m, const std::string& type) {
  return static_cast<int>(std::count_if(m.nodes.begin(), m.nodes.end(), [&](const ir::Node& n) { return n.type == type; }));
}

// Runs a bound model on the reference ops, inputs in parameter order; the outputs in Result order.
inline std::vector<Tensor> run(const ir::Model& m, const std::vector<Tensor>& inputs) {
  runtime::CompileOptions options;
  options.optimize = false;
  auto compiled = runtime::CompiledModel::compile(std::make_shared<ir::Model>(m), options);
  auto req = compiled->create_infer_request();
  for (size_t i = 0; i < inputs.size(); ++i) req.set_input(i, inputs[i]);
  req.infer();
  std::vector<Tensor> out;
  for (size_t i = 0; i < compiled->outputs().size(); ++i) out.push_back(req.output(i).clone());
  return out;
}

// max |a - b| / (1 + max |b|): a relative measure that stays meaningful near zero.
inline double max_relative_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  if (a.shape() != b.shape()) return INFINITY;
  double diff = 0, scale = 0;
  for (int64_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(a.get_f64(i) - b.get_f64(i)));
    scale = std::max(scale, std::abs(b.get_f64(i)));
  }
  return diff / (1.0 + scale);
}

struct Fused {
  ir::Model model;  // bound and rewritten by the pass
  int fired = 0;
};

inline Fused apply(const ir::Model& built, PassFn pass) {
  Fused f{built, 0};
  bind(f.model);
  f.fired = pass(f.model, PassOptions{});
  eliminate_dead_nodes(f.model);
  return f;
}

// Binds `built` twice, rewrites one copy with `pass`, runs both on `inputs` and expects the pass
// to have fired `expected_fusions` times and the outputs to agree within `tolerance`.
inline void expect_same_outputs(const ir::Model& built, PassFn pass, int expected_fusions,
                                const std::vector<Tensor>& inputs, double tolerance = 1e-5) {
  ir::Model ref = built;
  bind(ref);
  Fused fused = apply(built, pass);
  ASSERT_EQ(fused.fired, expected_fusions);
  std::vector<Tensor> want = run(ref, inputs), got = run(fused.model, inputs);
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_LE(max_relative_diff(got[i], want[i]), tolerance) << "output " << i;
}

}  // namespace openarc::graph::testing

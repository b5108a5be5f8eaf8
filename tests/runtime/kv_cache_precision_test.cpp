// CompileOptions::kv_cache_precision on the demo model: f16 KV caches give logits within 1e-2
// (relative to 1 + max |logit|) of f32 caches at every step, and the same greedy tokens as the
// reference generator for the prompts of tests/reference/stories260K-greedy.json.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "ir/reader.h"
#include "kernels/isa_fixture.h"
#include "llm/demo_model.h"
#include "ops/kv_cache.h"
#include "runtime/compiled_model.h"

namespace openarc::runtime {
namespace {

std::shared_ptr<CompiledModel> demo(ElementType precision) {
  CompileOptions o;
  o.kv_cache_precision = precision;
  return CompiledModel::compile(std::make_shared<ir::Model>(ir::read_model(ir::resolve_model_xml(llm::test::demo_model()))), o);
}

// Logits [1, n, V] of ids after `past` positions.
const Tensor& step(InferRequest& req, const std::vector<int64_t>& ids, int64_t past) {
  const int64_t n = static_cast<int64_t>(ids.size());
  Tensor input(ElementType::i64, {1, n}), mask(ElementType::i64, {1, past + n}), pos(ElementType::i64, {1, n});
  for (int64_t i = 0; i < n; ++i) input.data<int64_t>()[i] = ids[i], pos.data<int64_t>()[i] = past + i;
  for (int64_t i = 0; i < past + n; ++i) mask.data<int64_t>()[i] = 1;
  Tensor beam(ElementType::i32, {1});
  beam.data<int32_t>()[0] = 0;
  req.set_input("input_ids", input);
  req.set_input("attention_mask", mask);
  req.set_input("position_ids", pos);
  req.set_input("beam_idx", beam);
  req.infer();
  return req.output("logits");
}

// The last position's logits [V].
std::vector<float> last(const Tensor& logits) {
  const int64_t S = logits.shape()[1], V = logits.shape()[2];
  return {logits.data<float>() + (S - 1) * V, logits.data<float>() + S * V};
}

class KvCachePrecision : public kernels::testing::AtIsaLevel {};

TEST_P(KvCachePrecision, F16KeepsTheLogitsAndTheGreedyTokens) {
  std::ifstream in(std::string(OPENARC_SOURCE_DIR) + "/tests/reference/stories260K-greedy.json");
  ASSERT_TRUE(in) << "tests/reference/stories260K-greedy.json";
  const nlohmann::json ref = nlohmann::json::parse(in);
  auto f32 = demo(ElementType::f32), f16 = demo(ElementType::f16);
  for (const auto& c : ref["cases"]) {
    const std::vector<int64_t> prompt = c["prompt_ids"].get<std::vector<int64_t>>();
    const std::vector<int64_t> want = c["output_ids"].get<std::vector<int64_t>>();
    SCOPED_TRACE("prompt '" + c["prompt"].get<std::string>() + "'");
    InferRequest a = f32->create_infer_request(), b = f16->create_infer_request();
    std::vector<int64_t> ids = prompt, got;
    int64_t past = 0;
    double worst = 0;
    while (got.size() < want.size()) {
      const std::vector<float> la = last(step(a, ids, past)), lb = last(step(b, ids, past));
      double diff = 0, scale = 0;
      for (size_t i = 0; i < la.size(); ++i)
        diff = std::max<double>(diff, std::abs(la[i] - lb[i])), scale = std::max<double>(scale, std::abs(la[i]));
      worst = std::max(worst, diff / (1 + scale));
      past += static_cast<int64_t>(ids.size());
      got.push_back(std::max_element(lb.begin(), lb.end()) - lb.begin());
      ids = {got.back()};
    }
    EXPECT_LE(worst, 1e-2) << "f16 against f32 KV logits";
    EXPECT_EQ(got, want) << "greedy tokens with f16 KV";
  }
}

TEST(KvCachePrecision, HintNames) {
  EXPECT_EQ(ops::parse_kv_cache_precision("f32"), ElementType::f32);
  EXPECT_EQ(ops::parse_kv_cache_precision("f16"), ElementType::f16);
  EXPECT_THROW(ops::parse_kv_cache_precision("u8"), Error);
}

TEST(KvCachePrecision, StatesStayF32AndSurviveTheSwitch) {
  auto f16 = demo(ElementType::f16);
  InferRequest r = f16->create_infer_request();
  step(r, {1, 403, 407}, 0);
  for (const std::string& id : r.state_names()) {
    Tensor s = r.state(id);
    EXPECT_EQ(s.type(), ElementType::f32) << id;
    EXPECT_EQ(s.shape()[2], 3) << id;
    r.set_state(id, s);  // f32 in, held as f16: the same values come back
    Tensor back = r.state(id);
    for (int64_t i = 0; i < s.size(); ++i) ASSERT_EQ(back.data<float>()[i], s.data<float>()[i]) << id;
  }
}

INSTANTIATE_TEST_SUITE_P(Isa, KvCachePrecision, kernels::testing::isa_levels(), kernels::testing::isa_name);

}  // namespace
}  // namespace openarc::runtime

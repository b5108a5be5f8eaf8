// Runs a converted model the way a generation loop does: prefill the prompt, then one token per
// step through the KV state, with position_ids and attention_mask growing.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "graph/bind.h"
#include "ir/model.h"
#include "runtime/compiled_model.h"

namespace openarc::convert::test {

// The bundled demo model's Hugging Face folder.
inline const std::string kDemoModel = OPENARC_SOURCE_DIR "/models/stories260K";

// input_ids [1, n], attention_mask ones [1, past + n], position_ids past .. past + n - 1, beam_idx [0].
inline const Tensor& run_step(runtime::InferRequest& req, const std::vector<int64_t>& ids, int64_t past) {
  const int64_t n = static_cast<int64_t>(ids.size());
  Tensor input(ElementType::i64, {1, n}), mask(ElementType::i64, {1, past + n}), pos(ElementType::i64, {1, n});
  for (int64_t i = 0; i < n; ++i) {
    input.data<int64_t>()[i] = ids[static_cast<size_t>(i)];
    pos.data<int64_t>()[i] = past + i;
  }
  for (int64_t i = 0; i < past + n; ++i) mask.data<int64_t>()[i] = 1;
  req.set_input("input_ids", input);
  req.set_input("attention_mask", mask);
  req.set_input("position_ids", pos);
  req.set_input("beam_idx", Tensor::from<int32_t>({1}, {0}));
  req.infer();
  return req.output("logits");
}

// Row `row` of logits [1, S, V] as a vector.
inline std::vector<float> logits_row(const Tensor& logits, int64_t row) {
  const int64_t v = logits.shape()[2];
  const float* p = logits.data<float>() + row * v;
  return std::vector<float>(p, p + v);
}

inline int64_t argmax(const std::vector<float>& v) {
  return std::max_element(v.begin(), v.end()) - v.begin();
}

// Greedy decoding: `steps` new tokens after `prompt`. `rows` (if given) receives the logits
// that chose each new token.
inline std::vector<int64_t> greedy(runtime::InferRequest& req, const std::vector<int64_t>& prompt, int steps,
                                   std::vector<std::vector<float>>* rows = nullptr) {
  req.reset_states();
  std::vector<int64_t> out;
  const Tensor& first = run_step(req, prompt, 0);
  std::vector<float> row = logits_row(first, first.shape()[1] - 1);
  int64_t past = static_cast<int64_t>(prompt.size());
  for (int i = 0; i < steps; ++i) {
    if (rows) rows->push_back(row);
    int64_t next = argmax(row);
    out.push_back(next);
    if (i + 1 == steps) break;
    const Tensor& l = run_step(req, {next}, past);
    row = logits_row(l, 0);
    ++past;
  }
  return out;
}

inline std::shared_ptr<runtime::CompiledModel> compile(ir::Model model) {
  auto m = std::make_shared<ir::Model>(std::move(model));
  return runtime::CompiledModel::compile(m);
}

}  // namespace openarc::convert::test

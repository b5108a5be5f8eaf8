// Speculative decoding (prompt lookup) through the Pipeline on the demo model, at fp32 and with
// int8 and int4 weights, at every ISA level: the output with it on equals the output with it off,
// token for token and logprob for logprob (greedy and seeded sampling), on prompts where drafts
// are taken; the KV state it leaves serves the next request; the counts reach the metrics.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "demo_model.h"
#include "grammar/gbnf_parser.h"
#include "kernels/isa_fixture.h"
#include "llm/pipeline.h"

namespace openarc::llm {
namespace {

using convert::WeightFormat;

struct Model {
  WeightFormat format;
  const char* name;
};
const Model kModels[] = {{WeightFormat::fp32, "fp32"}, {WeightFormat::int8, "int8"}, {WeightFormat::int4, "int4"}};

std::string model_dir(WeightFormat f) { return f == WeightFormat::fp32 ? test::demo_model() : test::demo_model(f); }

// Without prefix reuse every request prefills its whole prompt, so two requests compare from the
// same state (a reused prefix prefills fewer rows, whose last logits may differ in the last bit).
std::unique_ptr<Pipeline> open_cold(WeightFormat f) {
  PipelineOptions options;
  options.prefix_reuse = false;
  return Pipeline::open(model_dir(f), options);
}

GenerationRequest request(const Pipeline& pipe, const std::string& prompt, int64_t max_new_tokens) {
  GenerationRequest req;
  req.prompt = prompt;
  req.config = pipe.default_config();
  req.config.max_new_tokens = max_new_tokens;
  req.config.temperature = 0;
  req.config.logprobs = true;
  req.config.top_logprobs = 3;
  return req;
}

void expect_same(const GenerationResult& on, const GenerationResult& off, const std::string& what) {
  ASSERT_EQ(on.sequences.size(), off.sequences.size()) << what;
  for (size_t i = 0; i < on.sequences.size(); ++i) {
    const SequenceResult& a = on.sequences[i];
    const SequenceResult& b = off.sequences[i];
    EXPECT_EQ(a.token_ids, b.token_ids) << what << ", sample " << i;
    EXPECT_EQ(a.text, b.text) << what << ", sample " << i;
    EXPECT_EQ(a.finish_reason, b.finish_reason) << what << ", sample " << i;
    ASSERT_EQ(a.logprobs.size(), b.logprobs.size()) << what;
    for (size_t t = 0; t < a.logprobs.size(); ++t) {
      // Bit for bit: the verification pass computes each position as decoding it alone does.
      EXPECT_EQ(a.logprobs[t].logprob, b.logprobs[t].logprob) << what << ", token " << t;
      ASSERT_EQ(a.logprobs[t].top_logprobs.size(), b.logprobs[t].top_logprobs.size());
      for (size_t k = 0; k < a.logprobs[t].top_logprobs.size(); ++k) {
        EXPECT_EQ(a.logprobs[t].top_logprobs[k].token, b.logprobs[t].top_logprobs[k].token) << what;
        EXPECT_EQ(a.logprobs[t].top_logprobs[k].logprob, b.logprobs[t].top_logprobs[k].logprob) << what;
      }
    }
  }
}

class SpeculativePipeline : public kernels::testing::AtIsaLevel {};

TEST_P(SpeculativePipeline, GreedyAndSeededOutputsEqualPlainDecoding) {
  for (const Model& m : kModels) {
    SCOPED_TRACE(m.name);
    auto pipe = open_cold(m.format);
    // A prompt the model's greedy story then repeats from: its own continuation appended.
    GenerationResult story = pipe->generate(request(*pipe, "Once upon a time", 40));
    const std::vector<std::string> prompts = {
        "Once upon a time",
        "Tom had a red ball. Tom had a red ball. Tom had a red ball. Tom had",
        "The cat sat on the mat. The dog sat on the log. The cat sat on the",
        "Once upon a time" + story.sequences[0].text,
    };
    int64_t drafted = 0, accepted = 0;
    for (const std::string& prompt : prompts) {
      for (int64_t draft : {1, 2, 3}) {
        GenerationRequest off = request(*pipe, prompt, 48);
        GenerationRequest on = off;
        on.config.speculative_draft = draft;
        const std::string what = "'" + prompt + "', draft " + std::to_string(draft);
        GenerationResult plain = pipe->generate(off);
        GenerationResult spec = pipe->generate(on);
        expect_same(spec, plain, what);
        EXPECT_FALSE(plain.metrics.speculative);
        EXPECT_TRUE(spec.metrics.speculative);
        EXPECT_LE(spec.metrics.draft_accepted_tokens, spec.metrics.draft_tokens);
        drafted += spec.metrics.draft_tokens;
        accepted += spec.metrics.draft_accepted_tokens;

        // Sampling with penalties, two samples per request: the same draws.
        off.config.temperature = 0.8;
        off.config.top_k = 40;
        off.config.repetition_penalty = 1.1;
        off.config.seed = 11;
        off.config.n = 2;
        on.config = off.config;
        on.config.speculative_draft = draft;
        expect_same(pipe->generate(on), pipe->generate(off), what + ", sampled");
      }
    }
    std::printf("%s: %lld of %lld draft tokens accepted\n", m.name, static_cast<long long>(accepted),
                static_cast<long long>(drafted));
    EXPECT_GT(accepted, 30) << "the prompts must exercise accepted drafts";
    EXPECT_LT(accepted, drafted) << "and rejected ones";
  }
}

TEST_P(SpeculativePipeline, StopsAndLimitsEndWhereThePlainRunEnds) {
  auto pipe = open_cold(WeightFormat::fp32);
  const std::string prompt = "Lily went to the park. Lily went to the park. Lily went to the";
  for (int64_t max_new_tokens : {1, 2, 3, 5, 17}) {
    GenerationRequest off = request(*pipe, prompt, max_new_tokens);
    GenerationRequest on = off;
    on.config.speculative_draft = 3;
    expect_same(pipe->generate(on), pipe->generate(off), "max " + std::to_string(max_new_tokens));
  }
  GenerationRequest off = request(*pipe, prompt, 60);
  off.config.stop = {"park"};
  GenerationRequest on = off;
  on.config.speculative_draft = 3;
  GenerationResult spec = pipe->generate(on);
  expect_same(spec, pipe->generate(off), "stop string");
  EXPECT_EQ(spec.sequences[0].finish_reason, FinishReason::stop);
}

TEST_P(SpeculativePipeline, TheKvStateItLeavesServesTheNextRequest) {
  // A speculative run leaves unverified drafts in the state until it ends: the next request
  // reuses the prefix it shares, and must decode what it decodes after a plain run.
  auto spec_pipe = Pipeline::open(test::demo_model());
  auto plain_pipe = Pipeline::open(test::demo_model());
  std::string prompt = "Tom had a red ball. Tom had a red ball. Tom had";
  for (int turn = 0; turn < 4; ++turn) {
    GenerationRequest off = request(*plain_pipe, prompt, 24);
    GenerationRequest on = off;
    on.config.speculative_draft = turn % 2 ? 2 : 3;
    GenerationResult spec = spec_pipe->generate(on);
    GenerationResult plain = plain_pipe->generate(off);
    EXPECT_EQ(spec.metrics.cached_tokens, plain.metrics.cached_tokens) << "turn " << turn;
    if (turn > 0) EXPECT_GT(spec.metrics.cached_tokens, 0) << "turn " << turn;
    expect_same(spec, plain, "turn " + std::to_string(turn));
    EXPECT_EQ(spec_pipe->cached_tokens(), plain_pipe->cached_tokens());
    prompt += spec.sequences[0].text + " Tom had";
  }
}

TEST_P(SpeculativePipeline, UnderAGrammarTheSameOutput) {
  // The grammar's mask is applied at each sampled token, drafted or not: a draft the grammar
  // refuses is never drawn, and the matcher steps once per token taken, in order.
  auto pipe = open_cold(WeightFormat::fp32);
  auto grammar = std::make_shared<const grammar::Grammar>(
      grammar::compile_gbnf(R"(root ::= ("Tom had a red ball. " | "Lily had a cat. " | "The dog ran.")+)"));
  int64_t accepted = 0;
  for (double temperature : {0.0, 0.9}) {
    GenerationRequest off = request(*pipe, "Once upon a time", 60);
    off.config.temperature = temperature;
    off.config.seed = 5;
    off.config.ignore_eos = true;  // sentence after sentence until the budget
    off.grammar = grammar;
    GenerationRequest on = off;
    on.config.speculative_draft = 3;
    GenerationResult spec = pipe->generate(on);
    expect_same(spec, pipe->generate(off), temperature > 0 ? "sampled" : "greedy");
    accepted += spec.metrics.draft_accepted_tokens;
  }
  EXPECT_GT(accepted, 10);
}

INSTANTIATE_TEST_SUITE_P(Isa, SpeculativePipeline, kernels::testing::isa_levels(), kernels::testing::isa_name);

}  // namespace
}  // namespace openarc::llm

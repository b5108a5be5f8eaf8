// The Pipeline on the demo model (stories260K converted at fp32): llama2.c's greedy outputs,
// prefix reuse against cold runs, the sampler's semantics end to end, stop rules, n samples,
// cancellation and the context window.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "core/error.h"
#include "demo_model.h"
#include "llm/pipeline.h"
#include "llm/tool_parser.h"
#include "tokenizer/tokenizer.h"

namespace openarc::llm {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<Pipeline> open_demo(PipelineOptions options = {}) { return Pipeline::open(test::demo_model(), options); }

GenerationRequest raw_request(const Pipeline& pipe, const std::string& prompt, int64_t max_new_tokens) {
  GenerationRequest req;
  req.prompt = prompt;
  req.config = pipe.default_config();
  req.config.max_new_tokens = max_new_tokens;
  return req;
}

GenerationRequest greedy_request(const Pipeline& pipe, const std::string& prompt, int64_t max_new_tokens) {
  GenerationRequest req = raw_request(pipe, prompt, max_new_tokens);
  req.config.temperature = 0;
  return req;
}

TEST(Pipeline, GreedyReproducesLlama2c) {
  auto pipe = open_demo();
  // The bundled generation_config.json lists both ids that end a story.
  EXPECT_EQ(pipe->default_config().eos_token_ids, (std::vector<int64_t>{2, 1}));
  for (const auto& c : test::reference_cases()) {
    GenerationResult r = pipe->generate(greedy_request(*pipe, c.prompt, c.max_new_tokens));
    EXPECT_EQ(r.prompt_ids, c.prompt_ids) << "prompt '" << c.prompt << "'";
    ASSERT_EQ(r.sequences.size(), 1u);
    EXPECT_EQ(r.sequences[0].token_ids, c.output_ids) << "prompt '" << c.prompt << "'";
    EXPECT_EQ(r.sequences[0].text, c.output_text) << "prompt '" << c.prompt << "'";
    EXPECT_EQ(r.sequences[0].finish_reason, FinishReason::length);
  }
}

TEST(Pipeline, StreamedPiecesMakeTheText) {
  auto pipe = open_demo();
  std::string streamed;
  int64_t tokens = 0;
  GenerationResult r = pipe->generate(greedy_request(*pipe, "Once upon a time", 30), [&](const StreamEvent& ev) {
    streamed += ev.text;
    tokens += ev.token.has_value();
  });
  EXPECT_EQ(streamed, r.sequences[0].text);
  EXPECT_EQ(tokens, 30);
  EXPECT_EQ(r.metrics.output_tokens, 30);
  EXPECT_EQ(r.metrics.input_tokens, 5);
  EXPECT_GT(r.metrics.ttft_ms, 0);
}

// Time to first token counts the template and the tokenizer, not only the prefill; a wait between
// prepare() and the generation (a queue) does not count.
TEST(Pipeline, TimeToFirstTokenIncludesPreparingThePrompt) {
  auto pipe = open_demo();
  PreparedPrompt prepared = pipe->prepare(greedy_request(*pipe, "Once upon a time", 4));
  ASSERT_GT(prepared.prepare_ms, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  GenerationResult r = pipe->generate(prepared, greedy_request(*pipe, "", 4).config);
  EXPECT_GE(r.metrics.tokenize_ms, prepared.prepare_ms);
  EXPECT_GE(r.metrics.ttft_ms, r.metrics.tokenize_ms + r.metrics.prefill_ms - 1e-6);
  EXPECT_LT(r.metrics.tokenize_ms, 200);  // the sleep is not in it
}

// A conversation through the chat template, turn after turn, greedy. Returns each turn's output
// ids and metrics.
struct Turn {
  std::vector<int64_t> ids;
  PerfMetrics metrics;
};

std::vector<Turn> converse(Pipeline& pipe, int turns, int64_t max_new_tokens) {
  const char* users[] = {"Tom had a red ball.", "He went to the park.", "A dog ran to him.", "The dog was happy.",
                         "They played all day.", "Then it began to rain.", "Tom went home.", "Mom made soup.",
                         "The dog came too.", "They slept well."};
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  std::vector<Turn> out;
  for (int t = 0; t < turns; ++t) {
    messages.push_back({{"role", "user"}, {"content", users[t % 10]}});
    GenerationRequest req;
    req.messages = messages;
    req.config = pipe.default_config();
    req.config.temperature = 0;
    req.config.max_new_tokens = max_new_tokens;
    req.config.ignore_eos = true;  // every turn the same length, whatever the story does
    GenerationResult r = pipe.generate(req);
    messages.push_back({{"role", "assistant"}, {"content", r.sequences[0].text}});
    out.push_back({r.sequences[0].token_ids, r.metrics});
  }
  return out;
}

TEST(Pipeline, PrefixReuseGivesTheTokensOfAColdRun) {
  PipelineOptions cold_options;
  cold_options.prefix_reuse = false;
  auto warm = open_demo();
  auto cold = open_demo(cold_options);
  const int turns = 10;
  std::vector<Turn> with_reuse = converse(*warm, turns, 16);
  std::vector<Turn> without = converse(*cold, turns, 16);
  for (int t = 0; t < turns; ++t) {
    EXPECT_EQ(with_reuse[t].ids, without[t].ids) << "turn " << t + 1;
    EXPECT_EQ(with_reuse[t].metrics.input_tokens, without[t].metrics.input_tokens) << "turn " << t + 1;
    EXPECT_EQ(without[t].metrics.cached_tokens, 0) << "turn " << t + 1;
    // From turn 2 on the previous turn's prompt is a prefix of this one.
    if (t > 0) EXPECT_GE(with_reuse[t].metrics.cached_tokens, with_reuse[t - 1].metrics.input_tokens) << "turn " << t + 1;
  }
  const PerfMetrics& w = with_reuse.back().metrics;
  const PerfMetrics& c = without.back().metrics;
  std::printf("turn %d: prompt %lld tokens; TTFT with prefix reuse %.3f ms (%lld tokens reused, %lld prefilled), "
              "without %.3f ms (%lld prefilled)\n",
              turns, static_cast<long long>(w.input_tokens), w.ttft_ms, static_cast<long long>(w.cached_tokens),
              static_cast<long long>(w.prefilled_tokens()), c.ttft_ms, static_cast<long long>(c.prefilled_tokens()));
}

TEST(Pipeline, ReuseAfterADifferentPromptStillMatchesColdRun) {
  auto pipe = open_demo();
  GenerationResult first = pipe->generate(greedy_request(*pipe, "Lily and Tom went to the park", 20));
  GenerationResult other = pipe->generate(greedy_request(*pipe, "Lily and Tom went to the shop", 20));
  EXPECT_GT(other.metrics.cached_tokens, 0);  // "Lily and Tom went to the" is shared
  auto fresh = open_demo();
  GenerationResult cold = fresh->generate(greedy_request(*fresh, "Lily and Tom went to the shop", 20));
  EXPECT_EQ(other.sequences[0].token_ids, cold.sequences[0].token_ids);
  // The same prompt again: everything but the last prompt token comes from the cache.
  GenerationResult again = pipe->generate(greedy_request(*pipe, "Lily and Tom went to the shop", 20));
  EXPECT_EQ(again.metrics.cached_tokens, again.metrics.input_tokens - 1);
  EXPECT_EQ(again.sequences[0].token_ids, cold.sequences[0].token_ids);
}

TEST(Pipeline, TemperatureZeroEqualsTopK1) {
  auto pipe = open_demo();
  GenerationResult greedy = pipe->generate(greedy_request(*pipe, "Once upon a time", 40));
  GenerationRequest top1 = raw_request(*pipe, "Once upon a time", 40);
  top1.config.temperature = 1.0;
  top1.config.top_k = 1;
  top1.config.seed = 7;
  EXPECT_EQ(pipe->generate(top1).sequences[0].token_ids, greedy.sequences[0].token_ids);
  GenerationRequest no_sample = raw_request(*pipe, "Once upon a time", 40);
  no_sample.config.do_sample = false;
  EXPECT_EQ(pipe->generate(no_sample).sequences[0].token_ids, greedy.sequences[0].token_ids);
}

TEST(Pipeline, SeedDecidesTheSample) {
  auto pipe = open_demo();
  auto sample = [&](uint64_t seed) {
    GenerationRequest req = raw_request(*pipe, "Once upon a time", 40);
    req.config.temperature = 1.0;
    req.config.seed = seed;
    return pipe->generate(req).sequences[0].text;
  };
  std::string a = sample(42);
  EXPECT_EQ(sample(42), a);
  EXPECT_NE(sample(43), a);
}

TEST(Pipeline, StopStringAcrossTokens) {
  auto pipe = open_demo();
  GenerationResult plain = pipe->generate(greedy_request(*pipe, "Once upon a time", 40));
  const std::string& text = plain.sequences[0].text;
  const std::string stop = "girl named";
  size_t at = text.find(stop);
  ASSERT_NE(at, std::string::npos) << text;
  // No single token of the output holds the whole stop string: the match spans tokens.
  for (int64_t id : plain.sequences[0].token_ids) {
    std::vector<tokenizer::TokenId> one{static_cast<tokenizer::TokenId>(id)};
    EXPECT_EQ(pipe->tokenizer().decode(one, true).find(stop), std::string::npos) << "token " << id;
  }
  GenerationRequest req = greedy_request(*pipe, "Once upon a time", 40);
  req.config.stop = {"no such words", stop};
  std::string streamed;
  GenerationResult r = pipe->generate(req, [&](const StreamEvent& ev) { streamed += ev.text; });
  EXPECT_EQ(r.sequences[0].text, text.substr(0, at));
  EXPECT_EQ(streamed, text.substr(0, at));  // held back while it might be a stop string
  EXPECT_EQ(r.sequences[0].finish_reason, FinishReason::stop);
  EXPECT_LT(r.sequences[0].token_ids.size(), 40u);
  req.config.include_stop_str_in_output = true;
  EXPECT_EQ(pipe->generate(req).sequences[0].text, text.substr(0, at + stop.size()));
}

TEST(Pipeline, MaxTokensEndsWithLength) {
  auto pipe = open_demo();
  GenerationResult r = pipe->generate(greedy_request(*pipe, "Once upon a time", 7));
  EXPECT_EQ(r.sequences[0].token_ids.size(), 7u);
  EXPECT_EQ(r.sequences[0].finish_reason, FinishReason::length);
  EXPECT_EQ(r.metrics.finish_reason, FinishReason::length);
}

TEST(Pipeline, EosAndMinNewTokens) {
  auto pipe = open_demo();
  std::vector<int64_t> greedy = pipe->generate(greedy_request(*pipe, "Once upon a time", 12)).sequences[0].token_ids;
  // Make the greedy output's 4th token an eos id: the output ends there, without its text.
  const int64_t fourth = greedy[3];
  GenerationRequest req = greedy_request(*pipe, "Once upon a time", 12);
  req.config.eos_token_ids = {fourth};
  GenerationResult r = pipe->generate(req);
  EXPECT_EQ(r.sequences[0].finish_reason, FinishReason::stop);
  ASSERT_LE(r.sequences[0].token_ids.size(), 4u);
  EXPECT_EQ(r.sequences[0].token_ids.back(), fourth);
  // min_new_tokens holds the eos id off: no stop before 8 tokens, and the id is never picked there.
  req.config.min_new_tokens = 8;
  r = pipe->generate(req);
  ASSERT_GE(r.sequences[0].token_ids.size(), 8u);
  for (size_t i = 0; i < 8; ++i) EXPECT_NE(r.sequences[0].token_ids[i], fourth) << "token " << i;
  // ignore_eos: the id no longer ends the output.
  req.config.min_new_tokens = 0;
  req.config.ignore_eos = true;
  EXPECT_EQ(pipe->generate(req).sequences[0].token_ids, greedy);
}

TEST(Pipeline, NSamples) {
  auto pipe = open_demo();
  GenerationRequest req = raw_request(*pipe, "Once upon a time", 20);
  req.config.n = 3;
  req.config.temperature = 1.0;
  req.config.seed = 11;
  GenerationResult r = pipe->generate(req);
  ASSERT_EQ(r.sequences.size(), 3u);
  for (const auto& s : r.sequences) EXPECT_EQ(s.token_ids.size(), 20u);
  EXPECT_NE(r.sequences[0].token_ids, r.sequences[1].token_ids);
  // Greedy samples are all the greedy output: each one starts again from the prompt's state.
  std::vector<int64_t> one = pipe->generate(greedy_request(*pipe, "Once upon a time", 20)).sequences[0].token_ids;
  GenerationRequest greedy = greedy_request(*pipe, "Once upon a time", 20);
  greedy.config.n = 3;
  r = pipe->generate(greedy);
  ASSERT_EQ(r.sequences.size(), 3u);
  for (const auto& s : r.sequences) EXPECT_EQ(s.token_ids, one);
}

TEST(Pipeline, CancellationStopsWithinOneToken) {
  auto pipe = open_demo();
  CancellationToken cancel;
  int tokens = 0;
  GenerationResult r = pipe->generate(greedy_request(*pipe, "Once upon a time", 100), [&](const StreamEvent& ev) {
    if (ev.token && ++tokens == 5) cancel.cancel();
  }, cancel);
  EXPECT_EQ(r.sequences[0].token_ids.size(), 5u);
  EXPECT_EQ(r.sequences[0].finish_reason, FinishReason::cancelled);
  // The next request still works and reuses what is cached.
  GenerationResult next = pipe->generate(greedy_request(*pipe, "Once upon a time", 10));
  EXPECT_EQ(next.sequences[0].token_ids.size(), 10u);
}

TEST(Pipeline, ContextWindow) {
  PipelineOptions options;
  options.ctx_size = 32;
  auto pipe = open_demo(options);
  EXPECT_EQ(pipe->context_length(), 32);
  GenerationRequest req = greedy_request(*pipe, "Once upon a time", 40);  // 5 + 40 > 32
  try {
    pipe->generate(req);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("40"));
    EXPECT_THAT(e.what(), HasSubstr("32"));
  }
  // Truncation keeps the newest prompt tokens that leave room for the output.
  std::string long_prompt = "Lily and Tom went to the park. They saw a big dog. The dog was happy and it ran to them.";
  GenerationRequest fits = greedy_request(*pipe, long_prompt, 10);
  const size_t full = pipe->tokenizer().encode(long_prompt, true).size();
  ASSERT_GT(full, 22u);
  EXPECT_THROW(pipe->generate(fits), Error);
  fits.truncate = true;
  GenerationResult r = pipe->generate(fits);
  EXPECT_EQ(r.prompt_ids.size(), 22u);
  EXPECT_EQ(r.sequences[0].token_ids.size(), 10u);
}

TEST(Pipeline, BadSettingNamesIt) {
  auto pipe = open_demo();
  GenerationRequest req = raw_request(*pipe, "Once", 5);
  req.config.top_p = 1.5;
  try {
    pipe->generate(req);
    ADD_FAILURE() << "no error";
  } catch (const SettingError& e) {
    EXPECT_EQ(e.setting(), "top_p");
  }
}

TEST(Pipeline, MessagesGoThroughTheChatTemplate) {
  auto pipe = open_demo();
  ASSERT_TRUE(pipe->has_chat_template());
  GenerationRequest req;
  req.messages = nlohmann::ordered_json::array({{{"role", "user"}, {"content", "  Once upon a time "}}});
  req.config = pipe->default_config();
  req.config.temperature = 0;
  req.config.max_new_tokens = 20;
  GenerationResult chat = pipe->generate(req);
  // The demo template is "{{ bos_token }}" + the trimmed contents: "<s>Once upon a time".
  EXPECT_EQ(chat.prompt_text, "<s>Once upon a time");
  GenerationResult raw = pipe->generate(greedy_request(*pipe, "Once upon a time", 20));
  EXPECT_EQ(chat.prompt_ids, raw.prompt_ids);
  EXPECT_EQ(chat.sequences[0].token_ids, raw.sequences[0].token_ids);
}

TEST(Pipeline, ToolParserFromTheOptionsOrTheTemplate) {
  EXPECT_EQ(open_demo()->tool_parser().name(), "generic");  // the demo template has no call format
  PipelineOptions o;
  o.tool_parser = "mistral";
  EXPECT_EQ(open_demo(o)->tool_parser().name(), "mistral");
  o.tool_parser = "nope";
  try {
    open_demo(o);
    ADD_FAILURE() << "an unknown tool_parser loaded";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("tool_parser"));
    EXPECT_THAT(e.what(), HasSubstr("hermes"));
  }
}

TEST(Pipeline, KeepingToolMarkersLeavesOtherSpecialTokensOut) {
  // The demo tokenizer has no tool-call special tokens: the text is the same, <s> and </s> stay out.
  PipelineOptions o;
  o.tool_parser = "mistral";
  auto pipe = open_demo(o);
  GenerationRequest req = greedy_request(*pipe, "Once upon a time", 40);
  GenerationResult plain = pipe->generate(req);
  req.keep_tool_markers = true;
  GenerationResult kept = pipe->generate(req);
  EXPECT_EQ(kept.sequences[0].raw_text, plain.sequences[0].raw_text);
  EXPECT_EQ(kept.sequences[0].text.find("<s>"), std::string::npos);
}

}  // namespace
}  // namespace openarc::llm

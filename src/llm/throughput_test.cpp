#include "llm/throughput_test.h"

#include <chrono>
#include <random>

#include "core/error.h"

namespace openarc::llm {

std::string ThroughputTest::name() const {
  std::string s = (n_prompt > 0 ? "pp" : "tg") + std::to_string(tokens());
  if (n_depth > 0) s += " @ d" + std::to_string(n_depth);
  return s;
}

int64_t run_throughput_test(Pipeline& pipe, const ThroughputTest& test, int64_t vocab, uint64_t seed) {
  check(vocab > 0, "a throughput test needs the vocabulary size");
  check((test.n_prompt > 0) != (test.n_gen > 0), "a throughput test is either pp (n_prompt) or tg (n_gen)");
  check(test.n_depth >= 0, "a throughput test's depth is negative");
  check(test.n_depth == 0 || pipe.options().prefix_reuse, "a test at depth ", test.n_depth,
        " needs the pipeline's prefix reuse");
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> token(0, vocab - 1);

  // The context first, then the test's own tokens: the prompt the timed run sees.
  GenerationRequest req;
  req.prompt_ids.emplace(test.n_depth + (test.n_prompt > 0 ? test.n_prompt : 1));
  for (int64_t& id : *req.prompt_ids) id = token(rng);
  req.config.do_sample = false;
  req.config.ignore_eos = true;
  // pp: the prompt's forward yields one token and generation stops there; tg: n_gen forwards.
  req.config.max_new_tokens = test.n_prompt > 0 ? 1 : test.n_gen;
  PreparedPrompt prepared = pipe.prepare(req);  // outside the clock: checks and context fit

  pipe.reset_cache();  // an empty KV state, whatever ran before
  if (test.n_depth > 0) {
    GenerationRequest context = req;
    context.prompt_ids->resize(test.n_depth);
    context.config.max_new_tokens = 1;
    pipe.generate(pipe.prepare(context), context.config);
  }
  pipe.reset_profiling();  // a profile covers the timed part only
  auto start = std::chrono::steady_clock::now();
  GenerationResult result = pipe.generate(prepared, req.config);
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
  check(static_cast<int64_t>(result.sequences.at(0).token_ids.size()) == req.config.max_new_tokens,
        "a throughput test generated ", result.sequences.at(0).token_ids.size(), " tokens instead of ",
        req.config.max_new_tokens);
  check(result.metrics.cached_tokens == test.n_depth, "a throughput test at depth ", test.n_depth, " reused ",
        result.metrics.cached_tokens, " tokens of context");
  return ns;
}

}  // namespace openarc::llm

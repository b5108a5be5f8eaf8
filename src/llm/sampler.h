// Sampler: picks the next token from one row of logits (vocab_size floats).
//
// Order of the steps, for each token:
//   1. logit_bias is added; `suppressed` ids (eos before min_new_tokens) become -inf; NaN too.
//   2. repetition_penalty (Hugging Face): for every id in prompt + output,
//      logit = logit > 0 ? logit / penalty : logit * penalty.
//   3. presence/frequency penalties (OpenAI): for every id in the output,
//      logit -= presence_penalty * (count > 0) + frequency_penalty * count.
//   4. greedy (do_sample off or temperature 0): the argmax, ties to the lowest id. Otherwise,
//      in Hugging Face's order: temperature (p ~ exp(logit / T)), top_k, top_p (the smallest
//      most-likely-first set whose probability sum reaches top_p, at least one token), min_p
//      (keep p >= min_p * p_max), then one draw from what is left.
//   Ties in every ordering go to the lowest id, so top_k = 1 is exactly greedy.
//
// Random numbers: std::mt19937_64 (its output sequence is fixed by the C++ standard) turned into
// uniform doubles by hand, so a seed gives the same tokens on every machine and standard library.
//
// A grammar (set_grammar) restricts every step to the tokens its matcher allows: the others become
// -inf before step 4 (so temperature, top_k, top_p and min_p see only allowed tokens), and the
// drawn token advances the matcher. Greedy decoding first checks the argmax alone and builds the
// full mask only when the grammar refuses it (the same token either way, at a fraction of the cost).
//
// Logprobs report the model's own distribution: log_softmax of the logits as the model gave
// them, before bias, penalties, temperature and filtering. That is what OpenAI documents (the
// log probability of each token under the model), what vLLM returns by default (raw logprobs)
// and what llama.cpp's server returns unless post_sampling_probs is asked for.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "llm/generation_config.h"

namespace openarc::grammar {
class TokenConstraint;
}

namespace openarc::llm {

struct TokenLogprob {
  int64_t token = 0;
  float logprob = 0;
};

struct SampledToken {
  int64_t token = -1;
  float logprob = 0;                       // when config.logprobs
  std::vector<TokenLogprob> top_logprobs;  // config.top_logprobs of them, most likely first
};

struct TokenProb {
  int64_t token = 0;
  double prob = 0;
};

class Sampler {
 public:
  // Throws (via config.validate) on a bad config or token id beyond vocab_size.
  Sampler(const GenerationConfig& config, int64_t vocab_size, uint64_t seed);

  // The prompt's ids: repetition_penalty applies to them too. Resets the output history.
  void set_prompt(std::span<const int64_t> prompt_ids);

  // Picks the next token and records it as output (accept). logits.size() must be vocab_size.
  SampledToken sample(std::span<const float> logits, std::span<const int64_t> suppressed = {});

  // Records a token as output without sampling it (for penalties).
  void accept(int64_t token);

  // Constrains the following samples to the matcher's grammar (null: none): a TokenMatcher, or a
  // LazyMatcher whose grammar starts at a trigger. The matcher's vocabulary must be vocab_size()
  // tokens; it must outlive its use here.
  void set_grammar(grammar::TokenConstraint* matcher);

  // What sample() would draw from: the kept tokens and their renormalised probabilities, most
  // likely first (greedy: the argmax with probability 1). Does not touch the history or the RNG.
  std::vector<TokenProb> distribution(std::span<const float> logits, std::span<const int64_t> suppressed = {});

  // The logits after steps 1-3 (bias, suppression, penalties) and the grammar mask, for inspection
  // and tests.
  std::vector<float> processed_logits(std::span<const float> logits, std::span<const int64_t> suppressed = {});

  int64_t vocab_size() const { return vocab_size_; }

  // Seed of sample `index` of n independent samples: index 0 keeps the request's seed.
  static uint64_t sequence_seed(uint64_t seed, int64_t index);
  // A fresh seed for a request that gave none.
  static uint64_t random_seed();

 private:
  struct Candidate {
    float logit;
    int32_t id;
    float weight;  // exp((logit - max) / temperature)
  };

  void prepare(std::span<const float> logits, std::span<const int64_t> suppressed);
  void apply_grammar_mask();  // tokens the grammar refuses become -inf
  int64_t argmax() const;
  void filter();  // fills candidates_ with the kept set (steps 4, sampling branch)
  double next_uniform();
  void fill_logprobs(std::span<const float> logits, SampledToken& out) const;

  GenerationConfig config_;
  int64_t vocab_size_;
  grammar::TokenConstraint* grammar_ = nullptr;
  std::mt19937_64 rng_;
  bool penalties_ = false;
  std::vector<uint32_t> output_count_;  // (vocab) times each id was generated
  std::vector<int32_t> output_ids_;     // distinct generated ids
  std::vector<uint8_t> seen_;           // (vocab) id is in prompt or output
  std::vector<int32_t> seen_ids_;       // distinct ids of prompt + output
  std::vector<float> logits_;           // (vocab) working copy of the row
  std::vector<Candidate> candidates_;
  std::vector<Candidate> scratch_;
};

}  // namespace openarc::llm

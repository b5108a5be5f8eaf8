// SpeculativeDecoder on a toy model (the logits depend on the last token only): the KV discipline
// (what a verification pass runs after what, what is trimmed), and that sampling through it draws
// the tokens plain decoding draws: seed by seed, and in distribution against the exact
// probabilities (a chi-square bound over a fixed seed set, so it cannot flake, and a control
// that takes drafts unverified and must exceed it).
#include "llm/speculative_decoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>

#include "llm/generation_config.h"
#include "llm/sampler.h"

namespace openarc::llm {
namespace {

constexpr int64_t kVocab = 4;

// logits after token t: row t.
const std::vector<std::vector<float>> kTable = {
    {2.0f, 0.5f, 0.1f, -1.0f},
    {0.3f, 1.5f, 0.2f, 0.9f},
    {-0.5f, 0.4f, 1.2f, 0.6f},
    {1.0f, 1.0f, -0.2f, 0.3f},
};

// The toy model: the KV state is the list of tokens run; each forward checks it holds `past`.
struct ToyModel {
  std::vector<int64_t> kv;
  int64_t passes = 0;
  std::vector<size_t> pass_rows;

  SpeculativeDecoder decoder(int64_t max_draft, int64_t max_ngram = 3) {
    return SpeculativeDecoder(
        PromptLookupOptions{max_draft, max_ngram, 1},
        [this](const std::vector<int64_t>& ids, int64_t past) {
          EXPECT_EQ(static_cast<int64_t>(kv.size()), past) << "a pass must run right after the committed tokens";
          kv.resize(static_cast<size_t>(past));
          kv.insert(kv.end(), ids.begin(), ids.end());
          ++passes;
          pass_rows.push_back(ids.size());
          std::vector<std::vector<float>> rows;
          for (int64_t id : ids) rows.push_back(kTable.at(static_cast<size_t>(id)));
          return rows;
        },
        [this](int64_t length) {
          ASSERT_LE(length, static_cast<int64_t>(kv.size()));
          kv.resize(static_cast<size_t>(length));
        });
  }
};

// Decodes `steps` tokens after `prompt` as the pipeline does, with drafts of up to max_draft
// tokens (0: plain decoding).
std::vector<int64_t> decode(const GenerationConfig& config, const std::vector<int64_t>& prompt, int64_t steps,
                            uint64_t seed, int64_t max_draft, ToyModel& model, int64_t* accepted = nullptr) {
  Sampler sampler(config, kVocab, seed);
  sampler.set_prompt(prompt);
  std::vector<int64_t> history = prompt, out;
  model.kv = prompt;  // the prefill
  SpeculativeDecoder spec = model.decoder(max_draft);
  std::vector<float> logits = kTable.at(static_cast<size_t>(prompt.back()));
  while (true) {
    const int64_t tok = sampler.sample(logits).token;
    out.push_back(tok);
    if (static_cast<int64_t>(out.size()) == steps) break;
    history.push_back(tok);
    if (max_draft > 0) {
      logits = spec.next(history, steps - static_cast<int64_t>(out.size()));
    } else {
      model.kv.push_back(tok);
      logits = kTable.at(static_cast<size_t>(tok));
    }
  }
  spec.finish(static_cast<int64_t>(history.size()));
  EXPECT_EQ(model.kv, history) << "after finish the state holds the committed tokens only";
  if (accepted) *accepted += spec.accepted();
  return out;
}

GenerationConfig sampling_config() {
  GenerationConfig c;
  c.do_sample = true;
  c.temperature = 0.9;
  c.top_p = 0.95;
  c.repetition_penalty = 1.2;  // the history must be seen in order
  c.presence_penalty = 0.3;
  return c;
}

TEST(SpeculativeDecoder, GreedyTakesDraftsTheArgmaxConfirms) {
  // Greedy on the toy model: after 0 always 0, so "0 0 0 ..." and every draft of zeros is right.
  GenerationConfig greedy;
  greedy.temperature = 0;
  ToyModel model;
  int64_t accepted = 0;
  const std::vector<int64_t> out = decode(greedy, {1, 0, 0, 3, 0}, 12, 1, 3, model, &accepted);
  EXPECT_EQ(out, std::vector<int64_t>(12, 0));
  EXPECT_GT(accepted, 0);
  // Each pass verified the draft it could: fewer passes than tokens, never more than 4 rows.
  EXPECT_LT(model.passes, 11);
  for (size_t rows : model.pass_rows) EXPECT_LE(rows, 4u);
}

TEST(SpeculativeDecoder, AWrongDraftIsTrimmedAndTheSampledTokenRunsNext) {
  GenerationConfig greedy;
  greedy.temperature = 0;
  ToyModel model;
  model.kv = {2, 1, 3, 2};
  SpeculativeDecoder spec = model.decoder(3);
  // History "2 1 3 2 | 1": the draft after "2 1" is "3 2 1", all run in one pass.
  std::vector<int64_t> history = {2, 1, 3, 2, 1};
  std::vector<float> logits = spec.next(history, 10);
  EXPECT_EQ(logits, kTable[1]);
  EXPECT_EQ(model.kv, (std::vector<int64_t>{2, 1, 3, 2, 1, 3, 2, 1}));
  EXPECT_EQ(spec.drafted(), 3);
  // The sampler picks 3: the first draft token, whose logits are ready (no pass).
  history.push_back(3);
  EXPECT_EQ(spec.next(history, 10), kTable[3]);
  EXPECT_EQ(model.passes, 1);
  EXPECT_EQ(spec.accepted(), 1);
  // Then 0 instead of the drafted 2: the state drops "2 1" and runs 0 with its own draft.
  history.push_back(0);
  EXPECT_EQ(spec.next(history, 10), kTable[0]);
  EXPECT_EQ(model.passes, 2);
  EXPECT_EQ(std::vector<int64_t>(model.kv.begin(), model.kv.begin() + 7), history);
  spec.finish(static_cast<int64_t>(history.size()));
  EXPECT_EQ(model.kv, history);
}

TEST(SpeculativeDecoder, TheDraftLeavesRoomForTheTokenAfterIt) {
  ToyModel model;
  model.kv = {1, 2, 3, 1, 2};
  SpeculativeDecoder spec = model.decoder(3);
  const std::vector<int64_t> history = {1, 2, 3, 1, 2, 3};
  spec.next(history, 2);  // two more tokens may come: one draft token and the one after it
  EXPECT_EQ(model.pass_rows.back(), 2u);
  EXPECT_EQ(spec.drafted(), 1);
  ToyModel last;
  last.kv = {1, 2, 3, 1, 2};
  SpeculativeDecoder none = last.decoder(3);
  none.next(history, 1);  // only the token after it: no draft
  EXPECT_EQ(last.pass_rows.back(), 1u);
}

TEST(SpeculativeDecoder, SamplingDrawsThePlainTokensSeedBySeed) {
  const GenerationConfig c = sampling_config();
  int64_t accepted = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    ToyModel plain, spec;
    const std::vector<int64_t> prompt = {0, 1, 0, 1, 0};
    EXPECT_EQ(decode(c, prompt, 16, seed, 0, plain), decode(c, prompt, 16, seed, 3, spec, &accepted))
        << "seed " << seed;
  }
  EXPECT_GT(accepted, 100);  // drafts were taken, not only proposed
}

// The exact probability of each sequence of `steps` tokens after `prompt`, from the sampler's
// own distribution (penalties included), by enumeration.
void exact(const GenerationConfig& c, std::vector<int64_t> prefix, int64_t steps, double p,
           const std::vector<int64_t>& prompt, std::map<std::vector<int64_t>, double>& out) {
  if (steps == 0) {
    out[prefix] = p;
    return;
  }
  Sampler s(c, kVocab, 0);
  s.set_prompt(prompt);
  for (int64_t t : prefix) s.accept(t);
  const int64_t last = prefix.empty() ? prompt.back() : prefix.back();
  for (const TokenProb& tp : s.distribution(kTable.at(static_cast<size_t>(last)))) {
    std::vector<int64_t> next = prefix;
    next.push_back(tp.token);
    exact(c, next, steps - 1, p * tp.prob, prompt, out);
  }
}

// Pearson's statistic of the counts against the exact probabilities, cells of expectation
// below 5 pooled into one.
double chi_square(const std::map<std::vector<int64_t>, int64_t>& counts,
                  const std::map<std::vector<int64_t>, double>& probs, int64_t n, int64_t& cells) {
  double stat = 0, pooled_expected = 0, pooled_observed = 0;
  cells = 0;
  for (const auto& [seq, p] : probs) {
    const double e = p * static_cast<double>(n);
    const auto it = counts.find(seq);
    const double o = it == counts.end() ? 0.0 : static_cast<double>(it->second);
    if (e < 5) {
      pooled_expected += e, pooled_observed += o;
      continue;
    }
    stat += (o - e) * (o - e) / e;
    ++cells;
  }
  for (const auto& [seq, o] : counts)
    if (!probs.count(seq)) pooled_observed += static_cast<double>(o);  // impossible sequences
  if (pooled_expected > 0) {
    stat += (pooled_observed - pooled_expected) * (pooled_observed - pooled_expected) / pooled_expected;
    ++cells;
  } else if (pooled_observed > 0) {
    stat = INFINITY;
  }
  return stat;
}

// The chi-square quantile for `df` degrees of freedom at z standard deviations (Wilson-Hilferty).
double chi_square_bound(int64_t df, double z) {
  const double a = 2.0 / (9.0 * static_cast<double>(df));
  return static_cast<double>(df) * std::pow(1 - a + z * std::sqrt(a), 3);
}

TEST(SpeculativeDecoder, SamplingKeepsTheDistribution) {
  const GenerationConfig c = sampling_config();
  const std::vector<int64_t> prompt = {0, 1, 2, 0, 1, 2, 0};
  constexpr int64_t kSteps = 3, kSeeds = 20000;
  std::map<std::vector<int64_t>, double> probs;
  exact(c, {}, kSteps, 1.0, prompt, probs);
  std::map<std::vector<int64_t>, int64_t> with_drafts, unverified;
  int64_t accepted = 0;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    ToyModel model;
    ++with_drafts[decode(c, prompt, kSteps, seed + 1000, 3, model, &accepted)];
    // The control: drafts taken without the sampler's check.
    Sampler s(c, kVocab, seed + 1000);
    s.set_prompt(prompt);
    std::vector<int64_t> history = prompt, out;
    while (static_cast<int64_t>(out.size()) < kSteps) {
      std::vector<int64_t> d = prompt_lookup_draft(history, PromptLookupOptions{kSteps, 3, 1});
      const int64_t t = d.empty() ? s.sample(kTable.at(static_cast<size_t>(history.back()))).token : d.front();
      if (!d.empty()) s.accept(t);
      out.push_back(t);
      history.push_back(t);
    }
    ++unverified[out];
  }
  EXPECT_GT(accepted, kSeeds / 4);
  int64_t cells = 0;
  const double stat = chi_square(with_drafts, probs, kSeeds, cells);
  // Six standard deviations: a fair procedure stays under it on all but ~1e-9 of seed sets.
  const double bound = chi_square_bound(cells - 1, 6.0);
  EXPECT_LT(stat, bound) << cells << " cells";
  int64_t control_cells = 0;
  const double control = chi_square(unverified, probs, kSeeds, control_cells);
  EXPECT_GT(control, bound) << "the test must see a biased procedure";
  std::printf("chi-square %.1f over %lld cells (bound %.1f; drafts taken unverified: %.1f); %lld drafts accepted\n", stat,
              static_cast<long long>(cells), bound, control, static_cast<long long>(accepted));
}

}  // namespace
}  // namespace openarc::llm

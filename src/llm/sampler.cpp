#include "llm/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "grammar/token_constraint.h"

namespace openarc::llm {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// A broken model row must not poison the arithmetic: NaN counts as -inf, +inf as the largest float.
float clean(float v) {
  if (std::isnan(v)) return kNegInf;
  return std::min(v, std::numeric_limits<float>::max());
}

// Most likely first; equal logits: lowest id first.
template <class T>
bool before(float la, T ia, float lb, T ib) {
  return la > lb || (la == lb && ia < ib);
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// The m best of c, best first: one pass keeping a heap of m whose front is the worst kept, so
// most of a 150k row costs one comparison.
template <class C, class Better>
void select_best(const std::vector<C>& c, size_t m, Better better, std::vector<C>& out) {
  out.clear();
  for (const auto& e : c) {
    if (out.size() < m) {
      out.push_back(e);
      std::push_heap(out.begin(), out.end(), better);
    } else if (better(e, out.front())) {
      std::pop_heap(out.begin(), out.end(), better);
      out.back() = e;
      std::push_heap(out.begin(), out.end(), better);
    }
  }
  std::sort_heap(out.begin(), out.end(), better);
}

}  // namespace

Sampler::Sampler(const GenerationConfig& config, int64_t vocab_size, uint64_t seed)
    : config_(config), vocab_size_(vocab_size), rng_(seed) {
  check(vocab_size > 0 && vocab_size <= std::numeric_limits<int32_t>::max(), "sampler: bad vocabulary size ",
        vocab_size);
  config_.validate(vocab_size);
  penalties_ = config_.repetition_penalty != 1.0 || config_.presence_penalty != 0.0 ||
               config_.frequency_penalty != 0.0;
  if (penalties_) {
    output_count_.assign(vocab_size, 0);
    seen_.assign(vocab_size, 0);
  }
  logits_.resize(vocab_size);
}

void Sampler::set_prompt(std::span<const int64_t> prompt_ids) {
  if (!penalties_) return;
  for (int32_t id : seen_ids_) seen_[id] = 0;
  for (int32_t id : output_ids_) output_count_[id] = 0;
  seen_ids_.clear();
  output_ids_.clear();
  for (size_t i = 0; i < prompt_ids.size(); ++i) {
    const int64_t id = prompt_ids[i];
    check(id >= 0 && id < vocab_size_, "prompt token ", i, " has id ", id, ", beyond the vocabulary of ",
          vocab_size_, " tokens");
    if (!seen_[id]) seen_[id] = 1, seen_ids_.push_back(static_cast<int32_t>(id));
  }
}

void Sampler::accept(int64_t token) {
  check(token >= 0 && token < vocab_size_, "sampler: token id ", token, " beyond the vocabulary of ", vocab_size_,
        " tokens");
  if (!penalties_) return;
  if (output_count_[token]++ == 0) output_ids_.push_back(static_cast<int32_t>(token));
  if (!seen_[token]) seen_[token] = 1, seen_ids_.push_back(static_cast<int32_t>(token));
}

void Sampler::prepare(std::span<const float> logits, std::span<const int64_t> suppressed) {
  check(static_cast<int64_t>(logits.size()) == vocab_size_, "sampler: a logits row of ", logits.size(),
        " values for a vocabulary of ", vocab_size_, " tokens");
  float* x = logits_.data();
  for (int64_t i = 0; i < vocab_size_; ++i) x[i] = clean(logits[i]);
  for (const auto& [id, bias] : config_.logit_bias) x[id] += static_cast<float>(bias);
  for (int64_t id : suppressed) {
    check(id >= 0 && id < vocab_size_, "sampler: suppressed token id ", id, " beyond the vocabulary");
    x[id] = kNegInf;
  }
  if (!penalties_) return;
  if (config_.repetition_penalty != 1.0) {
    const auto penalty = static_cast<float>(config_.repetition_penalty);
    for (int32_t id : seen_ids_) x[id] = x[id] > 0 ? x[id] / penalty : x[id] * penalty;
  }
  if (config_.presence_penalty != 0.0 || config_.frequency_penalty != 0.0) {
    for (int32_t id : output_ids_)
      x[id] -= static_cast<float>(config_.presence_penalty + config_.frequency_penalty * output_count_[id]);
  }
}

void Sampler::set_grammar(grammar::TokenConstraint* matcher) {
  check(!matcher || static_cast<int64_t>(matcher->vocab_size()) == vocab_size_, "sampler: a grammar over ",
        matcher ? matcher->vocab_size() : 0, " tokens for a vocabulary of ", vocab_size_);
  grammar_ = matcher;
}

void Sampler::apply_grammar_mask() {
  const std::span<const uint64_t> allowed = grammar_->mask();
  float* x = logits_.data();
  for (int64_t w = 0; w * 64 < vocab_size_; ++w) {
    const uint64_t bits = allowed[static_cast<size_t>(w)];
    if (bits == ~uint64_t{0}) continue;
    const int64_t end = std::min<int64_t>(vocab_size_, (w + 1) * 64);
    for (int64_t i = w * 64; i < end; ++i)
      if (!((bits >> (i & 63)) & 1)) x[i] = kNegInf;
  }
}

int64_t Sampler::argmax() const {
  int64_t best = 0;
  for (int64_t i = 1; i < vocab_size_; ++i)
    if (logits_[i] > logits_[best]) best = i;  // strict: ties stay with the lowest id
  check(logits_[best] != kNegInf, "sampler: every token is excluded (all logits are -inf or NaN)");
  return best;
}

void Sampler::filter() {
  auto& c = candidates_;
  c.clear();
  for (int64_t i = 0; i < vocab_size_; ++i)
    if (logits_[i] != kNegInf) c.push_back({logits_[i], static_cast<int32_t>(i), 0.0f});
  check(!c.empty(), "sampler: every token is excluded (all logits are -inf or NaN)");
  const auto cmp = [](const Candidate& a, const Candidate& b) { return before(a.logit, a.id, b.logit, b.id); };

  // top_k: select, then sort only the k survivors.
  size_t sorted = 0;  // c[0, sorted) is in final order
  if (config_.top_k > 0 && static_cast<size_t>(config_.top_k) < c.size()) {
    const auto k = static_cast<size_t>(config_.top_k);
    if (k * 16 <= c.size()) {
      select_best(c, k, cmp, scratch_);
      c.swap(scratch_);
    } else {
      std::nth_element(c.begin(), c.begin() + (k - 1), c.end(), cmp);
      c.resize(k);
      std::sort(c.begin(), c.end(), cmp);
    }
    sorted = k;
  }

  // The softmax, once: weights relative to the best logit, scaled by temperature.
  float best = c[0].logit;
  for (const auto& e : c) best = std::max(best, e.logit);
  // expf is several times cheaper than exp over a 150k row; the sums stay in double.
  const auto inv_t = static_cast<float>(1.0 / config_.temperature);
  double total = 0;
  for (auto& e : c) {
    // The best get exactly 1, also when a tiny temperature makes inv_t infinite (0 * inf).
    e.weight = e.logit == best ? 1.0f : std::exp((e.logit - best) * inv_t);
    total += e.weight;
  }

  // top_p: grow the sorted prefix in chunks until it holds top_p of the mass, so a 150k
  // vocabulary is not fully sorted when a few tokens carry the probability.
  if (config_.top_p < 1.0) {
    const double target = config_.top_p * total;
    double cum = 0;
    size_t keep = 0;
    if (sorted == 0 && c.size() > 1024) {
      // Usually a few dozen tokens hold the mass: try the best 64 first.
      select_best(c, 64, cmp, scratch_);
      while (keep < scratch_.size() && (keep == 0 || cum < target)) cum += scratch_[keep++].weight;
      if (cum >= target) {
        scratch_.resize(keep);
        c.swap(scratch_);
        sorted = keep;
      } else {
        cum = 0, keep = 0;
      }
    }
    while (keep < c.size() && !(keep > 0 && cum >= target)) {
      if (keep == sorted) {
        // Select the next chunk (doubling) with nth_element, sort only it; once the chunk
        // would be half of what is left, sort the rest outright.
        size_t end = std::min(c.size(), sorted + std::max<size_t>(64, sorted));
        if (2 * (end - sorted) >= c.size() - sorted) end = c.size();
        if (end < c.size()) std::nth_element(c.begin() + sorted, c.begin() + (end - 1), c.end(), cmp);
        std::sort(c.begin() + sorted, c.begin() + end, cmp);
        sorted = end;
      }
      cum += c[keep++].weight;
    }
    c.resize(keep);
  }

  // min_p: the best token has weight 1, so p >= min_p * p_max is weight >= min_p. Tokens whose
  // weight underflowed to 0 go too: they can never be drawn.
  const auto floor = static_cast<float>(config_.min_p);
  std::erase_if(c, [floor](const Candidate& e) { return e.weight < floor || e.weight == 0.0f; });
}

double Sampler::next_uniform() {
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53;  // 53 random bits -> [0, 1)
}

void Sampler::fill_logprobs(std::span<const float> logits, SampledToken& out) const {
  // log_softmax of the raw row.
  float best = kNegInf;
  for (float v : logits) best = std::max(best, clean(v));
  double sum = 0;
  for (float v : logits)
    if (clean(v) != kNegInf) sum += std::exp(clean(v) - best);
  const double lse = best + std::log(sum);
  const auto logprob = [&](int64_t id) {
    const float v = clean(logits[id]);
    return v == kNegInf ? kNegInf : static_cast<float>(v - lse);
  };
  out.logprob = logprob(out.token);

  // The few most likely: an insertion into a short sorted list, one pass over the row.
  const auto n = static_cast<size_t>(std::min<int64_t>(config_.top_logprobs, vocab_size_));
  auto& top = out.top_logprobs;
  top.clear();
  if (n == 0) return;
  std::vector<std::pair<float, int64_t>> best_n;  // (logit, id), most likely first
  best_n.reserve(n + 1);
  for (int64_t i = 0; i < vocab_size_; ++i) {
    const float v = clean(logits[i]);
    if (best_n.size() == n && !before(v, i, best_n.back().first, best_n.back().second)) continue;
    auto pos = std::find_if(best_n.begin(), best_n.end(),
                            [&](const auto& e) { return before(v, i, e.first, e.second); });
    best_n.insert(pos, {v, i});
    if (best_n.size() > n) best_n.pop_back();
  }
  for (const auto& [v, id] : best_n) top.push_back({id, logprob(id)});
}

SampledToken Sampler::sample(std::span<const float> logits, std::span<const int64_t> suppressed) {
  prepare(logits, suppressed);
  SampledToken out;
  if (config_.greedy()) {
    out.token = argmax();
    if (grammar_ && !grammar_->allows(static_cast<int32_t>(out.token))) {
      apply_grammar_mask();
      out.token = argmax();
    }
  } else {
    if (grammar_) apply_grammar_mask();
    filter();
    double total = 0;
    for (const auto& e : candidates_) total += e.weight;
    const double target = next_uniform() * total;
    double cum = 0;
    out.token = candidates_.back().id;  // if rounding leaves target beyond the last sum
    for (const auto& e : candidates_) {
      cum += e.weight;
      if (target < cum) {
        out.token = e.id;
        break;
      }
    }
  }
  if (config_.logprobs) fill_logprobs(logits, out);
  accept(out.token);
  if (grammar_) grammar_->accept(static_cast<int32_t>(out.token));
  return out;
}

std::vector<TokenProb> Sampler::distribution(std::span<const float> logits, std::span<const int64_t> suppressed) {
  prepare(logits, suppressed);
  if (grammar_) apply_grammar_mask();
  if (config_.greedy()) return {{argmax(), 1.0}};
  filter();
  std::sort(candidates_.begin(), candidates_.end(),
            [](const Candidate& a, const Candidate& b) { return before(a.logit, a.id, b.logit, b.id); });
  double total = 0;
  for (const auto& e : candidates_) total += e.weight;
  std::vector<TokenProb> out;
  out.reserve(candidates_.size());
  for (const auto& e : candidates_) out.push_back({e.id, e.weight / total});
  return out;
}

std::vector<float> Sampler::processed_logits(std::span<const float> logits, std::span<const int64_t> suppressed) {
  prepare(logits, suppressed);
  if (grammar_) apply_grammar_mask();
  return logits_;
}

uint64_t Sampler::sequence_seed(uint64_t seed, int64_t index) {
  return index == 0 ? seed : splitmix64(seed ^ splitmix64(static_cast<uint64_t>(index)));
}

uint64_t Sampler::random_seed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace openarc::llm

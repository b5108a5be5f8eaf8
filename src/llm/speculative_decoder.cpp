#include "llm/speculative_decoder.h"

#include <algorithm>
#include <cassert>

#include "kernels/exact_rows.h"
#include "llm/generation_config.h"

namespace openarc::llm {

// The draft and the token before it share one pass.
static_assert(kMaxDraftTokens + 1 <= kernels::kExactRows, "a verification pass must stay exact");

SpeculativeDecoder::SpeculativeDecoder(PromptLookupOptions options, Forward forward, Trim trim)
    : options_(options), forward_(std::move(forward)), trim_(std::move(trim)) {
  assert(options_.max_draft >= 0 && options_.max_draft <= kMaxDraftTokens);
}

std::vector<float> SpeculativeDecoder::next(std::span<const int64_t> history, int64_t room) {
  assert(!history.empty());
  const int64_t token = history.back();
  if (!pending_.empty() && pending_.front().token == token) {  // the draft guessed it
    ++accepted_;
    std::vector<float> logits = std::move(pending_.front().logits);
    pending_.pop_front();
    return logits;
  }
  const int64_t past = static_cast<int64_t>(history.size()) - 1;
  if (!pending_.empty()) {  // a wrong guess: its KV and that of the drafts after it go
    pending_.clear();
    trim_(past);
  }
  PromptLookupOptions options = options_;
  options.max_draft = std::min(options.max_draft, room - 1);  // room for the token after the draft
  std::vector<int64_t> ids = {token};
  if (options.max_draft > 0) {
    const std::vector<int64_t> draft = prompt_lookup_draft(history, options);
    ids.insert(ids.end(), draft.begin(), draft.end());
  }
  std::vector<std::vector<float>> rows = forward_(ids, past);
  assert(rows.size() == ids.size());
  drafted_ += static_cast<int64_t>(ids.size()) - 1;
  for (size_t i = 1; i < ids.size(); ++i) pending_.push_back({ids[i], std::move(rows[i])});
  return std::move(rows[0]);
}

void SpeculativeDecoder::finish(int64_t committed) {
  if (pending_.empty()) return;
  pending_.clear();
  trim_(committed);
}

}  // namespace openarc::llm

#include "llm/prompt_lookup.h"

#include <algorithm>
#include <cassert>

namespace openarc::llm {

std::vector<int64_t> prompt_lookup_draft(std::span<const int64_t> history, const PromptLookupOptions& options) {
  assert(options.min_ngram >= 1 && options.min_ngram <= options.max_ngram);
  const int64_t size = static_cast<int64_t>(history.size());
  if (options.max_draft <= 0 || size < options.min_ngram + 1) return {};
  const int64_t longest = std::min(options.max_ngram, size - 1);
  // An occurrence ends at `end` (< size - 1, so at least one token follows it) and matches the
  // last `len` tokens: history[end - j] == history[size - 1 - j] for j < len.
  int64_t best_len = 0, best_end = -1;
  for (int64_t end = size - 2; end >= 0 && best_len < longest; --end) {
    int64_t len = 0;
    while (len < longest && len <= end && history[end - len] == history[size - 1 - len]) ++len;
    if (len > best_len) best_len = len, best_end = end;  // strictly longer: the most recent stays
  }
  if (best_len < options.min_ngram) return {};
  const int64_t from = best_end + 1, to = std::min(size, from + options.max_draft);
  return {history.begin() + from, history.begin() + to};
}

}  // namespace openarc::llm

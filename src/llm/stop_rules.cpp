#include "llm/stop_rules.h"

#include <algorithm>

#include "core/error.h"

namespace openarc::llm {

StopRules::StopRules(const GenerationConfig& config, int64_t max_tokens)
    : stop_strings_(config.stop),
      stop_ids_(config.stop_token_ids),
      include_stop_(config.include_stop_str_in_output),
      min_new_tokens_(config.min_new_tokens),
      max_tokens_(max_tokens) {
  check(max_tokens >= 1, "stop rules: the token limit must be >= 1, got ", max_tokens);
  if (!config.ignore_eos) eos_ids_ = config.eos_token_ids;
  suppress_ = eos_ids_;
  suppress_.insert(suppress_.end(), stop_ids_.begin(), stop_ids_.end());
}

std::span<const int64_t> StopRules::suppressed_tokens() const {
  if (stops_active()) return {};
  return suppress_;
}

bool StopRules::on_token(int64_t token) {
  ++generated_;
  if (finished()) return false;
  const auto has = [token](const std::vector<int64_t>& ids) {
    return std::find(ids.begin(), ids.end(), token) != ids.end();
  };
  if (has(eos_ids_)) {
    reason_ = FinishReason::stop, matched_token_ = token;
    return false;
  }
  if (has(stop_ids_)) {
    reason_ = FinishReason::stop, matched_token_ = token;
    return include_stop_;
  }
  if (generated_ >= max_tokens_) reason_ = FinishReason::length;
  return true;
}

size_t StopRules::held_suffix_length() const {
  // The longest suffix of pending_ that is a proper prefix of some stop string.
  size_t held = 0;
  for (const auto& stop : stop_strings_) {
    for (size_t len = std::min(stop.size() - 1, pending_.size()); len > held; --len) {
      if (std::string_view(pending_).substr(pending_.size() - len) == std::string_view(stop).substr(0, len)) {
        held = len;
        break;
      }
    }
  }
  return held;
}

std::string StopRules::on_text(std::string_view piece) {
  if (text_closed_) return {};
  if (stop_strings_.empty() || !stops_active()) {
    std::string out = std::move(pending_);
    pending_.clear();
    out += piece;
    return out;
  }
  const size_t old_size = pending_.size();
  pending_ += piece;

  // pending_ held no complete stop string before, so every match ends in the new piece.
  size_t best_pos = std::string::npos, best_end = std::string::npos;
  const std::string* best = nullptr;
  for (const auto& stop : stop_strings_) {
    const size_t from = old_size + 1 > stop.size() ? old_size + 1 - stop.size() : 0;
    const size_t pos = pending_.find(stop, from);
    if (pos == std::string::npos) continue;
    const size_t end = pos + stop.size();
    if (end < best_end || (end == best_end && pos < best_pos)) best_pos = pos, best_end = end, best = &stop;
  }
  if (best) {
    std::string out = pending_.substr(0, include_stop_ ? best_end : best_pos);
    pending_.clear();
    text_closed_ = true;
    reason_ = FinishReason::stop;
    matched_string_ = *best;
    matched_token_.reset();
    return out;
  }
  const size_t release = pending_.size() - held_suffix_length();
  std::string out = pending_.substr(0, release);
  pending_.erase(0, release);
  return out;
}

std::string StopRules::flush() {
  std::string out = std::move(pending_);
  pending_.clear();
  text_closed_ = true;
  return out;
}

void StopRules::cancel() {
  if (!finished()) reason_ = FinishReason::cancelled;
}

void StopRules::end_of_grammar() {
  // A text the grammar finished with the last token allowed is whole, not cut short.
  if (reason_ == FinishReason::none || reason_ == FinishReason::length) reason_ = FinishReason::stop;
}

}  // namespace openarc::llm

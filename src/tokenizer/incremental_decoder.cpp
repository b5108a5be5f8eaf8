#include "tokenizer/incremental_decoder.h"

#include <algorithm>

#include "tokenizer/decoder.h"
#include "tokenizer/utf8.h"

namespace openarc::tokenizer {

namespace {

constexpr size_t kWindowTokens = 8;  // commit once a window holds this many ids
constexpr size_t kLongWindow = 64;   // a held window this long looks for an earlier commit point
constexpr size_t kBackoff = 8;       // ... among its last positions

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The last position p where clean_up(text[:p]) + clean_up(text[p:]) == clean_up(text): every
// rule starts with a space, so cut right before a space, provided no rule can span the cut
// (" ' " is the only one with an inner space) and the space before the cut is not a space
// that a later rule could join to what follows.
size_t safe_clean_cut(const std::string& text) {
  for (size_t p = text.size(); p-- > 1;) {
    if (text[p] != ' ' || text[p - 1] == ' ') continue;
    if (p >= 2 && text[p - 2] == ' ' && text[p - 1] == '\'') continue;
    return p;
  }
  return 0;
}

}  // namespace

IncrementalDecoder::IncrementalDecoder(const Tokenizer& tokenizer, bool skip_special_tokens, std::optional<bool> clean_up,
                                       bool continues_text, std::vector<TokenId> kept_special)
    : tokenizer_(&tokenizer),
      skip_special_(skip_special_tokens),
      clean_up_(clean_up.value_or(tokenizer.config().clean_up_tokenization_spaces)),
      windowed_(tokenizer.streamable_decoder()),
      window_at_start_(!continues_text),
      kept_special_(std::move(kept_special)) {}

bool IncrementalDecoder::kept(TokenId id) const {
  return std::find(kept_special_.begin(), kept_special_.end(), id) != kept_special_.end();
}

// With kept specials, the other specials are dropped here and the rest decoded with specials on.
std::string IncrementalDecoder::decode(std::span<const TokenId> ids) const {
  if (!skip_special_ || kept_special_.empty()) return tokenizer_->decode_raw(ids, skip_special_, window_at_start_);
  std::vector<TokenId> shown;
  shown.reserve(ids.size());
  for (TokenId id : ids)
    if (!tokenizer_->is_special(id) || kept(id)) shown.push_back(id);
  return tokenizer_->decode_raw(shown, false, window_at_start_);
}

std::string IncrementalDecoder::release(std::string raw, bool final) {
  if (!clean_up_) return raw;
  held_ += raw;
  size_t cut = final ? held_.size() : safe_clean_cut(held_);
  if (cut == 0) return {};
  std::string out = clean_up_tokenization(held_.substr(0, cut));
  held_.erase(0, cut);
  return out;
}

bool IncrementalDecoder::reaches_decoder(TokenId id) const {
  return tokenizer_->id_to_token(id) && !(skip_special_ && tokenizer_->is_special(id) && !kept(id));
}

bool IncrementalDecoder::ends_in_byte_run(size_t end) const {
  if (!tokenizer_->joins_byte_runs()) return false;
  for (size_t k = end; k-- > 0;) {
    if (!reaches_decoder(window_[k])) continue;
    return byte_token(*tokenizer_->id_to_token(window_[k])) >= 0;
  }
  return false;
}

std::string IncrementalDecoder::step(TokenId id) {
  window_.push_back(id);
  // A byte token extends a run whose text is known only at its end: nothing to decode yet.
  if (tokenizer_->joins_byte_runs() && reaches_decoder(id) && byte_token(*tokenizer_->id_to_token(id)) >= 0) return {};
  std::string text = decode(window_);
  bool held = ends_with(text, kReplacementChar) || ends_in_byte_run(window_.size()) ||
              text.compare(0, window_text_.size(), window_text_) != 0;
  if (held) {
    // A long held window (bytes that are not valid UTF-8) would make every step decode it
    // again: commit the longest final prefix among the last few positions instead.
    if (!windowed_ || window_.size() < kLongWindow) return {};
    for (size_t k = window_.size() - 1; k + kBackoff >= window_.size() && k > 0; --k) {
      std::span<const TokenId> head(window_.data(), k);
      std::string head_text = decode(head);
      if (head_text.empty() || ends_with(head_text, kReplacementChar) || ends_in_byte_run(k) ||
          head_text.compare(0, window_text_.size(), window_text_) != 0)
        continue;
      std::string fresh = head_text.substr(window_text_.size());
      window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(k));
      window_text_.clear();
      window_at_start_ = false;
      return release(std::move(fresh), false);
    }
    return {};
  }
  std::string fresh = text.substr(window_text_.size());
  window_text_ = std::move(text);
  if (windowed_ && window_.size() >= kWindowTokens && !window_text_.empty()) {
    window_.clear();
    window_text_.clear();
    window_at_start_ = false;
  }
  return release(std::move(fresh), false);
}

std::string IncrementalDecoder::flush() {
  std::string text = decode(window_);
  std::string fresh;
  if (text.compare(0, window_text_.size(), window_text_) == 0) fresh = text.substr(window_text_.size());
  window_.clear();
  window_text_.clear();
  window_at_start_ = false;
  return release(std::move(fresh), true);
}

}  // namespace openarc::tokenizer

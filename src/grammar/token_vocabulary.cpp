#include "grammar/token_vocabulary.h"

#include <algorithm>

#include "tokenizer/tokenizer.h"

namespace openarc::grammar {

TokenVocabulary::TokenVocabulary(std::vector<std::string> bytes) : bytes_(std::move(bytes)), trie_(bytes_) {}

std::shared_ptr<const TokenVocabulary> TokenVocabulary::from_tokenizer(const tokenizer::Tokenizer& tok, size_t size,
                                                                       std::span<const int32_t> text_specials) {
  std::vector<std::string> bytes(size);
  for (size_t id = 0; id < size; ++id) {
    const auto t = static_cast<tokenizer::TokenId>(id);
    const bool kept = std::find(text_specials.begin(), text_specials.end(), t) != text_specials.end();
    if (tok.is_special(t) && !kept) continue;
    bytes[id] = tok.token_bytes(t);
  }
  return std::make_shared<const TokenVocabulary>(std::move(bytes));
}

}  // namespace openarc::grammar

// What each token of a model's vocabulary adds to the text, as bytes, and the trie over them:
// the part of a grammar's token masks that depends only on the tokenizer (built once per model).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "grammar/token_trie.h"

namespace openarc::tokenizer {
class Tokenizer;
}

namespace openarc::grammar {

class TokenVocabulary {
 public:
  // bytes[id] for ids 0 .. bytes.size()-1; an empty string: the token is never text.
  explicit TokenVocabulary(std::vector<std::string> bytes);

  // `size` ids (the model's logits width, which may exceed the tokenizer's). Special tokens add
  // no text (decoding drops them) and are left out, except `text_specials` (tool-call markers
  // that decoding keeps). The end tokens a grammar allows are given to TokenGrammar.
  static std::shared_ptr<const TokenVocabulary> from_tokenizer(const tokenizer::Tokenizer& tok, size_t size,
                                                               std::span<const int32_t> text_specials = {});

  size_t size() const { return bytes_.size(); }
  const std::string& bytes(int32_t id) const { return bytes_[static_cast<size_t>(id)]; }
  const TokenTrie& trie() const { return trie_; }

 private:
  std::vector<std::string> bytes_;
  TokenTrie trie_;
};

}  // namespace openarc::grammar

// The tokenization model (tokenizer.json "model"): turns one pre-tokenized piece into ids.
// BPE is the only one real LLM files use; Unigram and WordPiece plug in here later.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openarc::tokenizer {

class JsonAt;
using TokenId = int32_t;

class Model {
 public:
  virtual ~Model() = default;
  virtual void tokenize(std::string_view piece, std::vector<TokenId>& out) const = 0;
  virtual std::optional<TokenId> token_to_id(std::string_view token) const = 0;
  // nullptr for an id the vocabulary does not hold.
  virtual const std::string* id_to_token(TokenId id) const = 0;
  // One past the largest id (the Rust library's get_vocab_size for BPE).
  virtual size_t vocab_size() const = 0;
};

std::unique_ptr<Model> make_model(const JsonAt& j);

}  // namespace openarc::tokenizer

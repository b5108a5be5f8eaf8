// Added tokens (tokenizer.json "added_tokens"): strings cut out of the text before the
// normalizer and the model see it, matched leftmost-longest, with the lstrip, rstrip,
// single_word and normalized flags of the Rust library.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tokenizer/model.h"

namespace openarc::tokenizer {

struct AddedToken {
  std::string content;
  TokenId id = 0;
  bool special = false;
  bool lstrip = false;
  bool rstrip = false;
  bool single_word = false;
  bool normalized = false;
};

// A piece of text after added-token extraction: either a token id or text to tokenize.
struct Segment {
  size_t begin, end;
  std::optional<TokenId> token;
};

class Normalizer;

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  // Ids are assigned as the Rust library does: the model's id when the model knows the content,
  // otherwise one past the largest id so far. `normalizer` normalizes the normalized:true ones.
  AddedVocabulary(std::vector<AddedToken> tokens, const Model& model, const Normalizer* normalizer);

  // Splits text on tokens matched on the raw text (normalized:false).
  std::vector<Segment> split_raw(std::string_view text) const { return split(text, raw_); }
  // Splits normalized text on tokens matched after normalization (normalized:true).
  std::vector<Segment> split_normalized(std::string_view text) const { return split(text, normalized_); }
  bool has_normalized_tokens() const { return !normalized_.tokens.empty(); }

  const std::string* id_to_token(TokenId id) const;
  std::optional<TokenId> token_to_id(std::string_view content) const;
  bool is_special(std::string_view content) const { return special_.count(std::string(content)) != 0; }
  const std::vector<AddedToken>& tokens() const { return tokens_; }

 private:
  // A byte trie for leftmost-longest matching.
  struct Trie {
    struct Node {
      std::vector<std::pair<unsigned char, int32_t>> children;  // sorted by byte
      int32_t token = -1;  // index into tokens_ when a token ends here
    };
    std::vector<Node> nodes{Node{}};
    std::vector<size_t> tokens;        // indices into tokens_
    std::vector<std::string> patterns;  // what is matched (normalized content for normalized ones)
    bool first_byte[256] = {};
    void add(const std::string& pattern, int32_t token);
    // Length of the longest pattern starting at text[at], and its token index.
    std::pair<size_t, int32_t> longest(std::string_view text, size_t at) const;
  };
  std::vector<Segment> split(std::string_view text, const Trie& trie) const;

  std::vector<AddedToken> tokens_;
  std::unordered_map<TokenId, size_t> by_id_;
  std::unordered_map<std::string, TokenId> by_content_;
  std::unordered_set<std::string> special_;
  Trie raw_, normalized_;
};

}  // namespace openarc::tokenizer

// Byte-pair encoding, as the Rust `tokenizers` BPE model does it: characters (with optional
// continuing_subword_prefix / end_of_word_suffix, byte fallback and unk fusing), then merges
// applied lowest rank first with a priority queue over a linked list of symbols, O(n log n).
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizer/model.h"

namespace openarc::tokenizer {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using Vocab = std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>>;

struct BpeOptions {
  std::optional<std::string> unk_token;
  std::optional<std::string> continuing_subword_prefix;
  std::optional<std::string> end_of_word_suffix;
  bool fuse_unk = false;
  bool byte_fallback = false;
  bool ignore_merges = false;
};

class Bpe final : public Model {
 public:
  // merges: pairs of token strings, highest priority first. Throws when a merge names a token
  // (or produces one) that the vocabulary lacks, naming the merge's index.
  Bpe(Vocab vocab, const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options);

  void tokenize(std::string_view piece, std::vector<TokenId>& out) const override;
  std::optional<TokenId> token_to_id(std::string_view token) const override;
  const std::string* id_to_token(TokenId id) const override;
  size_t vocab_size() const override { return id_to_token_.size(); }

 private:
  struct MergeTable;  // open addressing: (left id, right id) -> (rank, merged id)
  struct Symbol {
    TokenId id;
    int32_t prev, next;
    uint32_t len;  // bytes of the piece it covers; 0 once merged away
  };
  void initial_symbols(std::string_view piece, std::vector<Symbol>& symbols) const;
  void merge(std::vector<Symbol>& symbols) const;

  Vocab vocab_;
  std::vector<std::string> id_to_token_;
  std::vector<bool> has_id_;
  std::shared_ptr<const MergeTable> merges_;
  BpeOptions options_;
  std::optional<TokenId> unk_id_;
  std::array<TokenId, 256> byte_ids_{};  // <0xNN> tokens for byte fallback, -1 when absent
  std::vector<TokenId> char_ids_;  // (U+0000..U+FFFF) single-character tokens, -1 when absent

  // Results for short pieces, which repeat a lot (words); sharded to keep threads apart.
  struct CacheShard {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<TokenId>, StringHash, std::equal_to<>> map;
  };
  static constexpr size_t kCacheShards = 16;
  static constexpr size_t kCacheShardCapacity = 4096;
  static constexpr size_t kCacheMaxPiece = 64;  // bytes
  mutable std::array<CacheShard, kCacheShards> cache_;
};

}  // namespace openarc::tokenizer

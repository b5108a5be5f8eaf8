// A Hugging Face tokenizer loaded from tokenizer.json (+ tokenizer_config.json): encode text to
// ids and decode ids to text exactly as the Rust `tokenizers` library does.
//
// Input text that is not valid UTF-8 (it may come from anywhere) is repaired first: each
// invalid sequence becomes U+FFFD, as Rust's String::from_utf8_lossy does.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/added_vocabulary.h"
#include "tokenizer/model.h"

namespace openarc::tokenizer {

class Normalizer;
class PreTokenizer;
class PostProcessor;
class Decoder;

// What only tokenizer_config.json says (all optional).
struct TokenizerConfig {
  std::optional<std::string> bos_token, eos_token, unk_token, pad_token;  // content strings
  std::optional<bool> add_bos_token, add_eos_token;
  bool clean_up_tokenization_spaces = false;
  std::string tokenizer_class;
};

class Tokenizer {
 public:
  // Loads dir/tokenizer.json and, when present, dir/tokenizer_config.json.
  static Tokenizer load(const std::filesystem::path& dir);
  // From JSON text; `name` is used in error messages.
  static Tokenizer from_json(std::string_view tokenizer_json, std::string_view config_json = {},
                             std::string_view name = "tokenizer.json");

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  std::vector<TokenId> encode(std::string_view text, bool add_special_tokens) const;
  std::vector<TokenId> encode_pair(std::string_view a, std::string_view b, bool add_special_tokens) const;

  // Decode as the Rust library does (unknown ids are dropped; skip_special_tokens drops tokens
  // marked special). clean_up: transformers' clean_up_tokenization; by default what
  // tokenizer_config.json's clean_up_tokenization_spaces says.
  std::string decode(std::span<const TokenId> ids, bool skip_special_tokens,
                     std::optional<bool> clean_up = std::nullopt) const;

  // The bytes one token adds to a text it continues, without UTF-8 repair: a byte-fallback
  // token or a byte-level piece may hold part of a character. Empty for an unknown id.
  std::string token_bytes(TokenId id) const;

  std::optional<TokenId> token_to_id(std::string_view token) const;
  const std::string* id_to_token(TokenId id) const;  // nullptr for an unknown id
  bool is_special(TokenId id) const;
  size_t vocab_size() const;  // including added tokens
  const TokenizerConfig& config() const { return config_; }
  std::optional<TokenId> bos_id() const;
  std::optional<TokenId> eos_id() const;

  // For IncrementalDecoder: decode without clean-up; `at_start` false when the ids continue
  // an earlier text.
  std::string decode_raw(std::span<const TokenId> ids, bool skip_special_tokens, bool at_start) const;
  bool streamable_decoder() const;
  bool joins_byte_runs() const;

 private:
  Tokenizer();
  void encode_into(std::string_view text, std::vector<TokenId>& out) const;

  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<PostProcessor> post_processor_;
  std::unique_ptr<Decoder> decoder_;
  AddedVocabulary added_;
  TokenizerConfig config_;
};

}  // namespace openarc::tokenizer

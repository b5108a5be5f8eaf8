// Streaming detokenization: feed ids one at a time and get text as soon as it is final.
// Guarantees: a piece is never half a UTF-8 character, and the concatenation of every piece
// (including flush()) equals tokenizer.decode(all ids) with the same options.
//
// How: the ids since the last commit point form a window that is decoded as a continuation
// (Tokenizer::decode_raw with at_start=false once past the first window). Text is held back
// while it ends in U+FFFD (an incomplete character) or in a <0xNN> byte token (ByteFallback
// decides a whole byte run at once); the window is committed once its text is non-empty and
// final. transformers' clean-up rules need a little lookahead, so clean-up text is released
// only up to a space where no rule can reach across.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace openarc::tokenizer {

class IncrementalDecoder {
 public:
  // continues_text: the ids follow a text decoded before (a prompt), so decoders that strip the
  // start of a text (SentencePiece's leading space) leave the first piece as is.
  // kept_special: special tokens that reach the text even when skip_special_tokens drops the
  // others (the tool-call markers a parser looks for, such as [TOOL_CALLS] or <|python_tag|>).
  IncrementalDecoder(const Tokenizer& tokenizer, bool skip_special_tokens, std::optional<bool> clean_up = std::nullopt,
                     bool continues_text = false, std::vector<TokenId> kept_special = {});

  std::string step(TokenId id);  // the text that became final (possibly empty)
  std::string flush();           // everything still held back; call once at the end

 private:
  std::string release(std::string raw, bool final);
  bool reaches_decoder(TokenId id) const;   // known and not skipped
  bool ends_in_byte_run(size_t end) const;  // window_[0..end) ends in a <0xNN> token
  bool kept(TokenId id) const;
  std::string decode(std::span<const TokenId> ids) const;

  const Tokenizer* tokenizer_;
  bool skip_special_;
  bool clean_up_;
  bool windowed_;                 // false: decode every id again each step (non-streamable decoders)
  std::vector<TokenId> window_;   // ids since the last commit
  bool window_at_start_ = true;   // the window begins the text
  std::string window_text_;       // raw text already emitted from the window
  std::string held_;              // raw text waiting for clean-up lookahead
  std::vector<TokenId> kept_special_;
};

}  // namespace openarc::tokenizer

// Decoders (tokenizer.json "decoder"): turn the token strings of a list of ids back into text.
// Each one follows the Rust `tokenizers` component of the same name and works on the whole
// list (decode_chain), since some look across tokens (ByteFallback, ByteLevel, Fuse).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace openarc::tokenizer {

class JsonAt;

class Decoder {
 public:
  virtual ~Decoder() = default;
  // `at_start` is false when the tokens continue an earlier text (incremental decoding):
  // then the rules for the first token of a text (strip its leading space ...) do not apply.
  virtual void decode_chain(std::vector<std::string>& tokens, bool at_start) const = 0;
  // The same without UTF-8 repair: the bytes themselves, where decode_chain would turn bytes
  // that are not (yet) a whole character into U+FFFD (what a byte-level grammar must see).
  virtual void decode_chain_bytes(std::vector<std::string>& tokens, bool at_start) const {
    decode_chain(tokens, at_start);
  }
  // False when the output for a token can change once later tokens arrive (Strip with a
  // right-hand count), which incremental decoding must know.
  virtual bool streamable() const { return true; }
  // True when a trailing <0xNN> token's text depends on the tokens after it (ByteFallback
  // turns a whole run of byte tokens into U+FFFDs when the run is not valid UTF-8).
  virtual bool joins_byte_runs() const { return false; }
};

std::unique_ptr<Decoder> make_decoder(const JsonAt& j);

// The byte of a "<0xNN>" token, or -1.
int byte_token(const std::string& token);

// transformers' clean_up_tokenization: removes the space before punctuation and contractions.
std::string clean_up_tokenization(std::string text);

}  // namespace openarc::tokenizer

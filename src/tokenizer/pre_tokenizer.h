// Pre-tokenizers (tokenizer.json "pre_tokenizer"): cut a normalized segment into the pieces the
// model tokenizes one by one. Each follows the Rust `tokenizers` component of the same name.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace openarc::tokenizer {

class JsonAt;

struct Piece {
  std::string text;
  // True for a piece that starts at offset 0 of the whole input (Metaspace's "first" scheme).
  bool at_start = false;
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces `pieces` with their sub-pieces; empty pieces are dropped.
  virtual void pre_tokenize(std::vector<Piece>& pieces) const = 0;
};

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const JsonAt& j);

// GPT-2's byte <-> printable character table used by ByteLevel.
const std::string& byte_level_char(unsigned char byte);  // the UTF-8 of the mapped character
// The byte a mapped character stands for, or -1 when the character is not in the table.
int byte_level_byte(char32_t c);

}  // namespace openarc::tokenizer

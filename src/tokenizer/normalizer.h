// Normalizers (tokenizer.json "normalizer"): rewrite a text segment before pre-tokenization.
// Each one follows the Rust `tokenizers` component of the same name.
#pragma once

#include <memory>
#include <string>

namespace openarc::tokenizer {

class JsonAt;

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& text) const = 0;
};

// null gives nullptr; an unknown "type" throws naming the JSON path.
std::unique_ptr<Normalizer> make_normalizer(const JsonAt& j);

}  // namespace openarc::tokenizer

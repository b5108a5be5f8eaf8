// Post-processors (tokenizer.json "post_processor"): add the special tokens around one sequence
// or a pair when encoding with add_special_tokens. ByteLevel's only job (offsets) does not
// touch ids, so it is the identity here.
#pragma once

#include <memory>
#include <vector>

#include "tokenizer/model.h"

namespace openarc::tokenizer {

class JsonAt;

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // `pair` is nullptr for a single sequence. Returns the final ids.
  virtual std::vector<TokenId> process(std::vector<TokenId> a, const std::vector<TokenId>* pair,
                                       bool add_special_tokens) const = 0;
  virtual bool is_identity() const { return false; }
};

std::unique_ptr<PostProcessor> make_post_processor(const JsonAt& j);

}  // namespace openarc::tokenizer

// What the sampler asks of a constraint on the next token: TokenMatcher (a grammar over the whole
// output) and LazyMatcher (a grammar that starts at a trigger in the text) answer it alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace openarc::grammar {

class TokenConstraint {
 public:
  virtual ~TokenConstraint() = default;
  // Whether `token` may come next (cheap: the full mask only when it must).
  virtual bool allows(int32_t token) = 0;
  // The allowed tokens, one bit each (bit id % 64 of word id / 64). Throws Error when none is.
  virtual std::span<const uint64_t> mask() = 0;
  // Advances by a token; throws Error when it is not allowed.
  virtual void accept(int32_t token) = 0;
  // The output is finished: nothing may follow, generation can stop.
  virtual bool is_complete() const = 0;
  virtual size_t vocab_size() const = 0;
};

}  // namespace openarc::grammar

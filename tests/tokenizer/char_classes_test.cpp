#include "tokenizer/utf8.h"

#include <gtest/gtest.h>

namespace openarc::tokenizer {
namespace {

TEST(Utf8, RustCharClasses) {
  EXPECT_TRUE(is_whitespace(U'\u3000'));
  EXPECT_TRUE(is_whitespace(U'\u0085'));
  EXPECT_FALSE(is_whitespace(U'\u200B'));  // zero width space is not White_Space
  EXPECT_TRUE(is_numeric(U'\u00BD'));      // ½ is No
  EXPECT_TRUE(is_alphanumeric(U'\u24D0'));  // ⓐ is Alphabetic
  EXPECT_TRUE(is_bert_punctuation(U'$'));   // ASCII symbol counts for BERT
  EXPECT_TRUE(is_bert_punctuation(U'\u3002'));
  EXPECT_FALSE(is_bert_punctuation(U'\u20AC'));  // € is Sc, not punctuation
}

}  // namespace
}  // namespace openarc::tokenizer

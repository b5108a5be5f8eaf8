// The Unicode character classes that Rust's `char` methods define (is_whitespace,
// is_alphanumeric, is_numeric ...), which the pre-tokenizers use; UTF-8 itself is core/utf8.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/utf8.h"  // code points, validity, lossy repair

namespace openarc::tokenizer {

// Rust char predicates (Unicode properties come from ICU).
bool is_whitespace(char32_t c);    // White_Space
bool is_alphanumeric(char32_t c);  // Alphabetic or Numeric (Nd, Nl, No)
bool is_numeric(char32_t c);       // Nd, Nl, No
bool is_bert_punctuation(char32_t c);  // ASCII punctuation or any P* category
bool is_combining_mark(char32_t c);    // Mn (what StripAccents removes)
bool is_control(char32_t c);           // Cc, Cf, Cn, Co (BertNormalizer's notion)
bool is_chinese_char(char32_t c);      // the CJK blocks BertNormalizer pads with spaces

}  // namespace openarc::tokenizer

// Element types of tensors, as the OpenVINO IR spells and packs them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace openarc {

enum class ElementType : uint8_t {
  undefined,
  boolean,  // 1 byte per element, 0 or non-zero
  f64,
  f32,
  f16,
  bf16,  // upper 16 bits of an IEEE binary32
  i64,
  i32,
  i16,
  i8,
  u64,
  u32,
  u16,
  u8,
  i4,  // two per byte, element 0 in the low nibble, sign-extended
  u4,  // two per byte, element 0 in the low nibble
  u1,  // eight per byte, element 0 in the most significant bit
};

size_t bit_width(ElementType t);
bool is_float(ElementType t);
bool is_signed(ElementType t);    // true for floats and signed integers
bool is_integral(ElementType t);  // integers and boolean
bool is_sub_byte(ElementType t);  // i4 u4 u1

// Bytes that `count` packed elements occupy: ceil(count * bits / 8).
size_t byte_size(ElementType t, size_t count);

// The IR's element_type spelling ("f32", "boolean", ...).
std::string_view to_string(ElementType t);
// Port precision spelling ("FP32", "BOOL", ...).
std::string_view to_precision(ElementType t);
// Parses either spelling; returns undefined for an unknown name.
ElementType parse_element_type(std::string_view name);

}  // namespace openarc

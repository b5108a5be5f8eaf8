#include "core/element_type.h"

#include <array>

namespace openarc {
namespace {

struct TypeInfo {
  ElementType type;
  std::string_view name;       // element_type="..."
  std::string_view precision;  // precision="..."
  size_t bits;
  bool is_float, is_signed;
};

constexpr std::array<TypeInfo, 17> kTypes{{
    {ElementType::undefined, "undefined", "UNSPECIFIED", 0, false, false},
    {ElementType::boolean, "boolean", "BOOL", 8, false, false},
    {ElementType::f64, "f64", "FP64", 64, true, true},
    {ElementType::f32, "f32", "FP32", 32, true, true},
    {ElementType::f16, "f16", "FP16", 16, true, true},
    {ElementType::bf16, "bf16", "BF16", 16, true, true},
    {ElementType::i64, "i64", "I64", 64, false, true},
    {ElementType::i32, "i32", "I32", 32, false, true},
    {ElementType::i16, "i16", "I16", 16, false, true},
    {ElementType::i8, "i8", "I8", 8, false, true},
    {ElementType::u64, "u64", "U64", 64, false, false},
    {ElementType::u32, "u32", "U32", 32, false, false},
    {ElementType::u16, "u16", "U16", 16, false, false},
    {ElementType::u8, "u8", "U8", 8, false, false},
    {ElementType::i4, "i4", "I4", 4, false, true},
    {ElementType::u4, "u4", "U4", 4, false, false},
    {ElementType::u1, "u1", "U1", 1, false, false},
}};

const TypeInfo& info(ElementType t) { return kTypes[static_cast<size_t>(t)]; }

}  // namespace

size_t bit_width(ElementType t) { return info(t).bits; }
bool is_float(ElementType t) { return info(t).is_float; }
bool is_signed(ElementType t) { return info(t).is_signed; }
bool is_integral(ElementType t) { return t != ElementType::undefined && !info(t).is_float; }
bool is_sub_byte(ElementType t) { return info(t).bits > 0 && info(t).bits < 8; }

size_t byte_size(ElementType t, size_t count) { return (count * info(t).bits + 7) / 8; }

std::string_view to_string(ElementType t) { return info(t).name; }
std::string_view to_precision(ElementType t) { return info(t).precision; }

ElementType parse_element_type(std::string_view name) {
  for (const TypeInfo& ti : kTypes) {
    if (ti.type != ElementType::undefined && (name == ti.name || name == ti.precision)) return ti.type;
  }
  // Spellings the IR reader also accepts.
  if (name == "bool") return ElementType::boolean;
  return ElementType::undefined;
}

}  // namespace openarc

// Calls a generic kernel with the C++ type behind a byte-aligned numeric element type: a plain
// switch instead of a dispatch macro (STYLE.md, avoid #7). f16/bf16 are widened to f32 first
// (float_io.h), so they never reach the switch.
#pragma once

#include <cstdint>

#include "core/element_type.h"
#include "core/error.h"

namespace openarc::ops {

// f(T{}) for t's C++ type; Error naming `what` for boolean, sub-byte, half or undefined types.
template <typename F>
decltype(auto) dispatch_numeric(ElementType t, const char* what, F&& f) {
  switch (t) {
    case ElementType::f64: return f(double{});
    case ElementType::f32: return f(float{});
    case ElementType::i64: return f(int64_t{});
    case ElementType::i32: return f(int32_t{});
    case ElementType::i16: return f(int16_t{});
    case ElementType::i8: return f(int8_t{});
    case ElementType::u64: return f(uint64_t{});
    case ElementType::u32: return f(uint32_t{});
    case ElementType::u16: return f(uint16_t{});
    case ElementType::u8: return f(uint8_t{});
    default: fail(what, ": element type ", to_string(t), " is not supported");
  }
}

// Numeric types the dispatch (plus the f16/bf16 widening) accepts.
inline bool is_numeric(ElementType t) {
  return t != ElementType::undefined && t != ElementType::boolean && !is_sub_byte(t);
}

}  // namespace openarc::ops

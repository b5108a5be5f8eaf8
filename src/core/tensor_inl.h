// Template parts of tensor.h.
#pragma once

#include <cstring>
#include <type_traits>

namespace openarc {

template <typename T>
constexpr ElementType element_type_of() {
  if constexpr (std::is_same_v<T, bool>) return ElementType::boolean;
  else if constexpr (std::is_same_v<T, double>) return ElementType::f64;
  else if constexpr (std::is_same_v<T, float>) return ElementType::f32;
  else if constexpr (std::is_same_v<T, int64_t>) return ElementType::i64;
  else if constexpr (std::is_same_v<T, int32_t>) return ElementType::i32;
  else if constexpr (std::is_same_v<T, int16_t>) return ElementType::i16;
  else if constexpr (std::is_same_v<T, int8_t>) return ElementType::i8;
  else if constexpr (std::is_same_v<T, uint64_t>) return ElementType::u64;
  else if constexpr (std::is_same_v<T, uint32_t>) return ElementType::u32;
  else if constexpr (std::is_same_v<T, uint16_t>) return ElementType::u16;
  else if constexpr (std::is_same_v<T, uint8_t>) return ElementType::u8;
  else static_assert(sizeof(T) == 0, "no element type for this C++ type");
}

template <typename T>
Tensor Tensor::from(Shape shape, std::initializer_list<T> values) {
  Tensor t(element_type_of<T>(), std::move(shape));
  int64_t i = 0;
  for (const T& v : values) {
    if (i >= t.size()) break;
    t.data<T>()[i++] = v;
  }
  return t;
}

}  // namespace openarc

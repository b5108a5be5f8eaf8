// Tensor: an element type, a shape and a pointer to dense row-major data. The data is either
// owned (allocated, 64-byte aligned, zeroed) or a view into memory kept alive by `owner` (a
// memory-mapped .bin, another tensor). Copies share the data; clone() copies it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/element_type.h"
#include "core/shape.h"

namespace openarc {

class Tensor {
 public:
  Tensor() = default;
  Tensor(ElementType type, Shape shape);  // owned, zero-filled

  // A view of `data`, which must hold byte_size(type, shape_size(shape)) bytes for as long as
  // `owner` lives.
  static Tensor view(ElementType type, Shape shape, const void* data, std::shared_ptr<const void> owner);

  template <typename T>
  static Tensor from(Shape shape, std::initializer_list<T> values);  // owned, for tests and builders
  template <typename T>
  static Tensor scalar(T value) { return from<T>({}, {value}); }

  bool valid() const { return type_ != ElementType::undefined; }
  ElementType type() const { return type_; }
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t size() const { return shape_size(shape_); }  // element count
  size_t byte_size() const { return openarc::byte_size(type_, static_cast<size_t>(size())); }

  void* data() { return data_; }
  const void* data() const { return data_; }
  template <typename T>
  T* data() { return static_cast<T*>(data_); }
  template <typename T>
  const T* data() const { return static_cast<const T*>(data_); }

  Tensor clone() const;                  // deep, owned copy
  Tensor reshaped(Shape shape) const;    // same data, another shape of equal size

  // Element i read or written as double / int64, whatever the type (sub-byte types included).
  // For reference kernels, attribute values and tests; not for hot loops.
  double get_f64(int64_t i) const;
  int64_t get_i64(int64_t i) const;
  void set_f64(int64_t i, double v);
  void set_i64(int64_t i, int64_t v);
  // All elements as int64 (shape vectors, axes); throws Error for float types.
  std::vector<int64_t> to_i64_vector() const;
  std::vector<float> to_f32_vector() const;

 private:
  ElementType type_ = ElementType::undefined;
  Shape shape_;
  void* data_ = nullptr;
  std::shared_ptr<const void> owner_;
};

// The C++ type behind each byte-aligned element type.
template <typename T>
constexpr ElementType element_type_of();

}  // namespace openarc

#include "core/tensor_inl.h"

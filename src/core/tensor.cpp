#include "core/tensor.h"

#include <cstdlib>
#include <cstring>

#include "core/error.h"
#include "core/float16.h"

namespace openarc {

Tensor::Tensor(ElementType type, Shape shape) : type_(type), shape_(std::move(shape)) {
  for (int64_t d : shape_) check(d >= 0, "cannot allocate a tensor of shape ", to_string(shape_));
  size_t bytes = byte_size();
  size_t alloc = (bytes + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, alloc ? alloc : 64);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, alloc ? alloc : 64);
  data_ = p;
  owner_ = std::shared_ptr<const void>(p, [](const void* q) { std::free(const_cast<void*>(q)); });
}

Tensor Tensor::view(ElementType type, Shape shape, const void* data, std::shared_ptr<const void> owner) {
  Tensor t;
  t.type_ = type;
  t.shape_ = std::move(shape);
  t.data_ = const_cast<void*>(data);
  t.owner_ = std::move(owner);
  return t;
}

Tensor Tensor::clone() const {
  Tensor t(type_, shape_);
  if (byte_size()) std::memcpy(t.data_, data_, byte_size());
  return t;
}

Tensor Tensor::reshaped(Shape shape) const {
  check(shape_size(shape) == size(), "cannot reshape ", to_string(shape_), " to ", to_string(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

namespace {

// Reads element i of a sub-byte type (i4/u4 low nibble first, u1 most significant bit first).
int64_t get_sub_byte(const uint8_t* p, ElementType t, int64_t i) {
  if (t == ElementType::u1) return (p[i / 8] >> (7 - i % 8)) & 1;
  uint8_t nib = (p[i / 2] >> ((i % 2) * 4)) & 0xf;
  if (t == ElementType::i4) return nib >= 8 ? int64_t(nib) - 16 : int64_t(nib);
  return nib;
}

void set_sub_byte(uint8_t* p, ElementType t, int64_t i, int64_t v) {
  if (t == ElementType::u1) {
    uint8_t bit = static_cast<uint8_t>(1u << (7 - i % 8));
    p[i / 8] = v ? (p[i / 8] | bit) : (p[i / 8] & ~bit);
    return;
  }
  int shift = (i % 2) * 4;
  p[i / 2] = static_cast<uint8_t>((p[i / 2] & ~(0xf << shift)) | ((v & 0xf) << shift));
}

}  // namespace

double Tensor::get_f64(int64_t i) const {
  switch (type_) {
    case ElementType::f64: return data<double>()[i];
    case ElementType::f32: return data<float>()[i];
    case ElementType::f16: return f16_to_f32(data<uint16_t>()[i]);
    case ElementType::bf16: return bf16_to_f32(data<uint16_t>()[i]);
    case ElementType::u64: return static_cast<double>(data<uint64_t>()[i]);
    default: return static_cast<double>(get_i64(i));
  }
}

int64_t Tensor::get_i64(int64_t i) const {
  switch (type_) {
    case ElementType::boolean: return data<uint8_t>()[i] != 0;
    case ElementType::i64: return data<int64_t>()[i];
    case ElementType::i32: return data<int32_t>()[i];
    case ElementType::i16: return data<int16_t>()[i];
    case ElementType::i8: return data<int8_t>()[i];
    case ElementType::u64: return static_cast<int64_t>(data<uint64_t>()[i]);
    case ElementType::u32: return data<uint32_t>()[i];
    case ElementType::u16: return data<uint16_t>()[i];
    case ElementType::u8: return data<uint8_t>()[i];
    case ElementType::i4:
    case ElementType::u4:
    case ElementType::u1: return get_sub_byte(data<uint8_t>(), type_, i);
    case ElementType::undefined: fail("read of an undefined tensor");
    default: return static_cast<int64_t>(get_f64(i));
  }
}

void Tensor::set_f64(int64_t i, double v) {
  switch (type_) {
    case ElementType::f64: data<double>()[i] = v; return;
    case ElementType::f32: data<float>()[i] = static_cast<float>(v); return;
    case ElementType::f16: data<uint16_t>()[i] = f32_to_f16(static_cast<float>(v)); return;
    case ElementType::bf16: data<uint16_t>()[i] = f32_to_bf16(static_cast<float>(v)); return;
    case ElementType::boolean: data<uint8_t>()[i] = v != 0; return;
    default: set_i64(i, static_cast<int64_t>(v)); return;
  }
}

void Tensor::set_i64(int64_t i, int64_t v) {
  switch (type_) {
    case ElementType::boolean: data<uint8_t>()[i] = v != 0; return;
    case ElementType::i64: data<int64_t>()[i] = v; return;
    case ElementType::i32: data<int32_t>()[i] = static_cast<int32_t>(v); return;
    case ElementType::i16: data<int16_t>()[i] = static_cast<int16_t>(v); return;
    case ElementType::i8: data<int8_t>()[i] = static_cast<int8_t>(v); return;
    case ElementType::u64: data<uint64_t>()[i] = static_cast<uint64_t>(v); return;
    case ElementType::u32: data<uint32_t>()[i] = static_cast<uint32_t>(v); return;
    case ElementType::u16: data<uint16_t>()[i] = static_cast<uint16_t>(v); return;
    case ElementType::u8: data<uint8_t>()[i] = static_cast<uint8_t>(v); return;
    case ElementType::i4:
    case ElementType::u4:
    case ElementType::u1: set_sub_byte(data<uint8_t>(), type_, i, v); return;
    case ElementType::undefined: fail("write to an undefined tensor");
    default: set_f64(i, static_cast<double>(v)); return;
  }
}

std::vector<int64_t> Tensor::to_i64_vector() const {
  check(is_integral(type_), "expected an integer tensor, got ", to_string(type_));
  std::vector<int64_t> out(static_cast<size_t>(size()));
  for (int64_t i = 0; i < size(); ++i) out[i] = get_i64(i);
  return out;
}

std::vector<float> Tensor::to_f32_vector() const {
  std::vector<float> out(static_cast<size_t>(size()));
  for (int64_t i = 0; i < size(); ++i) out[i] = static_cast<float>(get_f64(i));
  return out;
}

}  // namespace openarc

// A variable's KV cache kept where fused attention can append to it in place: [batch, heads,
// capacity, head_dim] of f32 or f16 (`precision`) with `length` positions in use. Appending S
// positions writes S rows per head; trimming (prefix reuse) only lowers `length`; a full buffer
// grows to at least double, and a quarter past what a long prefill asks for, so decode steps
// almost never copy the cache (DESIGN.md: "a buffer with spare capacity"). f16 halves the bytes attention reads per step; the state interface (dense(),
// assign()) stays f32 and converts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/tensor.h"

namespace openarc::ops {

// OpenVINO's KV_CACHE_PRECISION names this cache takes: "f32", "f16". Throws Error otherwise.
ElementType parse_kv_cache_precision(const std::string& name);

struct KvCache {
  bool set = false;  // false: unset, as after reset (ReadValue would give its initializer)
  ElementType precision = ElementType::f32;  // f32 or f16
  int64_t batch = 0, heads = 0, head_dim = 0;
  int64_t length = 0, capacity = 0;
  std::shared_ptr<uint8_t[]> data;  // [batch][heads][capacity][head_dim] of `precision`

  int64_t element_size() const { return precision == ElementType::f16 ? 2 : 4; }
  // Position t of head h of batch row b: [head_dim] elements, positions of a head contiguous.
  const void* row(int64_t b, int64_t h, int64_t t) const {
    return data.get() + ((b * heads + h) * capacity + t) * head_dim * element_size();
  }
  Shape shape() const { return {batch, heads, length, head_dim}; }

  // Makes the cache hold `p` (f32 or f16), converting what it holds; returns *this.
  KvCache& with_precision(ElementType p);
  // Makes room for `needed` positions (keeps what is there).
  void reserve(int64_t needed);
  // Starts an empty cache of this geometry.
  void reset(int64_t b, int64_t h, int64_t d);
  // Appends x [batch, heads, s, head_dim] (dense f32) at position `length`.
  void append(const float* x, int64_t s);
  // Batch row b becomes old row order[b] (beam search reordering); order has `batch` entries.
  void reorder(const int64_t* order);
  // The state as a dense f32 tensor [batch, heads, length, head_dim] (a copy), and back.
  Tensor dense() const;
  void assign(const Tensor& dense);  // f32, rank 4

 private:
  uint8_t* mutable_row(int64_t b, int64_t h, int64_t t) { return const_cast<uint8_t*>(static_cast<const uint8_t*>(row(b, h, t))); }
};

}  // namespace openarc::ops

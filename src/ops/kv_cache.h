// A variable's KV cache kept where fused attention can append to it in place: [batch, heads,
// capacity, head_dim] f32 with `length` positions in use. Appending S positions writes S rows per
// head; trimming (prefix reuse) only lowers `length`; the buffer doubles when it is full, so a
// decode step never copies the cache (DESIGN.md: "a buffer with spare capacity").
#pragma once

#include <cstdint>
#include <memory>

#include "core/tensor.h"

namespace openarc::ops {

struct KvCache {
  bool set = false;  // false: unset, as after reset (ReadValue would give its initializer)
  int64_t batch = 0, heads = 0, head_dim = 0;
  int64_t length = 0, capacity = 0;
  std::shared_ptr<float[]> data;  // [batch][heads][capacity][head_dim]

  float* row(int64_t b, int64_t h, int64_t t) const {
    return data.get() + ((b * heads + h) * capacity + t) * head_dim;
  }
  Shape shape() const { return {batch, heads, length, head_dim}; }

  // Makes room for `needed` positions (keeps what is there).
  void reserve(int64_t needed);
  // Starts an empty cache of this geometry.
  void reset(int64_t b, int64_t h, int64_t d);
  // Appends x [batch, heads, s, head_dim] (dense) at position `length`.
  void append(const float* x, int64_t s);
  // Batch row b becomes old row order[b] (beam search reordering); order has `batch` entries.
  void reorder(const int64_t* order);
  // The state as a dense tensor [batch, heads, length, head_dim] (a copy), and back.
  Tensor dense() const;
  void assign(const Tensor& dense);  // f32, rank 4
};

}  // namespace openarc::ops

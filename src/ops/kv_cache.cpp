#include "ops/kv_cache.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/error.h"

namespace openarc::ops {

void KvCache::reserve(int64_t needed) {
  if (needed <= capacity && data) return;
  const int64_t cap = std::max<int64_t>({needed, capacity * 2, 16});
  std::shared_ptr<float[]> grown(new float[static_cast<size_t>(batch * heads * cap * head_dim)]());
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      if (length > 0)
        std::memcpy(grown.get() + (b * heads + h) * cap * head_dim, row(b, h, 0), sizeof(float) * length * head_dim);
  data = std::move(grown);
  capacity = cap;
}

void KvCache::reset(int64_t b, int64_t h, int64_t d) {
  if (b != batch || h != heads || d != head_dim) {
    data.reset();
    capacity = 0;
  }
  batch = b;
  heads = h;
  head_dim = d;
  length = 0;
  set = true;
}

void KvCache::append(const float* x, int64_t s) {
  reserve(length + s);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      std::memcpy(row(b, h, length), x + (b * heads + h) * s * head_dim, sizeof(float) * s * head_dim);
  length += s;
}

void KvCache::reorder(const int64_t* order) {
  std::vector<float> old(static_cast<size_t>(batch * heads * length * head_dim));  // [batch][heads][length][head_dim]
  const int64_t per_head = length * head_dim;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h) std::memcpy(old.data() + (b * heads + h) * per_head, row(b, h, 0), sizeof(float) * per_head);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      std::memcpy(row(b, h, 0), old.data() + (order[b] * heads + h) * per_head, sizeof(float) * per_head);
}

Tensor KvCache::dense() const {
  Tensor t(ElementType::f32, shape());
  const int64_t per_head = length * head_dim;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      if (per_head > 0) std::memcpy(t.data<float>() + (b * heads + h) * per_head, row(b, h, 0), sizeof(float) * per_head);
  return t;
}

void KvCache::assign(const Tensor& t) {
  check(t.type() == ElementType::f32 && t.rank() == 4, "a KV cache state must be f32 [batch, heads, length, dim], got ",
        to_string(t.type()), " ", to_string(t.shape()));
  reset(t.shape()[0], t.shape()[1], t.shape()[3]);
  reserve(t.shape()[2]);
  append(t.data<float>(), t.shape()[2]);
}

}  // namespace openarc::ops

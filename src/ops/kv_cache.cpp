#include "ops/kv_cache.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "core/error.h"
#include "core/float16.h"

namespace openarc::ops {

namespace {

// n f32 values to the cache's element type at dst.
void store(const float* x, int64_t n, ElementType type, uint8_t* dst) {
  if (type == ElementType::f32) {
    std::memcpy(dst, x, sizeof(float) * n);
    return;
  }
  auto* h = reinterpret_cast<uint16_t*>(dst);
  for (int64_t i = 0; i < n; ++i) h[i] = f32_to_f16(x[i]);
}

// n cache elements of `type` at src to f32.
void load(const uint8_t* src, int64_t n, ElementType type, float* y) {
  if (type == ElementType::f32) {
    std::memcpy(y, src, sizeof(float) * n);
    return;
  }
  const auto* h = reinterpret_cast<const uint16_t*>(src);
  for (int64_t i = 0; i < n; ++i) y[i] = f16_to_f32(h[i]);
}

}  // namespace

ElementType parse_kv_cache_precision(const std::string& name) {
  if (name == "f32") return ElementType::f32;
  if (name == "f16") return ElementType::f16;
  fail("KV cache precision '", name, "' is not one of f32 f16");
}

KvCache& KvCache::with_precision(ElementType p) {
  check(p == ElementType::f32 || p == ElementType::f16, "KV cache precision ", to_string(p), " is not f32 or f16");
  if (p == precision) return *this;
  if (!set || !data) {
    precision = p;
    return *this;
  }
  Tensor t = dense();
  data.reset();
  capacity = 0;
  precision = p;
  assign(t);
  return *this;
}

void KvCache::reserve(int64_t needed) {
  if (needed <= capacity && data) return;
  // A quarter more than asked (a prompt's prefill reserves its length; the decode steps after
  // it then append without moving the cache), and at least double (appends stay O(1) amortized).
  const int64_t cap = std::max<int64_t>({needed + needed / 4, capacity * 2, 16});
  const int64_t es = element_size();
  // calloc: zeros without writing them (fresh pages come zeroed from the kernel, touched as used).
  void* raw = std::calloc(static_cast<size_t>(batch * heads * cap * head_dim * es), 1);
  if (!raw) throw std::bad_alloc();
  std::shared_ptr<uint8_t[]> grown(static_cast<uint8_t*>(raw), [](uint8_t* p) { std::free(p); });
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      if (length > 0)
        std::memcpy(grown.get() + (b * heads + h) * cap * head_dim * es, row(b, h, 0), es * length * head_dim);
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
      store(x + (b * heads + h) * s * head_dim, s * head_dim, precision, mutable_row(b, h, length));
  length += s;
}

void KvCache::reorder(const int64_t* order) {
  const int64_t per_head = length * head_dim * element_size();  // bytes
  std::vector<uint8_t> old(static_cast<size_t>(batch * heads * per_head));  // [batch][heads][length][head_dim]
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h) std::memcpy(old.data() + (b * heads + h) * per_head, row(b, h, 0), per_head);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      std::memcpy(mutable_row(b, h, 0), old.data() + (order[b] * heads + h) * per_head, per_head);
}

Tensor KvCache::dense() const {
  Tensor t(ElementType::f32, shape());
  const int64_t per_head = length * head_dim;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      if (per_head > 0)
        load(static_cast<const uint8_t*>(row(b, h, 0)), per_head, precision, t.data<float>() + (b * heads + h) * per_head);
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

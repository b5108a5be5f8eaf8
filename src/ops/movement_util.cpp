#include "ops/movement_util.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace openarc::ops {

void check_index_type(ElementType t, const char* what) {
  if (!(t == ElementType::undefined || (is_integral(t) && t != ElementType::boolean))) fail(what,
        " must be an integer tensor, got ", to_string(t));
}

std::vector<int64_t> int_values(const Tensor& t, const char* what) {
  check_index_type(t.type(), what);
  return t.to_i64_vector();
}

int64_t scalar_int(const Tensor& t, const char* what) {
  if (!(t.size() == 1)) fail(what, " must hold exactly one value, got shape ", to_string(t.shape()));
  return int_values(t, what)[0];
}

void check_rank_at_most_1(const PartialShape& s, const char* what) {
  if (!(s.rank() <= 1)) fail(what, " must be a scalar or 1-D, got shape ", s.to_string());
}

int64_t vector_length(const PartialShape& s) {
  if (s.rank_is_dynamic()) return -1;
  if (s.rank() == 0) return 1;
  return s.rank() == 1 ? s[0] : -1;
}

std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank, const char* what) {
  std::vector<int64_t> out;
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    check(a >= -rank && a < rank, what, ": axis ", a, " is out of range for rank ", rank);
    int64_t n = a < 0 ? a + rank : a;
    check(!seen[n], what, ": axis ", a, " is repeated");
    seen[n] = true;
    out.push_back(n);
  }
  return out;
}

std::string values_string(const std::vector<int64_t>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  return out + "]";
}

int64_t checked_mul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) fail("dims ", a, " x ", b, " overflow 64 bits");
  return r;
}

int64_t dims_product(const Shape& s, size_t from, size_t to) {
  int64_t n = 1;
  for (size_t i = from; i < to && i < s.size(); ++i) n *= s[i];
  return n;
}

SliceRange python_slice(int64_t dim, const int64_t* start, const int64_t* stop, int64_t step) {
  check(step != 0, "slice step must not be 0");
  auto clamp = [&](int64_t v) {
    if (v < 0) v += dim;
    if (step > 0) return std::clamp<int64_t>(v, 0, dim);
    return std::clamp<int64_t>(v, -1, dim - 1);
  };
  int64_t b = start ? clamp(*start) : (step > 0 ? 0 : dim - 1);
  int64_t e = stop ? clamp(*stop) : (step > 0 ? dim : -1);
  // ceil(distance / |step|) without overflow: the clamped bounds are within [-1, dim].
  int64_t dist = step > 0 ? e - b : b - e;
  int64_t mag = step > 0 ? step : (step == INT64_MIN ? INT64_MAX : -step);
  int64_t count = dist <= 0 ? 0 : (dist - 1) / mag + 1;
  return {b, count};
}

namespace {

// Raw bit pattern of sub-byte element i (no sign extension: copies keep the bits).
// Nibble types hold element 0 in the low nibble; u1 holds element 0 in the top bit.
inline unsigned get_bits(const uint8_t* p, size_t bits, int64_t i) {
  if (bits == 1) return (p[i >> 3] >> (7 - (i & 7))) & 1u;
  return (p[i >> 1] >> ((i & 1) * 4)) & 0xfu;
}

inline void set_bits(uint8_t* p, size_t bits, int64_t i, unsigned v) {
  if (bits == 1) {
    uint8_t m = static_cast<uint8_t>(1u << (7 - (i & 7)));
    p[i >> 3] = static_cast<uint8_t>(v ? (p[i >> 3] | m) : (p[i >> 3] & ~m));
    return;
  }
  int shift = static_cast<int>(i & 1) * 4;
  p[i >> 1] = static_cast<uint8_t>((p[i >> 1] & ~(0xf << shift)) | ((v & 0xf) << shift));
}

// One element of `size` bytes; fixed sizes let the compiler emit a single move.
inline void copy_one(uint8_t* d, const uint8_t* s, size_t size) {
  switch (size) {
    case 1: *d = *s; return;
    case 2: std::memcpy(d, s, 2); return;
    case 4: std::memcpy(d, s, 4); return;
    case 8: std::memcpy(d, s, 8); return;
    default: std::memcpy(d, s, size);
  }
}

}  // namespace

void copy_elements(Tensor& dst, int64_t dst_off, const Tensor& src, int64_t src_off, int64_t n) {
  if (n <= 0) return;
  size_t bits = bit_width(dst.type());
  auto* d = static_cast<uint8_t*>(dst.data());
  const auto* s = static_cast<const uint8_t*>(src.data());
  if (bits % 8 == 0) {
    size_t es = bits / 8;
    std::memcpy(d + dst_off * es, s + src_off * es, static_cast<size_t>(n) * es);
    return;
  }
  int64_t per_byte = static_cast<int64_t>(8 / bits);
  int64_t i = 0;
  if (dst_off % per_byte == 0 && src_off % per_byte == 0) {
    int64_t whole = n / per_byte;
    std::memcpy(d + dst_off / per_byte, s + src_off / per_byte, static_cast<size_t>(whole));
    i = whole * per_byte;
  }
  for (; i < n; ++i) set_bits(d, bits, dst_off + i, get_bits(s, bits, src_off + i));
}

void zero_elements(Tensor& dst, int64_t dst_off, int64_t n) {
  if (n <= 0) return;
  size_t bits = bit_width(dst.type());
  auto* d = static_cast<uint8_t*>(dst.data());
  if (bits % 8 == 0) {
    std::memset(d + dst_off * (bits / 8), 0, static_cast<size_t>(n) * (bits / 8));
    return;
  }
  for (int64_t i = 0; i < n; ++i) set_bits(d, bits, dst_off + i, 0);
}

void strided_copy(Tensor& out, const Tensor& src, int64_t base, const Shape& strides) {
  const Shape& shape = out.shape();
  int64_t total = out.size();
  if (total == 0) return;
  size_t rank = shape.size();
  if (rank == 0) {
    copy_elements(out, 0, src, base, 1);
    return;
  }
  size_t bits = bit_width(out.type());
  size_t es = bits / 8;
  auto* d = static_cast<uint8_t*>(out.data());
  const auto* s = static_cast<const uint8_t*>(src.data());
  int64_t inner = shape[rank - 1], inner_stride = strides[rank - 1];
  Shape idx(rank - 1, 0);
  int64_t off = base;
  for (int64_t o = 0; o < total; o += inner) {
    // One innermost run: out[o, o+inner) from src[off + k*inner_stride].
    if (inner_stride == 1) {
      copy_elements(out, o, src, off, inner);
    } else if (bits % 8 == 0) {
      uint8_t* dp = d + o * es;
      for (int64_t k = 0; k < inner; ++k) copy_one(dp + k * es, s + (off + k * inner_stride) * es, es);
    } else {
      for (int64_t k = 0; k < inner; ++k) set_bits(d, bits, o + k, get_bits(s, bits, off + k * inner_stride));
    }
    // Advance the outer index like an odometer, keeping `off` in step.
    for (size_t j = rank - 1; j-- > 0;) {
      if (++idx[j] < shape[j]) {
        off += strides[j];
        break;
      }
      off -= strides[j] * (shape[j] - 1);
      idx[j] = 0;
    }
  }
}

}  // namespace openarc::ops

// linear(): checks the description, picks the body for the ISA level, and the pieces every body
// shares (scratch, dequantize_row). The bodies split the rows of W over the current pool.
#include "kernels/linear.h"

#include <memory>

#include "core/error.h"
#include "kernels/linear_body.h"

namespace openarc::kernels {

void check_linear_weights(const LinearWeights& w) {
  using ET = ElementType;
  const ET t = w.type;
  check(t == ET::f32 || t == ET::f16 || t == ET::bf16 || t == ET::u8 || t == ET::i8 || t == ET::u4 ||
            t == ET::i4,
        "linear: weight type ", to_string(t), " is not one of f32 f16 bf16 u8 i8 u4 i4");
  check(w.n > 0 && w.k > 0, "linear: weight shape [", w.n, ", ", w.k, "] must be positive");
  check(w.data != nullptr, "linear: weight data pointer is null");
  if (detail::is_float_weight(t)) return;
  check(w.group_size > 0 && w.k % w.group_size == 0, "linear: group size ", w.group_size,
        " does not divide k = ", w.k);
  check(w.scale_type == ET::f16 || w.scale_type == ET::f32, "linear: scale type ",
        to_string(w.scale_type), " is not f16 or f32");
  check(w.scale != nullptr, "linear: ", to_string(t), " weights need a scale");
  const ET z = w.zero_point_type;
  check(z == ET::undefined || z == ET::u4 || z == ET::u8 || z == ET::f32, "linear: zero point type ",
        to_string(z), " is not u4, u8, f32 or undefined");
  check((z == ET::undefined) == (w.zero_point == nullptr),
        z == ET::undefined ? "linear: a zero point pointer without a zero point type"
                           : "linear: zero point pointer is null");
}

void linear_at(IsaLevel level, const LinearWeights& w, const float* x, int64_t m, float* y,
               const float* bias) {
  check_linear_weights(w);
  check(m >= 0, "linear: m = ", m, " is negative");
  if (m == 0) return;
  check(x != nullptr && y != nullptr, "linear: null activation or output pointer");
  check(static_cast<int>(level) <= static_cast<int>(cpu_info().best), "linear: ISA level ",
        to_string(level), " is not supported by this CPU");
  switch (level) {
    case IsaLevel::avx512: return detail::linear_avx512(w, x, m, y, bias);
    case IsaLevel::avx2: return detail::linear_avx2(w, x, m, y, bias);
    case IsaLevel::scalar: return detail::linear_scalar(w, x, m, y, bias);
  }
}

void linear(const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias) {
  linear_at(isa_level(), w, x, m, y, bias);
}

void dequantize_row(const LinearWeights& w, int64_t r, float* out) {
  check_linear_weights(w);
  check(r >= 0 && r < w.n, "dequantize_row: row ", r, " is outside [0, ", w.n, ")");
  for (int64_t c = 0; c < w.k; ++c) out[c] = detail::load_weight(w, r, c);
}

namespace detail {

float* scratch(int slot, size_t count) {
  struct Buffer {
    std::unique_ptr<float[]> storage;
    size_t capacity = 0;  // floats usable from the aligned start
    float* aligned = nullptr;
  };
  thread_local Buffer buffers[4];
  Buffer& b = buffers[slot];
  if (b.capacity < count) {
    size_t cap = count + count / 2 + 64;
    b.storage.reset(new float[cap + 16]);
    auto addr = reinterpret_cast<uintptr_t>(b.storage.get());
    b.aligned = reinterpret_cast<float*>((addr + 63) & ~uintptr_t{63});
    b.capacity = cap;
  }
  return b.aligned;
}

}  // namespace detail
}  // namespace openarc::kernels

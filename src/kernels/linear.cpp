// linear(): checks the description, picks the body for the ISA level, and the pieces every body
// shares (scratch, dequantize_row). The bodies split the rows of W over the current pool.
#include "kernels/linear.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
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

namespace {

// Checks shared by every entry point; false when there is nothing to do (m = 0).
bool check_call(const LinearWeights& w, const float* x, int64_t m, const float* y) {
  check_linear_weights(w);
  check(m >= 0, "linear: m = ", m, " is negative");
  if (m == 0) return false;
  check(x != nullptr && y != nullptr, "linear: null activation or output pointer");
  return true;
}

void run_f32(IsaLevel level, const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias) {
  check(static_cast<int>(level) <= static_cast<int>(cpu_info().best), "linear: ISA level ",
        to_string(level), " is not supported by this CPU");
  switch (level) {
    case IsaLevel::avx512: return detail::linear_avx512(w, x, m, y, bias);
    case IsaLevel::avx2: return detail::linear_avx2(w, x, m, y, bias);
    case IsaLevel::scalar: return detail::linear_scalar(w, x, m, y, bias);
  }
}

// The 512-bit form on AVX512_VNNI, though Zen 4 splits it in two: from the cache (bench "/hot",
// 256 x 2048, one thread) it streamed u4 g128 at ~40 GB/s against ~28 for the 256-bit form and
// u8 per channel at ~39 against ~27; from memory the two are within noise. The 256-bit form
// remains the fallback for k that is not a whole number of 512-bit vectors.
constexpr Int8Dot kAvx512Dot = Int8Dot::vnni512;

bool takes(Int8Dot dot, const LinearWeights& w) {
  switch (dot) {
    case Int8Dot::vnni512: return detail::q8_takes_avx512(true, w);
    case Int8Dot::vnni256: return detail::q8_takes_avx512(false, w);
    case Int8Dot::avx_vnni256: return detail::q8_takes_avxvnni(w);
    case Int8Dot::avx2_maddubs: return detail::q8_takes_avx2(w);
  }
  return false;
}

// x quantized once (per block of kInt8MaxM rows), laid out for the body, then the body.
// Preconditions: checked arguments, takes(dot, w).
void run_int8(Int8Dot dot, const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias) {
  const int64_t k = w.k, G = w.groups(), gs = w.group_size, blocks = k / kInt8ActivationBlock;
  const bool four = detail::is_4bit(w.type);
  const int64_t E = four ? 8 : 4, lanes = k / E;
  const int64_t vbytes = dot == Int8Dot::vnni512 ? 64 : 32;  // bytes of W per vector
  // [kInt8MaxM][k] quantized x in the body's order, then [k] in element order
  auto* xq = reinterpret_cast<int8_t*>(detail::scratch(detail::kScratchX, static_cast<size_t>((kInt8MaxM + 1) * k / 4 + 16)));
  int8_t* qnat = xq + kInt8MaxM * k;
  // [kInt8MaxM][lanes] dxl, [kInt8MaxM][G + 16] sx, [blocks] d, [blocks] sums
  float* fbuf = detail::scratch(detail::kScratchXSum, static_cast<size_t>(kInt8MaxM * (lanes + G + 16) + 2 * blocks));
  float* dxl = fbuf;
  float* sx = dxl + kInt8MaxM * lanes;
  float* d = sx + kInt8MaxM * (G + 16);
  auto* sums = reinterpret_cast<int32_t*>(d + blocks);
  for (int64_t i0 = 0; i0 < m; i0 += kInt8MaxM) {
    detail::Q8Input in;
    in.m = static_cast<int>(std::min<int64_t>(kInt8MaxM, m - i0));
    for (int i = 0; i < in.m; ++i) {
      quantize_activations(x + (i0 + i) * k, k, qnat, d, sums);
      int8_t* xo = xq + i * k;
      if (four) {  // per chunk of 2 * vbytes elements: the even ones (low nibbles), then the odd ones
        const __m128i low = _mm_set1_epi16(0x00ff);
        for (int64_t c = 0; c < k; c += 2 * vbytes)
          for (int64_t j = 0; j < vbytes; j += 16) {  // 32 bytes in, 16 even and 16 odd out
            __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qnat + c + 2 * j));
            __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qnat + c + 2 * j + 16));
            __m128i even = _mm_packus_epi16(_mm_and_si128(a, low), _mm_and_si128(b, low));
            __m128i odd = _mm_packus_epi16(_mm_srli_epi16(a, 8), _mm_srli_epi16(b, 8));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(xo + c + j), even);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(xo + c + vbytes + j), odd);
          }
      } else {
        std::memcpy(xo, qnat, static_cast<size_t>(k));
      }
      float* dl = dxl + i * lanes;
      for (int64_t l = 0; l < lanes; ++l) dl[l] = d[l * E / kInt8ActivationBlock];
      float* so = sx + i * (G + 16);
      const int64_t per_group = gs / kInt8ActivationBlock;
      for (int64_t g = 0; g < G; ++g) {
        float acc = 0.0f;
        for (int64_t b = g * per_group; b < (g + 1) * per_group; ++b) acc += d[b] * static_cast<float>(sums[b]);
        so[g] = acc;
      }
      for (int t = 0; t < 16; ++t) so[G + t] = 0.0f;
      in.xq[i] = xo;
      in.dxl[i] = dl;
      in.sx[i] = so;
    }
    float* yi = y + i0 * w.n;
    switch (dot) {
      case Int8Dot::vnni512: detail::q8_avx512(true, w, in, yi, bias); break;
      case Int8Dot::vnni256: detail::q8_avx512(false, w, in, yi, bias); break;
      case Int8Dot::avx_vnni256: detail::q8_avxvnni(w, in, yi, bias); break;
      case Int8Dot::avx2_maddubs: detail::q8_avx2(w, in, yi, bias); break;
    }
  }
}

}  // namespace

const char* to_string(Int8Dot dot) {
  switch (dot) {
    case Int8Dot::vnni512: return "vnni512";
    case Int8Dot::vnni256: return "vnni256";
    case Int8Dot::avx_vnni256: return "avx_vnni256";
    case Int8Dot::avx2_maddubs: return "avx2_maddubs";
  }
  return "?";
}

bool int8_dot_supported(Int8Dot dot) {
  const CpuInfo& c = cpu_info();
  switch (dot) {
    case Int8Dot::vnni512:
    case Int8Dot::vnni256: return c.best == IsaLevel::avx512 && c.avx512_vnni;
    case Int8Dot::avx_vnni256: return c.best != IsaLevel::scalar && c.avx_vnni;
    case Int8Dot::avx2_maddubs: return c.best != IsaLevel::scalar;
  }
  return false;
}

bool int8_dot_for(IsaLevel level, const LinearWeights& w, Int8Dot& out) {
  if (static_cast<int>(level) > static_cast<int>(cpu_info().best) || level == IsaLevel::scalar) return false;
  if (detail::is_float_weight(w.type)) return false;
  Int8Dot order[2];
  int count = 0;
  if (level == IsaLevel::avx512 && int8_dot_supported(Int8Dot::vnni512)) {
    order[count++] = kAvx512Dot;
    order[count++] = kAvx512Dot == Int8Dot::vnni512 ? Int8Dot::vnni256 : Int8Dot::vnni512;
  } else {
    order[count++] = int8_dot_supported(Int8Dot::avx_vnni256) ? Int8Dot::avx_vnni256 : Int8Dot::avx2_maddubs;
  }
  for (int i = 0; i < count; ++i)
    if (takes(order[i], w)) {
      out = order[i];
      return true;
    }
  return false;
}

bool linear_int8_takes(Int8Dot dot, const LinearWeights& w) {
  check_linear_weights(w);
  return takes(dot, w);
}

void linear_int8(Int8Dot dot, const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias) {
  if (!check_call(w, x, m, y)) return;
  check(int8_dot_supported(dot), "linear: this CPU does not run the int8 dot product ", to_string(dot));
  check(takes(dot, w), "linear: the int8 path (", to_string(dot), ") does not take ", to_string(w.type),
        " weights [", w.n, ", ", w.k, "] with group size ", w.group_size);
  run_int8(dot, w, x, m, y, bias);
}

bool exact_linear() {
  static const bool exact = [] {
    const char* env = std::getenv("OPENARC_EXACT_LINEAR");
    return env != nullptr && std::strcmp(env, "1") == 0;
  }();
  return exact;
}

void linear_f32_at(IsaLevel level, const LinearWeights& w, const float* x, int64_t m, float* y,
                   const float* bias) {
  if (!check_call(w, x, m, y)) return;
  run_f32(level, w, x, m, y, bias);
}

void linear_at(IsaLevel level, const LinearWeights& w, const float* x, int64_t m, float* y,
               const float* bias) {
  if (!check_call(w, x, m, y)) return;
  Int8Dot dot;
  if (m <= kInt8MaxM && !exact_linear() && int8_dot_for(level, w, dot)) {
    run_int8(dot, w, x, m, y, bias);
    return;
  }
  run_f32(level, w, x, m, y, bias);
}

void quantize_activations(const float* x, int64_t k, int8_t* q, float* scale, int32_t* sums) {
  // SSE2 (the baseline): cvtps2dq and cvtss2si both round to nearest even, so the vector blocks
  // and a short last block give the same values.
  constexpr int64_t B = kInt8ActivationBlock;
  const __m128 abs_mask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
  for (int64_t b0 = 0, bi = 0; b0 < k; b0 += B, ++bi) {
    const int64_t n = std::min(B, k - b0);
    const float* xb = x + b0;
    float amax = 0.0f;
    if (n == B) {
      __m128 mx = _mm_setzero_ps();
      for (int j = 0; j < B; j += 4) mx = _mm_max_ps(mx, _mm_and_ps(_mm_loadu_ps(xb + j), abs_mask));
      mx = _mm_max_ps(mx, _mm_movehl_ps(mx, mx));
      mx = _mm_max_ss(mx, _mm_shuffle_ps(mx, mx, 1));
      amax = _mm_cvtss_f32(mx);
    } else {
      for (int64_t j = 0; j < n; ++j) amax = std::max(amax, std::fabs(xb[j]));
    }
    const float id = amax > 0.0f ? 127.0f / amax : 0.0f;
    scale[bi] = amax / 127.0f;
    int32_t total = 0;
    if (n == B) {
      const __m128 idv = _mm_set1_ps(id);
      __m128i acc = _mm_setzero_si128();
      for (int j = 0; j < B; j += 16) {
        __m128i q0 = _mm_cvtps_epi32(_mm_mul_ps(_mm_loadu_ps(xb + j), idv));
        __m128i q1 = _mm_cvtps_epi32(_mm_mul_ps(_mm_loadu_ps(xb + j + 4), idv));
        __m128i q2 = _mm_cvtps_epi32(_mm_mul_ps(_mm_loadu_ps(xb + j + 8), idv));
        __m128i q3 = _mm_cvtps_epi32(_mm_mul_ps(_mm_loadu_ps(xb + j + 12), idv));
        acc = _mm_add_epi32(acc, _mm_add_epi32(_mm_add_epi32(q0, q1), _mm_add_epi32(q2, q3)));
        __m128i p = _mm_packs_epi16(_mm_packs_epi32(q0, q1), _mm_packs_epi32(q2, q3));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(q + b0 + j), p);
      }
      acc = _mm_add_epi32(acc, _mm_shuffle_epi32(acc, 0x4e));
      acc = _mm_add_epi32(acc, _mm_shuffle_epi32(acc, 0xb1));
      total = _mm_cvtsi128_si32(acc);
    } else {
      for (int64_t j = 0; j < n; ++j) {
        int32_t v = _mm_cvtss_si32(_mm_set_ss(xb[j] * id));
        v = std::clamp(v, -127, 127);
        q[b0 + j] = static_cast<int8_t>(v);
        total += v;
      }
    }
    if (sums) sums[bi] = total;
  }
}

// int8 activations for integer weights at m <= kInt8MaxM unless OPENARC_EXACT_LINEAR=1.
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

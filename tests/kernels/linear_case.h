// Random weight matrices for the linear tests (linear_test.cpp, linear_int8_test.cpp): the
// description, misaligned storage and W by the definition in double.
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "core/float16.h"
#include "kernels/linear.h"

namespace openarc::kernels::testing {

using ET = ElementType;

// Bytes placed `offset` bytes past a 64-byte boundary, so kernels see misaligned pointers.
struct Bytes {
  std::vector<uint8_t> storage;
  uint8_t* p = nullptr;
  Bytes(size_t n, size_t offset) : storage(n + 128) {
    auto a = reinterpret_cast<uintptr_t>(storage.data());
    p = storage.data() + ((64 - a % 64) % 64) + offset;
  }
};

inline void put_nibble(uint8_t* base, int64_t i, uint32_t v) {
  uint8_t& b = base[i >> 1];
  b = (i & 1) ? static_cast<uint8_t>((b & 0x0f) | (v << 4)) : static_cast<uint8_t>((b & 0xf0) | (v & 0xf));
}

// A random weight matrix with its description and its values by the definition, in double.
struct Case {
  LinearWeights w;
  std::vector<double> ref;  // [n][k] W by the definition
  Bytes data{0, 0}, scale{0, 0}, zp{0, 0};
};

inline Case make_case(ET type, int64_t n, int64_t k, int64_t gs, ET scale_type, ET zp_type, size_t misalign, uint32_t seed) {
  std::mt19937 rng(seed);
  Case cs;
  LinearWeights& w = cs.w;
  w.type = type;
  w.n = n;
  w.k = k;
  cs.ref.assign(n * k, 0.0);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  if (type == ET::f32 || type == ET::f16 || type == ET::bf16) {
    size_t es = type == ET::f32 ? 4 : 2;
    cs.data = Bytes(n * k * es, misalign);
    for (int64_t i = 0; i < n * k; ++i) {
      float v = uni(rng);
      if (type == ET::f32) {
        std::memcpy(cs.data.p + 4 * i, &v, 4);
        cs.ref[i] = v;
      } else {
        uint16_t h = type == ET::f16 ? f32_to_f16(v) : f32_to_bf16(v);
        std::memcpy(cs.data.p + 2 * i, &h, 2);
        cs.ref[i] = type == ET::f16 ? f16_to_f32(h) : bf16_to_f32(h);
      }
    }
    w.data = cs.data.p;
    return cs;
  }
  const int64_t G = k / gs;
  w.group_size = gs;
  w.scale_type = scale_type;
  w.zero_point_type = zp_type;
  const bool four = type == ET::u4 || type == ET::i4;
  cs.data = Bytes(four ? (n * k + 1) / 2 : n * k, misalign);
  cs.scale = Bytes(n * G * 4, misalign + 1);
  std::vector<double> s(n * G), z(n * G, 0.0);
  for (int64_t i = 0; i < n * G; ++i) {
    float v = 0.002f + 0.05f * (uni(rng) + 1.0f);
    if (scale_type == ET::f16) {
      uint16_t h = f32_to_f16(v);
      std::memcpy(cs.scale.p + 2 * i, &h, 2);
      s[i] = f16_to_f32(h);
    } else {
      std::memcpy(cs.scale.p + 4 * i, &v, 4);
      s[i] = v;
    }
  }
  w.scale = cs.scale.p;
  const int qmax = four ? 15 : 255;
  if (zp_type != ET::undefined) {
    cs.zp = Bytes(n * G * 4, misalign + 3);
    for (int64_t i = 0; i < n * G; ++i) {
      if (zp_type == ET::f32) {
        float v = static_cast<float>(std::uniform_real_distribution<double>(0, qmax)(rng));
        std::memcpy(cs.zp.p + 4 * i, &v, 4);
        z[i] = v;
      } else {
        int v = std::uniform_int_distribution<int>(0, zp_type == ET::u4 ? 15 : 255)(rng);
        if (zp_type == ET::u4) put_nibble(cs.zp.p, i, v);
        else cs.zp.p[i] = static_cast<uint8_t>(v);
        z[i] = v;
      }
    }
    w.zero_point = cs.zp.p;
  }
  const bool is_signed_q = type == ET::i8 || type == ET::i4;
  const int lo = is_signed_q ? (four ? -8 : -128) : 0, hi = is_signed_q ? (four ? 7 : 127) : qmax;
  std::uniform_int_distribution<int> qd(lo, hi);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k; ++c) {
      int64_t i = r * k + c;
      int q = qd(rng);
      if (four) put_nibble(cs.data.p, i, static_cast<uint32_t>(q) & 0xf);
      else cs.data.p[i] = static_cast<uint8_t>(q);
      int64_t g = r * G + c / gs;
      cs.ref[i] = (q - z[g]) * s[g];
    }
  w.data = cs.data.p;
  return cs;
}

inline std::vector<float> random_vector(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& f : v) f = uni(rng);
  return v;
}

}  // namespace openarc::kernels::testing

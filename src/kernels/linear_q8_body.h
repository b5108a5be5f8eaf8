// The int8-activation GEMV for integer weights (u4 i4 u8 i8), written once over a traits struct
// V of one vector width. Included by linear_q8_avx512.cpp, linear_q8_avxvnni.cpp and
// linear_q8_avx2.cpp inside their own namespace, after their `#pragma GCC target`, once per
// traits struct they define (the templates below take it as a parameter):
//   kBytes, kLanes (bytes and int32/f32 lanes of a vector), rows(mx) (rows of W per pass),
//   VI, VF, loadb (kBytes bytes), lo_nib / hi_nib (each byte & 15, (each byte >> 4) & 15),
//   xor_bytes, dot(acc, u8, s8) (acc += sum of 4 u8 x s8 products per int32 lane), zeroi,
//   loadi, cvt (int32 -> f32), zerof set1 loadf storef add mul fma hsum, perm(idx, v) (lane l =
//   v[idx[l]]), cvtph (kLanes f16 -> f32), u8tof (kLanes bytes), u4tof (kLanes nibbles in order).
//
// x was quantized once per call (linear.cpp: blocks of kInt8ActivationBlock = 32 values, s8 with
// an f32 scale d_b). Weights are the unsigned operand of `vpdpbusd` as they lie in memory: u4 and
// u8 directly, i4 and i8 flipped by xor 0x88 / 0x80 (q + 8, q + 128), the shift added to the zero
// point. One vector of W is a "chunk" of C = E * kLanes elements, E = 8 (4-bit) or 4 (8-bit) per
// int32 lane; lane l of a chunk at c covers elements [c + E*l, c + E*(l+1)), inside one
// activation block and one weight group (group sizes divide C or are multiples of it), so
//   y = sum_chunks sum_lanes float(dot_lane) * d[lane's block] * scale[lane's group]
//     - sum_g scale[g] * zp[g] * SX[g],   SX[g] = sum_{b in g} d_b * sum(q_b)
// 4-bit chunks split each byte into its low nibbles (even elements) and high nibbles (odd
// elements) with an and and a shift; x was permuted to match (per chunk: even, then odd).
//
// Each output element's arithmetic depends only on its row of W (the same operations for any
// rows-per-pass R and any split), so results are bit-identical for every thread count.

// Rows [r0, r0 + R) of W times MX rows of x.
template <class V, ElementType T, int R, int MX, bool kPerm>
void q8_rows(const LinearWeights& w, const Q8Input& in, int64_t r0, float* y, int64_t ldy, const float* bias,
             float* params) {
  using VI = typename V::VI;
  using VF = typename V::VF;
  constexpr bool four = is_4bit(T);
  constexpr bool is_signed = T == ElementType::i4 || T == ElementType::i8;
  constexpr int E = four ? 8 : 4;  // elements per int32 lane
  constexpr int C = E * V::kLanes;  // elements per chunk (one vector of W bytes)
  constexpr int L = V::kLanes;
  const int64_t k = w.k, G = w.groups(), gs = w.group_size, Gs = G + 16;
  const int64_t row_bytes = four ? k / 2 : k;
  const float shift = is_signed ? (four ? 8.0f : 128.0f) : 0.0f;
  const bool corr_needed = w.zero_point != nullptr || is_signed;
  float* s = params;  // [R][Gs] scales as f32 (padded: the lane permute reads 16 past a group)
  float corr[R][MX];  // sum_g scale * (zp + shift) * SX[g]
  for (int i = 0; i < R; ++i) {
    const int64_t base = (r0 + i) * G;
    float* si = s + i * Gs;
    VF cacc[MX];
    float cs[MX];
    for (int mx = 0; mx < MX; ++mx) cacc[mx] = V::zerof(), cs[mx] = 0.0f;
    int64_t g = 0;
    const bool vec_zp = w.zero_point_type != ElementType::u4 || base % 2 == 0;
    if (vec_zp) {
      for (; g + L <= G; g += L) {
        VF sv = w.scale_type == ElementType::f16 ? V::cvtph(static_cast<const uint8_t*>(w.scale) + 2 * (base + g))
                                                 : V::loadf(static_cast<const float*>(w.scale) + base + g);
        V::storef(si + g, sv);
        if (!corr_needed) continue;
        VF zv = V::set1(shift);
        const uint8_t* zp = static_cast<const uint8_t*>(w.zero_point);
        switch (w.zero_point_type) {
          case ElementType::u8: zv = V::add(zv, V::u8tof(zp + base + g)); break;
          case ElementType::u4: zv = V::add(zv, V::u4tof(zp + (base + g) / 2)); break;
          case ElementType::f32: zv = V::add(zv, V::loadf(reinterpret_cast<const float*>(zp) + base + g)); break;
          default: break;
        }
        VF sz = V::mul(sv, zv);
        for (int mx = 0; mx < MX; ++mx) cacc[mx] = V::fma(sz, V::loadf(in.sx[mx] + g), cacc[mx]);
      }
    }
    for (; g < G; ++g) {
      si[g] = load_scale(w, base + g);
      if (!corr_needed) continue;
      const float sz = si[g] * (load_zero_point(w, base + g) + shift);
      for (int mx = 0; mx < MX; ++mx) cs[mx] += sz * in.sx[mx][g];
    }
    for (int t = 0; t < 16; ++t) si[G + t] = 0.0f;
    for (int mx = 0; mx < MX; ++mx) corr[i][mx] = corr_needed ? V::hsum(cacc[mx]) + cs[mx] : 0.0f;
  }

  const uint8_t* rows[R];
  for (int i = 0; i < R; ++i) rows[i] = static_cast<const uint8_t*>(w.data) + (r0 + i) * row_bytes;
  const int64_t ahead = R * row_bytes;  // to the same bytes of the next pass
  VI idx = V::zeroi();
  if constexpr (kPerm) {  // lane l -> the group it lies in, relative to the chunk's first group
    alignas(64) int32_t lane_group[16];
    for (int l = 0; l < 16; ++l) lane_group[l] = static_cast<int32_t>(l * E / gs);
    idx = V::loadi(lane_group);
  }
  VF tot[R][MX];
  for (int i = 0; i < R; ++i)
    for (int mx = 0; mx < MX; ++mx) tot[i][mx] = V::zerof();
  // gc: the group of the chunk's first element, kept by counting (no division per chunk).
  const int64_t chunks_per_group = kPerm ? 1 : gs / C, groups_per_chunk = kPerm ? C / gs : 0;
  int64_t gc = 0, left_in_group = chunks_per_group;
  for (int64_t c = 0; c < k; c += C) {
    VF dx[MX];
    VI xa[MX], xb[MX];
#pragma GCC unroll 4
    for (int mx = 0; mx < MX; ++mx) {
      dx[mx] = V::loadf(in.dxl[mx] + c / E);
      xa[mx] = V::loadb(in.xq[mx] + c);
      if constexpr (four) xb[mx] = V::loadb(in.xq[mx] + c + V::kBytes);
    }
#pragma GCC unroll 4
    for (int i = 0; i < R; ++i) {
      const uint8_t* p = rows[i] + (four ? c / 2 : c);
      if (V::kBytes == 64 || (c / C) % 2 == 0) _mm_prefetch(reinterpret_cast<const char*>(p + ahead), _MM_HINT_T0);
      VI b = V::loadb(p);
      if constexpr (T == ElementType::i4) b = V::xor_bytes(b, static_cast<char>(0x88));
      if constexpr (T == ElementType::i8) b = V::xor_bytes(b, static_cast<char>(0x80));
      VF sv = kPerm ? V::perm(idx, V::loadf(s + i * Gs + gc)) : V::set1(s[i * Gs + gc]);
      if constexpr (four) {
        VI lo = V::lo_nib(b), hi = V::hi_nib(b);
#pragma GCC unroll 4
        for (int mx = 0; mx < MX; ++mx) {
          VI d = V::dot(V::dot(V::zeroi(), lo, xa[mx]), hi, xb[mx]);
          tot[i][mx] = V::fma(V::cvt(d), V::mul(dx[mx], sv), tot[i][mx]);
        }
      } else {
#pragma GCC unroll 4
        for (int mx = 0; mx < MX; ++mx) {
          VI d = V::dot(V::zeroi(), b, xa[mx]);
          tot[i][mx] = V::fma(V::cvt(d), V::mul(dx[mx], sv), tot[i][mx]);
        }
      }
    }
    if constexpr (kPerm) {
      gc += groups_per_chunk;
    } else if (--left_in_group == 0) {
      ++gc;
      left_in_group = chunks_per_group;
    }
  }
  for (int i = 0; i < R; ++i)
    for (int mx = 0; mx < MX; ++mx)
      y[mx * ldy + r0 + i] = (V::hsum(tot[i][mx]) - corr[i][mx]) + (bias ? bias[r0 + i] : 0.0f);
}

// Whether the body of V takes these weights: whole chunks per row, 32-blocks inside groups, and
// groups that divide a chunk or are made of whole chunks.
template <class V>
bool q8_takes(const LinearWeights& w) {
  if (is_float_weight(w.type)) return false;
  if (!V::kEightBit && !is_4bit(w.type)) return false;
  const int64_t C = (is_4bit(w.type) ? 8 : 4) * V::kLanes, gs = w.group_size;
  return gs % kInt8ActivationBlock == 0 && w.k % C == 0 && (gs % C == 0 || C % gs == 0);
}

template <class V, ElementType T, int MX, bool kPerm>
void q8_gemv(const LinearWeights& w, const Q8Input& in, float* y, const float* bias) {
  constexpr int R = V::rows(MX);
  for_each_row_range(w, MX, 16, [&](int64_t r0, int64_t r1) {
    float* params = scratch(kScratchRows, static_cast<size_t>(R * (w.groups() + 16)));
    int64_t r = r0;
    for (; r + R <= r1; r += R) q8_rows<V, T, R, MX, kPerm>(w, in, r, y, w.n, bias, params);
    for (; r < r1; ++r) q8_rows<V, T, 1, MX, kPerm>(w, in, r, y, w.n, bias, params);
  });
}

template <class V, ElementType T, bool kPerm>
void q8_gemv_m(const LinearWeights& w, const Q8Input& in, float* y, const float* bias) {
  switch (in.m) {
    case 1: return q8_gemv<V, T, 1, kPerm>(w, in, y, bias);
    case 2: return q8_gemv<V, T, 2, kPerm>(w, in, y, bias);
    case 3: return q8_gemv<V, T, 3, kPerm>(w, in, y, bias);
    default: return q8_gemv<V, T, 4, kPerm>(w, in, y, bias);
  }
}

template <class V, ElementType T>
void q8_gemv_t(const LinearWeights& w, const Q8Input& in, float* y, const float* bias) {
  const int64_t C = (is_4bit(T) ? 8 : 4) * V::kLanes;
  if (w.group_size % C == 0) q8_gemv_m<V, T, false>(w, in, y, bias);
  else q8_gemv_m<V, T, true>(w, in, y, bias);
}

// 1 <= in.m <= kInt8MaxM; q8_takes<V>(w).
template <class V>
void q8_run(const LinearWeights& w, const Q8Input& in, float* y, const float* bias) {
  using ET = ElementType;
  switch (w.type) {
    case ET::u4: return q8_gemv_t<V, ET::u4>(w, in, y, bias);
    case ET::i4: return q8_gemv_t<V, ET::i4>(w, in, y, bias);
    case ET::u8:
      if constexpr (V::kEightBit) return q8_gemv_t<V, ET::u8>(w, in, y, bias);
      break;
    case ET::i8:
      if constexpr (V::kEightBit) return q8_gemv_t<V, ET::i8>(w, in, y, bias);
      break;
    default: break;
  }
}

// The SIMD linear body, written once over a vector of W floats. Included by linear_avx2.cpp and
// linear_avx512.cpp inside their own namespace, after their `#pragma GCC target` and their
// definitions of: W, VF, vzero vset1 vload vstore vadd vsub vmul vfma vhsum,
// vload_partial / vstore_partial (first `count` lanes), vload_f16 vload_bf16 (W elements),
// vload_u8 vload_i8 (W bytes), vsplit_u4 vsplit_i4 (W bytes -> the low nibbles and the high
// nibbles, W each), vordered_u4 vordered_i4 (W/2 bytes -> W elements in order), transpose(VF[W]),
// and the blocking: gemv_rows(mx) (rows of W per GEMV pass with mx rows of x), kMr (x rows
// per GEMM micro-tile) and kGemvMaxRowsOfX (integer weights: the largest m the GEMV takes).
// With kNibbleTable, the ISA also has vnibble_bytes (W bytes -> W integer lanes holding one
// byte each), vshift4 (each lane >> 4), vload_words (4W bytes, one dword per lane),
// vshift_nibbles (each lane >> 4j) and vlookup16 (lane = table[lane & 15], one permute), and
// the 4-bit GEMV looks each nibble up in a per-group table of (q - zp) * scale instead of
// converting it (no and, no convert, no per-group epilogue).
//
// Up to kGemvMaxM rows of x (decode, and the verification of a speculative draft) for float
// weights: one row of W at a time, one sequential stream, each W vector used for every row of x
// (gemv_float_rows).
// Integer weights with f32 activations (linear_f32_at; linear() takes the int8 path of
// linear_q8_body.h where it can), up to kGemvMaxRowsOfX, kGemvMaxM rows of x per pass: a fused
// GEMV streams gemv_rows(mx) rows of W at a time, each x vector loaded once for all of them and
// each decoded W vector used for every row of x, prefetching the next pass. Integer weights accumulate q * x per group
// and apply the scale once per group; the zero point goes in as -zp * scale * sum(x over the
// group), the sum computed once per call (per lane, so it cancels lane by lane). 4-bit weights
// split each byte into its low and high nibble vectors without shuffles; x is permuted once per
// call to match (in each chunk of 2W elements: the even ones, then the odd ones).
//
// Larger m (prefill), and weights the GEMV does not take (groups that are not a multiple of the
// vector): a panel of kNr rows x kKb columns of W is dequantized once, transposed to [kKb][kNr],
// into a per-thread buffer, and a kMr x kNr register-blocked micro-kernel runs over every row of
// x. The K blocks are accumulated in y in a fixed order.
//
// Each output element's arithmetic depends only on its row of W, never on which other rows share
// a pass or a thread: results are bit-identical for every thread count. On the GEMVs it does not
// depend on the other rows of x either (each pair keeps the accumulators and the order it has
// alone), so a call of m <= kGemvMaxM rows gives each row the bits of a call with that row alone.

constexpr int kNr = 2 * W;  // GEMM panel width: two vectors of output columns
constexpr int kKb = 256;    // GEMM K block: the panel is kKb * kNr floats (32 KB at W = 16)

// ---- m = 1 -------------------------------------------------------------------------------

// Rows of W are short (1-8 KB), so the hardware prefetcher retrains at every row pass; each
// pass therefore prefetches, as it reads, the same bytes of the next pass (R rows further on).
inline void prefetch_next_pass(const uint8_t* p) { _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0); }

template <ElementType T>
inline VF load_float_weights(const uint8_t* row, int64_t c) {
  if constexpr (T == ElementType::f32) return vload(reinterpret_cast<const float*>(row) + c);
  else if constexpr (T == ElementType::f16) return vload_f16(row + 2 * c);
  else return vload_bf16(row + 2 * c);
}

// Up to kGemvMaxM rows of x prepared once per call for the integer GEMV, which decodes each
// vector of W once and multiplies it with every one of them.
constexpr int kGemvMaxM = 4;
static_assert(kGemvMaxM >= kExactRows, "calls of up to kExactRows rows stay on the GEMV");
struct GemvInput {
  const float* x[kGemvMaxM];   // [k] each: as given (8-bit) or nibble-permuted (4-bit)
  const float* sx[kGemvMaxM];  // [groups][W] each: per-lane sums of x per group (zero points only)
  bool wide = false;           // 4-bit table path on chunks of 8W elements (groups a multiple of 8W)
};

// Scale and -zp * scale (or, with zp_only, zp) of rows [r0, r0 + R) as f32: s[R][G], nzs[R][G].
template <int R>
void gemv_row_params(const LinearWeights& w, int64_t r0, float* s, float* nzs, bool zp_only) {
  const int64_t G = w.groups();
  for (int i = 0; i < R; ++i) {
    const int64_t base = (r0 + i) * G;
    float* si = s + i * G;
    int64_t g = 0;
    if (w.scale_type == ElementType::f16)
      for (; g + W <= G; g += W)
        vstore(si + g, vload_f16(static_cast<const uint8_t*>(w.scale) + 2 * (base + g)));
    for (; g < G; ++g) si[g] = load_scale(w, base + g);
    if (w.zero_point == nullptr) continue;
    float* zi = nzs + i * G;
    const uint8_t* zp = static_cast<const uint8_t*>(w.zero_point);
    g = 0;
    if (w.zero_point_type == ElementType::u8)
      for (; g + W <= G; g += W) vstore(zi + g, vload_u8(zp + base + g));
    else if (w.zero_point_type == ElementType::u4 && base % 2 == 0)
      for (; g + W <= G; g += W) vstore(zi + g, vordered_u4(zp + (base + g) / 2));
    for (; g < G; ++g) zi[g] = load_zero_point(w, base + g);
    if (!zp_only)
      for (g = 0; g < G; ++g) zi[g] = -zi[g] * si[g];
  }
}

// Rows [r0, r0 + R) of W times MX rows of x: y[mx][r] for mx < MX (y rows are ldy apart).
// Each (row, x row) pair has its own accumulators and the same sequence of operations for any
// R, so how rows are grouped into passes never changes a result.
template <ElementType T, int R, int MX>
void gemv_int_rows(const LinearWeights& w, const GemvInput& in, int64_t r0, float* y, int64_t ldy,
                   const float* bias, float* params) {
  const int64_t k = w.k, G = w.groups(), gs = w.group_size;
  constexpr bool four = T == ElementType::u4 || T == ElementType::i4;
  // Accumulators per (row, x row) pair: two, for enough independent FMA chains at MX = 1, and
  // the same two at every MX so a row of x sums in the same order whatever shares the pass.
  constexpr int NA = 2;
  float* s = params;            // [R][G]
  float* nzs = params + R * G;  // [R][G]
  gemv_row_params<R>(w, r0, s, nzs, four && kNibbleTable);
  const uint8_t* rows[R];
  for (int i = 0; i < R; ++i)
    rows[i] = static_cast<const uint8_t*>(w.data) + (four ? (r0 + i) * k / 2 : (r0 + i) * k);
  const bool zp = w.zero_point != nullptr;
  const int64_t ahead = four ? R * k / 2 : R * k;  // bytes to the same row of the next pass
  auto store = [&](int i, int mx, VF v) {
    y[mx * ldy + r0 + i] = vhsum(v) + (bias ? bias[r0 + i] : 0.0f);
  };
  if constexpr (four && kNibbleTable) {
    // The 16 values a nibble stands for: u4 0..15, i4 0..7 then -8..-1 (the byte's low 4 bits).
    alignas(64) float iota_values[16];
    for (int q = 0; q < 16; ++q) iota_values[q] = static_cast<float>(T == ElementType::u4 || q < 8 ? q : q - 16);
    const VF iota = vload(iota_values);
    VF acc[R][MX][NA];
    for (int i = 0; i < R; ++i)
      for (int mx = 0; mx < MX; ++mx)
        for (int a = 0; a < NA; ++a) acc[i][mx][a] = vzero();
    VF table[R];  // [R] (q - zp) * scale of the current group, by nibble
    auto make_tables = [&](int64_t g) {
      for (int i = 0; i < R; ++i) {
        VF q = zp ? vsub(iota, vset1(nzs[i * G + g])) : iota;
        table[i] = vmul(q, vset1(s[i * G + g]));
      }
    };
    // Two separate loop nests: with both in one loop the accumulators spill at every group.
    if (in.wide) {
      for (int64_t g = 0; g < G; ++g) {
        make_tables(g);
        // Each lane's dword holds 8 nibbles: shift j puts nibble j of every lane at its bottom.
        for (int64_t c = g * gs, c1 = c + gs; c < c1; c += 8 * W) {
          decltype(vload_words(rows[0])) v[R];
          for (int i = 0; i < R; ++i) {
            prefetch_next_pass(rows[i] + c / 2 + ahead);
            v[i] = vload_words(rows[i] + c / 2);
          }
          // Fully unrolled: the accumulators must stay in registers and the shifts immediate.
#pragma GCC unroll 8
          for (int j = 0; j < 8; ++j) {
            VF xv[MX];
#pragma GCC unroll 4
            for (int mx = 0; mx < MX; ++mx) xv[mx] = vload(in.x[mx] + c + j * W);
#pragma GCC unroll 4
            for (int i = 0; i < R; ++i) {
              VF d = vlookup16(table[i], vshift_nibbles(v[i], j));
#pragma GCC unroll 4
              for (int mx = 0; mx < MX; ++mx) acc[i][mx][j % NA] = vfma(d, xv[mx], acc[i][mx][j % NA]);
            }
          }
        }
      }
    } else {
      for (int64_t g = 0; g < G; ++g) {
        make_tables(g);
        for (int64_t c = g * gs, c1 = c + gs; c < c1; c += 2 * W) {
          VF xlo[MX], xhi[MX];
#pragma GCC unroll 4
          for (int mx = 0; mx < MX; ++mx) xlo[mx] = vload(in.x[mx] + c), xhi[mx] = vload(in.x[mx] + c + W);
#pragma GCC unroll 4
          for (int i = 0; i < R; ++i) {
            if (c % 128 == 0) prefetch_next_pass(rows[i] + c / 2 + ahead);
            auto b = vnibble_bytes(rows[i] + c / 2);
            VF lo = vlookup16(table[i], b), hi = vlookup16(table[i], vshift4(b));
#pragma GCC unroll 4
            for (int mx = 0; mx < MX; ++mx) {
              acc[i][mx][0] = vfma(lo, xlo[mx], acc[i][mx][0]);
              acc[i][mx][1] = vfma(hi, xhi[mx], acc[i][mx][1]);
            }
          }
        }
      }
    }
    for (int i = 0; i < R; ++i)
      for (int mx = 0; mx < MX; ++mx) store(i, mx, vadd(acc[i][mx][0], acc[i][mx][1]));
    return;
  }
  VF tot[R][MX];
  for (int i = 0; i < R; ++i)
    for (int mx = 0; mx < MX; ++mx) tot[i][mx] = vzero();
  for (int64_t g = 0; g < G; ++g) {
    VF ga[R][MX][NA];
    for (int i = 0; i < R; ++i)
      for (int mx = 0; mx < MX; ++mx)
        for (int a = 0; a < NA; ++a) ga[i][mx][a] = vzero();
    const int64_t c0 = g * gs, c1 = c0 + gs;
    if constexpr (four) {
      for (int64_t c = c0; c < c1; c += 2 * W) {
        VF xlo[MX], xhi[MX];
#pragma GCC unroll 4
        for (int mx = 0; mx < MX; ++mx) xlo[mx] = vload(in.x[mx] + c), xhi[mx] = vload(in.x[mx] + c + W);
#pragma GCC unroll 4
        for (int i = 0; i < R; ++i) {
          if (c % 128 == 0) prefetch_next_pass(rows[i] + c / 2 + ahead);
          VF lo, hi;
          if constexpr (T == ElementType::u4) vsplit_u4(rows[i] + c / 2, lo, hi);
          else vsplit_i4(rows[i] + c / 2, lo, hi);
#pragma GCC unroll 4
          for (int mx = 0; mx < MX; ++mx) {
            ga[i][mx][0] = vfma(lo, xlo[mx], ga[i][mx][0]);
            ga[i][mx][1] = vfma(hi, xhi[mx], ga[i][mx][1]);
          }
        }
      }
    } else {
      // NA vectors per step, each into its own accumulator (an odd last one into the first).
      for (int64_t c = c0; c < c1; c += NA * W) {
#pragma GCC unroll 2
        for (int a = 0; a < NA; ++a) {
          const int64_t ca = c + a * W;
          if (ca >= c1) break;
          VF xv[MX];
#pragma GCC unroll 4
          for (int mx = 0; mx < MX; ++mx) xv[mx] = vload(in.x[mx] + ca);
#pragma GCC unroll 4
          for (int i = 0; i < R; ++i) {
            if (ca % 64 == 0) prefetch_next_pass(rows[i] + ca + ahead);
            VF q = T == ElementType::u8 ? vload_u8(rows[i] + ca) : vload_i8(rows[i] + ca);
#pragma GCC unroll 4
            for (int mx = 0; mx < MX; ++mx) ga[i][mx][a] = vfma(q, xv[mx], ga[i][mx][a]);
          }
        }
      }
    }
    for (int i = 0; i < R; ++i) {
      VF sc = vset1(s[i * G + g]);
      for (int mx = 0; mx < MX; ++mx)
        tot[i][mx] = vfma(vadd(ga[i][mx][0], ga[i][mx][1]), sc, tot[i][mx]);
    }
    if (zp) {
      for (int mx = 0; mx < MX; ++mx) {
        VF sxg = vload(in.sx[mx] + g * W);
        for (int i = 0; i < R; ++i) tot[i][mx] = vfma(sxg, vset1(nzs[i * G + g]), tot[i][mx]);
      }
    }
  }
  for (int i = 0; i < R; ++i)
    for (int mx = 0; mx < MX; ++mx) store(i, mx, tot[i][mx]);
}

inline bool gemv_takes(const LinearWeights& w) {
  if (is_float_weight(w.type)) return true;
  if (is_4bit(w.type)) return w.group_size % (2 * W) == 0;
  return w.group_size % W == 0;
}

template <ElementType T, int MX>
void gemv_int(const LinearWeights& w, const GemvInput& in, float* y, const float* bias) {
  constexpr int R = gemv_rows(MX);
  for_each_row_range(w, MX, 16, [&](int64_t r0, int64_t r1) {
    float* params = scratch(kScratchRows, static_cast<size_t>(2 * R * w.groups()));  // s, nzs [2][R][G]
    int64_t r = r0;
    for (; r + R <= r1; r += R) gemv_int_rows<T, R, MX>(w, in, r, y, w.n, bias, params);
    for (; r < r1; ++r) gemv_int_rows<T, 1, MX>(w, in, r, y, w.n, bias, params);
  });
}

// Float weights, one row at a time: rows are contiguous, so a thread's slice of W is a single
// sequential stream (2-8 KB rows read side by side would touch a new page per row and retrain
// the prefetcher at each), with a software prefetch kFloatAhead bytes further on along it. Four
// accumulators per row of x: each x vector comes from L1, the weights from memory, and each
// loaded W vector serves all MX rows of x.
constexpr int64_t kFloatAhead = 4096;
template <ElementType T, int MX>
void gemv_float_rows(const LinearWeights& w, const float* x, int64_t r, float* y, const float* bias) {
  const int64_t k = w.k, n = w.n;
  constexpr int64_t es = T == ElementType::f32 ? 4 : 2;
  const uint8_t* row = static_cast<const uint8_t*>(w.data) + r * k * es;
  VF acc[MX][4];
  for (int mx = 0; mx < MX; ++mx)
    for (int a = 0; a < 4; ++a) acc[mx][a] = vzero();
  int64_t c = 0;
  for (; c + 4 * W <= k; c += 4 * W) {
    for (int64_t b = 0; b < 4 * W * es; b += 64) prefetch_next_pass(row + c * es + kFloatAhead + b);
#pragma GCC unroll 4
    for (int a = 0; a < 4; ++a) {
      const VF wv = load_float_weights<T>(row, c + a * W);
#pragma GCC unroll 4
      for (int mx = 0; mx < MX; ++mx) acc[mx][a] = vfma(wv, vload(x + mx * k + c + a * W), acc[mx][a]);
    }
  }
  for (int a = 0; c + W <= k; c += W, ++a) {
    const VF wv = load_float_weights<T>(row, c);
    for (int mx = 0; mx < MX; ++mx) acc[mx][a] = vfma(wv, vload(x + mx * k + c), acc[mx][a]);
  }
  for (int mx = 0; mx < MX; ++mx) {
    const float* xm = x + mx * k;
    float s = vhsum(vadd(vadd(acc[mx][0], acc[mx][1]), vadd(acc[mx][2], acc[mx][3])));
    for (int64_t t = c; t < k; ++t) s += xm[t] * load_weight(w, r, t);
    y[mx * n + r] = s + (bias ? bias[r] : 0.0f);
  }
}

template <ElementType T, int MX>
void gemv_float(const LinearWeights& w, const float* x, float* y, const float* bias) {
  for_each_row_range(w, MX, 16, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) gemv_float_rows<T, MX>(w, x, r, y, bias);
  });
}

template <ElementType T>
void gemv_float_any(int mx, const LinearWeights& w, const float* x, float* y, const float* bias) {
  switch (mx) {
    case 1: return gemv_float<T, 1>(w, x, y, bias);
    case 2: return gemv_float<T, 2>(w, x, y, bias);
    case 3: return gemv_float<T, 3>(w, x, y, bias);
    default: return gemv_float<T, 4>(w, x, y, bias);
  }
}

template <ElementType T>
void gemv_int_any(int mx, const LinearWeights& w, const GemvInput& in, float* y, const float* bias) {
  switch (mx) {
    case 1: return gemv_int<T, 1>(w, in, y, bias);
    case 2: return gemv_int<T, 2>(w, in, y, bias);
    case 3: return gemv_int<T, 3>(w, in, y, bias);
    default: return gemv_int<T, 4>(w, in, y, bias);
  }
}

// 1 <= m <= kGemvMaxM.
void gemv_dispatch(const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias) {
  using ET = ElementType;
  const int mx = static_cast<int>(m);
  switch (w.type) {
    case ET::f32: return gemv_float_any<ET::f32>(mx, w, x, y, bias);
    case ET::f16: return gemv_float_any<ET::f16>(mx, w, x, y, bias);
    case ET::bf16: return gemv_float_any<ET::bf16>(mx, w, x, y, bias);
    default: break;
  }
  const int64_t k = w.k, G = w.groups();
  GemvInput in{};
  const bool four = is_4bit(w.type);
  in.wide = four && kNibbleTable && w.group_size % (8 * W) == 0;
  float* xp = scratch(kScratchX, static_cast<size_t>(m * k));  // [m][k] x in the order the nibbles come
  const bool sums = w.zero_point != nullptr && !(four && kNibbleTable);
  float* sx = scratch(kScratchXSum, static_cast<size_t>(m * G * W));  // [m][G][W] lane sums of x per group
  for (int64_t i = 0; i < m; ++i) {
    const float* xi = x + i * k;
    float* xo = xp + i * k;
    in.x[i] = xi;
    if (in.wide) {  // per 8W chunk: vector j, lane l holds element 8l + j (dword l's nibble j)
      for (int64_t c0 = 0; c0 < k; c0 += 8 * W)
        for (int j = 0; j < 8; ++j)
          for (int l = 0; l < W; ++l) xo[c0 + j * W + l] = xi[c0 + 8 * l + j];
      in.x[i] = xo;
    } else if (four) {  // per 2W chunk: the even elements (low nibbles), then the odd ones
      for (int64_t c0 = 0; c0 < k; c0 += 2 * W)
        for (int j = 0; j < W; ++j) {
          xo[c0 + j] = xi[c0 + 2 * j];
          xo[c0 + W + j] = xi[c0 + 2 * j + 1];
        }
      in.x[i] = xo;
    }
    if (sums) {
      float* so = sx + i * G * W;
      for (int64_t g = 0; g < G; ++g) {
        VF acc = vzero();
        for (int64_t c = g * w.group_size; c < (g + 1) * w.group_size; c += W) acc = vadd(acc, vload(in.x[i] + c));
        vstore(so + g * W, acc);
      }
      in.sx[i] = so;
    }
  }
  switch (w.type) {
    case ET::u8: return gemv_int_any<ET::u8>(static_cast<int>(m), w, in, y, bias);
    case ET::i8: return gemv_int_any<ET::i8>(static_cast<int>(m), w, in, y, bias);
    case ET::u4: return gemv_int_any<ET::u4>(static_cast<int>(m), w, in, y, bias);
    default: return gemv_int_any<ET::i4>(static_cast<int>(m), w, in, y, bias);
  }
}

// ---- m > 1 -------------------------------------------------------------------------------

// W elements of W from flat index i (whole, in one group, 4-bit: on a byte) given that group's
// scale and zero point.
template <ElementType T>
inline VF load_segment(const uint8_t* base, int64_t i, float s, float zp) {
  if constexpr (T == ElementType::f32) return vload(reinterpret_cast<const float*>(base) + i);
  else if constexpr (T == ElementType::f16) return vload_f16(base + 2 * i);
  else if constexpr (T == ElementType::bf16) return vload_bf16(base + 2 * i);
  else {
    VF q;
    if constexpr (T == ElementType::u8) q = vload_u8(base + i);
    else if constexpr (T == ElementType::i8) q = vload_i8(base + i);
    else if constexpr (T == ElementType::u4) q = vordered_u4(base + i / 2);
    else q = vordered_i4(base + i / 2);
    return vmul(vsub(q, vset1(zp)), vset1(s));
  }
}

// The general case: W[r][c .. c + count), count <= W, by the definition (missing lanes zero).
__attribute__((noinline)) inline VF load_segment_slow(const LinearWeights& w, int64_t r, int64_t c, int count) {
  alignas(64) float tmp[W] = {};
  for (int t = 0; t < count; ++t) tmp[t] = load_weight(w, r, c + t);
  return vload(tmp);
}

// B[kk][j] = W[p0 + j][kb0 + kk] for kk < kbn, j < kNr (rows past nc are zero).
template <ElementType T>
void dequantize_panel(const LinearWeights& w, int64_t p0, int nc, int64_t kb0, int kbn, float* B,
                      float* params) {
  constexpr bool is_int = !is_float_weight(T);
  const int64_t k = w.k, gs = is_int ? w.group_size : k, G = w.groups();
  const bool whole_groups = !is_int || gs % W == 0;
  const bool byte_rows = !is_4bit(T) || k % 2 == 0;
  const int64_t g_lo = kb0 / gs, g_n = (kb0 + kbn - 1) / gs - g_lo + 1;
  float* s = params;               // [kNr][g_n] scales of the groups this block touches
  float* zp = params + kNr * g_n;  // [kNr][g_n] zero points
  if constexpr (is_int) {
    for (int j = 0; j < nc; ++j)
      for (int64_t g = 0; g < g_n; ++g) {
        s[j * g_n + g] = load_scale(w, (p0 + j) * G + g_lo + g);
        zp[j * g_n + g] = load_zero_point(w, (p0 + j) * G + g_lo + g);
      }
  }
  const uint8_t* base = static_cast<const uint8_t*>(w.data);
  for (int j0 = 0; j0 < kNr; j0 += W) {
    for (int c = 0; c < kbn; c += W) {
      const int count = kbn - c < W ? kbn - c : W;
      VF v[W];
      if (whole_groups && byte_rows && count == W && j0 + W <= nc) {
        const int64_t i0 = (p0 + j0) * k + kb0 + c, gi = (kb0 + c) / gs - g_lo;
#pragma GCC unroll 16
        for (int jj = 0; jj < W; ++jj) {
          if constexpr (is_int) v[jj] = load_segment<T>(base, i0 + jj * k, s[(j0 + jj) * g_n + gi], zp[(j0 + jj) * g_n + gi]);
          else v[jj] = load_segment<T>(base, i0 + jj * k, 0.0f, 0.0f);
        }
      } else {
        for (int jj = 0; jj < W; ++jj)
          v[jj] = j0 + jj < nc ? load_segment_slow(w, p0 + j0 + jj, kb0 + c, count) : vzero();
      }
      transpose(v);
      for (int t = 0; t < count; ++t) vstore(B + (c + t) * kNr + j0, v[t]);
    }
  }
}

// y[i][0 .. nc) (+)= x[i][0 .. kbn) . B for i < MR; the first K block starts from the bias.
template <int MR>
void micro_kernel(const float* x, int64_t ldx, const float* B, int kbn, float* y, int64_t ldy, int nc,
                  bool first, const float* bias) {
  VF acc[MR][2];
  const int n0 = nc < W ? nc : W, n1 = nc > W ? nc - W : 0;
  if (first) {
    VF b0 = bias ? vload_partial(bias, n0) : vzero();
    VF b1 = bias && n1 > 0 ? vload_partial(bias + W, n1) : vzero();
    for (int i = 0; i < MR; ++i) acc[i][0] = b0, acc[i][1] = b1;
  } else {
    for (int i = 0; i < MR; ++i) {
      acc[i][0] = vload_partial(y + i * ldy, n0);
      acc[i][1] = n1 > 0 ? vload_partial(y + i * ldy + W, n1) : vzero();
    }
  }
  for (int kk = 0; kk < kbn; ++kk) {
    VF b0 = vload(B + kk * kNr), b1 = vload(B + kk * kNr + W);
    for (int i = 0; i < MR; ++i) {
      VF xb = vset1(x[i * ldx + kk]);
      acc[i][0] = vfma(xb, b0, acc[i][0]);
      acc[i][1] = vfma(xb, b1, acc[i][1]);
    }
  }
  for (int i = 0; i < MR; ++i) {
    vstore_partial(y + i * ldy, acc[i][0], n0);
    if (n1 > 0) vstore_partial(y + i * ldy + W, acc[i][1], n1);
  }
}

template <int... I>
void micro_any(int mr, std::integer_sequence<int, I...>, const float* x, int64_t ldx, const float* B, int kbn,
               float* y, int64_t ldy, int nc, bool first, const float* bias) {
  ((mr == I + 1 ? micro_kernel<I + 1>(x, ldx, B, kbn, y, ldy, nc, first, bias) : void()), ...);
}

template <ElementType T>
void gemm(const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias) {
  const int64_t n = w.n, k = w.k;
  for_each_row_range(w, m, kNr, [&](int64_t n0, int64_t n1) {
    float* B = scratch(kScratchPanel, static_cast<size_t>(kKb) * kNr);  // [kKb][kNr] panel of W^T
    const int64_t gs = is_float_weight(T) ? k : w.group_size;
    // [2][kNr][groups a K block touches] scales and zero points of the panel's rows
    float* params = scratch(kScratchRows, static_cast<size_t>(2 * kNr * (kKb / gs + 2)));
    for (int64_t kb0 = 0; kb0 < k; kb0 += kKb) {
      const int kbn = static_cast<int>(k - kb0 < kKb ? k - kb0 : kKb);
      for (int64_t p0 = n0; p0 < n1; p0 += kNr) {
        const int nc = static_cast<int>(n1 - p0 < kNr ? n1 - p0 : kNr);
        dequantize_panel<T>(w, p0, nc, kb0, kbn, B, params);
        for (int64_t i0 = 0; i0 < m; i0 += kMr) {
          const int mr = static_cast<int>(m - i0 < kMr ? m - i0 : kMr);
          micro_any(mr, std::make_integer_sequence<int, kMr>{}, x + i0 * k + kb0, k, B, kbn, y + i0 * n + p0, n,
                    nc, kb0 == 0, bias ? bias + p0 : nullptr);
        }
      }
    }
  });
}

void linear_body(const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias) {
  using ET = ElementType;
  // Small m: the GEMV over up to kGemvMaxM rows of x at once costs less than dequantizing
  // panels; for integer weights larger m runs it on blocks of kGemvMaxM rows while that stays
  // cheaper.
  if (gemv_takes(w) && (m <= kGemvMaxM || (!is_float_weight(w.type) && m <= kGemvMaxRowsOfX))) {
    for (int64_t i = 0; i < m; i += kGemvMaxM) {
      const int64_t mb = m - i < kGemvMaxM ? m - i : kGemvMaxM;
      gemv_dispatch(w, x + i * w.k, mb, y + i * w.n, bias);
    }
    return;
  }
  switch (w.type) {
    case ET::f32: return gemm<ET::f32>(w, x, m, y, bias);
    case ET::f16: return gemm<ET::f16>(w, x, m, y, bias);
    case ET::bf16: return gemm<ET::bf16>(w, x, m, y, bias);
    case ET::u8: return gemm<ET::u8>(w, x, m, y, bias);
    case ET::i8: return gemm<ET::i8>(w, x, m, y, bias);
    case ET::u4: return gemm<ET::u4>(w, x, m, y, bias);
    default: return gemm<ET::i4>(w, x, m, y, bias);
  }
}

// The SIMD body of attention_block, included inside a namespace that defines the ISA's W-lane
// vector VF, its register blocking (kScoreRows, kAccRows) and primitives (vzero vset1 vload
// vstore vload_partial vstore_partial vadd vsub vmul vfma vmax vhmax vhsum vexp vkeep vload_f16
// transpose_square; see attention_avx2.cpp). Positions go in blocks of kBlock: a block's K rows
// are converted to f32 and transposed once ([d][kBlock]), so a row's scores are vectors of
// broadcast-q FMAs, and its V rows are converted once; both are shared by every row. Rows go
// through the FMAs in register-blocked groups (several rows share each K or V load), and the
// online softmax rescales a row once per block. A row's arithmetic does not depend on which
// group it falls in, so a call computes each row as a call of that row alone would.

constexpr int kBlock = 64;        // positions per block
constexpr int kSubs = kBlock / W;  // vectors of positions per block

// Per-thread buffers, grown on demand.
struct Scratch {
  float tail[W];             // a K row's last, partial vector, zero-padded
  std::vector<float> kt;     // [dp][kBlock] the block's K rows transposed
  std::vector<float> vf;     // [kBlock][dvp] the block's V rows in f32
  std::vector<float> p;      // [active][kBlock] scores, then weights exp(score - m)
  std::vector<float> alpha;  // [active] rescale of the old state, exp(m_old - m_new)
  std::vector<int64_t> active;
};

inline int64_t round_up(int64_t n) { return (n + W - 1) / W * W; }
inline int clamp_lanes(int64_t n) { return static_cast<int>(std::clamp<int64_t>(n, 0, W)); }

// Asks for the cache lines of [p, p + bytes) ahead of their use.
inline void prefetch_rows(const uint8_t* p, int64_t bytes) {
  for (int64_t o = 0; o < bytes; o += 64) __builtin_prefetch(p + o);
}

// One K/V row [n] to f32 dst [padded], zeros past n.
inline void load_row(const void* src, bool f16, int64_t n, float* dst, int64_t padded) {
  int64_t c = 0;
  if (f16) {
    const uint16_t* h = static_cast<const uint16_t*>(src);
    for (; c + W <= n; c += W) vstore(dst + c, vload_f16(h + c));
    for (; c < n; ++c) dst[c] = f16_to_f32(h[c]);
  } else {
    const float* f = static_cast<const float*>(src);
    for (; c + W <= n; c += W) vstore(dst + c, vload(f + c));
    for (; c < n; ++c) dst[c] = f[c];
  }
  for (; c < padded; ++c) dst[c] = 0.0f;
}

// NR rows' scores for NS vectors of positions from vector s0 of the block at b0 (n positions):
// (q_r . k_t) * scale + bias, -inf outside each row's live range.
template <int NR, int NS>
void scores(const AttentionQuery& q, const int64_t* rows, const float* kt, int64_t b0, int s0, int n, float* p) {
  VF acc[NR][NS];
  const float* qr[NR];
  for (int i = 0; i < NR; ++i) {
    qr[i] = q.q[rows[i]];
    for (int s = 0; s < NS; ++s) acc[i][s] = vzero();
  }
  for (int64_t c = 0; c < q.d; ++c) {
    VF k[NS];
    for (int s = 0; s < NS; ++s) k[s] = vload(kt + c * kBlock + (s0 + s) * W);
    for (int i = 0; i < NR; ++i) {
      const VF qc = vset1(qr[i][c]);
      for (int s = 0; s < NS; ++s) acc[i][s] = vfma(qc, k[s], acc[i][s]);
    }
  }
  const VF scale = vset1(q.scale);
  for (int i = 0; i < NR; ++i) {
    const int64_t r = rows[i];
    for (int s = 0; s < NS; ++s) {
      const int64_t base = b0 + (s0 + s) * W;  // the vector's first position
      VF v = vmul(acc[i][s], scale);
      if (q.bias && q.bias[r]) v = vadd(v, vload_partial(q.bias[r] + base, clamp_lanes(b0 + n - base)));
      const int from = clamp_lanes(q.lo[r] - base), to = clamp_lanes(std::min(q.hi[r], b0 + n) - base);
      vstore(p + i * kBlock + (s0 + s) * W, vkeep(v, from, std::max(from, to)));
    }
  }
}

// Scores of NR rows over the block's first `subs` vectors of positions, two vectors at a time.
template <int NR>
void score_rows(const AttentionQuery& q, const int64_t* rows, const float* kt, int64_t b0, int subs, int n, float* p) {
  int s = 0;
  for (; s + 2 <= subs; s += 2) scores<NR, 2>(q, rows, kt, b0, s, n, p);
  if (s < subs) scores<NR, 1>(q, rows, kt, b0, s, n, p);
}

// For NR rows: acc[dv] = acc * alpha + sum_j p[j] vf[j] on NV vectors of dv from column c0.
template <int NR, int NV>
void accumulate(float* const* acc, const float* alpha, const float* p, int64_t dv, int64_t c0, const float* vf,
                int64_t dvp, int n) {
  VF a[NR][NV];
  for (int i = 0; i < NR; ++i) {
    const VF al = vset1(alpha[i]);
    for (int v = 0; v < NV; ++v) {
      const int64_t c = c0 + v * W;
      a[i][v] = vmul(c + W <= dv ? vload(acc[i] + c) : vload_partial(acc[i] + c, static_cast<int>(dv - c)), al);
    }
  }
  for (int j = 0; j < n; ++j) {
    VF x[NV];
    for (int v = 0; v < NV; ++v) x[v] = vload(vf + j * dvp + c0 + v * W);
    for (int i = 0; i < NR; ++i) {
      const VF pj = vset1(p[i * kBlock + j]);
      for (int v = 0; v < NV; ++v) a[i][v] = vfma(pj, x[v], a[i][v]);
    }
  }
  for (int i = 0; i < NR; ++i)
    for (int v = 0; v < NV; ++v) {
      const int64_t c = c0 + v * W;
      if (c + W <= dv) vstore(acc[i] + c, a[i][v]);
      else vstore_partial(acc[i] + c, a[i][v], static_cast<int>(dv - c));
    }
}

// NR rows over every column of dv: four vectors at a time, then the rest.
template <int NR>
void accumulate_rows(float* const* acc, const float* alpha, const float* p, int64_t dv, const float* vf, int64_t dvp,
                     int n) {
  int64_t c = 0;
  for (; c + 4 * W <= dvp; c += 4 * W) accumulate<NR, 4>(acc, alpha, p, dv, c, vf, dvp, n);
  switch ((dvp - c) / W) {
    case 3: accumulate<NR, 3>(acc, alpha, p, dv, c, vf, dvp, n); break;
    case 2: accumulate<NR, 2>(acc, alpha, p, dv, c, vf, dvp, n); break;
    case 1: accumulate<NR, 1>(acc, alpha, p, dv, c, vf, dvp, n); break;
    default: break;
  }
}

// Calls f.template operator()<NR>(i) over [0, count) in groups of NR = top, then halves down to 1.
template <int NR, typename F>
void in_row_groups(int64_t count, F&& f) {
  int64_t i = 0;
  for (; i + NR <= count; i += NR) f.template operator()<NR>(i);
  if constexpr (NR > 1) {
    if (i < count)
      in_row_groups<NR / 2>(count - i, [&]<int M>(int64_t j) { f.template operator()<M>(i + j); });
  }
}

void attention_body(const AttentionQuery& q, const AttentionKv& kv, int64_t t0, int64_t t1, const AttentionState& st) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  const int64_t d = q.d, dv = kv.dv, dp = round_up(d), dvp = round_up(dv);
  const bool f16 = kv.type == ElementType::f16;
  const int64_t es = f16 ? 2 : 4;
  const auto* kb = static_cast<const uint8_t*>(kv.k);
  const auto* vb = static_cast<const uint8_t*>(kv.v);
  thread_local Scratch s;
  s.kt.resize(dp * kBlock), s.vf.resize(kBlock * dvp);
  s.p.resize(q.rows * kBlock), s.alpha.resize(q.rows), s.active.resize(q.rows);
  thread_local std::vector<float*> accs;
  accs.resize(q.rows);

  for (int64_t b0 = t0; b0 < t1; b0 += kBlock) {
    const int n = static_cast<int>(std::min<int64_t>(kBlock, t1 - b0));
    const int subs = static_cast<int>((n + W - 1) / W);
    int64_t na = 0;  // rows with a live position in the block
    for (int64_t r = 0; r < q.rows; ++r)
      if (q.lo[r] < b0 + n && q.hi[r] > b0 && q.lo[r] < q.hi[r]) s.active[na++] = r;
    if (na == 0) continue;

    // The next block's K and V rows, requested now: the loads below gather a row's lines
    // across W rows at a time, a pattern the hardware prefetchers do not follow.
    if (b0 + kBlock < t1) {
      const int64_t next = std::min<int64_t>(kBlock, t1 - b0 - kBlock);
      prefetch_rows(kb + (b0 + kBlock) * d * es, next * d * es);
      prefetch_rows(vb + (b0 + kBlock) * dv * es, next * dv * es);
    }

    // K transposed, a W x W square at a time, converted as it is loaded; positions past the
    // block read zeros, and so do columns past d (a row tail goes through a zero-padded copy).
    for (int g = 0; g < subs; ++g) {
      const int64_t p0 = b0 + g * W;
      const int live = static_cast<int>(std::min<int64_t>(W, b0 + n - p0));
      for (int64_t c = 0; c < dp; c += W) {
        VF r[W];
        if (live == W && c + W <= d) {  // the common case, branch-free so r stays in registers
          const uint8_t* row = kb + (p0 * d + c) * es;
          if (f16) {
#pragma GCC unroll 16
            for (int j = 0; j < W; ++j) r[j] = vload_f16(reinterpret_cast<const uint16_t*>(row + j * d * es));
          } else {
#pragma GCC unroll 16
            for (int j = 0; j < W; ++j) r[j] = vload(reinterpret_cast<const float*>(row + j * d * es));
          }
        } else {
          for (int j = 0; j < W; ++j) {
            const uint8_t* row = kb + (p0 + j) * d * es;
            if (j >= live) r[j] = vzero();
            else if (c + W > d) load_row(row + c * es, f16, d - c, s.tail, W), r[j] = vload(s.tail);
            else r[j] = f16 ? vload_f16(reinterpret_cast<const uint16_t*>(row) + c) : vload(reinterpret_cast<const float*>(row) + c);
          }
        }
        transpose_square(r, s.kt.data() + c * kBlock + g * W, kBlock);
      }
    }

    const int64_t* rows = s.active.data();
    in_row_groups<kScoreRows>(na, [&]<int NR>(int64_t i) {
      score_rows<NR>(q, rows + i, s.kt.data(), b0, subs, n, s.p.data() + i * kBlock);
    });

    // The online softmax step of each row, once for the block.
    for (int64_t i = 0; i < na; ++i) {
      const int64_t r = rows[i];
      float* p = s.p.data() + i * kBlock;
      VF mx = vload(p);
      for (int g = 1; g < subs; ++g) mx = vmax(mx, vload(p + g * W));
      const float mn = std::max(st.m[r], vhmax(mx));
      s.alpha[i] = 1.0f;
      accs[i] = st.acc + r * dv;
      if (mn == kNegInf) {  // nothing live yet: the weights are 0 and the state stays
        std::fill_n(p, subs * W, 0.0f);
        continue;
      }
      const VF m = vset1(mn);
      VF sum = vzero();
      for (int g = 0; g < subs; ++g) {
        const VF e = vexp(vsub(vload(p + g * W), m));
        vstore(p + g * W, e);
        sum = vadd(sum, e);
      }
      const float a = st.m[r] == kNegInf ? 0.0f : std::exp(st.m[r] - mn);
      st.l[r] = st.l[r] * a + vhsum(sum);
      st.m[r] = mn;
      s.alpha[i] = a;
    }

    // V rows in f32: the cache's own rows when they already are, else converted once.
    const float* vf = s.vf.data();
    int64_t vstride = dvp;
    if (!f16 && dv == dvp) {
      vf = reinterpret_cast<const float*>(vb) + b0 * dv;
    } else {
      for (int j = 0; j < n; ++j) load_row(vb + (b0 + j) * dv * es, f16, dv, s.vf.data() + j * dvp, dvp);
    }
    in_row_groups<kAccRows>(na, [&]<int NR>(int64_t i) {
      accumulate_rows<NR>(accs.data() + i, s.alpha.data() + i, s.p.data() + i * kBlock, dv, vf, vstride, n);
    });
  }
}

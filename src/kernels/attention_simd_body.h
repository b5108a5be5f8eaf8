// The SIMD body of attention_block, included inside a namespace that defines the ISA's W-lane
// vector VF and its primitives (vzero vset1 vload vstore vload_partial vadd vsub vmul vfma
// vhmax vhsum vexp vkeep vload_f16 transpose_square; see attention_avx2.cpp). One block is W
// positions: its K rows are converted to f32 and transposed once ([d][W]), so a row's W scores
// are one vector of broadcast-q FMAs; its V rows are converted once and shared by every row.

// Per-thread buffers, grown on demand.
struct Scratch {
  std::vector<float> kf;     // [W][dp] the block's K rows in f32, rows past the block zero
  std::vector<float> kt;     // [dp][W] kf transposed
  std::vector<float> vf;     // [W][dvp] the block's V rows in f32
  std::vector<float> p;      // [active][W] scores, then weights exp(score - m)
  std::vector<float> alpha;  // [active] rescale of the old state, exp(m_old - m_new)
  std::vector<int64_t> active;
};

inline int64_t round_up(int64_t n) { return (n + W - 1) / W * W; }

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

// NR rows' scores for the block: (q_r . k_t) * scale + bias, -inf outside the live lanes.
template <int NR>
void scores(const AttentionQuery& q, const int64_t* rows, const float* kt, int64_t b0, int n, float* p) {
  VF acc[NR];
  const float* qr[NR];
  for (int i = 0; i < NR; ++i) acc[i] = vzero(), qr[i] = q.q[rows[i]];
  for (int64_t c = 0; c < q.d; ++c) {
    const VF k = vload(kt + c * W);
    for (int i = 0; i < NR; ++i) acc[i] = vfma(vset1(qr[i][c]), k, acc[i]);
  }
  const VF scale = vset1(q.scale);
  for (int i = 0; i < NR; ++i) {
    const int64_t r = rows[i];
    VF s = vmul(acc[i], scale);
    if (q.bias) s = vadd(s, vload_partial(q.bias[r] + b0, n));
    const int64_t from = std::max<int64_t>(q.lo[r] - b0, 0), to = std::min<int64_t>(q.hi[r] - b0, n);
    vstore(p + i * W, vkeep(s, static_cast<int>(from), static_cast<int>(to)));
  }
}

// acc[dv] = acc * alpha + sum_j p[j] vf[j], NV vectors of dv from column c0.
template <int NV>
void accumulate(float* acc, int64_t dv, int64_t c0, float alpha, const float* p, const float* vf, int64_t dvp, int n) {
  VF a[NV];
  const VF al = vset1(alpha);
  for (int v = 0; v < NV; ++v) {
    const int64_t c = c0 + v * W;
    a[v] = vmul(c + W <= dv ? vload(acc + c) : vload_partial(acc + c, static_cast<int>(dv - c)), al);
  }
  for (int j = 0; j < n; ++j) {
    const VF pj = vset1(p[j]);
    const float* row = vf + j * dvp + c0;
    for (int v = 0; v < NV; ++v) a[v] = vfma(pj, vload(row + v * W), a[v]);
  }
  for (int v = 0; v < NV; ++v) {
    const int64_t c = c0 + v * W;
    if (c + W <= dv) vstore(acc + c, a[v]);
    else vstore_partial(acc + c, a[v], static_cast<int>(dv - c));
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
  s.kf.resize(W * dp), s.kt.resize(dp * W), s.vf.resize(W * dvp);
  s.p.resize(q.rows * W), s.alpha.resize(q.rows), s.active.resize(q.rows);

  for (int64_t b0 = t0; b0 < t1; b0 += W) {
    const int n = static_cast<int>(std::min<int64_t>(W, t1 - b0));
    int64_t na = 0;  // rows with a live position in the block
    for (int64_t r = 0; r < q.rows; ++r)
      if (q.lo[r] < b0 + n && q.hi[r] > b0 && q.lo[r] < q.hi[r]) s.active[na++] = r;
    if (na == 0) continue;

    for (int j = 0; j < W; ++j) {
      if (j < n) load_row(kb + (b0 + j) * d * es, f16, d, s.kf.data() + j * dp, dp);
      else std::fill_n(s.kf.data() + j * dp, dp, 0.0f);
    }
    for (int64_t c = 0; c < dp; c += W) transpose_square(s.kf.data() + c, dp, s.kt.data() + c * W, W);

    int64_t i = 0;
    const int64_t* rows = s.active.data();
    for (; i + 8 <= na; i += 8) scores<8>(q, rows + i, s.kt.data(), b0, n, s.p.data() + i * W);
    if (na - i >= 4) scores<4>(q, rows + i, s.kt.data(), b0, n, s.p.data() + i * W), i += 4;
    if (na - i >= 2) scores<2>(q, rows + i, s.kt.data(), b0, n, s.p.data() + i * W), i += 2;
    if (na - i >= 1) scores<1>(q, rows + i, s.kt.data(), b0, n, s.p.data() + i * W), i += 1;

    // The online softmax step of each row.
    for (i = 0; i < na; ++i) {
      const int64_t r = rows[i];
      float* p = s.p.data() + i * W;
      const VF sv = vload(p);
      const float mn = std::max(st.m[r], vhmax(sv));
      if (mn == kNegInf) {  // nothing live yet: the weights are 0 and the state stays
        vstore(p, vzero());
        s.alpha[i] = 1.0f;
        continue;
      }
      const VF e = vexp(vsub(sv, vset1(mn)));
      vstore(p, e);
      const float a = st.m[r] == kNegInf ? 0.0f : std::exp(st.m[r] - mn);
      st.l[r] = st.l[r] * a + vhsum(e);
      st.m[r] = mn;
      s.alpha[i] = a;
    }

    for (int j = 0; j < n; ++j) load_row(vb + (b0 + j) * dv * es, f16, dv, s.vf.data() + j * dvp, dvp);
    for (i = 0; i < na; ++i) {
      float* acc = st.acc + rows[i] * dv;
      const float* p = s.p.data() + i * W;
      int64_t c = 0;
      for (; c + 4 * W <= dvp; c += 4 * W) accumulate<4>(acc, dv, c, s.alpha[i], p, s.vf.data(), dvp, n);
      switch ((dvp - c) / W) {
        case 3: accumulate<3>(acc, dv, c, s.alpha[i], p, s.vf.data(), dvp, n); break;
        case 2: accumulate<2>(acc, dv, c, s.alpha[i], p, s.vf.data(), dvp, n); break;
        case 1: accumulate<1>(acc, dv, c, s.alpha[i], p, s.vf.data(), dvp, n); break;
        default: break;
      }
    }
  }
}

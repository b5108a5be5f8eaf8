#include "ops/fused_attention.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/attention.h"
#include "kernels/exact_rows.h"
#include "ops/broadcast_shapes.h"

namespace openarc::ops {

KvAttention::KvAttention(std::string key_variable, std::string value_variable, bool has_beam, bool has_mask,
                         bool has_scale, bool causal)
    : key_var_(std::move(key_variable)),
      value_var_(std::move(value_variable)),
      has_beam_(has_beam),
      has_mask_(has_mask),
      has_scale_(has_scale),
      causal_(causal) {}

std::vector<OutputInfo> KvAttention::infer(const std::vector<InputInfo>& in) const {
  check_input_count(in, 3 + has_beam_ + has_mask_ + has_scale_, 3 + has_beam_ + has_mask_ + has_scale_);
  const char* names[] = {"query", "new keys", "new values"};
  for (int i = 0; i < 3; ++i) {
    check(in[i].type == ElementType::f32, names[i], " must be f32, got ", to_string(in[i].type));
    check(!in[i].shape.rank_is_dynamic() && in[i].shape.rank() == 4, names[i], " must be [B, heads, S, dim], got ",
          in[i].shape.to_string());
  }
  const PartialShape& q = in[0].shape;
  const PartialShape& k = in[1].shape;
  const PartialShape& v = in[2].shape;
  if (q[1] != kDynamic && k[1] != kDynamic)
    check(k[1] > 0 && q[1] % k[1] == 0, "query heads (", q[1], ") are not a multiple of key heads (", k[1], ")");
  check(q[3] == kDynamic || k[3] == kDynamic || q[3] == k[3], "query dim ", q[3], " differs from key dim ", k[3]);
  return {{ElementType::f32, PartialShape(Shape{q[0], q[1], q[2], v[3]})}};
}

void KvAttention::evaluate(const std::vector<Tensor>&, std::vector<Tensor>&) const {
  fail("KvAttention runs with the request's KV caches (InferRequest), not on its own");
}

namespace {

constexpr int64_t kTileRows = 64;      // query rows (heads x positions) sharing each K/V block
constexpr int64_t kDecodeChunk = 256;  // positions per flash-decoding part

// Per distinct row of the mask (its broadcast dims at 0): the additive bias over the T positions
// and the live range [lo, hi) the kernels visit. Outside it a position's weight is exactly 0 in
// the reference too: the mask is -inf (boolean false) there, or more than 2^100 below the row's
// largest value, where exp(score - max) underflows to 0 for any score under 2^99. So a causal
// mask built from finfo.min (the exports') halves the work, and a row that is -inf everywhere
// has no live position and comes out NaN, as the reference's softmax 0/0.
struct MaskRows {
  int64_t nb = 1, nh = 1, ns = 1;  // distinct rows along batch, heads, query positions
  std::vector<const float*> bias;  // [nb * nh * ns] -> [T]; empty: no mask
  std::vector<int64_t> lo, hi;     // [nb * nh * ns]
  std::vector<float> storage;      // [nb * nh * ns][T] rows made f32 (boolean masks, masks broadcast along T)

  int64_t index(int64_t b, int64_t h, int64_t i) const {
    return ((nb > 1 ? b : 0) * nh + (nh > 1 ? h : 0)) * ns + (ns > 1 ? i : 0);
  }
};

MaskRows mask_rows(const Tensor* mask, const int64_t ms[4], int64_t B, int64_t H, int64_t S, int64_t T) {
  MaskRows m;
  if (!mask) return m;
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  m.nb = ms[0] ? B : 1, m.nh = ms[1] ? H : 1, m.ns = ms[2] ? S : 1;
  const int64_t n = m.nb * m.nh * m.ns;
  const bool boolean = mask->type() == ElementType::boolean;
  const bool copy = boolean || ms[3] != 1;
  if (copy) m.storage.resize(static_cast<size_t>(n * T));
  m.bias.resize(n), m.lo.resize(n), m.hi.resize(n);
  for (int64_t b = 0; b < m.nb; ++b)
    for (int64_t h = 0; h < m.nh; ++h)
      for (int64_t i = 0; i < m.ns; ++i) {
        const int64_t k = m.index(b, h, i), base = b * ms[0] + h * ms[1] + i * ms[2];
        const float* row;
        if (copy) {
          float* dst = m.storage.data() + k * T;
          for (int64_t t = 0; t < T; ++t) {
            const int64_t e = base + t * ms[3];
            dst[t] = boolean ? (mask->data<uint8_t>()[e] ? 0.0f : kNegInf) : mask->data<float>()[e];
          }
          row = dst;
        } else {
          row = mask->data<float>() + base;
        }
        float top = kNegInf;
        for (int64_t t = 0; t < T; ++t) top = std::max(top, row[t]);
        int64_t lo = T, hi = 0;
        if (top != kNegInf) {
          const double floor = static_cast<double>(top) - 0x1p100;
          for (int64_t t = 0; t < T; ++t)
            if (row[t] != kNegInf && static_cast<double>(row[t]) >= floor) lo = std::min(lo, t), hi = t + 1;
        }
        // A row that is 0 wherever it is live (the exports' causal masks) adds nothing: the
        // kernels skip its loads and keep only the live range.
        bool zero = true;
        for (int64_t t = lo; t < hi && zero; ++t) zero = row[t] == 0.0f;
        m.bias[k] = zero ? nullptr : row;
        m.lo[k] = std::min(lo, hi);
        m.hi[k] = hi;
      }
  return m;
}

void ensure_cache(KvCache& c, const Tensor& x) {
  const Shape& s = x.shape();
  if (!c.set || c.batch != s[0] || c.heads != s[1] || c.head_dim != s[3]) {
    check(!c.set || c.length == 0, "the KV cache holds ", c.length, " positions of [", c.batch, ",", c.heads, ",?,",
          c.head_dim, "], the new keys are ", to_string(s));
    c.reset(s[0], s[1], s[3]);
  }
}

}  // namespace

void KvAttention::run(const std::vector<Tensor>& in, Tensor& out, KvCache& keys, KvCache& values) const {
  const Tensor& q = in[0];
  const Tensor& k_new = in[1];
  const Tensor& v_new = in[2];
  size_t next = 3;
  const Tensor* beam = has_beam_ ? &in[next++] : nullptr;
  // The spec: with causal set the attention mask is ignored (ops/scaled_dot_product_attention.cpp).
  const Tensor* mask = has_mask_ && !causal_ ? &in[next] : nullptr;
  next += has_mask_;
  const Tensor* scale_in = has_scale_ ? &in[next++] : nullptr;
  const int64_t B = q.shape()[0], H = q.shape()[1], S = q.shape()[2], D = q.shape()[3];
  const int64_t Hkv = k_new.shape()[1], Dv = v_new.shape()[3];
  check(k_new.shape()[0] == B && v_new.shape()[0] == B && k_new.shape()[2] == S && v_new.shape()[2] == S &&
            v_new.shape()[1] == Hkv,
        "query ", to_string(q.shape()), ", new keys ", to_string(k_new.shape()), " and new values ",
        to_string(v_new.shape()), " do not agree");

  // The past, reordered by beam_idx (Gather on axis 0) when that is not the identity.
  if (beam && keys.set && keys.length > 0) {
    check(beam->size() == keys.batch, "beam_idx has ", beam->size(), " entries, the KV cache batch is ", keys.batch);
    std::vector<int64_t> order(static_cast<size_t>(beam->size()));
    bool identity = true;
    for (int64_t b = 0; b < beam->size(); ++b) {
      order[b] = beam->get_i64(b);
      if (order[b] < 0) order[b] += keys.batch;
      check(order[b] >= 0 && order[b] < keys.batch, "beam_idx ", beam->get_i64(b), " is out of range");
      identity = identity && order[b] == b;
    }
    if (!identity) {
      keys.reorder(order.data());
      values.reorder(order.data());
    }
  }
  ensure_cache(keys, k_new);
  ensure_cache(values, v_new);
  check(keys.length == values.length, "the key and value caches hold ", keys.length, " and ", values.length,
        " positions");
  check(keys.precision == values.precision, "the key and value caches are ", to_string(keys.precision), " and ",
        to_string(values.precision));
  const int64_t T = keys.length + S;
  const float scale = scale_in ? static_cast<float>(scale_in->get_f64(0)) : 1.0f / std::sqrt(static_cast<float>(D));
  // The mask numpy-broadcasts to [B, H, S, T]: its strides over those four axes (0 where it is 1).
  int64_t ms[4] = {0, 0, 0, 0};
  const bool bool_mask = mask && mask->type() == ElementType::boolean;
  if (mask) {
    const Shape target = {B, H, S, T};
    check(mask->rank() <= 4, "the mask has shape ", to_string(mask->shape()), ", expected one broadcastable to ",
          to_string(target));
    Shape strides = broadcast_strides(mask->shape(), target);
    for (int i = 0; i < 4; ++i) ms[i] = strides[i];
    for (int64_t i = 0; i < mask->rank(); ++i) {
      int64_t d = mask->shape()[i], t = target[4 - mask->rank() + i];
      check(d == 1 || d == t, "the mask has shape ", to_string(mask->shape()), ", expected one broadcastable to ",
            to_string(target));
    }
    check(mask->type() == ElementType::f32 || bool_mask, "the mask must be f32 or boolean, got ",
          to_string(mask->type()));
  }
  // Every check has passed: only now does the state change.
  keys.append(k_new.data<float>(), S);
  values.append(v_new.data<float>(), S);
  if (S == 0) return;
  const MaskRows rows = mask_rows(mask, ms, B, H, S, T);
  const int64_t group = H / Hkv;
  const float* qd = q.data<float>();
  float* od = out.data<float>();

  // Work items (b, kv head, query tile, position chunk). A tile is every query head of the GQA
  // group at up to kTileRows / group positions, so each K/V row is read once per tile. Decode
  // and short prompts (one tile, or up to kExactRows positions) also split the positions into
  // fixed chunks merged afterwards (flash-decoding); the split depends on the shapes only, so
  // any thread count gives the same bits, and a row's chunks do not depend on how many of up to
  // kExactRows positions share the call (a speculative draft's verification).
  const int64_t tile = std::max<int64_t>(1, kTileRows / group);
  const int64_t tiles = (S + tile - 1) / tile;
  const int64_t chunk = tiles == 1 || S <= kernels::kExactRows ? kDecodeChunk : T;
  const int64_t chunks = (T + chunk - 1) / chunk;
  const int64_t max_rows = std::min(tile, S) * group;
  const int64_t items = B * Hkv * tiles * chunks;
  const int64_t part_floats = max_rows * (2 + Dv);  // m [rows], l [rows], acc [rows][Dv]
  // Reused across calls: a fresh buffer of this size would be mapped and zeroed by the kernel
  // every step (it is past malloc's mmap threshold at long context); each item inits its part.
  // (The pool's threads reach it through parts_data: a thread_local named in the lambda would be theirs.)
  thread_local std::vector<float> parts;
  if (chunks > 1 && parts.size() < static_cast<size_t>(items * part_floats))
    parts.resize(static_cast<size_t>(items * part_floats));
  float* const parts_data = parts.data();
  auto part = [&](float* base, int64_t rows_here) {
    return kernels::AttentionState{base, base + rows_here, base + 2 * rows_here};
  };
  // The rows of item (b, kvh, tile t): position-major, heads of the group inner.
  struct Rows {
    std::vector<const float*> q, bias;
    std::vector<int64_t> lo, hi;
    std::vector<float*> out;
  };
  auto gather_rows = [&](int64_t b, int64_t kvh, int64_t t, Rows& r) {
    r.q.clear(), r.bias.clear(), r.lo.clear(), r.hi.clear(), r.out.clear();
    for (int64_t i = t * tile; i < std::min(S, (t + 1) * tile); ++i)
      for (int64_t g = 0; g < group; ++g) {
        const int64_t h = kvh * group + g, bhi = (b * H + h) * S + i;
        r.q.push_back(qd + bhi * D);
        r.out.push_back(od + bhi * Dv);
        const int64_t k = rows.index(b, h, i);
        r.bias.push_back(rows.bias.empty() ? nullptr : rows.bias[k]);
        r.lo.push_back(rows.lo.empty() ? 0 : rows.lo[k]);
        r.hi.push_back(rows.hi.empty() ? (causal_ ? std::min(T, i + 1) : T) : rows.hi[k]);
      }
  };
  current_pool().parallel_for(0, items, 1, [&](int64_t lo, int64_t hi) {
    thread_local Rows r;
    thread_local std::vector<float> state;
    for (int64_t it = lo; it < hi; ++it) {
      const int64_t c = it % chunks, t = it / chunks % tiles, kvh = it / chunks / tiles % Hkv,
                    b = it / chunks / tiles / Hkv;
      gather_rows(b, kvh, t, r);
      const int64_t n = static_cast<int64_t>(r.q.size());
      kernels::AttentionQuery query{n, D, r.q.data(), rows.bias.empty() ? nullptr : r.bias.data(), r.lo.data(),
                                    r.hi.data(), scale};
      const kernels::AttentionKv kv{keys.precision, keys.row(b, kvh, 0), values.row(b, kvh, 0), Dv};
      float* base;
      if (chunks > 1) {
        base = parts_data + it * part_floats;
      } else {
        state.resize(static_cast<size_t>(part_floats));
        base = state.data();
      }
      const kernels::AttentionState st = part(base, n);
      kernels::attention_init(n, Dv, st);
      kernels::attention_block(query, kv, c * chunk, std::min(T, (c + 1) * chunk), st);
      if (chunks == 1) kernels::attention_merge(n, Dv, &st, 1, r.out.data());
    }
  });
  if (chunks == 1) return;
  // Merge each row's chunks, in position order.
  Rows r;
  std::vector<kernels::AttentionState> states(static_cast<size_t>(chunks));
  for (int64_t it = 0; it < items; it += chunks) {
    const int64_t t = it / chunks % tiles, kvh = it / chunks / tiles % Hkv, b = it / chunks / tiles / Hkv;
    gather_rows(b, kvh, t, r);
    const int64_t n = static_cast<int64_t>(r.q.size());
    for (int64_t c = 0; c < chunks; ++c) states[c] = part(parts_data + (it + c) * part_floats, n);
    kernels::attention_merge(n, Dv, states.data(), chunks, r.out.data());
  }
}

}  // namespace openarc::ops

#include "ops/fused_attention.h"

#include <cmath>
#include <limits>
#include <vector>

#include "core/thread_pool.h"
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
  const float* md = mask && !bool_mask ? mask->data<float>() : nullptr;
  const uint8_t* mb = bool_mask ? mask->data<uint8_t>() : nullptr;
  const int64_t group = H / Hkv;
  const float* qd = q.data<float>();
  float* od = out.data<float>();
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();

  current_pool().parallel_for(0, B * H, 1, [&](int64_t lo, int64_t hi) {
    std::vector<float> p(static_cast<size_t>(T));  // [T] scores, then weights
    std::vector<float> acc(static_cast<size_t>(Dv));
    for (int64_t bh = lo; bh < hi; ++bh) {
      const int64_t b = bh / H, h = bh % H, kvh = h / group;
      for (int64_t i = 0; i < S; ++i) {
        const float* qi = qd + ((b * H + h) * S + i) * D;
        float m = kNegInf;
        for (int64_t t = 0; t < T; ++t) {
          const float* kt = keys.row(b, kvh, t);
          float dot = 0;
          for (int64_t d = 0; d < D; ++d) dot += qi[d] * kt[d];
          float s = dot * scale;
          if (causal_ && t > i) s = kNegInf;  // the spec's triu(k=1), aligned top-left
          const int64_t mi = b * ms[0] + h * ms[1] + i * ms[2] + t * ms[3];
          if (md) s += md[mi];
          else if (mb && !mb[mi]) s = kNegInf;
          p[t] = s;
          m = std::max(m, s);
        }
        double sum = 0;
        for (int64_t t = 0; t < T; ++t) {
          p[t] = std::exp(p[t] - m);
          sum += p[t];
        }
        const float inv = static_cast<float>(1.0 / sum);
        std::fill(acc.begin(), acc.end(), 0.0f);
        for (int64_t t = 0; t < T; ++t) {
          const float w = p[t] * inv;
          const float* vt = values.row(b, kvh, t);
          for (int64_t d = 0; d < Dv; ++d) acc[d] += w * vt[d];
        }
        std::copy(acc.begin(), acc.end(), od + ((b * H + h) * S + i) * Dv);
      }
    }
  });
}

}  // namespace openarc::ops

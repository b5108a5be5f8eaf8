// ScaledDotProductAttention-13, following the spec's pseudo-code step by step:
//   scale  = input 5, else 1 / sqrt(E)
//   bias   = 0 [L,S]; causal: triu(-inf, k=1) (row i masks columns j > i, aligned top-left);
//            else a boolean mask gives Select(!mask, -inf, 0), a float mask is added
//   weight = softmax(Q K^T * scale + bias, axis=-1);  out = weight V
// Batch dims of Q, K, V broadcast numpy-style, and the mask numpy-broadcasts to [batch..., L, S].
// So GQA with K/V on fewer heads than Q (Hkv not 1 and not H) is an error, as the spec's numpy
// rule gives; exports repeat K/V to H heads before SDPA. A row whose every score is -inf (fully
// masked) comes out NaN, which is what softmax's 0/0 gives.
// f16/bf16 compute in f32, f64 in f64.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/thread_pool.h"
#include "ops/all_ops.h"
#include "ops/broadcast_shapes.h"
#include "ops/float_io.h"
#include "ops/matmul_kernel.h"
#include "ops/registry.h"
#include "ops/softmax_kernel.h"

namespace openarc::ops {
namespace {

// The batch dims of a shape: all but the last two.
PartialShape batch_of(const PartialShape& s) { return PartialShape(Shape(s.dims().begin(), s.dims().end() - 2)); }

// Does `mask` numpy-broadcast to `target` (without growing it)? Dynamic dims are given the benefit.
bool broadcasts_to(const PartialShape& mask, const PartialShape& target) {
  if (mask.rank_is_dynamic() || target.rank_is_dynamic()) return true;
  if (mask.rank() > target.rank()) return false;
  size_t off = target.dims().size() - mask.dims().size();
  for (size_t i = 0; i < mask.dims().size(); ++i) {
    int64_t m = mask[i], t = target[off + i];
    if (m != 1 && m != kDynamic && t != kDynamic && m != t) return false;
  }
  return true;
}

template <typename T>
void product(const T* a, const T* b, T* c, int64_t m, int64_t n, int64_t k, bool b_transposed) {
  if constexpr (std::is_same_v<T, float>) gemm_f32(a, b, c, m, n, k, b_transposed);
  else gemm_generic<T, T>(a, b, c, m, n, k, b_transposed);
}

class ScaledDotProductAttention : public Op {
 public:
  explicit ScaledDotProductAttention(const Attributes& a) : causal_(a.boolean("causal")) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 3, 5);
    const char* names[] = {"query", "key", "value"};
    for (int i = 0; i < 3; ++i) {
      check(is_float(in[i].type), names[i], " must be floating-point, got ", to_string(in[i].type));
      check(in[i].type == in[0].type, names[i], " is ", to_string(in[i].type), " but query is ",
            to_string(in[0].type));
      check(in[i].shape.rank_is_dynamic() || in[i].shape.rank() >= 3, names[i],
            " must have rank >= 3 ([N, ..., rows, cols]), got ", in[i].shape.to_string());
    }
    if (in.size() > 3 && !causal_)
      check(is_float(in[3].type) || in[3].type == ElementType::boolean,
            "attention_mask must be floating-point or boolean, got ", to_string(in[3].type));
    if (in.size() > 4) {
      check(is_float(in[4].type), "scale must be floating-point, got ", to_string(in[4].type));
      check(in[4].shape.rank_is_dynamic() || in[4].shape.rank() == 0 ||
                (in[4].shape.rank() == 1 && (in[4].shape[0] == 1 || in[4].shape[0] == kDynamic)),
            "scale must be a scalar or a 1-element 1-D tensor, got shape ", in[4].shape.to_string());
    }
    const PartialShape &q = in[0].shape, &k = in[1].shape, &v = in[2].shape;
    if (q.rank_is_dynamic() || k.rank_is_dynamic() || v.rank_is_dynamic())
      return {{in[0].type, PartialShape::dynamic_rank()}};
    auto dim_eq = [](int64_t a, int64_t b) { return a == kDynamic || b == kDynamic || a == b; };
    int64_t rq = q.rank(), rk = k.rank(), rv = v.rank();
    check(dim_eq(q[rq - 1], k[rk - 1]), "query ", q.to_string(), " and key ", k.to_string(),
          " differ in the embedding dim E");
    check(dim_eq(k[rk - 2], v[rv - 2]), "key ", k.to_string(), " and value ", v.to_string(),
          " differ in the source length S");
    PartialShape batch;
    try {
      batch = broadcast_numpy(broadcast_numpy(batch_of(q), batch_of(k)), batch_of(v));
    } catch (const Error&) {
      fail("batch dims of query ", q.to_string(), ", key ", k.to_string(), " and value ", v.to_string(),
           " do not broadcast (K/V heads must equal the query heads or be 1)");
    }
    Shape out = batch.dims();
    if (in.size() > 3 && !causal_) {
      Shape target = out;
      target.push_back(q[rq - 2]);
      target.push_back(k[rk - 2]);
      check(broadcasts_to(in[3].shape, PartialShape(target)), "attention_mask ", in[3].shape.to_string(),
            " does not broadcast to [batch..., L, S] = ", PartialShape(target).to_string());
    }
    out.push_back(q[rq - 2]);
    out.push_back(v[rv - 1]);
    return {{in[0].type, PartialShape(out)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    if (in[0].type() == ElementType::f64) {
      run<double>(in, out[0]);
      return;
    }
    std::vector<Tensor> wide;
    for (const Tensor& t : in) wide.push_back(t.type() == ElementType::boolean ? t : widen_to_f32(t));
    Tensor y = f32_scratch_for(out[0]);
    run<float>(wide, y);
    narrow_from_f32(y, out[0]);
  }

 private:
  template <typename T>
  void run(const std::vector<Tensor>& in, Tensor& out) const {
    const Tensor &q = in[0], &k = in[1], &v = in[2];
    int64_t L = q.shape()[q.rank() - 2], E = q.shape()[q.rank() - 1];
    int64_t S = k.shape()[k.rank() - 2], Ev = v.shape()[v.rank() - 1];
    Shape qb(q.shape().begin(), q.shape().end() - 2), kb(k.shape().begin(), k.shape().end() - 2),
        vb(v.shape().begin(), v.shape().end() - 2);
    Shape batch = broadcast_numpy(broadcast_numpy(PartialShape(qb), PartialShape(kb)), PartialShape(vb)).dims();
    // Per-operand batch strides in matrices (0 where a dim stretches).
    Shape qs = broadcast_strides(qb, batch), ks = broadcast_strides(kb, batch), vs = broadcast_strides(vb, batch);

    double scale = in.size() > 4 ? in[4].get_f64(0) : 1.0 / std::sqrt(static_cast<double>(E));
    const Tensor* mask = in.size() > 3 && !causal_ ? &in[3] : nullptr;
    Shape target = batch;
    target.push_back(L);
    target.push_back(S);
    Shape ms = mask ? broadcast_strides(mask->shape(), target) : Shape(target.size(), 0);
    Tensor mask_t;  // a float mask in the compute type
    if (mask && mask->type() != ElementType::boolean && mask->type() != element_type_of<T>()) {
      mask_t = Tensor(element_type_of<T>(), mask->shape());
      for (int64_t i = 0; i < mask->size(); ++i) mask_t.set_f64(i, mask->get_f64(i));
    } else if (mask) {
      mask_t = *mask;
    }
    const bool bool_mask = mask && mask->type() == ElementType::boolean;
    const T inf = std::numeric_limits<T>::infinity();

    const T* qd = q.data<T>();
    const T* kd = k.data<T>();
    const T* vd = v.data<T>();
    T* od = out.data<T>();
    const size_t nb = batch.size();
    const int64_t total = shape_size(batch);
    // Threads take whole batch entries (batch x heads): each entry's output rows are computed by
    // one thread in the single-threaded order, and the products inside run inline.
    const int64_t entry_macs = std::max<int64_t>(1, L * S * (E + Ev));
    parallel_for(0, total, std::max<int64_t>(1, (int64_t{1} << 16) / entry_macs), [&](int64_t b0, int64_t b1) {
      std::vector<T> w(static_cast<size_t>(L * S));  // attention weights of one batch entry, [L,S]
      Shape idx(nb, 0);  // the batch index of entry b0
      int64_t rest = b0;
      for (size_t d = nb; d-- > 0;) idx[d] = rest % batch[d], rest /= batch[d];
      for (int64_t b = b0; b < b1; ++b) {
        int64_t qo = 0, ko = 0, vo = 0, mo = 0;
        for (size_t d = 0; d < nb; ++d) qo += idx[d] * qs[d], ko += idx[d] * ks[d], vo += idx[d] * vs[d], mo += idx[d] * ms[d];
        // attn_weight = MatMul(query, Transpose(key)) * scale
        product<T>(qd + qo * L * E, kd + ko * S * E, w.data(), L, S, E, true);
        for (int64_t i = 0; i < L; ++i) {
          T* row = w.data() + i * S;
          for (int64_t j = 0; j < S; ++j) {
            T x = static_cast<T>(row[j] * scale);
            if (causal_) {
              if (j > i) x = -inf;  // triu(-inf, k=1)
            } else if (bool_mask) {
              if (!mask_t.data<uint8_t>()[mo + i * ms[nb] + j * ms[nb + 1]]) x = -inf;
            } else if (mask) {
              x += mask_t.data<T>()[mo + i * ms[nb] + j * ms[nb + 1]];
            }
            row[j] = x;
          }
          softmax_slice(row, row, S, 1, false);
        }
        // return MatMul(attn_weight, value)
        product<T>(w.data(), vd + vo * S * Ev, od + b * L * Ev, L, Ev, S, false);
        for (size_t d = nb; d-- > 0;) {
          if (++idx[d] < batch[d]) break;
          idx[d] = 0;
        }
      }
    });
  }

  bool causal_;
};

}  // namespace

void register_sdpa_ops(OpRegistry& r) {
  r.add("ScaledDotProductAttention", {"opset13"},
        [](const Attributes& a) { return std::make_unique<ScaledDotProductAttention>(a); });
}

}  // namespace openarc::ops

// MatMul-1: numpy-style matrix product with optional transposes of the two right-most dims,
// 1-D operands unsqueezed (and the temporary axis removed again) and batch dims broadcast.
#include <type_traits>
#include <vector>

#include "ops/all_ops.h"
#include "ops/broadcast_shapes.h"
#include "ops/float_io.h"
#include "ops/matmul_kernel.h"
#include "ops/numeric_dispatch.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

// Both operands after the spec's alignment steps 1-2: batch dims, rows, columns.
struct Aligned {
  Shape batch;
  int64_t rows = 0, cols = 0;
};

// Step 1 (transpose the two right-most dims; ignored for 1-D) and step 2 (1-D first input ->
// row vector [1,S], 1-D second input -> column vector [S,1]).
Aligned align(const Shape& s, bool transpose, bool first) {
  Aligned a;
  if (s.size() == 1) {
    a.rows = first ? 1 : s[0];
    a.cols = first ? s[0] : 1;
    return a;
  }
  a.batch.assign(s.begin(), s.end() - 2);
  a.rows = s[s.size() - 2];
  a.cols = s[s.size() - 1];
  if (transpose) std::swap(a.rows, a.cols);
  return a;
}

class MatMul : public Op {
 public:
  explicit MatMul(const Attributes& a)
      : transpose_a_(a.boolean("transpose_a", false)), transpose_b_(a.boolean("transpose_b", false)) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 2);
    check(in[0].type == in[1].type, "inputs must have the same element type, got ", to_string(in[0].type), " and ",
          to_string(in[1].type));
    check(is_numeric(in[0].type), "element type ", to_string(in[0].type), " is not supported");
    const PartialShape& pa = in[0].shape;
    const PartialShape& pb = in[1].shape;
    check(pa.rank() != 0 && pb.rank() != 0, "inputs must have rank >= 1, got shapes ", pa.to_string(), " and ",
          pb.to_string());
    if (pa.rank_is_dynamic() || pb.rank_is_dynamic()) return {{in[0].type, PartialShape::dynamic_rank()}};
    Aligned a = align(pa.dims(), transpose_a_, true);
    Aligned b = align(pb.dims(), transpose_b_, false);
    check(a.cols == kDynamic || b.rows == kDynamic || a.cols == b.rows, "inner dimensions differ: A ",
          pa.to_string(), (transpose_a_ ? " (transposed)" : ""), " has ", a.cols, ", B ", pb.to_string(),
          (transpose_b_ ? " (transposed)" : ""), " has ", b.rows);
    // Steps 3-4: the batch dims broadcast numpy-style (right-aligned).
    Shape out = broadcast_numpy(PartialShape(a.batch), PartialShape(b.batch)).dims();
    if (pa.rank() > 1) out.push_back(a.rows);  // the temporary axes of step 2 are dropped
    if (pb.rank() > 1) out.push_back(b.cols);
    return {{in[0].type, PartialShape(out)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    Aligned a = align(in[0].shape(), transpose_a_, true);
    Aligned b = align(in[1].shape(), transpose_b_, false);
    Shape batch = broadcast_numpy(PartialShape(a.batch), PartialShape(b.batch)).dims();
    int64_t m = a.rows, k = a.cols, n = b.cols;
    // Matrix strides for walking the broadcast batch: 0 where an operand's batch dim stretches.
    Shape strides[2] = {broadcast_strides(a.batch, batch), broadcast_strides(b.batch, batch)};
    bool a_t = transpose_a_ && in[0].rank() > 1;
    bool b_t = transpose_b_ && in[1].rank() > 1;

    if (is_half(in[0].type())) {
      Tensor c = f32_scratch_for(out[0]);
      run<float>(widen_to_f32(in[0]), widen_to_f32(in[1]), c, batch, strides, m, n, k, a_t, b_t);
      narrow_from_f32(c, out[0]);
      return;
    }
    dispatch_numeric(in[0].type(), "MatMul", [&](auto zero) {
      using T = decltype(zero);
      run<T>(in[0], in[1], out[0], batch, strides, m, n, k, a_t, b_t);
    });
  }

 private:
  template <typename T>
  static void run(const Tensor& ta, const Tensor& tb, Tensor& tc, const Shape& batch, const Shape (&strides)[2],
                  int64_t m, int64_t n, int64_t k, bool a_t, bool b_t) {
    const T* a = ta.data<T>();
    const T* b = tb.data<T>();
    T* c = tc.data<T>();
    std::vector<T> a_packed(a_t ? static_cast<size_t>(m * k) : 0);
    auto per_matrix = [&](int64_t out_i, int64_t ia, int64_t ib) {
      const T* am = a + ia * m * k;
      if (a_t) {  // A is stored [K,M]: pack it row-major [M,K] so both kernels read rows of A
        for (int64_t p = 0; p < k; ++p)
          for (int64_t i = 0; i < m; ++i) a_packed[i * k + p] = am[p * m + i];
        am = a_packed.data();
      }
      const T* bm = b + ib * k * n;
      T* cm = c + out_i * m * n;
      if constexpr (std::is_same_v<T, float>) {
        gemm_f32(am, bm, cm, m, n, k, b_t);
      } else if constexpr (std::is_floating_point_v<T>) {
        gemm_generic<T, T>(am, bm, cm, m, n, k, b_t);
      } else {
        gemm_generic<T, uint64_t>(am, bm, cm, m, n, k, b_t);
      }
    };
    if (batch.empty()) per_matrix(0, 0, 0);
    else for_each_broadcast(batch, strides, per_matrix);
  }

  bool transpose_a_, transpose_b_;
};

}  // namespace

void register_matmul_ops(OpRegistry& r) {
  r.add("MatMul", {"opset1"}, [](const Attributes& a) { return std::make_unique<MatMul>(a); });
}

}  // namespace openarc::ops

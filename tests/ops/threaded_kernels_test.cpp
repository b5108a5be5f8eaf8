// The multi-threaded kernels (MatMul, SDPA, the elementwise loops) give bit-identical results on
// 1 thread and on several, and the MatMul kernel runs the instruction set OPENARC_ISA selects.
#include <gtest/gtest.h>

#include <cstring>

#include "compute_test_util.h"
#include "core/thread_pool.h"
#include "kernels/cpu_info.h"
#include "ops/matmul_kernel.h"

namespace openarc::ops::testing {
namespace {

// Runs an op with the given pool current.
std::vector<Tensor> run_with(ThreadPool& pool, const std::string& type, const std::string& version,
                             const Attributes& attrs, const std::vector<Tensor>& in) {
  ScopedPool scope(pool);
  return run_op_dirty(type, version, attrs, in);
}

void expect_bit_identical(const Tensor& x, const Tensor& y, const std::string& what) {
  ASSERT_EQ(to_string(x.shape()), to_string(y.shape())) << what;
  ASSERT_EQ(x.type(), y.type()) << what;
  ASSERT_EQ(std::memcmp(x.data(), y.data(), x.byte_size()), 0) << what << ": results differ between thread counts";
}

// The pools compared: 1 thread, and 3 and 4 (more than this machine's cores is fine: the chunks
// still split where they would on a bigger machine).
std::vector<ThreadPool*> pools() { return {&shared_pool(1), &shared_pool(3), &shared_pool(4)}; }

Attributes mm_attrs(bool ta, bool tb) {
  return {{"transpose_a", ta ? "true" : "false"}, {"transpose_b", tb ? "true" : "false"}};
}

struct MmCase {
  Shape a, b;
  bool ta, tb;
};

TEST(ThreadedKernels, MatMulIsBitIdenticalAcrossThreadCounts) {
  const MmCase cases[] = {
      {{1, 1, 300}, {1001, 300}, false, true},     // decode: one row, split over N (not a multiple of 4)
      {{1, 37, 129}, {517, 129}, false, true},     // prefill-shaped, odd sizes
      {{64, 3}, {5, 3}, false, true},              // narrow C: split over rows
      {{1, 33, 70}, {70, 403}, false, false},      // B stored [K,N]
      {{200, 9}, {9, 7}, false, false},            // narrow [K,N]: rows
      {{2, 3, 17, 40}, {3, 40, 50}, false, false}, // batched with broadcasting
      {{40, 17}, {90, 40}, true, true},            // both transposed
      {{3, 1, 600}, {1, 600}, false, true},        // N = 1
  };
  uint32_t seed = 1;
  for (const MmCase& c : cases) {
    Tensor a = random_tensor(ElementType::f32, c.a, seed++);
    Tensor b = random_tensor(ElementType::f32, c.b, seed++);
    std::vector<Tensor> ref = run_with(shared_pool(1), "MatMul", "opset1", mm_attrs(c.ta, c.tb), {a, b});
    for (ThreadPool* p : pools()) {
      std::vector<Tensor> got = run_with(*p, "MatMul", "opset1", mm_attrs(c.ta, c.tb), {a, b});
      expect_bit_identical(got[0], ref[0],
                           "MatMul " + to_string(c.a) + " x " + to_string(c.b) + " on " +
                               std::to_string(p->size()) + " threads");
    }
  }
}

TEST(ThreadedKernels, SdpaIsBitIdenticalAcrossThreadCounts) {
  struct Case {
    Shape q, k, v, mask;
    bool causal;
  };
  const Case cases[] = {
      {{2, 6, 9, 16}, {2, 6, 9, 16}, {2, 6, 9, 8}, {}, true},             // prefill, causal
      {{1, 8, 1, 32}, {1, 8, 40, 32}, {1, 8, 40, 32}, {1, 1, 1, 40}, false},  // decode with a float mask
      {{3, 5, 7, 8}, {3, 1, 11, 8}, {3, 1, 11, 4}, {7, 11}, false},       // K/V broadcast over heads
  };
  uint32_t seed = 100;
  for (const Case& c : cases) {
    std::vector<Tensor> in = {random_tensor(ElementType::f32, c.q, seed++),
                              random_tensor(ElementType::f32, c.k, seed++),
                              random_tensor(ElementType::f32, c.v, seed++)};
    if (!c.mask.empty()) in.push_back(random_tensor(ElementType::f32, c.mask, seed++, -2.0, 0.0));
    Attributes attrs = {{"causal", c.causal ? "true" : "false"}};
    std::vector<Tensor> ref = run_with(shared_pool(1), "ScaledDotProductAttention", "opset13", attrs, in);
    for (ThreadPool* p : pools()) {
      std::vector<Tensor> got = run_with(*p, "ScaledDotProductAttention", "opset13", attrs, in);
      expect_bit_identical(got[0], ref[0], "SDPA q " + to_string(c.q) + " on " + std::to_string(p->size()) + " threads");
    }
  }
}

TEST(ThreadedKernels, ElementwiseIsExactOnEveryThreadCount) {
  // Shapes big enough to be split: flat, scalar operand, and a general broadcast.
  const std::pair<Shape, Shape> cases[] = {
      {{70000}, {70000}}, {{1}, {50000}}, {{3, 200, 100}, {200, 1}}, {{2, 1, 40000}, {1, 3, 1}}};
  uint32_t seed = 200;
  for (const auto& [sa, sb] : cases) {
    Tensor a = random_tensor(ElementType::f32, sa, seed++);
    Tensor b = random_tensor(ElementType::f32, sb, seed++);
    std::vector<Tensor> ref = run_with(shared_pool(1), "Add", "opset1", {}, {a, b});
    // The expected sum from numpy broadcasting, written out for rank 3 (shapes padded with 1s).
    const Tensor& r = ref[0];
    Shape so = r.shape(), pa = sa, pb = sb;
    while (so.size() < 3) so.insert(so.begin(), 1);
    while (pa.size() < 3) pa.insert(pa.begin(), 1);
    while (pb.size() < 3) pb.insert(pb.begin(), 1);
    auto at = [](const Tensor& t, const Shape& s, int64_t i, int64_t j, int64_t k) {
      return t.data<float>()[((s[0] == 1 ? 0 : i) * s[1] + (s[1] == 1 ? 0 : j)) * s[2] + (s[2] == 1 ? 0 : k)];
    };
    for (int64_t i = 0, e = 0; i < so[0]; ++i)
      for (int64_t j = 0; j < so[1]; ++j)
        for (int64_t k = 0; k < so[2]; ++k, ++e)
          ASSERT_EQ(r.data<float>()[e], at(a, pa, i, j, k) + at(b, pb, i, j, k)) << "element " << e;
    for (ThreadPool* p : pools())
      expect_bit_identical(run_with(*p, "Add", "opset1", {}, {a, b})[0], r, "Add " + to_string(sa) + " + " + to_string(sb));
    // A unary op too.
    std::vector<Tensor> neg1 = run_with(shared_pool(1), "Negative", "opset1", {}, {a});
    for (int64_t e = 0; e < a.size(); ++e) ASSERT_EQ(neg1[0].data<float>()[e], -a.data<float>()[e]);
    expect_bit_identical(run_with(shared_pool(4), "Negative", "opset1", {}, {a})[0], neg1[0], "Negative");
  }
}

// The ISA level restored at the end of a test.
struct IsaGuard {
  kernels::IsaLevel saved = kernels::isa_level();
  ~IsaGuard() { kernels::set_isa_level(saved); }
};

TEST(ThreadedKernels, MatMulFollowsTheForcedIsaLevel) {
  IsaGuard guard;
  std::vector<kernels::IsaLevel> levels = {kernels::IsaLevel::scalar};
  if (kernels::cpu_info().best >= kernels::IsaLevel::avx2) levels.push_back(kernels::IsaLevel::avx2);
  else std::printf("note: this CPU has no AVX2; only the scalar MatMul body is checked\n");

  const int64_t m = 13, n = 21, k = 67;  // remainders in every loop of both layouts
  Tensor a = random_tensor(ElementType::f32, {m, k}, 7);
  Tensor bt = random_tensor(ElementType::f32, {n, k}, 8);  // [N,K]
  Tensor b(ElementType::f32, {k, n});                      // the same matrix stored [K,N]
  for (int64_t j = 0; j < n; ++j)
    for (int64_t p = 0; p < k; ++p) b.data<float>()[p * n + j] = bt.data<float>()[j * k + p];
  std::vector<double> expected;  // the naive product in double
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < k; ++p) s += double(a.data<float>()[i * k + p]) * bt.data<float>()[j * k + p];
      expected.push_back(s);
    }
  for (kernels::IsaLevel level : levels) {
    ASSERT_EQ(kernels::set_isa_level(level), level);
    EXPECT_EQ(gemm_f32_isa(), level) << "MatMul does not run the " << kernels::to_string(level) << " body";
    SCOPED_TRACE(kernels::to_string(level));
    expect_values(run_op_dirty("MatMul", "opset1", mm_attrs(false, true), {a, bt})[0], {m, n}, expected, 1e-4);
    expect_values(run_op_dirty("MatMul", "opset1", mm_attrs(false, false), {a, b})[0], {m, n}, expected, 1e-4);
  }
}

}  // namespace
}  // namespace openarc::ops::testing

// MatMul-1 against hand-computed products and a naive double-precision implementation of the
// spec's alignment steps.
#include <gtest/gtest.h>

#include <time.h>

#include <algorithm>
#include <cstdio>

#include "compute_test_util.h"

namespace openarc::ops::testing {
namespace {

Attributes mm_attrs(bool ta, bool tb) {
  return {{"transpose_a", ta ? "true" : "false"}, {"transpose_b", tb ? "true" : "false"}};
}

Tensor run_mm(const Tensor& a, const Tensor& b, bool ta = false, bool tb = false) {
  return run_op_dirty("MatMul", "opset1", mm_attrs(ta, tb), {a, b})[0];
}

// A = [[1,2,3],[4,5,6]], B = [[7,8],[9,10],[11,12]]: A·B = [[58,64],[139,154]].
const std::vector<double> kAB = {58, 64, 139, 154};

TEST(MatMul, PlainProduct) {
  Tensor a = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = f32({3, 2}, {7, 8, 9, 10, 11, 12});
  expect_values(run_mm(a, b), {2, 2}, kAB);
}

TEST(MatMul, EveryTransposeCombination) {
  Tensor a = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor at = f32({3, 2}, {1, 4, 2, 5, 3, 6});  // A stored transposed
  Tensor b = f32({3, 2}, {7, 8, 9, 10, 11, 12});
  Tensor bt = f32({2, 3}, {7, 9, 11, 8, 10, 12});
  expect_values(run_mm(at, b, true, false), {2, 2}, kAB);
  expect_values(run_mm(a, bt, false, true), {2, 2}, kAB);
  expect_values(run_mm(at, bt, true, true), {2, 2}, kAB);
}

TEST(MatMul, OneDimensionalOperands) {
  Tensor v = f32({3}, {1, 2, 3});
  Tensor w = f32({3}, {4, 5, 6});
  expect_values(run_mm(v, w), {}, {32});  // [3]x[3] -> scalar
  Tensor b = f32({3, 2}, {7, 8, 9, 10, 11, 12});
  expect_values(run_mm(v, b), {2}, {58, 64});               // [3]x[3,2] -> [2]
  expect_values(run_mm(v, b, true, false), {2}, {58, 64});  // transpose ignored for 1-D
  Tensor a = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor ones = f32({3}, {1, 1, 1});
  expect_values(run_mm(a, ones), {2}, {6, 15});               // [2,3]x[3] -> [2]
  expect_values(run_mm(a, ones, false, true), {2}, {6, 15});  // transpose_b ignored for 1-D
  // 1-D x batched: [3] x [2,3,2] -> [2,2]
  Tensor bb = f32({2, 3, 2}, {7, 8, 9, 10, 11, 12, 1, 0, 0, 1, 1, 1});
  expect_values(run_mm(v, bb), {2, 2}, {58, 64, 4, 5});
}

TEST(MatMul, EmptyReductionGivesZeros) {
  Tensor a(ElementType::f32, {2, 0});
  Tensor b(ElementType::f32, {0, 3});
  expect_values(run_mm(a, b), {2, 3}, {0, 0, 0, 0, 0, 0});
  Tensor bt(ElementType::f32, {3, 0});
  expect_values(run_mm(a, bt, false, true), {2, 3}, {0, 0, 0, 0, 0, 0});
  Tensor ai(ElementType::i32, {1, 0});
  Tensor bi(ElementType::i32, {0, 2});
  expect_values(run_mm(ai, bi), {1, 2}, {0, 0});
}

TEST(MatMul, HalfAndIntegerTypes) {
  for (ElementType t : {ElementType::f16, ElementType::bf16, ElementType::f64, ElementType::i32, ElementType::i64}) {
    Tensor a(t, {2, 3});
    Tensor b(t, {2, 3});  // used with transpose_b
    for (int i = 0; i < 6; ++i) a.set_f64(i, i + 1);
    const double bv[] = {7, 9, 11, 8, 10, 12};
    for (int i = 0; i < 6; ++i) b.set_f64(i, bv[i]);
    Tensor c = run_mm(a, b, false, true);
    EXPECT_EQ(c.type(), t);
    expect_values(c, {2, 2}, kAB, 0);  // small integers: exact in every type
  }
}

TEST(MatMul, F16RoundsTheF32Result) {
  // 2048*1 + 1*1 = 2049 is not an f16 (spacing 2 above 2048): the tie rounds to even, 2048.
  Tensor x(ElementType::f16, {1, 2});
  Tensor y(ElementType::f16, {2, 1});
  x.set_f64(0, 2048), x.set_f64(1, 1), y.set_f64(0, 1), y.set_f64(1, 1);
  expect_values(run_mm(x, y), {1, 1}, {2048}, 0);
}

TEST(MatMul, IntegerOverflowWraps) {
  Tensor a = Tensor::from<int32_t>({1, 1}, {65536});
  Tensor b = Tensor::from<int32_t>({1, 1}, {65536});
  expect_values(run_mm(a, b), {1, 1}, {0}, 0);  // 2^32 mod 2^32
}

// Naive double implementation written from the spec's steps 1-4.
Tensor naive_matmul(const Tensor& a, const Tensor& b, bool ta, bool tb) {
  auto matrices = [](const Tensor& t, bool tr, bool first, Shape& batch, int64_t& rows, int64_t& cols) {
    Shape s = t.shape();
    if (s.size() == 1) s = first ? Shape{1, s[0]} : Shape{s[0], 1}, tr = false;
    batch.assign(s.begin(), s.end() - 2);
    int64_t r = s[s.size() - 2], c = s[s.size() - 1];
    std::vector<double> m(t.size());
    int64_t count = t.size() / std::max<int64_t>(r * c, 1);
    for (int64_t q = 0; q < count; ++q)
      for (int64_t i = 0; i < r; ++i)
        for (int64_t j = 0; j < c; ++j) {
          double v = t.get_f64(q * r * c + i * c + j);
          if (tr) m[q * r * c + j * r + i] = v;
          else m[q * r * c + i * c + j] = v;
        }
    rows = tr ? c : r;
    cols = tr ? r : c;
    return m;
  };
  Shape ba, bb;
  int64_t m, k, k2, n;
  std::vector<double> am = matrices(a, ta, true, ba, m, k);
  std::vector<double> bm = matrices(b, tb, false, bb, k2, n);
  EXPECT_EQ(k, k2);
  size_t rank = std::max(ba.size(), bb.size());
  ba.insert(ba.begin(), rank - ba.size(), 1);
  bb.insert(bb.begin(), rank - bb.size(), 1);
  Shape batch(rank);
  for (size_t d = 0; d < rank; ++d) batch[d] = std::max(ba[d], bb[d]);
  Shape out_shape = batch;
  if (a.rank() > 1) out_shape.push_back(m);
  if (b.rank() > 1) out_shape.push_back(n);
  Tensor out(ElementType::f64, out_shape);
  int64_t total = shape_size(batch);
  for (int64_t q = 0; q < total; ++q) {
    int64_t rem = q, ia = 0, ib = 0, sa = 1, sb = 1;
    for (size_t d = rank; d-- > 0;) {
      int64_t idx = rem % batch[d];
      rem /= batch[d];
      ia += (ba[d] == 1 ? 0 : idx) * sa;
      ib += (bb[d] == 1 ? 0 : idx) * sb;
      sa *= ba[d];
      sb *= bb[d];
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t p = 0; p < k; ++p) s += am[ia * m * k + i * k + p] * bm[ib * k * n + p * n + j];
        out.set_f64(q * m * n + i * n + j, s);
      }
  }
  return out;
}

void expect_matches_naive(const Shape& sa, const Shape& sb, bool ta, bool tb, uint32_t seed) {
  Tensor a = random_tensor(ElementType::f32, sa, seed);
  Tensor b = random_tensor(ElementType::f32, sb, seed + 1);
  Tensor got = run_mm(a, b, ta, tb);
  Tensor want = naive_matmul(a, b, ta, tb);
  ASSERT_EQ(to_string(got.shape()), to_string(want.shape())) << to_string(sa) << " x " << to_string(sb);
  double k = static_cast<double>(ta && sa.size() > 1 ? sa[sa.size() - 2] : sa.back());
  for (int64_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got.get_f64(i), want.get_f64(i), 1e-5 * (1 + k)) << "element " << i << " of " << to_string(sa)
                                                                   << " x " << to_string(sb);
}

TEST(MatMul, MatchesNaiveForRandomShapes) {
  uint32_t seed = 1;
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      // Sizes that are not multiples of the kernel's 4 rows / 8 lanes, and K past the 512 block.
      expect_matches_naive(ta ? Shape{19, 5} : Shape{5, 19}, tb ? Shape{7, 19} : Shape{19, 7}, ta, tb, seed++);
      expect_matches_naive(ta ? Shape{600, 3} : Shape{3, 600}, tb ? Shape{301, 600} : Shape{600, 301}, ta, tb, seed++);
      expect_matches_naive(ta ? Shape{1, 1} : Shape{1, 1}, Shape{1, 1}, ta, tb, seed++);
    }
}

TEST(MatMul, BatchBroadcast) {
  // [2,1,3,4] x [5,4,2] -> [2,5,3,2]
  expect_matches_naive({2, 1, 3, 4}, {5, 4, 2}, false, false, 11);
  expect_matches_naive({2, 1, 4, 3}, {5, 2, 4}, true, true, 12);
  expect_matches_naive({1, 3, 4}, {2, 1, 4, 6}, false, false, 13);
  expect_matches_naive({4}, {2, 3, 4, 5}, false, false, 14);
  expect_matches_naive({2, 3, 4, 5}, {5}, false, false, 15);
  Tensor c = run_mm(random_tensor(ElementType::f32, {2, 1, 3, 4}, 1), random_tensor(ElementType::f32, {5, 4, 2}, 2));
  EXPECT_EQ(to_string(c.shape()), "[2,5,3,2]");
}

TEST(MatMul, ShapeInferenceWithDynamicDims) {
  std::vector<OutputInfo> o = infer_op("MatMul", "opset1", mm_attrs(false, true),
                                       {{ElementType::f32, PartialShape({-1, -1, 2048}), nullptr},
                                        {ElementType::f32, PartialShape({4096, 2048}), nullptr}});
  EXPECT_EQ(o[0].shape.to_string(), "[?,?,4096]");
  o = infer_op("MatMul", "opset1", {}, {{ElementType::f32, PartialShape::dynamic_rank(), nullptr},
                                         {ElementType::f32, PartialShape({4, 5}), nullptr}});
  EXPECT_TRUE(o[0].shape.rank_is_dynamic());
  o = infer_op("MatMul", "opset1", {}, {{ElementType::f32, PartialShape({-1, 3, -1}), nullptr},
                                         {ElementType::f32, PartialShape({7, -1, 5}), nullptr}});
  EXPECT_EQ(o[0].shape.to_string(), "[7,3,5]");
}

TEST(MatMul, BadInputsAreErrors) {
  std::string e = error_of([] { run_mm(Tensor(ElementType::f32, {2, 3}), Tensor(ElementType::f32, {4, 2})); });
  EXPECT_NE(e.find("[2,3]"), std::string::npos) << e;
  EXPECT_NE(e.find("[4,2]"), std::string::npos) << e;
  e = error_of([] { run_mm(Tensor(ElementType::f32, {2, 3}), Tensor(ElementType::f32, {2, 3}), false, false); });
  EXPECT_NE(e.find("inner dimensions"), std::string::npos) << e;
  e = error_of([] { run_mm(Tensor(ElementType::f32, {}), Tensor(ElementType::f32, {2})); });
  EXPECT_NE(e.find("rank >= 1"), std::string::npos) << e;
  e = error_of([] { run_mm(Tensor(ElementType::f32, {2, 2}), Tensor(ElementType::f16, {2, 2})); });
  EXPECT_NE(e.find("same element type"), std::string::npos) << e;
  e = error_of([] { run_mm(Tensor(ElementType::boolean, {2, 2}), Tensor(ElementType::boolean, {2, 2})); });
  EXPECT_NE(e.find("not supported"), std::string::npos) << e;
  e = error_of([] { run_mm(Tensor(ElementType::f32, {2, 3, 4}), Tensor(ElementType::f32, {3, 4, 5})); });
  EXPECT_NE(e.find("do not broadcast"), std::string::npos) << e;
  e = error_of([] { OpRegistry::instance().create("MatMul", "opset1", {{"transpose_a", "maybe"}}); });
  EXPECT_NE(e.find("transpose_a"), std::string::npos) << e;
}

// Thread CPU time in ms: unlike wall time it does not count the time other processes hold the core.
double cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Not an assertion: prints the time of the linear-layer shape the brief names, so a regression to
// a naive loop is visible in the test log.
TEST(MatMul, TimingOfALinearLayer) {
  Tensor x = random_tensor(ElementType::f32, {1, 128, 2048}, 5);
  Tensor w = random_tensor(ElementType::f32, {2048, 2048}, 6);
  for (bool tb : {true, false}) {
    run_mm(x, w, false, tb);  // warm-up
    double best = 1e30;
    for (int rep = 0; rep < 3; ++rep) {
      double t0 = cpu_ms();
      Tensor y = run_mm(x, w, false, tb);
      best = std::min(best, cpu_ms() - t0);
      EXPECT_EQ(to_string(y.shape()), "[1,128,2048]");
    }
    std::printf("[ timing ] MatMul [1,128,2048] x [2048,2048]%s: %.1f ms CPU (%.1f GFLOP/s)\n", tb ? "^T" : "", best,
                2.0 * 128 * 2048 * 2048 / best / 1e6);
  }
}

}  // namespace
}  // namespace openarc::ops::testing

// Shared machinery of the elementwise op families (arithmetic, comparison, logical, bitwise,
// Select, unary math, activations, Convert): the element types each family accepts, the one
// place that maps a runtime ElementType to a C++ storage type, and the broadcasting loops.
//
// Kernels are tight typed loops over raw pointers: a functor sees compute values (float for
// f16/bf16, bool for boolean, the type itself otherwise) and the loop loads and stores them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include "core/float16.h"
#include "core/thread_pool.h"
#include "ops/broadcast_shapes.h"
#include "ops/op.h"

namespace openarc::ops {

// ---- storage types of the element types that have no C++ arithmetic type of their own ----
struct f16_t { uint16_t bits; };
struct bf16_t { uint16_t bits; };
struct boolean_t { uint8_t v; };

// Load/store between storage and compute type.
template <class S>
struct Elem {
  using C = S;
  static C load(S v) { return v; }
  static S store(C v) { return v; }
};
template <>
struct Elem<f16_t> {
  using C = float;
  static C load(f16_t v) { return f16_to_f32(v.bits); }
  static f16_t store(C v) { return {f32_to_f16(v)}; }
};
template <>
struct Elem<bf16_t> {
  using C = float;
  static C load(bf16_t v) { return bf16_to_f32(v.bits); }
  static bf16_t store(C v) { return {f32_to_bf16(v)}; }
};
template <>
struct Elem<boolean_t> {
  using C = bool;
  static C load(boolean_t v) { return v.v != 0; }
  static boolean_t store(C v) { return {static_cast<uint8_t>(v)}; }
};
template <class S>
using compute_t = typename Elem<S>::C;

// ---- which element types an op accepts ----
enum class TypeSet : uint8_t {
  numeric,         // every float and integer type (not boolean, not sub-byte)
  signed_numeric,  // floats and signed integers
  floating,        // f64 f32 f16 bf16
  integral,        // integers and boolean
  boolean,         // boolean only
  any,             // numeric + boolean
};

constexpr bool type_in(ElementType t, TypeSet s) {
  using E = ElementType;
  bool fl = t == E::f64 || t == E::f32 || t == E::f16 || t == E::bf16;
  bool si = t == E::i64 || t == E::i32 || t == E::i16 || t == E::i8;
  bool un = t == E::u64 || t == E::u32 || t == E::u16 || t == E::u8;
  bool bo = t == E::boolean;
  switch (s) {
    case TypeSet::numeric: return fl || si || un;
    case TypeSet::signed_numeric: return fl || si;
    case TypeSet::floating: return fl;
    case TypeSet::integral: return si || un || bo;
    case TypeSet::boolean: return bo;
    case TypeSet::any: return fl || si || un || bo;
  }
  return false;
}
std::string describe(TypeSet s);  // "a numeric type (f64 f32 ...)"

template <class S>
struct TypeTag { using type = S; };

[[noreturn]] void fail_unsupported_type(ElementType t, TypeSet s);

template <ElementType E, class S, TypeSet Set, class F>
void call_if_in(F& f) {
  if constexpr (type_in(E, Set)) f(TypeTag<S>{});
  else fail_unsupported_type(E, Set);
}

// The one place that maps ElementType to storage type. Calls f(TypeTag<S>{}) for the types in
// Set; only those are instantiated, so a functor needs to compile only for the types it takes.
template <TypeSet Set, class F>
void dispatch(ElementType t, F&& f) {
  using E = ElementType;
  switch (t) {
    case E::f64: return call_if_in<E::f64, double, Set>(f);
    case E::f32: return call_if_in<E::f32, float, Set>(f);
    case E::f16: return call_if_in<E::f16, f16_t, Set>(f);
    case E::bf16: return call_if_in<E::bf16, bf16_t, Set>(f);
    case E::i64: return call_if_in<E::i64, int64_t, Set>(f);
    case E::i32: return call_if_in<E::i32, int32_t, Set>(f);
    case E::i16: return call_if_in<E::i16, int16_t, Set>(f);
    case E::i8: return call_if_in<E::i8, int8_t, Set>(f);
    case E::u64: return call_if_in<E::u64, uint64_t, Set>(f);
    case E::u32: return call_if_in<E::u32, uint32_t, Set>(f);
    case E::u16: return call_if_in<E::u16, uint16_t, Set>(f);
    case E::u8: return call_if_in<E::u8, uint8_t, Set>(f);
    case E::boolean: return call_if_in<E::boolean, boolean_t, Set>(f);
    default: fail_unsupported_type(t, Set);
  }
}

// ---- value conversions shared by Convert and the integer paths of the math ops ----

// Float to integer: truncation toward zero, saturating at the type's range, NaN gives 0.
template <class I, class F>
I saturate_to_int(F v) {
  static_assert(std::is_integral_v<I> && std::is_floating_point_v<F>);
  if (v != v) return 0;
  // F(max) rounds up to a power of two when not exact, so `>=` catches every value that overflows.
  if (v >= static_cast<F>(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
  if (v <= static_cast<F>(std::numeric_limits<I>::lowest())) return std::numeric_limits<I>::lowest();
  return static_cast<I>(v);
}

// The integer result of a real-valued function (Sqrt, Tanh, ... on integer tensors): rounded to
// the nearest integer with halves rounded up, as the Sqrt-1 and Tanh-1 specs state.
template <class I>
I round_half_up_to_int(double v) {
  return saturate_to_int<I>(std::floor(v + 0.5));
}

// Wrapping integer arithmetic (two's complement), without the undefined behaviour of signed
// overflow or of int promotion (uint16 * uint16 overflows int).
template <class T>
T wrap_add(T a, T b) { return static_cast<T>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); }
template <class T>
T wrap_sub(T a, T b) { return static_cast<T>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }
template <class T>
T wrap_mul(T a, T b) { return static_cast<T>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b)); }

// ---- broadcasting ----

enum class AutoBroadcast : uint8_t { numpy, none };

// Reads auto_broadcast (default "numpy"); "pdpd" and unknown values throw Error.
AutoBroadcast parse_auto_broadcast(const Attributes& a);

// Output shape of an elementwise op on shapes a and b. "none": the shapes must be equal (dynamic
// dims merge with static ones); "numpy": numpy broadcasting.
PartialShape infer_broadcast(const PartialShape& a, const PartialShape& b, AutoBroadcast mode);

// Checks that the inputs' element types are equal and in `set`; returns that type (undefined
// types, not known yet, defer to the other input).
ElementType check_same_type(const std::vector<InputInfo>& in, size_t first, size_t count, TypeSet set);

// A broadcast walk with adjacent dims merged where every input is contiguous (or stretched) over
// both: the outer dims are walked with for_each_broadcast, the innermost run is a plain loop with
// stride 0 or 1 per input.
template <size_t N>
struct BroadcastPlan {
  Shape outer;             // output dims except the innermost run
  Shape outer_strides[N];  // per input, in elements
  int64_t inner = 1;       // length of the innermost run
  int64_t inner_stride[N] = {};
};

template <size_t N>
BroadcastPlan<N> plan_broadcast(const Shape (&in)[N], const Shape& out) {
  Shape strides[N];
  for (size_t k = 0; k < N; ++k) strides[k] = broadcast_strides(in[k], out);
  // Collect dims != 1, merging d into the previous kept dim when every input's stride allows.
  Shape dims;
  Shape merged[N];
  for (size_t d = 0; d < out.size(); ++d) {
    if (out[d] == 1) continue;
    bool can_merge = !dims.empty();
    for (size_t k = 0; k < N && can_merge; ++k) can_merge = merged[k].back() == strides[k][d] * out[d];
    if (can_merge) {
      dims.back() *= out[d];
      for (size_t k = 0; k < N; ++k) merged[k].back() = strides[k][d];
    } else {
      dims.push_back(out[d]);
      for (size_t k = 0; k < N; ++k) merged[k].push_back(strides[k][d]);
    }
  }
  BroadcastPlan<N> p;
  if (!dims.empty()) {
    p.inner = dims.back();
    dims.pop_back();
    for (size_t k = 0; k < N; ++k) {
      p.inner_stride[k] = merged[k].back();
      merged[k].pop_back();
    }
  }
  p.outer = dims;
  for (size_t k = 0; k < N; ++k) p.outer_strides[k] = merged[k];
  return p;
}

// Elementwise loops run on the thread pool above this many elements per chunk (below it, in one
// chunk on the calling thread): memory-bound loops gain little from threads on small tensors.
// Each output element is computed by one thread from the same inputs, so results never depend on
// the thread count.
constexpr int64_t kElementwiseGrain = int64_t{1} << 14;

// f(row, off_0, ..., off_N-1) for the rows [lo, hi) of a for_each_broadcast walk over `outer`,
// starting from row lo's unravelled index (so a chunk of the pool can start mid-walk).
template <size_t N, class F>
void for_each_broadcast_rows(const Shape& outer, const Shape (&strides)[N], int64_t lo, int64_t hi, F&& f) {
  const size_t rank = outer.size();
  Shape idx(rank, 0);
  int64_t off[N] = {};
  int64_t rest = lo;
  for (size_t d = rank; d-- > 0;) {
    idx[d] = rest % outer[d];
    rest /= outer[d];
    for (size_t k = 0; k < N; ++k) off[k] += idx[d] * strides[k][d];
  }
  for (int64_t row = lo; row < hi; ++row) {
    if constexpr (N == 1) f(row, off[0]);
    else if constexpr (N == 2) f(row, off[0], off[1]);
    else f(row, off[0], off[1], off[2]);
    for (size_t d = rank; d-- > 0;) {
      if (++idx[d] < outer[d]) {
        for (size_t k = 0; k < N; ++k) off[k] += strides[k][d];
        break;
      }
      for (size_t k = 0; k < N; ++k) off[k] -= strides[k][d] * (outer[d] - 1);
      idx[d] = 0;
    }
  }
}

// out[i] = k(a[i], b[i]) over the broadcast of a's and b's shapes (out's shape). SA, SO are
// storage types; k maps storage to storage (and is called from several threads at once).
template <class SA, class SO, class K>
void broadcast_binary(const SA* a, const Shape& sa, const SA* b, const Shape& sb, SO* o, const Shape& so, K k) {
  const int64_t n = shape_size(so);
  if (n == 0) return;
  const int64_t na = shape_size(sa), nb = shape_size(sb);
  if (na == n && nb == n) {  // same element count as the output: no broadcasting
    parallel_for(0, n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) o[i] = k(a[i], b[i]);
    });
    return;
  }
  if (na == 1 && nb == n) {
    const SA x = a[0];
    parallel_for(0, n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) o[i] = k(x, b[i]);
    });
    return;
  }
  if (nb == 1 && na == n) {
    const SA y = b[0];
    parallel_for(0, n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) o[i] = k(a[i], y);
    });
    return;
  }
  const Shape in[2] = {sa, sb};
  const BroadcastPlan<2> p = plan_broadcast(in, so);
  const int64_t len = p.inner, s0 = p.inner_stride[0], s1 = p.inner_stride[1];
  auto rows = [&](int64_t lo, int64_t hi) {
    for_each_broadcast_rows(p.outer, p.outer_strides, lo, hi, [&](int64_t row, int64_t oa, int64_t ob) {
      const SA* pa = a + oa;
      const SA* pb = b + ob;
      SO* po = o + row * len;
      if (s0 == 1 && s1 == 1) {
        for (int64_t j = 0; j < len; ++j) po[j] = k(pa[j], pb[j]);
      } else if (s0 == 1) {
        const SA y = pb[0];
        for (int64_t j = 0; j < len; ++j) po[j] = k(pa[j], y);
      } else if (s1 == 1) {
        const SA x = pa[0];
        for (int64_t j = 0; j < len; ++j) po[j] = k(x, pb[j]);
      } else {
        const SO v = k(pa[0], pb[0]);
        for (int64_t j = 0; j < len; ++j) po[j] = v;
      }
    });
  };
  parallel_for(0, shape_size(p.outer), std::max<int64_t>(1, kElementwiseGrain / len), rows);
}

// The kernel of a binary op whose functor Fn maps two compute values to a compute value (same
// type as the inputs) or to bool (comparisons: a boolean output).
using BinaryKernel = std::function<void(const Tensor& a, const Tensor& b, Tensor& out)>;

template <TypeSet Set, class Fn>
BinaryKernel binary_kernel(Fn fn = {}) {
  return [fn](const Tensor& a, const Tensor& b, Tensor& out) {
    dispatch<Set>(a.type(), [&](auto tag) {
      using S = typename decltype(tag)::type;
      using C = compute_t<S>;
      using R = decltype(fn(std::declval<C>(), std::declval<C>()));
      using SO = std::conditional_t<std::is_same_v<R, bool>, boolean_t, S>;
      broadcast_binary(a.data<S>(), a.shape(), b.data<S>(), b.shape(), out.data<SO>(), out.shape(),
                       [fn](S x, S y) { return Elem<SO>::store(fn(Elem<S>::load(x), Elem<S>::load(y))); });
    });
  };
}

// An op with two inputs of one type in `inputs`: output shape by auto_broadcast, output type
// the input type or boolean. Shared by arithmetic, comparison, logical and bitwise ops.
std::unique_ptr<Op> make_binary_op(const Attributes& attrs, TypeSet inputs, bool boolean_output, BinaryKernel kernel);

// ---- unary ----

using UnaryKernel = std::function<void(const Tensor& in, Tensor& out)>;

// How a unary functor treats integer inputs.
enum class IntegerPath : uint8_t {
  exact,       // the functor is called with the integer itself (Abs, Floor, Sign, Relu ...)
  round_real,  // the functor is called with a double; the result is rounded half up (Sqrt, Sin ...)
};

// out[i] = fn(in[i]) over a dense tensor; out has in's type and shape.
template <TypeSet Set, IntegerPath Path, class Fn>
void unary_apply(const Tensor& in, Tensor& out, Fn fn) {
  dispatch<Set>(in.type(), [&](auto tag) {
    using S = typename decltype(tag)::type;
    using C = compute_t<S>;
    const S* x = in.data<S>();
    S* o = out.data<S>();
    parallel_for(0, in.size(), kElementwiseGrain, [&](int64_t lo, int64_t hi) {
      if constexpr (std::is_integral_v<C> && Path == IntegerPath::round_real) {
        for (int64_t i = lo; i < hi; ++i) o[i] = round_half_up_to_int<C>(fn(static_cast<double>(x[i])));
      } else {
        for (int64_t i = lo; i < hi; ++i) o[i] = Elem<S>::store(fn(Elem<S>::load(x[i])));
      }
    });
  });
}

template <TypeSet Set, IntegerPath Path, class Fn>
UnaryKernel unary_kernel(Fn fn = {}) {
  return [fn](const Tensor& in, Tensor& out) { unary_apply<Set, Path>(in, out, fn); };
}

// An op with one input of a type in `inputs` and one output of the same type and shape.
std::unique_ptr<Op> make_unary_op(TypeSet inputs, UnaryKernel kernel);

}  // namespace openarc::ops

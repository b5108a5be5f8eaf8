// Table-driven cases for the elementwise op families: one Case = op, inputs, expected output.
// Outputs are pre-filled with garbage so a kernel that skips an element fails.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "op_test_util.h"

namespace openarc::ops::testing {

// A tensor of `type` from values written with set_f64 (integers: wrapped to the type's width).
inline Tensor make(ElementType type, const Shape& shape, const std::vector<double>& values) {
  Tensor t(type, shape);
  int64_t i = 0;
  for (double v : values) {
    if (i >= t.size()) break;
    if (is_float(type)) t.set_f64(i++, v);
    else t.set_i64(i++, static_cast<int64_t>(v));
  }
  EXPECT_EQ(i, t.size()) << "test tensor " << to_string(shape) << " needs " << t.size() << " values";
  return t;
}
inline Tensor boolean(const Shape& shape, const std::vector<double>& values) {
  return make(ElementType::boolean, shape, values);
}

struct Case {
  std::string name;  // unique, [A-Za-z0-9_]
  std::string op, version;
  Attributes attrs;
  std::vector<Tensor> in;
  Tensor want;
  double rel_tol = 0;  // relative tolerance for float outputs; integers compare exactly
};

inline std::string case_name(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

inline std::vector<Tensor> run_dirty(const Case& c) {
  std::unique_ptr<Op> op = OpRegistry::instance().create(c.op, c.version, c.attrs);
  std::vector<InputInfo> info;
  for (const Tensor& t : c.in) info.push_back({t.type(), PartialShape(t.shape()), &t});
  std::vector<Tensor> out;
  for (const OutputInfo& o : op->infer(info)) {
    out.emplace_back(o.type, o.shape.to_shape());
    if (out.back().byte_size()) std::memset(out.back().data(), 0x5a, out.back().byte_size());
  }
  op->evaluate(c.in, out);
  return out;
}

inline void expect_case(const Case& c) {
  std::vector<Tensor> out = run_dirty(c);
  ASSERT_EQ(out.size(), 1u);
  const Tensor& got = out[0];
  ASSERT_EQ(to_string(got.type()), to_string(c.want.type()));
  ASSERT_EQ(to_string(got.shape()), to_string(c.want.shape()));
  for (int64_t i = 0; i < got.size(); ++i) {
    if (!is_float(got.type())) {
      EXPECT_EQ(got.get_i64(i), c.want.get_i64(i)) << "element " << i;
      continue;
    }
    double g = got.get_f64(i), w = c.want.get_f64(i);
    if (std::isnan(w)) EXPECT_TRUE(std::isnan(g)) << "element " << i << ": " << g;
    else if (std::isinf(w) || c.rel_tol == 0) EXPECT_EQ(g, w) << "element " << i;
    else EXPECT_NEAR(g, w, c.rel_tol * std::max(1.0, std::abs(w))) << "element " << i;
  }
}

inline const std::vector<ElementType>& numeric_types() {
  static const std::vector<ElementType> v = {
      ElementType::f64, ElementType::f32, ElementType::f16, ElementType::bf16, ElementType::i64, ElementType::i32,
      ElementType::i16, ElementType::i8,  ElementType::u64, ElementType::u32,  ElementType::u16, ElementType::u8};
  return v;
}

// Expects `f` to throw openarc::Error whose message contains `part`.
template <class F>
void expect_error(F&& f, const std::string& part) {
  try {
    f();
    ADD_FAILURE() << "expected an Error containing \"" << part << "\"";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

}  // namespace openarc::ops::testing

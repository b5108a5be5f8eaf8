#include "core/attributes.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace openarc {
namespace {

TEST(Attributes, ParsesTypedValuesAsTheIrWritesThem) {
  Attributes a{{"axis", "-1"}, {"eps", "9.9999997473787516e-06"}, {"begin_mask", "1, 1, 1, 0"},
               {"new_axis_mask", ""}, {"special_zero", "true"}};
  EXPECT_EQ(a.i64("axis"), -1);
  EXPECT_FLOAT_EQ(static_cast<float>(a.f64("eps")), 1e-5f);
  EXPECT_EQ(a.i64s("begin_mask"), (std::vector<int64_t>{1, 1, 1, 0}));
  EXPECT_TRUE(a.i64s("new_axis_mask").empty());
  EXPECT_TRUE(a.boolean("special_zero"));
  EXPECT_EQ(a.i64("missing", 7), 7);
}

TEST(Attributes, BadValuesNameTheAttribute) {
  Attributes a{{"axis", "x1"}, {"mode", "fast"}};
  try {
    a.i64("axis");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'axis'"), std::string::npos);
  }
  EXPECT_THROW(a.i64("absent"), Error);
  EXPECT_THROW(a.choice("mode", {"max", "min"}), Error);
}

}  // namespace
}  // namespace openarc

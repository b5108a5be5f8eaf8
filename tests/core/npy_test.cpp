#include "core/npy.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace openarc {
namespace {

TEST(Npy, RoundTripsEveryNumpyType) {
  for (ElementType t : {ElementType::f32, ElementType::f16, ElementType::f64, ElementType::i64, ElementType::i32,
                        ElementType::i8, ElementType::u8, ElementType::boolean}) {
    Tensor a(t, {2, 3});
    for (int64_t i = 0; i < a.size(); ++i) a.set_i64(i, i % 2 == 0 ? i : 1);
    Tensor b = parse_npy(serialize_npy(a), "mem");
    ASSERT_EQ(b.type(), t) << to_string(t);
    ASSERT_EQ(b.shape(), a.shape());
    for (int64_t i = 0; i < a.size(); ++i) EXPECT_EQ(b.get_f64(i), a.get_f64(i));
  }
}

TEST(Npy, HeaderIsWhatNumpyWrites) {
  std::string bytes = serialize_npy(Tensor::from<float>({3}, {1, 2, 3}));
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  EXPECT_NE(bytes.find("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), std::string::npos);
  EXPECT_EQ((bytes.size() - 12) % 4, 0u);
  EXPECT_EQ(bytes.size() % 64, 12u);  // header padded to 64 bytes, then 12 bytes of data
}

TEST(Npy, WidensTypesNumpyLacks) {
  Tensor u4(ElementType::u4, {3});
  u4.set_i64(2, 9);
  Tensor back = parse_npy(serialize_npy(u4), "mem");
  EXPECT_EQ(back.type(), ElementType::u8);
  EXPECT_EQ(back.get_i64(2), 9);
}

TEST(Npy, RefusesBadFilesWithReasons) {
  std::string good = serialize_npy(Tensor::from<float>({2, 2}, {1, 2, 3, 4}));
  auto message = [](const std::string& bytes) {
    try {
      parse_npy(bytes, "x.npy");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("hello").find("bad magic"), std::string::npos);
  EXPECT_NE(message(good.substr(0, good.size() - 4)).find("needs 16"), std::string::npos);
  std::string fortran = good;
  fortran.replace(fortran.find("False"), 5, "True ");
  EXPECT_NE(message(fortran).find("Fortran"), std::string::npos);
  std::string huge = good;
  huge.replace(huge.find("(2, 2)"), 6, "(9999999999999, 9999999999999)");
  EXPECT_NE(message(huge).find("x.npy"), std::string::npos);
}

}  // namespace
}  // namespace openarc

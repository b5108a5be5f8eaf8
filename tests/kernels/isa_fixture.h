// A parametrised fixture that runs a test at each instruction-set level the kernels dispatch on
// (STYLE.md #6: every SIMD path and its scalar twin are tested, on one machine), restoring the
// process's level afterwards. Levels the CPU lacks are skipped.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "kernels/cpu_info.h"

namespace openarc::kernels {
// How GoogleTest prints the parameter ("scalar", not "1-byte object <00>").
inline void PrintTo(IsaLevel level, std::ostream* os) { *os << to_string(level); }
}  // namespace openarc::kernels

namespace openarc::kernels::testing {

class AtIsaLevel : public ::testing::TestWithParam<IsaLevel> {
 protected:
  void SetUp() override {
    if (static_cast<int>(GetParam()) > static_cast<int>(cpu_info().best))
      GTEST_SKIP() << "this CPU does not support " << to_string(GetParam());
    set_isa_level(GetParam());
  }
  void TearDown() override { set_isa_level(saved_); }

 private:
  IsaLevel saved_ = isa_level();
};

// INSTANTIATE_TEST_SUITE_P(Isa, Suite, isa_levels(), isa_name);
inline auto isa_levels() { return ::testing::Values(IsaLevel::scalar, IsaLevel::avx2, IsaLevel::avx512); }
inline std::string isa_name(const ::testing::TestParamInfo<IsaLevel>& info) { return to_string(info.param); }

}  // namespace openarc::kernels::testing

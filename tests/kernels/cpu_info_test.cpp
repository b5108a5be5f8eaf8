#include "kernels/cpu_info.h"

#include <gtest/gtest.h>

namespace openarc::kernels {
namespace {

TEST(CpuInfo, DescribesThisMachine) {
  const CpuInfo& c = cpu_info();
  EXPECT_FALSE(c.vendor.empty());
  EXPECT_GE(c.logical_cores, 1);
  EXPECT_GE(c.logical_cores, c.physical_cores);
  EXPECT_GT(c.memory_bytes, 0);
  // AVX2 dispatch needs FMA and F16C too; AVX-512 needs AVX2 first.
  if (c.best == IsaLevel::avx2) EXPECT_TRUE(c.avx2 && c.fma && c.f16c);
  if (c.best == IsaLevel::avx512) EXPECT_TRUE(c.avx512f && c.avx2);
}

TEST(CpuInfo, LevelCanBeLoweredButNotRaisedPastTheHardware) {
  IsaLevel best = cpu_info().best;
  EXPECT_EQ(set_isa_level(IsaLevel::scalar), IsaLevel::scalar);
  EXPECT_EQ(isa_level(), IsaLevel::scalar);
  EXPECT_EQ(set_isa_level(IsaLevel::avx512), best);
  IsaLevel parsed;
  EXPECT_TRUE(parse_isa_level("avx2", parsed));
  EXPECT_EQ(parsed, IsaLevel::avx2);
  EXPECT_FALSE(parse_isa_level("sse9", parsed));
}

}  // namespace
}  // namespace openarc::kernels

// The progress line: bar filled by bytes, counts, rate and time left, worked out by hand.
#include "convert/progress.h"

#include <gtest/gtest.h>

namespace openarc::convert {
namespace {

TEST(Progress, RendersCountsRateAndTimeLeft) {
  // 25 of 100 MB in 5 s: 5 MB/s, 75 MB left -> 15 s; a 20-wide bar a quarter full.
  EXPECT_EQ(Progress::render(3, 10, 25'000'000, 100'000'000, 5.0, 20),
            "[#####...............] 3/10 tensors  25.0/100.0 MB  5.0 MB/s  ETA 0:15");
  EXPECT_EQ(Progress::render(10, 10, 100'000'000, 100'000'000, 50.0, 4),
            "[####] 10/10 tensors  100.0/100.0 MB  2.0 MB/s  ETA 0:00");
  // Nothing done yet: no rate, no estimate; hours when the estimate is long.
  EXPECT_EQ(Progress::render(0, 5, 0, 10, 0.0, 2), "[..] 0/5 tensors  0.0/0.0 MB  0.0 MB/s  ETA 0:00");
  EXPECT_EQ(Progress::render(1, 2, 1'000'000, 8'201'000'000, 1.0, 2),
            "[..] 1/2 tensors  1.0/8201.0 MB  1.0 MB/s  ETA 2:16:40");
}

TEST(Progress, QuietPrintsNothing) {
  std::FILE* f = std::tmpfile();
  Progress p(2, 10, /*quiet=*/true, f);
  p.step("a", 5);
  p.step("b", 5);
  p.finish("done");
  EXPECT_EQ(std::ftell(f), 0);
  std::fclose(f);
  // Not a terminal: no redrawn bar, only the summary line.
  f = std::tmpfile();
  Progress q(1, 10, false, f);
  q.step("a", 10);
  q.finish("done");
  std::rewind(f);
  char buf[64] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  EXPECT_EQ(std::string(buf, n).rfind("done (", 0), 0u);
  std::fclose(f);
}

}  // namespace
}  // namespace openarc::convert

#include "llm/cancellation.h"

#include <thread>

#include <gtest/gtest.h>

namespace openarc::llm {
namespace {

TEST(CancellationToken, CopiesShareOneFlag) {
  CancellationToken token;
  const CancellationToken copy = token;
  EXPECT_FALSE(copy.cancelled());
  token.cancel();
  EXPECT_TRUE(copy.cancelled());
  EXPECT_FALSE(CancellationToken().cancelled());  // a new token has its own flag
}

TEST(CancellationToken, TrippedFromAnotherThread) {
  CancellationToken token;
  const CancellationToken for_loop = token;
  std::thread client([token] { token.cancel(); });
  // The generation loop's check between tokens: it ends (rather than hang until ctest's timeout)
  // once the other thread's store is visible.
  while (!for_loop.cancelled()) std::this_thread::yield();
  client.join();
  EXPECT_TRUE(for_loop.cancelled());
}

}  // namespace
}  // namespace openarc::llm

// Ctrl-C cancels the generation in progress instead of killing the program, so the command can
// still print what was generated. While an InterruptCancels lives, SIGINT trips its token; the
// previous handler comes back when it goes out of scope (a second Ctrl-C at `openarc chat`'s
// prompt then quits as usual).
#pragma once

#include <csignal>

#include "llm/cancellation.h"

namespace openarc::cli {

class InterruptCancels {
 public:
  explicit InterruptCancels(const llm::CancellationToken& token);
  ~InterruptCancels();
  InterruptCancels(const InterruptCancels&) = delete;
  InterruptCancels& operator=(const InterruptCancels&) = delete;

 private:
  struct sigaction previous_ {};
};

}  // namespace openarc::cli

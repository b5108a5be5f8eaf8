#include "cli/interrupt.h"

namespace openarc::cli {
namespace {

// The token the handler trips. CancellationToken::cancel() is one lock-free atomic store, which
// is safe in a signal handler.
const llm::CancellationToken* g_token = nullptr;

extern "C" void on_interrupt(int) {
  if (g_token) g_token->cancel();
}

}  // namespace

InterruptCancels::InterruptCancels(const llm::CancellationToken& token) {
  g_token = &token;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous_);
}

InterruptCancels::~InterruptCancels() {
  sigaction(SIGINT, &previous_, nullptr);
  g_token = nullptr;
}

}  // namespace openarc::cli

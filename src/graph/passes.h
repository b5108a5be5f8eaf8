// The optimisation pipeline run on a bound model before it is compiled: an ordered, declarative
// list of passes (STYLE.md: dumpable, in one place). Each fusion recognises a pattern that real
// optimum-intel exports (and `openarc convert`, which writes the same graphs) contain, on the
// graph's structure alone, and replaces it by an internal op with a fast kernel; a pattern that is
// not recognised still runs on the reference ops. `openarc inspect` prints what fired.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ir/model.h"

namespace openarc::graph {

struct PassOptions {
  // Compute the logits (the Result named "logits") for the last positions only: generation reads
  // nothing else, and a long prompt's full logits are [S, vocab] floats. How many is the input
  // kLogitsToKeep the pass adds (1 when unset; speculative decoding verifies several).
  bool last_position_logits = false;
};

// The input that says how many last positions get logits (Hugging Face's name and meaning: 0
// keeps every position), added by fuse_linear with last_position_logits.
inline constexpr const char* kLogitsToKeep = "logits_to_keep";

struct PassCount {
  std::string name;
  int fired = 0;
};

struct Pass {
  std::string name;
  int (*run)(ir::Model& model, const PassOptions& options);
};

// The passes in the order they run.
const std::vector<Pass>& optimization_passes();

// Runs every pass, then removes dead nodes. Returns how often each pass fired, in order, then
// ("dead nodes removed", n).
std::vector<PassCount> optimize(ir::Model& model, const PassOptions& options = {});

}  // namespace openarc::graph

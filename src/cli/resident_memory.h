// How much memory this process holds in RAM now (VmRSS of /proc/self/status): what a loaded
// model really costs, since weights are memory-mapped and count only once touched.
#pragma once

#include <cstdint>

namespace openarc::cli {

// Bytes resident now; 0 where /proc/self/status is unavailable (not Linux).
int64_t resident_set_bytes();

}  // namespace openarc::cli

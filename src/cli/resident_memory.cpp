#include "cli/resident_memory.h"

#include <fstream>
#include <sstream>
#include <string>

namespace openarc::cli {

int64_t resident_set_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    int64_t kib = 0;
    fields >> kib;  // "VmRSS:   123456 kB"
    return kib * 1024;
  }
  return 0;
}

}  // namespace openarc::cli

// Feeds arbitrary bytes to the IR reader as an .xml and binds what it reads: nothing may crash,
// leak or hit undefined behaviour; a bad model must end in openarc::Error. Const data comes from
// a small fixed weights file so constant folding (and the ops' reference kernels) run too.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "core/mapped_file.h"
#include "graph/bind.h"
#include "ir/reader.h"

namespace {

// 4 KiB of weights: little-endian int64 words 0..15 repeating (valid shapes, axes and indices
// when read as i64/i32), which also read as small or subnormal floats.
std::shared_ptr<openarc::MappedFile> weights() {
  static std::shared_ptr<openarc::MappedFile> w = [] {
    char path[] = "/tmp/openarc_fuzz_weights_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) std::abort();
    for (uint64_t k = 0; k < 512; ++k) {
      uint64_t v = k % 16;
      if (write(fd, &v, sizeof v) != sizeof v) std::abort();
    }
    close(fd);
    auto f = openarc::MappedFile::open(path);
    unlink(path);  // the mapping stays valid
    return f;
  }();
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string xml(reinterpret_cast<const char*>(data), size);
  try {
    openarc::ir::Model m = openarc::ir::read_model_from_string(xml, weights(), "fuzz.xml");
    openarc::graph::bind(m);
  } catch (const openarc::Error&) {
  }
  return 0;
}

#include "cli/demo_model.h"

#include <unistd.h>

#include <filesystem>

#include "convert/converter.h"
#include "core/error.h"
#include "graph/bind.h"

#ifndef OPENARC_SOURCE_DIR
#define OPENARC_SOURCE_DIR "."
#endif

namespace openarc::cli {
namespace fs = std::filesystem;

namespace {

fs::path executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

}  // namespace

std::string demo_model_dir() {
  fs::path ir = executable_dir() / "models" / "stories260K";
  if (fs::exists(ir / "openvino_model.xml")) return ir.string();
  fs::path source = fs::path(OPENARC_SOURCE_DIR) / "models" / "stories260K";
  check(fs::exists(source / "model.safetensors"), "the bundled demo model is not at ", ir.string(), " and its source ",
        source.string(), " is missing; pass --model DIR");
  convert::ConvertOptions opt;
  opt.quiet = true;
  opt.overwrite = true;
  opt.prepare = [](ir::Model& m) { graph::bind(m); };
  fs::create_directories(ir.parent_path());
  convert::convert_folder(source.string(), ir.string(), opt);
  return ir.string();
}

}  // namespace openarc::cli

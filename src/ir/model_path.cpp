// resolve_model_xml: what `openarc inspect PATH` and the model loaders accept as PATH.
#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "ir/reader.h"

namespace openarc::ir {

std::string resolve_model_xml(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) fail("model path ", path, " does not exist");
  if (fs::is_directory(st)) {
    fs::path standard = fs::path(path) / "openvino_model.xml";
    if (fs::is_regular_file(standard, ec)) return standard.string();
    std::vector<std::string> found;
    for (const fs::directory_entry& e : fs::directory_iterator(path, ec))
      if (e.path().extension() == ".xml" && e.is_regular_file(ec)) found.push_back(e.path().filename().string());
    if (ec) fail("cannot list the folder ", path, ": ", ec.message());
    std::sort(found.begin(), found.end());
    if (found.size() == 1) return (fs::path(path) / found[0]).string();
    if (found.empty()) fail("the folder ", path, " has no openvino_model.xml (no .xml file at all)");
    std::string list;
    for (const std::string& f : found) list += (list.empty() ? "" : ", ") + f;
    fail("the folder ", path, " has no openvino_model.xml but several .xml files (", list,
         "): pass the path of the model's .xml");
  }
  if (fs::is_regular_file(st) && fs::path(path).extension() == ".xml") return path;
  fail(path, " is neither an OpenVINO IR .xml file nor a folder holding openvino_model.xml");
}

}  // namespace openarc::ir

// Reads IR v10/v11: the .xml (pugixml) and the memory-mapped .bin. Constants are zero-copy views
// into the mapping, their offset and size checked against the file. Nodes come out in
// topological order (DFS from Results and Assigns, as OpenVINO's reader orders them; Parameters
// keep their XML order). Throws Error naming the file, the layer (id and name) and the problem.
#pragma once

#include <string>

#include "ir/model.h"

namespace openarc::ir {

struct ReadOptions {
  // Without weights, the structure is read and Consts carry no data (openarc inspect works on
  // an .xml whose .bin is absent). With weights required, a missing .bin is an error.
  bool require_weights = true;
};

// `xml_path` is a model .xml; `bin_path` empty means the .xml's path with .bin.
Model read_model(const std::string& xml_path, const std::string& bin_path = "", ReadOptions options = {});
// The same from memory (fuzzing, tests); `weights` may be null.
Model read_model_from_string(const std::string& xml, std::shared_ptr<MappedFile> weights, const std::string& name);

// A model folder (openvino_model.xml inside) or an .xml path, resolved to the .xml path.
std::string resolve_model_xml(const std::string& path);

}  // namespace openarc::ir

// Writes a Model as IR v11: .xml plus .bin with every constant's data. Output ports carry the
// inferred types and shapes when the model is bound, else the declared ones. What it writes, the
// reader reads back to an identical model.
#pragma once

#include <string>

#include "ir/model.h"

namespace openarc::ir {

void write_model(const Model& model, const std::string& xml_path, const std::string& bin_path = "");

}  // namespace openarc::ir

// The bundled demo model (models/stories260K, a Hugging Face folder in the repository), converted
// to IR once beside the binary, so `openarc serve` with no --model has something to serve.
#pragma once

#include <string>

namespace openarc::cli {

// The IR folder of the demo model, converting it first when needed. Throws Error saying where it
// looked when the bundled model cannot be found.
std::string demo_model_dir();

}  // namespace openarc::cli

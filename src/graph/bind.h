// Attaches an operation to every node of a model and infers every output's type and shape, so a
// model that loads is a model whose every layer is supported and consistent.
#pragma once

#include "ir/model.h"

namespace openarc::graph {

// Throws Error naming the file, the layer (id and name) and the problem.
void bind(ir::Model& model);

}  // namespace openarc::graph

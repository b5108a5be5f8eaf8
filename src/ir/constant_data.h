// A Const layer's data: `element_type`, `shape`, `offset` and `size` from its <data>, checked
// against each other and against the weights file, and bound as a zero-copy view of the mapping
// (copied only when a multi-byte type sits at a misaligned offset).
#pragma once

#include <cstdint>
#include <memory>

#include "core/mapped_file.h"
#include "ir/model.h"

namespace openarc::ir {

// Bytes a dense tensor of `type` and `shape` occupies, ceil(elements * bits / 8). Throws Error
// for a negative dim or more than 2^62 elements (so no arithmetic downstream can overflow).
uint64_t packed_byte_size(ElementType type, const Shape& shape);

// For a Const node: checks its attributes (element type known, shape static, size large enough
// for the shape, offset + size inside the weights) and, when `weights` is set, points
// node.constant at its bytes. Other nodes are left alone. Throws Error without location (the
// reader adds the file and layer).
void bind_constant_data(Node& node, const std::shared_ptr<MappedFile>& weights);

}  // namespace openarc::ir

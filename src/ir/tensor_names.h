// Tensor names of an output port: the `names="a,b\,c"` attribute. Names are comma-separated and a
// literal comma inside a name is written "\," (as OpenVINO's serializer escapes it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace openarc::ir {

// "a,b\,c" -> {"a", "b,c"}; empty pieces are dropped.
std::vector<std::string> split_tensor_names(std::string_view text);
// The inverse: {"a", "b,c"} -> "a,b\,c".
std::string join_tensor_names(const std::vector<std::string>& names);

}  // namespace openarc::ir

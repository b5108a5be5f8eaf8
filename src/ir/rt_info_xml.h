// <rt_info> in the XML <-> RtInfo. Each child element becomes one RtInfo: its tag, its attributes
// in document order and its nested elements (model-level rt_info nests sections such as
// <nncf><weight_compression>...). Unknown entries are kept verbatim so the writer gives them back.
#pragma once

#include <pugixml.hpp>

#include <vector>

#include "ir/model.h"

namespace openarc::ir {

// Deeper nesting than this is refused (a hostile file could otherwise exhaust the stack).
inline constexpr int kMaxRtInfoDepth = 32;

// The children of an <rt_info> element. Throws Error (no location; the caller adds it) when the
// nesting is deeper than kMaxRtInfoDepth.
std::vector<RtInfo> read_rt_info(const pugi::xml_node& rt_info);
// Appends <rt_info> with `entries` under `parent` (nothing when entries is empty).
void write_rt_info(pugi::xml_node parent, const std::vector<RtInfo>& entries);

}  // namespace openarc::ir

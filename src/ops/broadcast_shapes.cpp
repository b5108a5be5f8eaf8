#include "ops/broadcast_shapes.h"

#include <algorithm>

#include "core/error.h"

namespace openarc::ops {

PartialShape broadcast_numpy(const PartialShape& a, const PartialShape& b) {
  if (a.rank_is_dynamic() || b.rank_is_dynamic()) return PartialShape::dynamic_rank();
  size_t rank = std::max(a.dims().size(), b.dims().size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.dims().size() ? 1 : a.dims()[i - (rank - a.dims().size())];
    int64_t db = i < rank - b.dims().size() ? 1 : b.dims()[i - (rank - b.dims().size())];
    if (da == 1) out[i] = db;
    else if (db == 1) out[i] = da;
    else if (da == kDynamic) out[i] = db;  // a dynamic dim can only be 1 or match db
    else if (db == kDynamic) out[i] = da;
    else if (da == db) out[i] = da;
    else fail("shapes ", a.to_string(), " and ", b.to_string(), " do not broadcast (dim ", i, ": ", da, " vs ", db, ")");
  }
  return PartialShape(out);
}

Shape broadcast_strides(const Shape& in, const Shape& out) {
  Shape in_strides = row_major_strides(in);
  Shape strides(out.size(), 0);
  size_t offset = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) strides[offset + i] = in[i] == 1 ? 0 : in_strides[i];
  return strides;
}

}  // namespace openarc::ops

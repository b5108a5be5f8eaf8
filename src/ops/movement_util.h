// Helpers shared by the shape and data-movement ops (Reshape ... ScatterUpdate): reading the
// integer inputs that carry shapes, axes and indices, and copying elements of any type, sub-byte
// ones (u4 i4 u1) included, with memcpy wherever the bytes line up.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/shape.h"
#include "core/tensor.h"

namespace openarc::ops {

// Throws unless `t` is an integer type (i32/i64 in every export; other integer widths accepted).
void check_index_type(ElementType t, const char* what);

// All values of an integer input (shape vector, axes, indices); `what` names it in errors.
std::vector<int64_t> int_values(const Tensor& t, const char* what);

// The one value of a scalar (or one-element) integer input such as Gather's axis.
int64_t scalar_int(const Tensor& t, const char* what);

// Throws unless the input's shape can be 0-D or 1-D (rank dynamic passes).
void check_rank_at_most_1(const PartialShape& s, const char* what);

// The number of values a 1-D (or scalar) input holds when its shape tells, else -1.
int64_t vector_length(const PartialShape& s);

// Axes normalised against `rank`; throws naming `what` for out-of-range or repeated axes.
std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank, const char* what);

// "[1,-1,0]": integer values as given (Shape's to_string prints negatives as '?').
std::string values_string(const std::vector<int64_t>& v);

// a * b for dim arithmetic on values from a model; throws instead of overflowing.
int64_t checked_mul(int64_t a, int64_t b);

// Product of dims [from, to) of a static shape.
int64_t dims_product(const Shape& s, size_t from, size_t to);

// Python's data[start:stop:step] on a dim of size `dim`, as Slice-8 and StridedSlice-1 define it:
// a negative start/stop counts from the end, then both clamp to [0, dim] (step > 0) or
// [-1, dim-1] (step < 0); a missing start/stop (masked) means the whole dim in step's direction.
// step must not be 0. Returns the first index and the element count.
struct SliceRange {
  int64_t start = 0;
  int64_t count = 0;
};
SliceRange python_slice(int64_t dim, const int64_t* start, const int64_t* stop, int64_t step);

// Copies n elements src[src_off, src_off+n) to dst[dst_off, dst_off+n) (offsets in elements).
// Both tensors must have the same element type.
void copy_elements(Tensor& dst, int64_t dst_off, const Tensor& src, int64_t src_off, int64_t n);

// Sets n elements from dst_off on to zero.
void zero_elements(Tensor& dst, int64_t dst_off, int64_t n);

// Fills dense `out` with src[base + sum_d idx[d] * strides[d]] for every out index idx, where
// `strides` (in elements, may be 0 or negative) has out.rank() entries. Serves Transpose,
// Broadcast, Tile, Slice and StridedSlice; the innermost run is one memcpy when its stride is 1.
void strided_copy(Tensor& out, const Tensor& src, int64_t base, const Shape& strides);

}  // namespace openarc::ops

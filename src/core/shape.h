// Shapes. A Shape is concrete (every dim known); a PartialShape may have dynamic dims (-1) or a
// dynamic rank, as IR ports and shape strings allow.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace openarc {

using Shape = std::vector<int64_t>;

inline constexpr int64_t kDynamic = -1;

// Number of elements; 1 for a scalar, 0 when any dim is 0.
int64_t shape_size(const Shape& s);
std::string to_string(const Shape& s);  // "[2,3]"

class PartialShape {
 public:
  PartialShape() = default;  // a scalar
  PartialShape(Shape dims) : dims_(std::move(dims)) {}  // NOLINT: a Shape is a static PartialShape
  static PartialShape dynamic_rank() {
    PartialShape p;
    p.rank_dynamic_ = true;
    return p;
  }
  static PartialShape dynamic(size_t rank) { return PartialShape(Shape(rank, kDynamic)); }

  bool rank_is_dynamic() const { return rank_dynamic_; }
  int64_t rank() const { return rank_dynamic_ ? -1 : static_cast<int64_t>(dims_.size()); }
  bool is_static() const;
  const Shape& dims() const { return dims_; }  // meaningless with a dynamic rank
  int64_t operator[](size_t i) const { return dims_[i]; }
  Shape to_shape() const;                     // throws Error unless static
  bool compatible(const Shape& s) const;      // could s be an instance of this?
  bool compatible(const PartialShape& o) const;
  bool operator==(const PartialShape& o) const = default;

  std::string to_string() const;  // "[?,8,?,128]", "[...]"

 private:
  Shape dims_;
  bool rank_dynamic_ = false;
};

// Parses the IR's shape strings: "?,8,-1,128", "[1, 2]", "" (scalar), "..." (dynamic rank),
// "a..b" (an interval, kept as dynamic). Throws Error naming the text when malformed.
PartialShape parse_partial_shape(std::string_view text);

// Normalises a possibly negative axis against rank; throws Error when out of [-rank, rank).
int64_t normalize_axis(int64_t axis, int64_t rank);

// Strides in elements of a dense row-major tensor.
Shape row_major_strides(const Shape& s);

}  // namespace openarc

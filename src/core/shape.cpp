#include "core/shape.h"

#include <charconv>

#include "core/error.h"
#include "core/text.h"

namespace openarc {

int64_t shape_size(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

std::string to_string(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ',';
    out += s[i] < 0 ? std::string("?") : std::to_string(s[i]);
  }
  return out + "]";
}

bool PartialShape::is_static() const {
  if (rank_dynamic_) return false;
  for (int64_t d : dims_)
    if (d < 0) return false;
  return true;
}

Shape PartialShape::to_shape() const {
  check(is_static(), "shape ", to_string(), " is not static");
  return dims_;
}

bool PartialShape::compatible(const Shape& s) const {
  if (rank_dynamic_) return true;
  if (s.size() != dims_.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (dims_[i] >= 0 && dims_[i] != s[i]) return false;
  return true;
}

bool PartialShape::compatible(const PartialShape& o) const {
  if (rank_dynamic_ || o.rank_dynamic_) return true;
  if (o.dims_.size() != dims_.size()) return false;
  for (size_t i = 0; i < dims_.size(); ++i)
    if (dims_[i] >= 0 && o.dims_[i] >= 0 && dims_[i] != o.dims_[i]) return false;
  return true;
}

std::string PartialShape::to_string() const {
  return rank_dynamic_ ? "[...]" : openarc::to_string(dims_);
}

namespace {

bool parse_int(std::string_view s, int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

PartialShape parse_partial_shape(std::string_view text) {
  std::string_view s = trim(text);
  if (!s.empty() && s.front() == '[') {
    check(s.back() == ']', "malformed shape \"", text, "\": unbalanced '['");
    s = trim(s.substr(1, s.size() - 2));
  }
  if (s.empty()) return PartialShape();
  Shape dims;
  bool dynamic_rank = false;
  while (true) {
    size_t comma = s.find(',');
    std::string_view item = trim(s.substr(0, comma));
    int64_t v = 0;
    if (item == "...") {
      dynamic_rank = true;
    } else if (item == "?" || item == "-1") {
      dims.push_back(kDynamic);
    } else if (size_t dots = item.find(".."); dots != std::string_view::npos) {
      int64_t lo = 0, hi = 0;
      std::string_view a = item.substr(0, dots), b = item.substr(dots + 2);
      check((a.empty() || parse_int(a, lo)) && (b.empty() || parse_int(b, hi)) && lo >= 0,
            "malformed shape \"", text, "\": bad interval '", item, "'");
      dims.push_back(!a.empty() && !b.empty() && lo == hi ? lo : kDynamic);
    } else {
      check(parse_int(item, v) && v >= 0, "malformed shape \"", text, "\": bad dimension '", item, "'");
      dims.push_back(v);
    }
    if (comma == std::string_view::npos) break;
    s = s.substr(comma + 1);
  }
  return dynamic_rank ? PartialShape::dynamic_rank() : PartialShape(std::move(dims));
}

int64_t normalize_axis(int64_t axis, int64_t rank) {
  check(axis >= -rank && axis < rank, "axis ", axis, " is out of range for rank ", rank);
  return axis < 0 ? axis + rank : axis;
}

Shape row_major_strides(const Shape& s) {
  Shape strides(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) strides[i - 1] = strides[i] * s[i];
  return strides;
}

}  // namespace openarc

#include "ir/constant_data.h"

#include <charconv>
#include <cstring>
#include <limits>

#include "core/error.h"

namespace openarc::ir {
namespace {

uint64_t parse_u64(const Attributes& a, const std::string& key) {
  std::string text = a.str(key);
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  check(!text.empty() && ec == std::errc() && p == text.data() + text.size(), "attribute '", key, "' is \"", text,
        "\", not a non-negative integer");
  return v;
}

}  // namespace

uint64_t packed_byte_size(ElementType type, const Shape& shape) {
  // Element counts beyond 2^62 are refused: no file holds them and Tensor sizes are int64.
  constexpr uint64_t kMaxElements = uint64_t(1) << 62;
  uint64_t count = 1;
  for (int64_t d : shape) {
    check(d >= 0, "shape ", to_string(shape), " has a negative dimension");
    if (d == 0) return 0;
  }
  for (int64_t d : shape) {
    check(!__builtin_mul_overflow(count, static_cast<uint64_t>(d), &count) && count <= kMaxElements, "shape ",
          to_string(shape), " has more than 2^62 elements");
  }
  // count <= 2^62 and bits <= 64: split so the product cannot overflow.
  uint64_t bits = bit_width(type);
  return count / 8 * bits + (count % 8 * bits + 7) / 8;
}

void bind_constant_data(Node& node, const std::shared_ptr<MappedFile>& weights) {
  if (node.type != "Const") return;
  const Attributes& a = node.attrs;
  std::string type_name = a.str("element_type");
  ElementType type = parse_element_type(type_name);
  check(type != ElementType::undefined, "unknown element type \"", type_name, "\"");
  PartialShape shape = parse_partial_shape(a.str("shape"));
  check(shape.is_static(), "a constant's shape must be static, got \"", a.str("shape"), "\"");
  uint64_t needed = packed_byte_size(type, shape.dims());
  uint64_t offset = parse_u64(a, "offset"), size = parse_u64(a, "size");
  check(size >= needed, "size ", size, " is too small: shape ", shape.to_string(), " of ", to_string(type), " needs ",
        needed, " bytes");
  if (!weights) return;
  check(offset <= weights->size() && size <= weights->size() - offset, "data at offset ", offset, " with size ", size,
        " lies past the end of the weights file ", weights->path(), " (", weights->size(), " bytes)");
  const uint8_t* base = weights->data() ? weights->data() + offset : nullptr;
  // Exports place constants at any byte offset; a multi-byte element at a misaligned address
  // cannot be loaded as its C++ type, so such a constant is copied into an aligned buffer.
  size_t align = bit_width(type) >= 8 ? bit_width(type) / 8 : 1;
  if (base && reinterpret_cast<uintptr_t>(base) % align != 0) {
    Tensor copy(type, shape.dims());
    std::memcpy(copy.data(), base, needed);
    node.constant = copy;
    return;
  }
  // The view shares ownership of the mapping (aliasing constructor).
  node.constant = Tensor::view(type, shape.dims(), base, std::shared_ptr<const void>(weights, base));
}

}  // namespace openarc::ir

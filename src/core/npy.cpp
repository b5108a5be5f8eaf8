#include "core/npy.h"

#include <cstring>
#include <fstream>

#include "core/error.h"
#include "core/mapped_file.h"

namespace openarc {
namespace {

struct Dtype {
  const char* descr;
  ElementType type;
};

constexpr Dtype kDtypes[] = {
    {"<f8", ElementType::f64}, {"<f4", ElementType::f32}, {"<f2", ElementType::f16}, {"<i8", ElementType::i64},
    {"<i4", ElementType::i32}, {"<i2", ElementType::i16}, {"|i1", ElementType::i8},  {"<u8", ElementType::u64},
    {"<u4", ElementType::u32}, {"<u2", ElementType::u16}, {"|u1", ElementType::u8},  {"|b1", ElementType::boolean},
};

// The value of `key` in the header dict: the text after "'key':" up to the next top-level comma.
std::string header_field(const std::string& header, const std::string& key, const std::string& name) {
  size_t k = header.find("'" + key + "'");
  check(k != std::string::npos, name, ": npy header has no '", key, "'");
  size_t colon = header.find(':', k);
  check(colon != std::string::npos, name, ": malformed npy header");
  size_t start = colon + 1;
  while (start < header.size() && header[start] == ' ') ++start;
  size_t end = start;
  int depth = 0;
  for (; end < header.size(); ++end) {
    char c = header[end];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if ((c == ',' || c == '}') && depth == 0) break;
  }
  return header.substr(start, end - start);
}

}  // namespace

Tensor parse_npy(const std::string& bytes, const std::string& name) {
  check(bytes.size() >= 10 && bytes.compare(0, 6, "\x93NUMPY") == 0, name, ": not an .npy file (bad magic)");
  int major = static_cast<unsigned char>(bytes[6]);
  check(major >= 1 && major <= 3, name, ": unsupported .npy version ", major);
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    offset = 10;
  } else {
    check(bytes.size() >= 12, name, ": truncated .npy header");
    for (int i = 0; i < 4; ++i) header_len |= static_cast<size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    offset = 12;
  }
  check(header_len <= bytes.size() - offset, name, ": truncated .npy header");
  std::string header = bytes.substr(offset, header_len);
  offset += header_len;

  std::string descr = header_field(header, "descr", name);
  check(descr.size() >= 2, name, ": bad dtype ", descr);
  descr = descr.substr(1, descr.size() - 2);
  if (descr == "=f4" || descr == "f4") descr = "<f4";
  ElementType type = ElementType::undefined;
  for (const Dtype& d : kDtypes)
    if (descr == d.descr) type = d.type;
  check(type != ElementType::undefined, name, ": unsupported dtype '", descr, "' (little-endian numeric types only)");
  check(header_field(header, "fortran_order", name) == "False", name, ": Fortran-order arrays are not supported");

  std::string shape_text = header_field(header, "shape", name);
  check(shape_text.size() >= 2 && shape_text.front() == '(' && shape_text.back() == ')', name, ": bad shape ",
        shape_text);
  Shape shape;
  std::string inner = shape_text.substr(1, shape_text.size() - 2);
  size_t pos = 0;
  while (pos < inner.size()) {
    size_t comma = inner.find(',', pos);
    std::string item = inner.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t a = item.find_first_not_of(' ');
    if (a != std::string::npos) {
      item = item.substr(a, item.find_last_not_of(' ') - a + 1);
      check(!item.empty() && item.find_first_not_of("0123456789") == std::string::npos && item.size() < 13, name,
            ": bad dimension '", item, "' in shape ", shape_text);
      shape.push_back(std::stoll(item));
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  // Overflow-safe size check before allocating.
  size_t count = 1;
  for (int64_t d : shape) {
    check(!__builtin_mul_overflow(count, static_cast<size_t>(d), &count) && count <= bytes.size() * 8, name,
          ": shape ", to_string(shape), " is larger than the file");
  }
  size_t need = byte_size(type, count);
  check(bytes.size() - offset >= need, name, ": data is ", bytes.size() - offset, " bytes, shape ", to_string(shape),
        " needs ", need);
  Tensor t(type, shape);
  if (need) std::memcpy(t.data(), bytes.data() + offset, need);
  return t;
}

Tensor read_npy(const std::string& path) { return parse_npy(read_file(path), path); }

std::string serialize_npy(const Tensor& src) {
  // Widen the types numpy cannot hold.
  Tensor t = src;
  ElementType wide = src.type() == ElementType::bf16 ? ElementType::f32
                     : src.type() == ElementType::i4 ? ElementType::i8
                     : (src.type() == ElementType::u4 || src.type() == ElementType::u1) ? ElementType::u8
                                                                                          : src.type();
  if (wide != src.type()) {
    t = Tensor(wide, src.shape());
    for (int64_t i = 0; i < src.size(); ++i) {
      if (is_float(wide)) t.set_f64(i, src.get_f64(i));
      else t.set_i64(i, src.get_i64(i));
    }
  }
  const char* descr = nullptr;
  for (const Dtype& d : kDtypes)
    if (d.type == t.type()) descr = d.descr;
  check(descr != nullptr, "cannot write element type ", to_string(t.type()), " as .npy");
  std::string shape = "(";
  for (size_t i = 0; i < t.shape().size(); ++i) shape += std::to_string(t.shape()[i]) + (t.shape().size() == 1 ? "," : i + 1 < t.shape().size() ? ", " : "");
  shape += ")";
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  out.append(static_cast<const char*>(t.data()), t.byte_size());
  return out;
}

void write_npy(const Tensor& t, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  check(static_cast<bool>(out), "cannot write ", path);
  std::string bytes = serialize_npy(t);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  check(static_cast<bool>(out), "cannot write ", path);
}

}  // namespace openarc

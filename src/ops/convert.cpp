// Convert-1 (destination_type attribute) and ConvertLike-1 (the type of input 1): elementwise
// type conversion between every element type, the sub-byte ones (i4 u4 u1) included.
//
// The spec fixes only some results ("3.141592 may be round to 3"; a negative signed integer
// converted to an unsigned type is the value congruent modulo 2^N). We define all of them:
// - float -> integer: truncation toward zero, saturating at the destination's range; NaN -> 0.
//   (So f32 300.7 -> u8 is 255, -5.5 -> u8 is 0, -5.5 -> i8 is -5.)
// - integer -> integer: modulo 2^N of the destination's width (C++ conversion); this includes
//   i4/u4 (the low nibble) and u1 (the low bit).
// - anything -> boolean: non-zero is true (NaN is true); boolean -> anything: 0 or 1.
// - -> f16 / bf16: round to nearest even through f32 (f64 sources round twice); overflow to inf.
#include <algorithm>
#include <cstring>

#include "ops/all_ops.h"
#include "ops/elementwise.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

template <class SD, class SS>
SD convert_one(SS v) {
  using CS = compute_t<SS>;
  using CD = compute_t<SD>;
  const CS x = Elem<SS>::load(v);
  if constexpr (std::is_same_v<CD, bool>) return Elem<SD>::store(x != CS(0));
  else if constexpr (std::is_floating_point_v<CD>) return Elem<SD>::store(static_cast<CD>(x));
  else if constexpr (std::is_floating_point_v<CS>) return saturate_to_int<CD>(x);
  else return static_cast<CD>(x);
}

// Byte-aligned to byte-aligned, n elements.
void convert_span(ElementType st, const void* src, ElementType dt, void* dst, int64_t n) {
  dispatch<TypeSet::any>(st, [&](auto ts) {
    using SS = typename decltype(ts)::type;
    dispatch<TypeSet::any>(dt, [&](auto td) {
      using SD = typename decltype(td)::type;
      const SS* x = static_cast<const SS*>(src);
      SD* o = static_cast<SD*>(dst);
      for (int64_t i = 0; i < n; ++i) o[i] = convert_one<SD>(x[i]);
    });
  });
}

// Sub-byte types are converted through a byte-sized proxy, a chunk at a time.
constexpr int64_t kChunk = 4096;  // a multiple of 8, so chunks start on byte boundaries
ElementType proxy_of(ElementType t) { return t == ElementType::i4 ? ElementType::i8 : ElementType::u8; }

// Elements [i0, i0 + m) of a sub-byte tensor, unpacked as int8 (i4) or uint8 (u4, u1).
void unpack(const Tensor& t, int64_t i0, int64_t m, uint8_t* out) {
  const uint8_t* p = t.data<uint8_t>();
  for (int64_t j = 0; j < m; ++j) {
    int64_t i = i0 + j;
    if (t.type() == ElementType::u1) {
      out[j] = (p[i / 8] >> (7 - i % 8)) & 1;
    } else {
      uint8_t nib = (p[i / 2] >> ((i % 2) * 4)) & 0xf;
      out[j] = t.type() == ElementType::i4 && nib >= 8 ? static_cast<uint8_t>(nib | 0xf0) : nib;  // sign-extend
    }
  }
}

// The stored bits (nibble or bit) of each of m source elements converted to sub-byte type dt.
void to_codes(ElementType st, const void* src, int64_t m, ElementType dt, uint8_t* codes) {
  const int64_t lo = dt == ElementType::i4 ? -8 : 0;
  const int64_t hi = dt == ElementType::i4 ? 7 : dt == ElementType::u4 ? 15 : 1;
  const uint8_t mask = dt == ElementType::u1 ? 1 : 0xf;
  dispatch<TypeSet::any>(st, [&](auto ts) {
    using SS = typename decltype(ts)::type;
    using CS = compute_t<SS>;
    const SS* x = static_cast<const SS*>(src);
    for (int64_t j = 0; j < m; ++j) {
      int64_t v;
      if constexpr (std::is_floating_point_v<CS>) v = std::clamp(saturate_to_int<int64_t>(Elem<SS>::load(x[j])), lo, hi);
      else v = static_cast<int64_t>(Elem<SS>::load(x[j]));
      codes[j] = static_cast<uint8_t>(v) & mask;
    }
  });
}

// Writes m codes as elements [i0, i0 + m) of a sub-byte tensor; i0 is a multiple of 8.
void pack(const uint8_t* codes, int64_t m, Tensor& t, int64_t i0) {
  uint8_t* p = t.data<uint8_t>();
  if (t.type() == ElementType::u1) {
    for (int64_t j = 0; j < m; j += 8) {
      uint8_t b = 0;
      for (int64_t k = 0; k < 8 && j + k < m; ++k) b |= static_cast<uint8_t>(codes[j + k] << (7 - k));
      p[(i0 + j) / 8] = b;
    }
  } else {
    for (int64_t j = 0; j < m; j += 2) {
      uint8_t hi = j + 1 < m ? codes[j + 1] : 0;
      p[(i0 + j) / 2] = static_cast<uint8_t>(codes[j] | (hi << 4));
    }
  }
}

void convert_tensor(const Tensor& in, Tensor& out) {
  if (in.type() == out.type()) {
    if (in.byte_size()) std::memcpy(out.data(), in.data(), in.byte_size());
    return;
  }
  const int64_t n = in.size();
  const bool sub_in = is_sub_byte(in.type()), sub_out = is_sub_byte(out.type());
  if (!sub_in && !sub_out) return convert_span(in.type(), in.data(), out.type(), out.data(), n);
  const ElementType st = sub_in ? proxy_of(in.type()) : in.type();
  const size_t src_bytes = sub_in ? 1 : bit_width(in.type()) / 8;
  const size_t dst_bytes = sub_out ? 0 : bit_width(out.type()) / 8;
  std::vector<uint8_t> unpacked(sub_in ? kChunk : 0), codes(sub_out ? kChunk : 0);
  for (int64_t i0 = 0; i0 < n; i0 += kChunk) {
    const int64_t m = std::min(kChunk, n - i0);
    const void* src = in.data<uint8_t>() + i0 * src_bytes;
    if (sub_in) {
      unpack(in, i0, m, unpacked.data());
      src = unpacked.data();
    }
    if (sub_out) {
      to_codes(st, src, m, out.type(), codes.data());
      pack(codes.data(), m, out, i0);
    } else {
      convert_span(st, src, out.type(), out.data<uint8_t>() + i0 * dst_bytes, m);
    }
  }
}

class Convert : public Op {
 public:
  explicit Convert(const Attributes& a) {
    std::string name = a.str("destination_type");
    type_ = parse_element_type(name);
    check(type_ != ElementType::undefined, "attribute 'destination_type': unknown element type \"", name, "\"");
  }
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 1, 1);
    return {{type_, in[0].shape}};
  }
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    convert_tensor(in[0], out[0]);
  }

 private:
  ElementType type_;
};

class ConvertLike : public Op {
 public:
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 2);
    return {{in[1].type, in[0].shape}};
  }
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    convert_tensor(in[0], out[0]);
  }
};

}  // namespace

void register_convert_ops(OpRegistry& r) {
  r.add("Convert", {"opset1"}, [](const Attributes& a) { return std::make_unique<Convert>(a); });
  r.add("ConvertLike", {"opset1"}, [](const Attributes&) { return std::make_unique<ConvertLike>(); });
}

}  // namespace openarc::ops

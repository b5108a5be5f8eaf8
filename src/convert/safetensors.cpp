#include "convert/safetensors.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/float16.h"

namespace openarc::convert {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A header larger than this is not a real checkpoint (the biggest real ones are a few MB).
constexpr uint64_t kMaxHeader = 100ull << 20;

struct DtypeInfo {
  const char* name;
  ElementType type;
  size_t bytes;
};
constexpr DtypeInfo kDtypes[] = {
    {"F64", ElementType::f64, 8},  {"F32", ElementType::f32, 4},   {"F16", ElementType::f16, 2},
    {"BF16", ElementType::bf16, 2}, {"I64", ElementType::i64, 8},  {"I32", ElementType::i32, 4},
    {"I16", ElementType::i16, 2},  {"I8", ElementType::i8, 1},     {"U64", ElementType::u64, 8},
    {"U32", ElementType::u32, 4},  {"U16", ElementType::u16, 2},   {"U8", ElementType::u8, 1},
    {"BOOL", ElementType::boolean, 1},
    // Float8 types exist in the format; they are listed so their sizes can be checked.
    {"F8_E4M3", ElementType::undefined, 1}, {"F8_E5M2", ElementType::undefined, 1},
};

const DtypeInfo* find_dtype(const std::string& name) {
  for (const auto& d : kDtypes)
    if (name == d.name) return &d;
  return nullptr;
}

const char* dtype_name(ElementType t) {
  for (const auto& d : kDtypes)
    if (d.type == t) return d.name;
  return nullptr;
}

SafetensorsEntry parse_entry(const std::string& path, const std::string& name, const json& v, size_t data_begin,
                             size_t data_size) {
  auto where = [&] { return cat(path, ": tensor '", name, "'"); };
  check(v.is_object(), where(), ": header entry is not an object");
  check(v.contains("dtype") && v["dtype"].is_string(), where(), ": missing string 'dtype'");
  check(v.contains("shape") && v["shape"].is_array(), where(), ": missing array 'shape'");
  check(v.contains("data_offsets") && v["data_offsets"].is_array() && v["data_offsets"].size() == 2, where(),
        ": 'data_offsets' must be an array [begin, end]");
  SafetensorsEntry e;
  e.name = name;
  e.dtype = v["dtype"].get<std::string>();
  const DtypeInfo* d = find_dtype(e.dtype);
  check(d != nullptr, where(), ": unknown dtype '", e.dtype, "'");
  e.type = d->type;
  uint64_t numel = 1;
  for (const auto& dim : v["shape"]) {
    check(dim.is_number_unsigned(), where(), ": shape entries must be non-negative integers");
    uint64_t n = dim.get<uint64_t>();
    check(n <= (1ull << 40) && (n == 0 || numel <= std::numeric_limits<uint64_t>::max() / n / 8), where(),
          ": shape ", v["shape"].dump(), " is too large");
    numel *= n;
    e.shape.push_back(static_cast<int64_t>(n));
  }
  for (const auto& o : v["data_offsets"])
    check(o.is_number_unsigned(), where(), ": data_offsets must be non-negative integers");
  uint64_t begin = v["data_offsets"][0].get<uint64_t>(), end = v["data_offsets"][1].get<uint64_t>();
  check(begin <= end && end <= data_size, where(), ": data_offsets [", begin, ", ", end,
        "] fall outside the data section of ", data_size, " bytes (file truncated?)");
  check(end - begin == numel * d->bytes, where(), ": data_offsets [", begin, ", ", end, "] hold ", end - begin,
        " bytes, but ", e.dtype, " ", v["shape"].dump(), " needs ", numel * d->bytes);
  e.offset = data_begin + begin;
  e.size = end - begin;
  return e;
}

}  // namespace

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  auto f = std::make_shared<SafetensorsFile>();
  f->file_ = MappedFile::open(path);
  const uint8_t* p = f->file_->data();
  size_t size = f->file_->size();
  check(size >= 8, path, ": truncated safetensors file (", size, " bytes, no header length)");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | p[i];
  check(n <= kMaxHeader, path, ": header length ", n, " is implausible (corrupt file?)");
  check(n <= size - 8, path, ": truncated safetensors file: header of ", n, " bytes but only ", size - 8,
        " bytes follow");
  json header;
  try {
    header = json::parse(reinterpret_cast<const char*>(p + 8), reinterpret_cast<const char*>(p + 8 + n));
  } catch (const json::exception& e) {
    fail(path, ": malformed safetensors header: ", e.what());
  }
  check(header.is_object(), path, ": safetensors header is not a JSON object");
  size_t data_begin = 8 + n, data_size = size - data_begin;
  // Tensors must not overlap: sort by offset and check neighbours.
  std::vector<std::pair<size_t, size_t>> spans;
  for (const auto& [name, v] : header.items()) {
    if (name == "__metadata__") {
      check(v.is_object(), path, ": __metadata__ is not an object");
      for (const auto& [k, s] : v.items()) {
        check(s.is_string(), path, ": __metadata__ value '", k, "' is not a string");
        f->metadata_[k] = s.get<std::string>();
      }
      continue;
    }
    SafetensorsEntry e = parse_entry(path, name, v, data_begin, data_size);
    if (e.size) spans.emplace_back(e.offset, e.offset + e.size);
    f->entries_.emplace(name, std::move(e));
  }
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i)
    check(spans[i].first >= spans[i - 1].second, path, ": tensors overlap in the data section at byte ",
          spans[i].first);
  return f;
}

const SafetensorsEntry* SafetensorsFile::find(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

Tensor SafetensorsFile::view(const std::string& name) const {
  const SafetensorsEntry* e = find(name);
  check(e != nullptr, path(), ": no tensor '", name, "'");
  check(e->type != ElementType::undefined, path(), ": tensor '", name, "' has dtype ", e->dtype,
        ", which cannot be converted");
  return Tensor::view(e->type, e->shape, file_->data() + e->offset, file_);
}

Checkpoint Checkpoint::open(const std::string& folder) {
  Checkpoint c;
  fs::path dir(folder);
  fs::path index = dir / "model.safetensors.index.json";
  fs::path single = dir / "model.safetensors";
  if (fs::exists(index)) {
    json j;
    try {
      j = json::parse(read_file(index.string()));
    } catch (const json::exception& e) {
      fail(index.string(), ": malformed JSON: ", e.what());
    }
    check(j.is_object() && j.contains("weight_map") && j["weight_map"].is_object(), index.string(),
          ": missing object 'weight_map'");
    std::map<std::string, size_t> shard_index;
    for (const auto& [tensor, file] : j["weight_map"].items()) {
      check(file.is_string(), index.string(), ": weight_map['", tensor, "'] is not a file name");
      std::string shard = file.get<std::string>();
      check(shard.find('/') == std::string::npos && shard != ".." && !shard.empty(), index.string(),
            ": shard name '", shard, "' must be a plain file name in the model folder");
      auto it = shard_index.find(shard);
      if (it == shard_index.end()) {
        fs::path sp = dir / shard;
        check(fs::exists(sp), index.string(), ": shard '", shard, "' (for tensor '", tensor, "') is missing");
        c.files_.push_back(SafetensorsFile::open(sp.string()));
        it = shard_index.emplace(shard, c.files_.size() - 1).first;
      }
      check(c.files_[it->second]->find(tensor) != nullptr, index.string(), ": tensor '", tensor,
            "' is listed in shard '", shard, "' but that file does not contain it");
      c.where_[tensor] = it->second;
    }
  } else if (fs::exists(single)) {
    c.files_.push_back(SafetensorsFile::open(single.string()));
    for (const auto& [name, e] : c.files_[0]->entries()) c.where_[name] = 0;
  } else {
    fail(folder, ": no model.safetensors or model.safetensors.index.json (only safetensors checkpoints are "
                 "supported)");
  }
  return c;
}

const SafetensorsEntry& Checkpoint::entry(const std::string& name) const {
  auto it = where_.find(name);
  check(it != where_.end(), "the checkpoint has no tensor '", name, "'");
  return *files_[it->second]->find(name);
}

Tensor Checkpoint::view(const std::string& name) const {
  auto it = where_.find(name);
  check(it != where_.end(), "the checkpoint has no tensor '", name, "'");
  return files_[it->second]->view(name);
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> out;
  for (const auto& [n, i] : where_) out.push_back(n);
  return out;
}

size_t Checkpoint::total_bytes() const {
  size_t n = 0;
  for (const auto& [name, i] : where_) n += files_[i]->find(name)->size;
  return n;
}

Tensor to_f32(const Tensor& t, const std::string& what) {
  if (t.type() == ElementType::f32) {
    // A view is used in place only when aligned (a tensor after an odd-sized F16 one is not).
    if (reinterpret_cast<uintptr_t>(t.data()) % alignof(float) == 0) return t;
    return t.clone();
  }
  check(t.type() == ElementType::f16 || t.type() == ElementType::bf16, what, ": dtype ", to_string(t.type()),
        " is not a floating-point weight type (F32, F16, BF16)");
  Tensor out(ElementType::f32, t.shape());
  const uint8_t* src = static_cast<const uint8_t*>(t.data());
  float* dst = out.data<float>();
  bool half = t.type() == ElementType::f16;
  for (int64_t i = 0; i < t.size(); ++i) {
    uint16_t h;
    std::memcpy(&h, src + 2 * i, 2);  // views into the mapping may be unaligned
    dst[i] = half ? f16_to_f32(h) : bf16_to_f32(h);
  }
  return out;
}

void write_safetensors(const std::string& path, const std::vector<std::pair<std::string, Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  size_t offset = 0;
  for (const auto& [name, t] : tensors) {
    const char* dt = dtype_name(t.type());
    check(dt != nullptr && !is_sub_byte(t.type()), "cannot write tensor '", name, "' of type ", to_string(t.type()),
          " to safetensors");
    header[name] = {{"dtype", dt}, {"shape", t.shape()}, {"data_offsets", {offset, offset + t.byte_size()}}};
    offset += t.byte_size();
  }
  std::string h = header.dump();
  h.append((8 - h.size() % 8) % 8, ' ');  // the format pads the header with spaces to 8 bytes
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  check(static_cast<bool>(out), "cannot create ", path);
  uint64_t n = h.size();
  char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  out.write(len, 8);
  out.write(h.data(), static_cast<std::streamsize>(h.size()));
  for (const auto& [name, t] : tensors)
    out.write(static_cast<const char*>(t.data()), static_cast<std::streamsize>(t.byte_size()));
  check(static_cast<bool>(out), "error writing ", path);
}

}  // namespace openarc::convert

// Reader for Hugging Face safetensors checkpoints: one file, or shards listed by
// model.safetensors.index.json. A file is an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}} and the raw data;
// offsets are relative to the first byte after the header. Every offset is bounds-checked;
// tensors are zero-copy views of the memory-mapped file.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/mapped_file.h"
#include "core/tensor.h"

namespace openarc::convert {

struct SafetensorsEntry {
  std::string name;
  std::string dtype;  // as the file spells it: "F32", "BF16", ...
  ElementType type = ElementType::undefined;  // undefined for a dtype we cannot represent
  Shape shape;
  size_t offset = 0;  // absolute byte offset in the file
  size_t size = 0;    // bytes
};

class SafetensorsFile {
 public:
  // Throws Error naming the path and the problem (truncated, malformed header, bad offsets).
  static std::shared_ptr<SafetensorsFile> open(const std::string& path);

  const std::string& path() const { return file_->path(); }
  const std::map<std::string, SafetensorsEntry>& entries() const { return entries_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const SafetensorsEntry* find(const std::string& name) const;
  // The raw tensor as stored (a view into the mapping, possibly unaligned: read it through
  // to_f32 or memcpy); throws for an unknown name or dtype.
  Tensor view(const std::string& name) const;

 private:
  std::shared_ptr<MappedFile> file_;
  std::map<std::string, SafetensorsEntry> entries_;
  std::map<std::string, std::string> metadata_;
};

// A model folder's weights: model.safetensors, or the shards named by
// model.safetensors.index.json ("weight_map": {tensor: file}).
class Checkpoint {
 public:
  static Checkpoint open(const std::string& folder);

  bool has(const std::string& name) const { return where_.count(name) != 0; }
  const SafetensorsEntry& entry(const std::string& name) const;  // throws naming the tensor
  Tensor view(const std::string& name) const;
  std::vector<std::string> names() const;
  size_t total_bytes() const;

 private:
  std::vector<std::shared_ptr<SafetensorsFile>> files_;
  std::map<std::string, size_t> where_;  // tensor -> index into files_
};

// Widens F32/F16/BF16 data to an owned f32 tensor (an aligned F32 view is returned as is);
// other types throw.
Tensor to_f32(const Tensor& t, const std::string& what);

// Writes one safetensors file (synthetic checkpoints, tests). Tensors must be f32, f16 or bf16.
void write_safetensors(const std::string& path, const std::vector<std::pair<std::string, Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace openarc::convert

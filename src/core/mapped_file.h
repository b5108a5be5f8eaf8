// A read-only memory-mapped file (the weights .bin). Shared by every tensor that views it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace openarc {

class MappedFile {
 public:
  // Throws Error naming the path when the file cannot be opened or mapped.
  static std::shared_ptr<MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::string path_;
};

// Reads a whole file into a string; throws Error naming the path on failure.
std::string read_file(const std::string& path);

}  // namespace openarc

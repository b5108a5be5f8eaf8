#include "convert/synthetic.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "convert/architecture.h"
#include "convert/hf_config.h"
#include "convert/safetensors.h"
#include "core/error.h"
#include "core/float16.h"
#include "core/mapped_file.h"

namespace openarc::convert {

namespace fs = std::filesystem;

namespace {

// SplitMix64 keyed by the seed and the tensor name: each tensor's values depend on nothing else.
class Rng {
 public:
  Rng(uint64_t seed, const std::string& name) : s_(seed) {
    for (unsigned char c : name) s_ = (s_ ^ c) * 0x100000001b3ull;  // FNV-1a mix of the name
  }
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0; }  // [-1, 1)

 private:
  uint64_t s_;
};

Tensor random_tensor(const TensorSpec& s, const ModelConfig& cfg, uint64_t seed, ElementType type) {
  Rng rng(seed, s.name);
  Tensor out(type, s.shape);
  bool bias = s.name.size() > 5 && s.name.compare(s.name.size() - 5, 5, ".bias") == 0;
  // Uniform in [-a, a] has standard deviation a / sqrt(3).
  double a;
  double centre = 0;
  if (s.role == TensorRole::matrix) {
    a = std::sqrt(3.0 / static_cast<double>(s.shape.back()));  // unit gain over K inputs
  } else if (s.role == TensorRole::embedding) {
    a = 1.0;
  } else if (bias) {
    a = 0.1;
  } else {  // norm weights: around 1 (Gemma stores w with the 1 added in the graph)
    a = 0.2;
    centre = cfg.gemma_norm ? 0.0 : 1.0;
  }
  for (int64_t i = 0; i < out.size(); ++i) {
    float v = static_cast<float>(centre + a * rng.uniform());
    if (type == ElementType::f32) out.data<float>()[i] = v;
    else if (type == ElementType::f16) out.data<uint16_t>()[i] = f32_to_f16(v);
    else out.data<uint16_t>()[i] = f32_to_bf16(v);
  }
  return out;
}

}  // namespace

void write_synthetic_checkpoint(const std::string& config_path, const std::string& out, uint64_t seed, bool overwrite) {
  std::string text = read_file(config_path);
  ModelConfig cfg = parse_hf_config(text, config_path);
  nlohmann::json j = nlohmann::json::parse(text);
  std::string dtype = j.value("torch_dtype", std::string("float32"));
  ElementType type = dtype == "bfloat16" ? ElementType::bf16 : dtype == "float16" ? ElementType::f16 : ElementType::f32;
  try {
    if (fs::exists(out)) {
      check(overwrite, "output folder ", out, " exists (use --overwrite to replace it)");
      fs::remove_all(out);
    }
    fs::create_directories(out);
    // One safetensors file, written tensor by tensor so a model of realistic size (e.g.
    // TinyLlama-1.1B's shape) needs the memory of its largest tensor only.
    std::vector<TensorSpec> specs = expected_tensors(cfg);
    nlohmann::json header = {{"__metadata__", {{"format", "pt"}}}};
    size_t offset = 0;
    const char* dt = type == ElementType::f32 ? "F32" : type == ElementType::f16 ? "F16" : "BF16";
    for (const TensorSpec& s : specs) {
      size_t bytes = byte_size(type, static_cast<size_t>(shape_size(s.shape)));
      header[s.name] = {{"dtype", dt}, {"shape", s.shape}, {"data_offsets", {offset, offset + bytes}}};
      offset += bytes;
    }
    std::string h = header.dump();
    h.append((8 - h.size() % 8) % 8, ' ');
    const std::string path = (fs::path(out) / "model.safetensors").string();
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    check(static_cast<bool>(file), "cannot create ", path);
    char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<char>((static_cast<uint64_t>(h.size()) >> (8 * i)) & 0xff);
    file.write(len, 8);
    file.write(h.data(), static_cast<std::streamsize>(h.size()));
    for (const TensorSpec& s : specs) {
      Tensor t = random_tensor(s, cfg, seed, type);
      file.write(static_cast<const char*>(t.data()), static_cast<std::streamsize>(t.byte_size()));
    }
    check(static_cast<bool>(file), "error writing ", path);
    file.close();
    fs::copy_file(config_path, fs::path(out) / "config.json", fs::copy_options::overwrite_existing);
    nlohmann::json gen = nlohmann::json::object();
    if (cfg.bos_token_id >= 0) gen["bos_token_id"] = cfg.bos_token_id;
    if (cfg.eos_token_id >= 0) gen["eos_token_id"] = cfg.eos_token_id;
    std::ofstream(fs::path(out) / "generation_config.json") << gen.dump(2) << "\n";
  } catch (const fs::filesystem_error& e) {
    fail("synthetic model: ", e.what());
  }
}

}  // namespace openarc::convert

// Weight formats as optimum-cli spells them (--weight-format fp32|fp16|int8|int4, --sym,
// --group-size, --ratio) and the NNCF-style compression behind them: integer quantization of a
// [N, K] weight per output channel or per group of K, and the decompression subgraph NNCF
// writes in front of each MatMul / Gather (ir-inventory.md 3.1), so converted and real exports
// look alike to the runtime.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "ir/builder.h"

namespace openarc::convert {

enum class WeightFormat { fp32, fp16, int8, int4 };
WeightFormat parse_weight_format(const std::string& s);  // throws listing the choices
std::string to_string(WeightFormat f);

struct CompressionOptions {
  WeightFormat format = WeightFormat::fp32;
  bool sym = false;          // int4: i4 symmetric instead of u4 asymmetric
  int64_t group_size = 128;  // int4: -1 = per output channel
  double ratio = 1.0;        // int4: share of the eligible weights (by count) in int4, rest in backup
};

// How one weight is stored.
enum class Precision { f32, f16, int8_asym, int4_asym, int4_sym };
std::string to_string(Precision p);

// Quantized [N, K] weight. For group-wise int4 the shapes are q [N, K/G, G] and scale/zp
// [N, K/G, 1]; per channel they are q [N, K] and scale/zp [N, 1] (as NNCF writes them).
struct QuantizedWeight {
  Tensor q;           // u8, u4 or i4
  Tensor zero_point;  // u8 / u4; invalid for symmetric
  Tensor scale;       // f16
};

// Asymmetric over [min(w, 0), max(w, 0)]: scale = (max - min) / levels, zp = clamp(-round(min / scale), 0, levels),
// q = clamp(round(w / scale) + zp, 0, levels), per row (per group). `bits` is 8 or 4.
QuantizedWeight quantize_asym(const Tensor& w, int bits, int64_t group_size);
// Symmetric i4: the element of largest magnitude maps to -8 (scale may be negative), as NNCF does.
QuantizedWeight quantize_sym4(const Tensor& w, int64_t group_size);
// The weight the decompression subgraph computes: (q - zp) * scale in f16, then f32.
Tensor dequantize(const QuantizedWeight& qw, Precision p, const Shape& shape);

// One weight's place in the model, for choosing its precision.
struct WeightUse {
  std::string name;  // Hugging Face tensor name
  Shape shape;       // [N, K]
  bool backup_only = false;  // embedding / lm_head: NNCF keeps these in the backup precision
};

struct CompressionPlan {
  std::map<std::string, Precision> precision;
  std::map<std::string, std::string> note;  // why a weight did not get the primary precision
  int64_t group_size = -1;
};

// Chooses each weight's precision. For int4 with ratio < 1 the weights with the smallest int4
// quantization error (NNCF's data-free "weight_quantization_error": the largest per-row mean
// squared error) take int4 until the ratio is reached; a K that the group size does not divide
// falls back to the backup precision (int8_asym). `load` gives a weight's f32 values.
template <typename Loader>
CompressionPlan plan_compression(const std::vector<WeightUse>& uses, const CompressionOptions& opt, Loader&& load);

// Builds the stored constant(s) and decompression chain for `w` [N, K] (f32) and returns the
// f32 output a MatMul or Gather consumes. `weight_name` names the constants
// ("self.model.layers.0.mlp.up_proj.weight"), `module` the consumer's module path
// ("__module.model.layers.0.mlp.up_proj/ov_ext::linear"). `embedding` selects NNCF's
// fq_weights_0 naming.
ir::OutputRef decompressed_weight(ir::GraphBuilder& b, const Tensor& w, Precision p, int64_t group_size,
                                  const std::string& weight_name, const std::string& module, bool embedding);

// Model-level rt_info <nncf><weight_compression> as NNCF records it (only for int8/int4).
ir::RtInfo compression_rt_info(const CompressionOptions& opt);

// Largest per-row mean squared error of quantize-dequantize at precision p (the ratio score).
double quantization_error(const Tensor& w, Precision p, int64_t group_size);

}  // namespace openarc::convert

#include "convert/weight_compression_inl.h"

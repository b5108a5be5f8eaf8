// NumPy .npy files (format versions 1-3, little-endian, C order), so a model's inputs and outputs
// can be checked from numpy. Types without a numpy dtype are widened on write: bf16 -> f32,
// i4 -> i8, u4/u1 -> u8.
#pragma once

#include <string>

#include "core/tensor.h"

namespace openarc {

// Throws Error naming the file and what is wrong (bad magic, unsupported dtype, Fortran order,
// data shorter than the shape says).
Tensor read_npy(const std::string& path);
Tensor parse_npy(const std::string& bytes, const std::string& name);
void write_npy(const Tensor& t, const std::string& path);
std::string serialize_npy(const Tensor& t);

}  // namespace openarc

// One IR operation = its spec (STYLE.md #3): attributes parsed once at construction, one shape
// inference that serves load (dynamic dims, values maybe unknown) and run (static shapes, every
// value known), and a reference kernel that follows the spec's semantics exactly.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/attributes.h"
#include "core/element_type.h"
#include "core/error.h"
#include "core/shape.h"
#include "core/tensor.h"

namespace openarc::ops {

// What shape inference knows about one input.
struct InputInfo {
  ElementType type = ElementType::undefined;
  PartialShape shape;
  const Tensor* value = nullptr;  // known at run time always; at load time for constants
};

// What shape inference says about one output.
struct OutputInfo {
  ElementType type = ElementType::undefined;
  PartialShape shape;
};

class Op {
 public:
  virtual ~Op() = default;

  // Checks the inputs' count, types and shapes against the spec and returns the outputs' types
  // and shapes. Throws Error with a message that says what is wrong (the caller adds which layer).
  // An output dim that cannot be known yet is kDynamic; with every input static and every value
  // in value_inputs() known, every output must come out static.
  virtual std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const = 0;

  // Reference kernel. `out` arrives allocated with the types and shapes infer() returned for
  // these inputs; the kernel fills it. Inputs are dense row-major.
  virtual void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const = 0;

  // Bit i set: shape inference needs the value of input i (Reshape's target shape, Range's
  // bounds ...). At load those values are known only for constants.
  virtual uint64_t value_inputs() const { return 0; }

  // True when evaluate() writes every element of every output, so the runtime may hand it
  // buffers that hold a previous step's data. Otherwise outputs arrive zero-filled.
  virtual bool fills_output() const { return false; }
};

// Helpers shared by op implementations.
void check_input_count(const std::vector<InputInfo>& in, size_t min, size_t max);
// The value of input i if shape inference knows it, else nullptr.
inline const Tensor* value_of(const std::vector<InputInfo>& in, size_t i) {
  return i < in.size() ? in[i].value : nullptr;
}

}  // namespace openarc::ops

// Every op family registers itself here, one line each, called once by OpRegistry::instance().
#pragma once

namespace openarc::ops {

class OpRegistry;

void register_graph_ops(OpRegistry& r);        // Parameter Result Const ReadValue Assign (graph_io.cpp)
void register_binary_arithmetic_ops(OpRegistry& r);  // Add Subtract Multiply Divide Power ... (binary_arithmetic.cpp)
void register_comparison_ops(OpRegistry& r);   // Equal NotEqual Greater GreaterEqual Less LessEqual (comparison.cpp)
void register_logical_ops(OpRegistry& r);      // LogicalAnd LogicalOr LogicalXor LogicalNot (logical.cpp)
void register_bitwise_ops(OpRegistry& r);      // BitwiseAnd BitwiseOr BitwiseXor BitwiseNot (bitwise.cpp)
void register_select_ops(OpRegistry& r);       // Select (select.cpp)
void register_unary_math_ops(OpRegistry& r);   // Abs Negative Sqrt Floor ... Clamp (unary_math.cpp)
void register_activation_ops(OpRegistry& r);   // Swish Gelu HSwish HSigmoid SoftPlus Mish (activations.cpp)
void register_convert_ops(OpRegistry& r);      // Convert ConvertLike (convert.cpp)

inline void register_all_ops(OpRegistry& r) {
  register_graph_ops(r);
  register_binary_arithmetic_ops(r);
  register_comparison_ops(r);
  register_logical_ops(r);
  register_bitwise_ops(r);
  register_select_ops(r);
  register_unary_math_ops(r);
  register_activation_ops(r);
  register_convert_ops(r);
}

}  // namespace openarc::ops

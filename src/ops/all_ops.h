// Every op family registers itself here, one line each, called once by OpRegistry::instance().
#pragma once

namespace openarc::ops {

class OpRegistry;

void register_graph_ops(OpRegistry& r);        // Parameter Result Const ReadValue Assign (graph_io.cpp)
void register_matmul_ops(OpRegistry& r);       // MatMul (matmul.cpp)
void register_binary_arithmetic_ops(OpRegistry& r);  // Add Subtract Multiply Divide Power ... (binary_arithmetic.cpp)
void register_comparison_ops(OpRegistry& r);   // Equal NotEqual Greater GreaterEqual Less LessEqual (comparison.cpp)
void register_logical_ops(OpRegistry& r);      // LogicalAnd LogicalOr LogicalXor LogicalNot (logical.cpp)
void register_bitwise_ops(OpRegistry& r);      // BitwiseAnd BitwiseOr BitwiseXor BitwiseNot (bitwise.cpp)
void register_select_ops(OpRegistry& r);       // Select (select.cpp)
void register_unary_math_ops(OpRegistry& r);   // Abs Negative Sqrt Floor ... Clamp (unary_math.cpp)
void register_activation_ops(OpRegistry& r);   // Swish Gelu HSwish HSigmoid SoftPlus Mish (activations.cpp)
void register_convert_ops(OpRegistry& r);      // Convert ConvertLike (convert.cpp)
void register_reshape_ops(OpRegistry& r);      // Reshape (reshape.cpp)
void register_squeeze_unsqueeze_ops(OpRegistry& r);  // Squeeze Unsqueeze (squeeze_unsqueeze.cpp)
void register_shape_of_ops(OpRegistry& r);     // ShapeOf (shape_of.cpp)
void register_concat_ops(OpRegistry& r);       // Concat (concat.cpp)
void register_split_ops(OpRegistry& r);        // Split VariadicSplit (split.cpp)
void register_transpose_ops(OpRegistry& r);    // Transpose (transpose.cpp)
void register_gather_ops(OpRegistry& r);       // Gather (gather.cpp)
void register_broadcast_ops(OpRegistry& r);    // Broadcast (broadcast.cpp)
void register_tile_ops(OpRegistry& r);         // Tile (tile.cpp)
void register_strided_slice_ops(OpRegistry& r);  // StridedSlice (strided_slice.cpp)
void register_slice_ops(OpRegistry& r);        // Slice (slice.cpp)
void register_scatter_update_ops(OpRegistry& r);  // ScatterUpdate (scatter_update.cpp)
void register_scatter_nd_update_ops(OpRegistry& r);  // ScatterNDUpdate (scatter_nd_update.cpp)
void register_scatter_elements_update_ops(OpRegistry& r);  // ScatterElementsUpdate (scatter_elements_update.cpp)
void register_range_ops(OpRegistry& r);        // Range (range.cpp)
void register_pad_ops(OpRegistry& r);          // Pad (pad.cpp)
void register_non_zero_ops(OpRegistry& r);     // NonZero (non_zero.cpp)
void register_sdpa_ops(OpRegistry& r);         // ScaledDotProductAttention (scaled_dot_product_attention.cpp)
void register_softmax_ops(OpRegistry& r);      // SoftMax LogSoftmax (softmax.cpp)
void register_reduce_ops(OpRegistry& r);       // ReduceMean/Sum/Prod/Max/Min/L1/L2/LogicalAnd/Or (reduce.cpp)
void register_mvn_ops(OpRegistry& r);          // MVN (mvn.cpp)
void register_rms_ops(OpRegistry& r);          // RMS (rms.cpp)
void register_topk_ops(OpRegistry& r);         // TopK (topk.cpp)

inline void register_all_ops(OpRegistry& r) {
  register_graph_ops(r);
  register_matmul_ops(r);
  register_binary_arithmetic_ops(r);
  register_comparison_ops(r);
  register_logical_ops(r);
  register_bitwise_ops(r);
  register_select_ops(r);
  register_unary_math_ops(r);
  register_activation_ops(r);
  register_convert_ops(r);
  register_reshape_ops(r);
  register_squeeze_unsqueeze_ops(r);
  register_shape_of_ops(r);
  register_concat_ops(r);
  register_split_ops(r);
  register_transpose_ops(r);
  register_gather_ops(r);
  register_broadcast_ops(r);
  register_tile_ops(r);
  register_strided_slice_ops(r);
  register_slice_ops(r);
  register_scatter_update_ops(r);
  register_scatter_nd_update_ops(r);
  register_scatter_elements_update_ops(r);
  register_range_ops(r);
  register_pad_ops(r);
  register_non_zero_ops(r);
  register_sdpa_ops(r);
  register_softmax_ops(r);
  register_reduce_ops(r);
  register_mvn_ops(r);
  register_rms_ops(r);
  register_topk_ops(r);
}

}  // namespace openarc::ops

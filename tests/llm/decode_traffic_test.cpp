// decode_traffic: what one decoded token reads, on graphs shaped like optimum's exports.
#include <gtest/gtest.h>

#include "core/tensor.h"
#include "ir/builder.h"
#include "llm/decode_traffic.h"

namespace openarc::llm {
namespace {

Tensor filled(ElementType type, Shape shape) {
  Tensor t(type, shape);
  std::fill_n(static_cast<uint8_t*>(t.data()), t.byte_size(), uint8_t{1});
  return t;
}

TEST(DecodeTraffic, ACompressedEmbeddingCountsOneRowOfItselfAndOfItsScalesAndZeroPoints) {
  ir::GraphBuilder b;
  auto ids = b.parameter("input_ids", ElementType::i64, PartialShape({-1, -1}));
  // u8 table [10, 4] -> Convert -> Subtract(zero points [10, 1]) -> Multiply(scales [10, 1]) -> Gather.
  auto table = b.constant(filled(ElementType::u8, {10, 4}));      // 40 bytes, 4 per row
  auto zp = b.constant(filled(ElementType::u8, {10, 1}));         // 10 bytes, 1 per row
  auto scale = b.constant(filled(ElementType::f32, {10, 1}));     // 40 bytes, 4 per row
  auto x = b.op("Convert", "opset1", {table}, {{"destination_type", "f32"}});
  auto z = b.op("Convert", "opset1", {zp}, {{"destination_type", "f32"}});
  x = b.op("Multiply", "opset1", {b.op("Subtract", "opset1", {x, z}), scale});
  auto axis = b.constant(Tensor::scalar<int64_t>(0));             // 8 bytes, read whole
  auto rows = b.op("Gather", "opset8", {x, ids, axis}, {{"batch_dims", "0"}});
  auto w = b.constant(filled(ElementType::f32, {4, 6}));          // 96 bytes, read whole
  b.result(b.op("MatMul", "opset1", {rows, w}), "logits");
  ir::Model m = b.build();

  DecodeTraffic t = decode_traffic(m);
  EXPECT_EQ(t.constant_bytes, 40 + 10 + 40 + 8 + 96);
  EXPECT_EQ(t.bytes_per_token, 4 + 1 + 4 + 8 + 96);
  EXPECT_EQ(t.embedding_rows, 10);
}

TEST(DecodeTraffic, ATiedEmbeddingIsReadWholeByTheLmHead) {
  ir::GraphBuilder b;
  auto ids = b.parameter("input_ids", ElementType::i64, PartialShape({-1, -1}));
  auto table = b.constant(filled(ElementType::f32, {10, 4}));  // 160 bytes
  auto axis = b.constant(Tensor::scalar<int64_t>(0));
  auto rows = b.op("Gather", "opset8", {table, ids, axis}, {{"batch_dims", "0"}});
  b.result(b.op("MatMul", "opset1", {rows, table}, {{"transpose_a", "false"}, {"transpose_b", "true"}}), "logits");
  ir::Model m = b.build();

  DecodeTraffic t = decode_traffic(m);
  EXPECT_EQ(t.bytes_per_token, 160 + 8);
  EXPECT_EQ(t.constant_bytes, 160 + 8);
  EXPECT_EQ(t.embedding_rows, 0);
}

TEST(DecodeTraffic, OneBufferSharedByTwoConstsCountsOnce) {
  ir::GraphBuilder b;
  auto x = b.parameter("x", ElementType::f32, PartialShape({1, 4}));
  auto w = b.constant(filled(ElementType::f32, {4, 4}));  // 64 bytes
  b.result(b.op("MatMul", "opset1", {x, w}), "y");
  ir::Model m = b.build();
  // A second Const viewing the same data, as the reader makes of one .bin offset used twice.
  m.nodes.push_back(m.nodes[w.node]);
  EXPECT_EQ(decode_traffic(m).constant_bytes, 64);
  EXPECT_EQ(decode_traffic(m).bytes_per_token, 64);
}

}  // namespace
}  // namespace openarc::llm

// Small questions the fusion passes ask about a bound graph while matching a pattern, on top of
// rewrite.h. One policy for constant values: a model read with its .bin has them and a pattern
// checks them (Power's exponent is 2, the axis is the last one); a model read without it (the
// .bin-less samples `openarc inspect` counts) has none, and then a check on a value passes, so
// the pass matches on structure and shapes alone. A value that is known and wrong never matches.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph/rewrite.h"

namespace openarc::graph {

// The Const behind r, looking through one Convert (exports write -1 as Convert(Const i32)).
const ir::Node* const_or_converted(const ir::Model& m, const ir::OutputRef& r);
// The Const behind r, or nullptr.
const ir::Node* const_at(const ir::Model& m, const ir::OutputRef& r);

// True when c is a Const of one element (any rank) whose value is v, or has no data.
bool scalar_may_be(const ir::Node& c, double v);
// A one-element Const's value; nullopt without data. Requires c to have one element.
std::optional<double> scalar_value(const ir::Node& c);
// True when c is a Const of one element.
bool is_one_element_const(const ir::Node& c);

// A binary elementwise op of `type` with numpy broadcasting (the only form exports write).
bool is_binary(const ir::Node& n, const char* type);
// For a commutative binary node: the input that is not `one`, or nullopt when `one` is neither.
std::optional<ir::OutputRef> other_input(const ir::Node& n, const ir::OutputRef& one);

// The output's partial shape and type.
const PartialShape& shape_of(const ir::Model& m, const ir::OutputRef& r);
ElementType type_of(const ir::Model& m, const ir::OutputRef& r);
// The last dim of a partial shape (kDynamic when unknown, or when the rank is dynamic or 0).
int64_t last_dim(const PartialShape& s);
// True when a fused op's output shape `fused` can stand for the node's `original` one: same
// rank, and no dim known on both sides differs.
bool can_replace(const PartialShape& original, const PartialShape& fused);

// replace_node, unless the op rejects its inputs (shapes or types that only look like the
// pattern): then the graph is unchanged and the answer is false.
bool try_replace(ir::Model& model, size_t index, const std::string& type, std::shared_ptr<const ops::Op> op,
                 std::vector<ir::OutputRef> inputs);

// True when `axis` is the last axis of a rank-`rank` tensor: -1 or rank - 1 (rank -1, dynamic:
// only -1 is surely the last).
bool is_last_axis(int64_t axis, int64_t rank);

}  // namespace openarc::graph

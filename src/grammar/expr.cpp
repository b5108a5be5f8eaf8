#include "grammar/expr.h"

namespace openarc::grammar {

Expr literal(std::string text) {
  Expr e;
  e.kind = Expr::Kind::literal;
  e.text = std::move(text);
  return e;
}

Expr chars(std::vector<CodePointRange> ranges, bool negated) {
  Expr e;
  e.kind = Expr::Kind::chars;
  e.ranges = normalize_ranges(std::move(ranges));
  if (negated) e.ranges = complement_ranges(e.ranges);
  return e;
}

Expr ref(std::string rule) {
  Expr e;
  e.kind = Expr::Kind::rule;
  e.text = std::move(rule);
  return e;
}

namespace {

// A sequence or choice of one item is that item.
Expr compound(Expr::Kind kind, std::vector<Expr> items) {
  if (items.size() == 1) return std::move(items[0]);
  Expr e;
  e.kind = kind;
  e.items = std::move(items);
  return e;
}

}  // namespace

Expr seq(std::vector<Expr> items) { return compound(Expr::Kind::sequence, std::move(items)); }

Expr choice(std::vector<Expr> items) { return compound(Expr::Kind::choice, std::move(items)); }

Expr repeat(Expr item, uint32_t min, uint32_t max) {
  Expr e;
  e.kind = Expr::Kind::repeat;
  e.items.push_back(std::move(item));
  e.min = min;
  e.max = max;
  return e;
}

}  // namespace openarc::grammar

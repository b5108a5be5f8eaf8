// The parsed template: expression and statement nodes, as Jinja2's parser builds them.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chat/value.h"

namespace openarc::chat {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind {
    Const,      // value
    Name,       // name
    List,       // items
    Tuple,      // items
    Dict,       // items as key, value pairs
    GetAttr,    // a.name
    GetItem,    // a[b]
    Slice,      // [a:b:c], each optional (null)
    Call,       // a(items, kwargs)
    Filter,     // a | name(items, kwargs); a is null inside a filter block
    Test,       // a is [not] name(items, kwargs)
    Unary,      // name is "-", "+" or "not"; operand a
    Binary,     // a name b with name one of + - * / // % ** ~ and or
    Compare,    // a, then ops[i] against items[i] (chained: a < b < c)
    CondExpr,   // a if b else c (c may be null)
  };

  Kind kind;
  int line = 0;
  int column = 0;
  Value value;
  std::string name;
  ExprPtr a, b, c;
  std::vector<ExprPtr> items;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<std::string> ops;  // Compare: "==", "!=", "<", "<=", ">", ">=", "in", "notin"
  bool negated = false;          // Test: `is not`

  Expr(Kind k, int l, int col) : kind(k), line(l), column(col) {}
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

// What a for or set writes to: one name, a tuple of names, or `ns.attr`.
struct Target {
  std::vector<std::string> names;
  bool tuple = false;
  std::string attr;  // non-empty: names[0].attr
};

struct MacroParam {
  std::string name;
  ExprPtr default_value;  // null: required
};

struct Stmt {
  enum class Kind { Output, Print, If, For, Set, SetBlock, Macro, CallBlock, FilterBlock, Break, Continue, Generation };

  Kind kind;
  int line = 0;
  int column = 0;
  std::string text;                                // Output: literal text; Macro: name
  ExprPtr expr;                                    // Print, Set value, For iterable, CallBlock call, FilterBlock chain
  ExprPtr filter;                                  // For: `if` condition; SetBlock: optional filter chain
  std::vector<std::pair<ExprPtr, Body>> branches;  // If / elif
  Body body, else_body;
  Target target;
  std::vector<MacroParam> params;                  // Macro parameters, CallBlock caller parameters

  Stmt(Kind k, int l, int col) : kind(k), line(l), column(col) {}
};

}  // namespace openarc::chat

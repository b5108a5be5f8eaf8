// Jinja2's builtin tests (`x is defined`, `x is string`, `select('equalto', 1)` ...), with Python's
// isinstance semantics: bool counts as a number, Jinja's Undefined is iterable and a sequence.
#include <unordered_map>

#include "chat/error.h"
#include "chat/interpreter.h"
#include "chat/py_string.h"

namespace openarc::chat {
namespace {

using K = Value::Kind;

const Value& arg0(CallArgs& a, const char* test) {
  if (a.pos.empty()) {
    if (!a.kw.empty()) return a.kw[0].second;
    raise("TypeError", "test '", test, "' needs an argument");
  }
  return a.pos[0];
}

bool t_defined(Interpreter&, const Value& v, CallArgs&) { return !v.is_undefined(); }
bool t_undefined(Interpreter&, const Value& v, CallArgs&) { return v.is_undefined(); }
bool t_none(Interpreter&, const Value& v, CallArgs&) { return v.is_none(); }
bool t_boolean(Interpreter&, const Value& v, CallArgs&) { return v.kind == K::Bool; }
bool t_false(Interpreter&, const Value& v, CallArgs&) { return v.kind == K::Bool && !v.b; }
bool t_true(Interpreter&, const Value& v, CallArgs&) { return v.kind == K::Bool && v.b; }
bool t_integer(Interpreter&, const Value& v, CallArgs&) { return v.kind == K::Int; }
bool t_float(Interpreter&, const Value& v, CallArgs&) { return v.kind == K::Float; }
bool t_number(Interpreter&, const Value& v, CallArgs&) { return v.is_number(); }
bool t_string(Interpreter&, const Value& v, CallArgs&) { return v.is_string(); }
bool t_mapping(Interpreter&, const Value& v, CallArgs&) { return v.is_mapping(); }
bool t_callable(Interpreter&, const Value& v, CallArgs&) { return v.kind == K::Function; }
bool t_escaped(Interpreter&, const Value&, CallArgs&) { return false; }

bool t_iterable(Interpreter&, const Value& v, CallArgs&) {
  return v.is_undefined() || v.is_string() || v.is_sequence() || v.is_mapping();
}

bool t_sequence(Interpreter&, const Value& v, CallArgs&) {
  return v.is_undefined() || v.is_string() || v.is_sequence() || v.is_mapping();
}

bool t_sameas(Interpreter&, const Value& v, CallArgs& a) {
  const Value& o = arg0(a, "sameas");
  if (v.kind != o.kind) return false;
  switch (v.kind) {
    case K::None:
    case K::Undefined: return true;
    case K::Bool: return v.b == o.b;
    case K::Int: return v.i == o.i;  // CPython caches small ints; equal ints are close enough
    case K::Float: return false;
    case K::String: return v.s == o.s;
    case K::List:
    case K::Tuple: return v.list == o.list;
    case K::Dict:
    case K::Namespace: return v.dict == o.dict;
    case K::Function: return v.fn == o.fn;
  }
  return false;
}

bool t_lower(Interpreter&, const Value& v, CallArgs&) {
  std::string s = to_str(v);
  return py_lower(s) == s && py_upper(s) != s;
}

bool t_upper(Interpreter&, const Value& v, CallArgs&) {
  std::string s = to_str(v);
  return py_upper(s) == s && py_lower(s) != s;
}

bool t_odd(Interpreter&, const Value& v, CallArgs&) { return binary_op("%", v, Value::integer(2)).truthy(); }
bool t_even(Interpreter&, const Value& v, CallArgs&) { return !binary_op("%", v, Value::integer(2)).truthy(); }
bool t_divisibleby(Interpreter&, const Value& v, CallArgs& a) {
  return !binary_op("%", v, arg0(a, "divisibleby")).truthy();
}

bool t_eq(Interpreter&, const Value& v, CallArgs& a) { return equals(v, arg0(a, "eq")); }
bool t_ne(Interpreter&, const Value& v, CallArgs& a) { return !equals(v, arg0(a, "ne")); }
bool t_lt(Interpreter&, const Value& v, CallArgs& a) { return compare_op("<", v, arg0(a, "lt")); }
bool t_le(Interpreter&, const Value& v, CallArgs& a) { return compare_op("<=", v, arg0(a, "le")); }
bool t_gt(Interpreter&, const Value& v, CallArgs& a) { return compare_op(">", v, arg0(a, "gt")); }
bool t_ge(Interpreter&, const Value& v, CallArgs& a) { return compare_op(">=", v, arg0(a, "ge")); }
bool t_in(Interpreter&, const Value& v, CallArgs& a) { return contains(arg0(a, "in"), v); }

bool t_filter(Interpreter& in, const Value& v, CallArgs&) { return v.is_string() && in.has_filter(v.str()); }
bool t_test(Interpreter& in, const Value& v, CallArgs&) { return v.is_string() && in.has_test(v.str()); }

}  // namespace

const std::unordered_map<std::string, TestFn>& builtin_tests() {
  static const std::unordered_map<std::string, TestFn> table = {
      {"defined", t_defined},   {"undefined", t_undefined}, {"none", t_none},         {"boolean", t_boolean},
      {"false", t_false},       {"true", t_true},           {"integer", t_integer},   {"float", t_float},
      {"number", t_number},     {"string", t_string},       {"mapping", t_mapping},   {"iterable", t_iterable},
      {"sequence", t_sequence}, {"callable", t_callable},   {"sameas", t_sameas},     {"escaped", t_escaped},
      {"lower", t_lower},       {"upper", t_upper},         {"odd", t_odd},           {"even", t_even},
      {"divisibleby", t_divisibleby}, {"eq", t_eq},         {"equalto", t_eq},        {"==", t_eq},
      {"ne", t_ne},             {"!=", t_ne},               {"lt", t_lt},             {"lessthan", t_lt},
      {"<", t_lt},              {"le", t_le},               {"<=", t_le},             {"gt", t_gt},
      {"greaterthan", t_gt},    {">", t_gt},                {"ge", t_ge},             {">=", t_ge},
      {"in", t_in},             {"filter", t_filter},       {"test", t_test},
  };
  return table;
}

}  // namespace openarc::chat

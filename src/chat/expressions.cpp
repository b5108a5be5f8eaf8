// Expressions: names, literals, attribute and item access (Jinja's sandboxed getattr/getitem),
// slices, calls, filters, tests, and the operators.
#include <algorithm>

#include "chat/error.h"
#include "chat/interpreter.h"
#include "chat/py_string.h"

namespace openarc::chat {

List Interpreter::iterate(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Undefined: return {};  // Jinja's default Undefined iterates as empty
    case Value::Kind::List:
    case Value::Kind::Tuple: return *v.list;
    case Value::Kind::Dict: {
      List keys;
      for (const auto& kv : *v.dict) keys.push_back(kv.first);
      return keys;
    }
    case Value::Kind::String: {
      List chars;
      for (char32_t c : utf8_decode(v.str())) {
        std::string s;
        append_utf8(s, c);
        chars.push_back(Value::string(std::move(s)));
      }
      return chars;
    }
    default: raise("TypeError", "'", type_name(v), "' object is not iterable");
  }
}

static bool is_dunder(const std::string& name) {
  return name.size() > 4 && name.rfind("__", 0) == 0 && name.compare(name.size() - 2, 2, "__") == 0;
}

static Value unsafe(const Value& obj, const std::string& name) {
  return Value::undefined(cat("access to attribute '", name, "' of '", type_name(obj), "' object is unsafe."),
                          "SecurityError");
}

static Value no_attribute(const Value& obj, const std::string& name) {
  return Value::undefined(cat("'", object_type_repr(obj), "' has no attribute '", name, "'"));
}

static Value no_element(const Value& obj, const Value& key) {
  return Value::undefined(cat(object_type_repr(obj), " has no element ", to_repr(key)));
}

Value Interpreter::get_attr(const Value& obj, const std::string& name) {
  obj.fail_if_undefined();
  if (is_dunder(name)) return unsafe(obj, name);
  if (obj.kind == Value::Kind::Namespace) {
    const Value* v = obj.find(name);
    return v ? *v : no_attribute(obj, name);
  }
  // Python attributes (methods) first, then items: `message.content` reads the key.
  if (auto m = bound_method(obj, name)) return *m;
  if (obj.kind == Value::Kind::Dict) {
    const Value* v = obj.find(name);
    if (v) return *v;
  }
  return no_attribute(obj, name);
}

struct SliceBounds {
  int64_t start, stop, step;
};

// Python's slice.indices(len).
static SliceBounds slice_bounds(int64_t len, const Value& start, const Value& stop, const Value& step) {
  auto as_int = [](const Value& v) -> std::optional<int64_t> {
    if (v.is_none() || v.is_undefined()) return std::nullopt;
    if (v.kind == Value::Kind::Int) return v.i;
    if (v.kind == Value::Kind::Bool) return v.b ? 1 : 0;
    raise("TypeError", "slice indices must be integers or None or have an __index__ method");
  };
  int64_t st = as_int(step).value_or(1);
  if (st == 0) raise("ValueError", "slice step cannot be zero");
  auto clamp = [&](std::optional<int64_t> v, int64_t def) {
    if (!v) return def;
    int64_t x = *v;
    if (x < 0) {
      x += len;
      if (x < 0) x = st < 0 ? -1 : 0;
    } else if (x >= len) {
      x = st < 0 ? len - 1 : len;
    }
    return x;
  };
  return {clamp(as_int(start), st < 0 ? len - 1 : 0), clamp(as_int(stop), st < 0 ? -1 : len), st};
}

static std::vector<int64_t> slice_indices(const SliceBounds& s) {
  std::vector<int64_t> out;
  if (s.step > 0)
    for (int64_t k = s.start; k < s.stop; k += s.step) out.push_back(k);
  else
    for (int64_t k = s.start; k > s.stop; k += s.step) out.push_back(k);
  return out;
}

Value Interpreter::eval_getitem(const Expr& e) {
  Value obj = eval(*e.a);
  if (e.b->kind != Expr::Kind::Slice) return get_item(obj, eval(*e.b));
  obj.fail_if_undefined();
  Value start = e.b->a ? eval(*e.b->a) : Value::none();
  Value stop = e.b->b ? eval(*e.b->b) : Value::none();
  Value step = e.b->c ? eval(*e.b->c) : Value::none();
  SliceBounds bounds{0, 0, 1};
  if (obj.is_sequence() || obj.is_string())
    bounds = slice_bounds(obj.is_string() ? static_cast<int64_t>(utf8_length(obj.str())) : static_cast<int64_t>(obj.list->size()),
                          start, stop, step);
  if (obj.range) {
    // Slicing a range gives a range, as in Python.
    const auto& r = *obj.range;
    return Value::make_range(r[0] + bounds.start * r[2], r[0] + bounds.stop * r[2], r[2] * bounds.step);
  }
  if (obj.is_sequence()) {
    List out;
    for (int64_t k : slice_indices(bounds))
      out.push_back((*obj.list)[static_cast<size_t>(k)]);
    return obj.kind == Value::Kind::Tuple ? Value::make_tuple(std::move(out)) : Value::make_list(std::move(out));
  }
  if (obj.is_string()) {
    std::u32string u = utf8_decode(obj.str());
    std::u32string out;
    for (int64_t k : slice_indices(bounds)) out += u[static_cast<size_t>(k)];
    return Value::string(utf8_encode(out));
  }
  return Value::undefined(cat(object_type_repr(obj), " has no element slice(", to_repr(start), ", ", to_repr(stop),
                              ", ", to_repr(step), ")"));
}

Value Interpreter::get_item(const Value& obj, const Value& key) {
  obj.fail_if_undefined();
  switch (obj.kind) {
    case Value::Kind::Dict: {
      const Value* v = obj.find(key);
      if (v) return *v;
      break;
    }
    case Value::Kind::List:
    case Value::Kind::Tuple:
    case Value::Kind::String:
      if (key.kind == Value::Kind::Int || key.kind == Value::Kind::Bool) {
        int64_t k = key.kind == Value::Kind::Int ? key.i : key.b;
        if (obj.is_string()) {
          std::u32string u = utf8_decode(obj.str());
          int64_t n = static_cast<int64_t>(u.size());
          if (k < 0) k += n;
          if (k < 0 || k >= n) return no_element(obj, key);
          return Value::string(utf8_encode(std::u32string(1, u[static_cast<size_t>(k)])));
        }
        int64_t n = static_cast<int64_t>(obj.list->size());
        if (k < 0) k += n;
        if (k < 0 || k >= n) return no_element(obj, key);
        return (*obj.list)[static_cast<size_t>(k)];
      }
      break;
    default: break;
  }
  // obj[key] failed: a string key falls back to the attribute, as Jinja's getitem does.
  if (key.is_string()) {
    if (obj.kind == Value::Kind::Namespace) {
      const Value* v = obj.find(key.str());
      if (v) return *v;
    }
    if (is_dunder(key.str())) return unsafe(obj, key.str());
    if (auto m = bound_method(obj, key.str())) return *m;
    return no_attribute(obj, key.str());
  }
  return no_element(obj, key);
}

CallArgs Interpreter::eval_args(const Expr& e) {
  CallArgs args;
  for (const auto& item : e.items) args.pos.push_back(eval(*item));
  for (const auto& [key, value] : e.kwargs) args.kw.emplace_back(key, eval(*value));
  return args;
}

Value Interpreter::call(const Value& callee, CallArgs& args) {
  callee.fail_if_undefined();
  if (callee.kind != Value::Kind::Function) raise("TypeError", "'", type_name(callee), "' object is not callable");
  return callee.fn->fn(*this, args);
}

Value Interpreter::eval_call(const Expr& e) {
  Value callee = eval(*e.a);
  CallArgs args = eval_args(e);
  return call(callee, args);
}

bool Interpreter::has_filter(const std::string& name) const { return builtin_filters().count(name) != 0; }
bool Interpreter::has_test(const std::string& name) const { return builtin_tests().count(name) != 0; }

Value Interpreter::apply_filter(const std::string& name, const Value& input, CallArgs& args) {
  auto it = builtin_filters().find(name);
  if (it == builtin_filters().end()) raise("TemplateRuntimeError", "No filter named '", name, "'.");
  return it->second(*this, input, args);
}

bool Interpreter::apply_test(const std::string& name, const Value& input, CallArgs& args) {
  auto it = builtin_tests().find(name);
  if (it == builtin_tests().end()) raise("TemplateRuntimeError", "No test named '", name, "'.");
  return it->second(*this, input, args);
}

Value Interpreter::eval_filter(const Expr& e) {
  Value input;
  if (e.a) input = eval(*e.a);
  else if (!filter_inputs_.empty()) input = filter_inputs_.back();
  CallArgs args = eval_args(e);
  return apply_filter(e.name, input, args);
}

Value Interpreter::eval(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::Const: return e.value;
    case Expr::Kind::Name: return lookup(e.name);
    case Expr::Kind::List:
    case Expr::Kind::Tuple: {
      List items;
      for (const auto& item : e.items) items.push_back(eval(*item));
      return e.kind == Expr::Kind::List ? Value::make_list(std::move(items)) : Value::make_tuple(std::move(items));
    }
    case Expr::Kind::Dict: {
      Value d = Value::make_dict();
      for (size_t k = 0; k + 1 < e.items.size(); k += 2) {
        Value key = eval(*e.items[k]);
        if (key.is_sequence() && key.kind == Value::Kind::List) raise("TypeError", "unhashable type: 'list'");
        if (key.is_mapping()) raise("TypeError", "unhashable type: 'dict'");
        d.set(key, eval(*e.items[k + 1]));
      }
      return d;
    }
    case Expr::Kind::GetAttr: return get_attr(eval(*e.a), e.name);
    case Expr::Kind::GetItem: return eval_getitem(e);
    case Expr::Kind::Slice: raise("TemplateSyntaxError", "a slice outside of a subscript");
    case Expr::Kind::Call: return eval_call(e);
    case Expr::Kind::Filter: return eval_filter(e);
    case Expr::Kind::Test: {
      Value input = eval(*e.a);
      CallArgs args = eval_args(e);
      bool r = apply_test(e.name, input, args);
      return Value::boolean(e.negated ? !r : r);
    }
    case Expr::Kind::Unary: {
      Value v = eval(*e.a);
      if (e.name == "not") return Value::boolean(!v.truthy());
      return unary_minus(v, e.name == "-");
    }
    case Expr::Kind::Binary: {
      Value a = eval(*e.a);
      // and/or short-circuit and return an operand, as Python does.
      if (e.name == "and") return a.truthy() ? eval(*e.b) : a;
      if (e.name == "or") return a.truthy() ? a : eval(*e.b);
      return binary_op(e.name, a, eval(*e.b));
    }
    case Expr::Kind::Compare: {
      Value left = eval(*e.a);
      for (size_t k = 0; k < e.ops.size(); ++k) {
        Value right = eval(*e.items[k]);
        if (!compare_op(e.ops[k], left, right)) return Value::boolean(false);
        left = std::move(right);
      }
      return Value::boolean(true);
    }
    case Expr::Kind::CondExpr:
      if (eval(*e.b).truthy()) return eval(*e.a);
      if (e.c) return eval(*e.c);
      return Value::undefined("the inline if-expression on line " + std::to_string(e.line) +
                              " evaluated to false and no else section was defined.");
  }
  return Value();
}

}  // namespace openarc::chat

#include "chat/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "chat/error.h"
#include "chat/py_string.h"

namespace openarc::chat {

Value Value::undefined(std::string message, const char* kind) {
  Value v;
  v.undef = std::make_shared<UndefinedInfo>(UndefinedInfo{std::move(message), kind});
  return v;
}

Value Value::none() {
  Value v;
  v.kind = Kind::None;
  return v;
}

Value Value::boolean(bool b) {
  Value v;
  v.kind = Kind::Bool;
  v.b = b;
  return v;
}

Value Value::integer(int64_t i) {
  Value v;
  v.kind = Kind::Int;
  v.i = i;
  return v;
}

Value Value::number(double f) {
  Value v;
  v.kind = Kind::Float;
  v.f = f;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind = Kind::String;
  v.s = std::make_shared<const std::string>(std::move(s));
  return v;
}

static uint32_t depth_of(uint32_t deepest_child) {
  uint32_t d = deepest_child + 1;
  if (d > kMaxValueDepth) raise("RecursionError", "values nested deeper than ", kMaxValueDepth, " levels");
  return d;
}

Value Value::make_list(List items) {
  Value v;
  uint32_t deepest = 0;
  for (const Value& item : items) deepest = std::max(deepest, item.depth);
  v.depth = depth_of(deepest);
  v.kind = Kind::List;
  v.list = std::make_shared<List>(std::move(items));
  return v;
}

Value Value::make_tuple(List items) {
  Value v = make_list(std::move(items));
  v.kind = Kind::Tuple;
  return v;
}

Value Value::make_range(int64_t start, int64_t stop, int64_t step) {
  List items;
  if (step > 0)
    for (int64_t k = start; k < stop; k += step) items.push_back(integer(k));
  else
    for (int64_t k = start; k > stop; k += step) items.push_back(integer(k));
  Value v = make_list(std::move(items));
  v.range = std::make_shared<const std::array<int64_t, 3>>(std::array<int64_t, 3>{start, stop, step});
  return v;
}

Value Value::make_dict(Dict items) {
  Value v;
  uint32_t deepest = 0;
  for (const auto& [k, item] : items) deepest = std::max({deepest, k.depth, item.depth});
  v.depth = depth_of(deepest);
  v.kind = Kind::Dict;
  v.dict = std::make_shared<Dict>(std::move(items));
  return v;
}

Value Value::make_namespace(Dict items) {
  Value v = make_dict(std::move(items));
  v.kind = Kind::Namespace;
  return v;
}

Value Value::function(std::string name, std::function<Value(Interpreter&, CallArgs&)> fn) {
  Value v;
  v.kind = Kind::Function;
  v.fn = std::make_shared<Callable>(Callable{std::move(name), std::move(fn)});
  return v;
}

bool Value::truthy() const {
  switch (kind) {
    case Kind::Undefined:
    case Kind::None: return false;
    case Kind::Bool: return b;
    case Kind::Int: return i != 0;
    case Kind::Float: return f != 0;
    case Kind::String: return !s->empty();
    case Kind::List:
    case Kind::Tuple: return !list->empty();
    case Kind::Dict: return !dict->empty();
    case Kind::Namespace:
    case Kind::Function: return true;
  }
  return false;
}

void Value::fail_if_undefined() const {
  if (kind == Kind::Undefined) {
    if (undef) throw TemplateError(undef->kind, undef->message);
    raise("UndefinedError", "value is undefined");
  }
}

const Value* Value::find(const Value& key) const {
  if (!dict) return nullptr;
  for (const auto& [k, v] : *dict)
    if (equals(k, key)) return &v;
  return nullptr;
}

const Value* Value::find(const std::string& key) const {
  if (!dict) return nullptr;
  for (const auto& [k, v] : *dict)
    if (k.kind == Kind::String && *k.s == key) return &v;
  return nullptr;
}

void Value::set(const Value& key, Value v) {
  depth = std::max(depth, depth_of(std::max(key.depth, v.depth)));
  for (auto& [k, old] : *dict)
    if (equals(k, key)) {
      old = std::move(v);
      return;
    }
  dict->emplace_back(key, std::move(v));
}

bool contains_namespace(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Namespace: return true;
    case Value::Kind::List:
    case Value::Kind::Tuple:
      for (const Value& item : *v.list)
        if (item.depth > 0 && contains_namespace(item)) return true;
      return false;
    case Value::Kind::Dict:
      for (const auto& [k, item] : *v.dict)
        if (item.depth > 0 && contains_namespace(item)) return true;
      return false;
    default: return false;
  }
}

const char* type_name(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Undefined: return "Undefined";
    case Value::Kind::None: return "NoneType";
    case Value::Kind::Bool: return "bool";
    case Value::Kind::Int: return "int";
    case Value::Kind::Float: return "float";
    case Value::Kind::String: return "str";
    case Value::Kind::List: return v.range ? "range" : "list";
    case Value::Kind::Tuple: return "tuple";
    case Value::Kind::Dict: return "dict";
    case Value::Kind::Namespace: return "Namespace";
    case Value::Kind::Function: return "function";
  }
  return "object";
}

std::string object_type_repr(const Value& v) {
  if (v.kind == Value::Kind::None) return "None";
  if (v.kind == Value::Kind::Namespace) return "jinja2.utils.Namespace object";
  if (v.kind == Value::Kind::Undefined) return "jinja2.runtime.Undefined object";
  return cat(type_name(v), " object");
}

std::string float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest round-trip digits in scientific form, then laid out as Python's repr does:
  // fixed notation when the decimal exponent is in [-4, 16), scientific otherwise.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t epos = sci.find('e');
  int exp = std::stoi(sci.substr(epos + 1));
  std::string digits;
  for (size_t k = 0; k < epos; ++k)
    if (sci[k] != '.') digits += sci[k];
  std::string out = neg ? "-" : "";
  if (exp >= -4 && exp < 16) {
    int point = exp + 1;  // digits before the decimal point
    if (point <= 0) {
      out += "0." + std::string(static_cast<size_t>(-point), '0') + digits;
    } else if (static_cast<size_t>(point) >= digits.size()) {
      out += digits + std::string(static_cast<size_t>(point) - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
    }
  } else {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char e[16];
    std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    out += e;
  }
  return out;
}

static void write_repr(std::string& out, const Value& v);

static void write_str(std::string& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::Undefined: return;
    case Value::Kind::String: out += *v.s; return;
    default: write_repr(out, v);
  }
}

static void write_repr(std::string& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::Undefined: out += "Undefined"; return;
    case Value::Kind::None: out += "None"; return;
    case Value::Kind::Bool: out += v.b ? "True" : "False"; return;
    case Value::Kind::Int: out += std::to_string(v.i); return;
    case Value::Kind::Float: out += float_repr(v.f); return;
    case Value::Kind::String: out += py_str_repr(*v.s); return;
    case Value::Kind::List:
    case Value::Kind::Tuple: {
      if (v.range) {
        const auto& r = *v.range;
        out += cat("range(", r[0], ", ", r[1]);
        if (r[2] != 1) out += cat(", ", r[2]);
        out += ')';
        return;
      }
      bool tuple = v.kind == Value::Kind::Tuple;
      out += tuple ? '(' : '[';
      for (size_t k = 0; k < v.list->size(); ++k) {
        if (k) out += ", ";
        write_repr(out, (*v.list)[k]);
      }
      if (tuple && v.list->size() == 1) out += ',';
      out += tuple ? ')' : ']';
      return;
    }
    case Value::Kind::Dict:
    case Value::Kind::Namespace: {
      if (v.kind == Value::Kind::Namespace) out += "<Namespace ";
      out += '{';
      bool first = true;
      for (const auto& [k, item] : *v.dict) {
        if (!first) out += ", ";
        first = false;
        write_repr(out, k);
        out += ": ";
        write_repr(out, item);
      }
      out += '}';
      if (v.kind == Value::Kind::Namespace) out += '>';
      return;
    }
    case Value::Kind::Function: out += cat("<function ", v.fn->name, ">"); return;
  }
}

std::string to_str(const Value& v) {
  if (v.kind == Value::Kind::String) return *v.s;
  std::string out;
  write_str(out, v);
  return out;
}

std::string to_repr(const Value& v) {
  std::string out;
  write_repr(out, v);
  return out;
}

static bool numeric(const Value& v, double& d) {
  switch (v.kind) {
    case Value::Kind::Bool: d = v.b; return true;
    case Value::Kind::Int: d = static_cast<double>(v.i); return true;
    case Value::Kind::Float: d = v.f; return true;
    default: return false;
  }
}

bool equals(const Value& a, const Value& b) {
  using K = Value::Kind;
  if ((a.kind == K::Int || a.kind == K::Bool) && (b.kind == K::Int || b.kind == K::Bool))
    return (a.kind == K::Int ? a.i : a.b) == (b.kind == K::Int ? b.i : b.b);
  double x, y;
  if (numeric(a, x) && numeric(b, y)) return x == y;
  // Python compares list with list and tuple with tuple only; a range only with a range.
  if (a.kind != b.kind || (a.range == nullptr) != (b.range == nullptr)) return false;
  switch (a.kind) {
    case K::Undefined:
    case K::None: return true;
    case K::String: return *a.s == *b.s;
    case K::List:
    case K::Tuple: {
      if (a.list->size() != b.list->size()) return false;
      for (size_t k = 0; k < a.list->size(); ++k)
        if (!equals((*a.list)[k], (*b.list)[k])) return false;
      return true;
    }
    case K::Dict: {
      if (a.dict->size() != b.dict->size()) return false;
      for (const auto& [k, v] : *a.dict) {
        const Value* other = b.find(k);
        if (!other || !equals(v, *other)) return false;
      }
      return true;
    }
    case K::Namespace: return a.dict == b.dict;
    case K::Function: return a.fn == b.fn;
    default: return false;
  }
}

}  // namespace openarc::chat

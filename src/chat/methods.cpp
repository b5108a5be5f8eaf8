// The Python methods of str, list and dict that templates call (`content.strip()`,
// `message.get('x')`, `d.items()` ...). Methods that mutate a list or dict are the ones Jinja's
// ImmutableSandboxedEnvironment blocks: reading them gives an undefined that raises SecurityError.
#include "chat/error.h"
#include "chat/interpreter.h"
#include "chat/py_string.h"

namespace openarc::chat {
namespace {

std::optional<std::string> opt_str(const Args& a, size_t k, const char* method) {
  if (!a.has(k)) return std::nullopt;
  const Value& v = a.get(k);
  if (v.is_none()) return std::nullopt;
  if (!v.is_string()) raise("TypeError", method, " arg must be None or str");
  return v.str();
}

int64_t opt_int(const Args& a, size_t k, int64_t fallback) {
  if (!a.has(k)) return fallback;
  const Value& v = a.get(k);
  if (v.kind == Value::Kind::Int) return v.i;
  if (v.kind == Value::Kind::Bool) return v.b;
  raise("TypeError", "'", type_name(v), "' object cannot be interpreted as an integer");
}

const std::string& need_str(const Value& v, const char* method) {
  if (!v.is_string()) raise("TypeError", method, "() argument must be str, not ", type_name(v));
  return v.str();
}

Value string_list(const std::vector<std::string>& parts) {
  List out;
  for (const auto& p : parts) out.push_back(Value::string(p));
  return Value::make_list(std::move(out));
}

bool affix_match(const std::string& s, const Value& arg, bool prefix, const char* method) {
  auto one = [&](const Value& v) {
    if (!v.is_string())
      raise("TypeError", method, " first arg must be str or a tuple of str, not ", type_name(v));
    const std::string& a = v.str();
    if (a.size() > s.size()) return false;
    return prefix ? s.compare(0, a.size(), a) == 0 : s.compare(s.size() - a.size(), a.size(), a) == 0;
  };
  if (arg.kind == Value::Kind::Tuple) {
    for (const Value& v : *arg.list)
      if (one(v)) return true;
    return false;
  }
  return one(arg);
}

// str.format with automatic and explicit field numbering and keyword fields; no format specs.
std::string py_format(const std::string& fmt, const CallArgs& args) {
  std::string out;
  size_t auto_index = 0;
  for (size_t k = 0; k < fmt.size(); ++k) {
    char c = fmt[k];
    if (c == '}' ) {
      if (k + 1 < fmt.size() && fmt[k + 1] == '}') {
        out += '}';
        ++k;
        continue;
      }
      raise("ValueError", "Single '}' encountered in format string");
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (k + 1 < fmt.size() && fmt[k + 1] == '{') {
      out += '{';
      ++k;
      continue;
    }
    size_t close = fmt.find('}', k);
    if (close == std::string::npos) raise("ValueError", "Single '{' encountered in format string");
    std::string field = fmt.substr(k + 1, close - k - 1);
    if (field.find_first_of(":!") != std::string::npos) raise("ValueError", "format specs are not supported: {", field, "}");
    const Value* v = nullptr;
    if (field.empty() || std::isdigit(static_cast<unsigned char>(field[0]))) {
      size_t index = field.empty() ? auto_index++ : std::stoul(field);
      if (index >= args.pos.size()) raise("IndexError", "Replacement index ", index, " out of range for positional args tuple");
      v = &args.pos[index];
    } else {
      for (const auto& [key, value] : args.kw)
        if (key == field) v = &value;
      if (!v) raise("KeyError", "'", field, "'");
    }
    out += to_str(*v);
    k = close;
  }
  return out;
}

Value str_method(const Value& self, const std::string& name, CallArgs& call) {
  const std::string& s = self.str();
  std::string method = "str." + name;
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    Args a(call, method.c_str(), {"chars"});
    return Value::string(py_strip(s, opt_str(a, 0, name.c_str()), name != "rstrip", name != "lstrip"));
  }
  if (name == "split" || name == "rsplit") {
    Args a(call, method.c_str(), {"sep", "maxsplit"});
    auto sep = opt_str(a, 0, name.c_str());
    int64_t maxsplit = opt_int(a, 1, -1);
    return string_list(name == "split" ? py_split(s, sep, maxsplit) : py_rsplit(s, sep, maxsplit));
  }
  if (name == "splitlines") {
    Args a(call, method.c_str(), {"keepends"});
    bool keep = a.get(0, Value::boolean(false)).truthy();
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t k = 0; k < s.size(); ++k) {
      if (s[k] != '\n' && s[k] != '\r') continue;
      size_t end = k;
      if (s[k] == '\r' && k + 1 < s.size() && s[k + 1] == '\n') ++k;
      lines.push_back(s.substr(start, (keep ? k + 1 : end) - start));
      start = k + 1;
    }
    if (start < s.size()) lines.push_back(s.substr(start));
    return string_list(lines);
  }
  if (name == "startswith" || name == "endswith") {
    Args a(call, method.c_str(), {"prefix"});
    return Value::boolean(affix_match(s, a.get(0), name == "startswith", name.c_str()));
  }
  if (name == "upper") return Value::string(py_upper(s));
  if (name == "lower") return Value::string(py_lower(s));
  if (name == "title") return Value::string(py_title(s));
  if (name == "capitalize") return Value::string(py_capitalize(s));
  if (name == "replace") {
    Args a(call, method.c_str(), {"old", "new", "count"});
    return Value::string(py_replace(s, need_str(a.get(0), "replace"), need_str(a.get(1), "replace"), opt_int(a, 2, -1)));
  }
  if (name == "find" || name == "rfind" || name == "index" || name == "rindex") {
    Args a(call, method.c_str(), {"sub"});
    int64_t r = py_find(s, need_str(a.get(0), name.c_str()), name[0] == 'r');
    if (r < 0 && (name == "index" || name == "rindex")) raise("ValueError", "substring not found");
    return Value::integer(r);
  }
  if (name == "count") {
    Args a(call, method.c_str(), {"sub"});
    return Value::integer(py_count(s, need_str(a.get(0), "count")));
  }
  if (name == "join") {
    Args a(call, method.c_str(), {"iterable"});
    const Value& items = a.get(0);
    if (!items.is_sequence()) raise("TypeError", "can only join an iterable");
    std::string out;
    for (size_t k = 0; k < items.list->size(); ++k) {
      const Value& item = (*items.list)[k];
      if (!item.is_string())
        raise("TypeError", "sequence item ", k, ": expected str instance, ", type_name(item), " found");
      if (k) out += s;
      out += item.str();
    }
    return Value::string(std::move(out));
  }
  if (name == "format") return Value::string(py_format(s, call));
  auto all = [&](bool (*pred)(char32_t)) {
    std::u32string u = utf8_decode(s);
    if (u.empty()) return Value::boolean(false);
    for (char32_t c : u)
      if (!pred(c)) return Value::boolean(false);
    return Value::boolean(true);
  };
  if (name == "isdigit") return all(py_isdigit);
  if (name == "isalpha") return all(py_isalpha);
  if (name == "isspace") return all(py_isspace);
  if (name == "islower") return Value::boolean(py_lower(s) == s && py_upper(s) != s);
  if (name == "isupper") return Value::boolean(py_upper(s) == s && py_lower(s) != s);
  raise("AttributeError", "'str' object has no attribute '", name, "'");
}

Value list_method(const Value& self, const std::string& name, CallArgs& call) {
  List& items = *self.list;
  std::string method = cat(type_name(self), ".", name);
  if (name == "index") {
    Args a(call, method.c_str(), {"value"});
    for (size_t k = 0; k < items.size(); ++k)
      if (equals(items[k], a.get(0))) return Value::integer(static_cast<int64_t>(k));
    raise("ValueError", to_repr(a.get(0)), " is not in list");
  }
  if (name == "count") {
    Args a(call, method.c_str(), {"value"});
    int64_t n = 0;
    for (const Value& v : items) n += equals(v, a.get(0));
    return Value::integer(n);
  }
  if (name == "copy") return Value::make_list(items);
  // list.pop and list.clear are not on the sandbox's list of mutating methods, so Jinja allows them.
  if (name == "pop") {
    Args a(call, method.c_str(), {"index"});
    if (items.empty()) raise("IndexError", "pop from empty list");
    int64_t k = opt_int(a, 0, -1);
    int64_t n = static_cast<int64_t>(items.size());
    if (k < 0) k += n;
    if (k < 0 || k >= n) raise("IndexError", "pop index out of range");
    Value v = items[static_cast<size_t>(k)];
    items.erase(items.begin() + k);
    return v;
  }
  if (name == "clear") {
    items.clear();
    return Value::none();
  }
  raise("AttributeError", "'list' object has no attribute '", name, "'");
}

Value dict_method(const Value& self, const std::string& name, CallArgs& call) {
  std::string method = "dict." + name;
  if (name == "get") {
    Args a(call, method.c_str(), {"key", "default"});
    const Value* v = self.find(a.get(0));
    return v ? *v : a.get(1, Value::none());
  }
  if (name == "items" || name == "keys" || name == "values") {
    Args a(call, method.c_str(), {});
    if (!a.rest().empty()) raise("TypeError", method, "() takes no arguments (", a.rest().size(), " given)");
    List out;
    for (const auto& [k, v] : *self.dict) {
      if (name == "items") out.push_back(Value::make_tuple({k, v}));
      else out.push_back(name == "keys" ? k : v);
    }
    return Value::make_list(std::move(out));
  }
  if (name == "copy") return Value::make_dict(*self.dict);
  raise("AttributeError", "'dict' object has no attribute '", name, "'");
}

bool one_of(const std::string& name, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (name == n) return true;
  return false;
}

}  // namespace

std::optional<Value> bound_method(const Value& obj, const std::string& name) {
  using Fn = Value (*)(const Value&, const std::string&, CallArgs&);
  Fn fn = nullptr;
  bool blocked = false;
  switch (obj.kind) {
    case Value::Kind::String:
      if (one_of(name, {"strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith", "upper",
                        "lower", "title", "capitalize", "replace", "find", "rfind", "index", "rindex", "count", "join",
                        "format", "isdigit", "isalpha", "isspace", "islower", "isupper"}))
        fn = str_method;
      break;
    case Value::Kind::List:
      if (one_of(name, {"index", "count", "copy", "pop", "clear"})) fn = list_method;
      blocked = one_of(name, {"append", "reverse", "insert", "sort", "extend", "remove"});
      break;
    case Value::Kind::Tuple:
      if (one_of(name, {"index", "count"})) fn = list_method;
      break;
    case Value::Kind::Dict:
      if (one_of(name, {"get", "items", "keys", "values", "copy"})) fn = dict_method;
      blocked = one_of(name, {"clear", "pop", "popitem", "setdefault", "update"});
      break;
    default: break;
  }
  if (blocked)
    return Value::undefined(cat("access to attribute '", name, "' of '", type_name(obj), "' object is unsafe."),
                            "SecurityError");
  if (!fn) return std::nullopt;
  Value self = obj;
  return Value::function(cat(type_name(obj), ".", name),
                         [fn, self, name](Interpreter&, CallArgs& args) { return fn(self, name, args); });
}

}  // namespace openarc::chat

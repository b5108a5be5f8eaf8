// Jinja2's builtin filters that chat templates use, with Jinja 3.1's semantics, plus transformers'
// own tojson (json.dumps with ensure_ascii off and keys in insertion order).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "chat/error.h"
#include "chat/interpreter.h"
#include "chat/py_string.h"

namespace openarc::chat {
namespace {

std::string str_arg(const Args& a, size_t k, const char* fallback) {
  return a.has(k) ? to_str(a.get(k)) : std::string(fallback);
}

Value f_tojson(Interpreter&, const Value& v, CallArgs& call) {
  Args a(call, "tojson", {"ensure_ascii", "indent", "separators", "sort_keys"});
  if (a.has(0) && a.get(0).truthy()) raise("TypeError", "tojson(ensure_ascii=True) is not supported");
  if (a.has(2) && !a.get(2).is_none()) raise("TypeError", "tojson(separators=...) is not supported");
  int indent = -1;
  if (a.has(1) && !a.get(1).is_none()) {
    const Value& i = a.get(1);
    if (i.kind != Value::Kind::Int) raise("TypeError", "tojson indent must be an integer");
    indent = static_cast<int>(std::clamp<int64_t>(i.i, 0, 64));
  }
  return Value::string(to_json(v, indent, a.has(3) && a.get(3).truthy()));
}

Value f_trim(Interpreter&, const Value& v, CallArgs& call) {
  Args a(call, "trim", {"chars"});
  std::optional<std::string> chars;
  if (a.has(0) && !a.get(0).is_none()) chars = to_str(a.get(0));
  return Value::string(py_strip(to_str(v), chars, true, true));
}

Value f_length(Interpreter&, const Value& v, CallArgs&) {
  switch (v.kind) {
    case Value::Kind::Undefined: return Value::integer(0);
    case Value::Kind::String: return Value::integer(static_cast<int64_t>(utf8_length(v.str())));
    case Value::Kind::List:
    case Value::Kind::Tuple: return Value::integer(static_cast<int64_t>(v.list->size()));
    case Value::Kind::Dict: return Value::integer(static_cast<int64_t>(v.dict->size()));
    default: raise("TypeError", "object of type '", type_name(v), "' has no len()");
  }
}

Value f_items(Interpreter&, const Value& v, CallArgs&) {
  if (v.is_undefined()) return Value::make_list();
  if (!v.is_mapping()) raise("TypeError", "Can only get item pairs from a mapping.");
  List out;
  for (const auto& [k, item] : *v.dict) out.push_back(Value::make_tuple({k, item}));
  return Value::make_list(std::move(out));
}

// Jinja's attribute= arguments accept dotted paths and integer steps ("a.0.b").
Value attribute_of(Interpreter& in, const Value& item, const std::string& path) {
  Value cur = item;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool digits = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    cur = digits ? in.get_item(cur, Value::integer(std::stoll(part))) : in.get_item(cur, Value::string(part));
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
}

Value f_join(Interpreter& in, const Value& v, CallArgs& call) {
  Args a(call, "join", {"d", "attribute"});
  std::string sep = str_arg(a, 0, "");
  std::string out;
  bool first = true;
  for (const Value& item : in.iterate(v)) {
    if (!first) out += sep;
    first = false;
    out += to_str(a.has(1) && !a.get(1).is_none() ? attribute_of(in, item, to_str(a.get(1))) : item);
  }
  return Value::string(std::move(out));
}

Value f_default(Interpreter&, const Value& v, CallArgs& call) {
  Args a(call, "default", {"default_value", "boolean"});
  bool boolean = a.has(1) && a.get(1).truthy();
  if (v.is_undefined() || (boolean && !v.truthy())) return a.get(0, Value::string(""));
  return v;
}

Value f_upper(Interpreter&, const Value& v, CallArgs&) { return Value::string(py_upper(to_str(v))); }
Value f_lower(Interpreter&, const Value& v, CallArgs&) { return Value::string(py_lower(to_str(v))); }
Value f_capitalize(Interpreter&, const Value& v, CallArgs&) { return Value::string(py_capitalize(to_str(v))); }

Value f_title(Interpreter&, const Value& v, CallArgs&) {
  // Jinja's title: a word starts after whitespace or one of - ( { [ <; the rest is lowered.
  std::string out;
  bool start = true;
  for (char32_t c : utf8_decode(to_str(v))) {
    bool sep = py_isspace(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
    if (sep) {
      append_utf8(out, c);
      start = true;
    } else {
      append_utf8(out, start ? py_upper(c) : py_lower(c));
      start = false;
    }
  }
  return Value::string(std::move(out));
}

Value f_replace(Interpreter&, const Value& v, CallArgs& call) {
  Args a(call, "replace", {"old", "new", "count"});
  int64_t count = -1;
  if (a.has(2) && !a.get(2).is_none()) {
    if (a.get(2).kind != Value::Kind::Int) raise("TypeError", "replace count must be an integer");
    count = a.get(2).i;
  }
  return Value::string(py_replace(to_str(v), to_str(a.get(0)), to_str(a.get(1)), count));
}

Value f_string(Interpreter&, const Value& v, CallArgs&) { return Value::string(to_str(v)); }
Value f_safe(Interpreter&, const Value& v, CallArgs&) { return v; }

Value f_escape(Interpreter&, const Value& v, CallArgs&) {
  std::string out;
  for (char c : to_str(v)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return Value::string(std::move(out));
}

Value f_list(Interpreter& in, const Value& v, CallArgs&) { return Value::make_list(in.iterate(v)); }

Value f_first(Interpreter& in, const Value& v, CallArgs&) {
  List items = in.iterate(v);
  if (items.empty()) return Value::undefined("No first item, sequence was empty.");
  return items.front();
}

Value f_last(Interpreter& in, const Value& v, CallArgs&) {
  List items = in.iterate(v);
  if (items.empty()) return Value::undefined("No last item, sequence was empty.");
  return items.back();
}

Value f_reverse(Interpreter& in, const Value& v, CallArgs&) {
  if (v.is_string()) {
    std::u32string u = utf8_decode(v.str());
    std::reverse(u.begin(), u.end());
    return Value::string(utf8_encode(u));
  }
  List items = in.iterate(v);
  std::reverse(items.begin(), items.end());
  return Value::make_list(std::move(items));
}

Value f_int(Interpreter&, const Value& v, CallArgs& call) {
  Args a(call, "int", {"default", "base"});
  Value fallback = a.get(0, Value::integer(0));
  switch (v.kind) {
    case Value::Kind::Int: return v;
    case Value::Kind::Bool: return Value::integer(v.b);
    case Value::Kind::Float:
      if (!std::isfinite(v.f) || std::fabs(v.f) > 9.2e18) return fallback;
      return Value::integer(static_cast<int64_t>(std::trunc(v.f)));
    case Value::Kind::String: {
      std::string s = py_strip(v.str(), std::nullopt, true, true);
      int64_t base = a.has(1) ? a.get(1).i : 10;
      try {
        size_t used = 0;
        long long r = std::stoll(s, &used, static_cast<int>(base));
        if (used == s.size()) return Value::integer(r);
      } catch (...) {
      }
      try {
        size_t used = 0;
        double d = std::stod(s, &used);
        if (used == s.size() && std::isfinite(d) && std::fabs(d) < 9.2e18)
          return Value::integer(static_cast<int64_t>(std::trunc(d)));
      } catch (...) {
      }
      return fallback;
    }
    default: return fallback;
  }
}

Value f_float(Interpreter&, const Value& v, CallArgs& call) {
  Args a(call, "float", {"default"});
  Value fallback = a.get(0, Value::number(0.0));
  if (v.kind == Value::Kind::Float) return v;
  if (v.kind == Value::Kind::Int || v.kind == Value::Kind::Bool) return Value::number(v.kind == Value::Kind::Int ? double(v.i) : double(v.b));
  if (v.is_string()) {
    std::string s = py_strip(v.str(), std::nullopt, true, true);
    try {
      size_t used = 0;
      double d = std::stod(s, &used);
      if (used == s.size()) return Value::number(d);
    } catch (...) {
    }
  }
  return fallback;
}

Value f_abs(Interpreter&, const Value& v, CallArgs&) {
  if (v.kind == Value::Kind::Float) return Value::number(std::fabs(v.f));
  if (v.kind == Value::Kind::Int) return Value::integer(v.i < 0 ? -v.i : v.i);
  if (v.kind == Value::Kind::Bool) return Value::integer(v.b);
  raise("TypeError", "bad operand type for abs(): '", type_name(v), "'");
}

Value f_round(Interpreter&, const Value& v, CallArgs& call) {
  Args a(call, "round", {"precision", "method"});
  int64_t precision = a.has(0) ? a.get(0).i : 0;
  std::string method = str_arg(a, 1, "common");
  if (!v.is_number()) raise("TypeError", "type ", type_name(v), " doesn't define __round__ method");
  double x = v.kind == Value::Kind::Float ? v.f : v.kind == Value::Kind::Int ? double(v.i) : double(v.b);
  double scale = std::pow(10.0, static_cast<double>(precision));
  double r;
  if (method == "common") {
    // Python's round(): correctly rounded, ties to even, on the exact binary value; printf's %.Nf
    // rounds the same way.
    if (precision >= 0 && precision <= 30 && std::isfinite(x)) {
      char buf[512];
      std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(precision), x);
      r = std::strtod(buf, nullptr);
    } else {
      r = std::nearbyint(x * scale) / scale;
    }
  }
  else if (method == "ceil") r = std::ceil(x * scale) / scale;
  else if (method == "floor") r = std::floor(x * scale) / scale;
  else raise("FilterArgumentError", "method must be common, ceil or floor");
  return Value::number(r);
}

// select / reject / selectattr / rejectattr share Jinja's prepare_select_or_reject.
Value select_impl(Interpreter& in, const Value& v, CallArgs& call, bool by_attr, bool keep_when) {
  size_t first = by_attr ? 1 : 0;
  std::string attr = by_attr ? (call.pos.empty() ? raise("TypeError", "Missing parameter for attribute name"), "" : to_str(call.pos[0])) : "";
  std::optional<std::string> test;
  CallArgs test_args;
  if (call.pos.size() > first) {
    test = to_str(call.pos[first]);
    test_args.pos.assign(call.pos.begin() + static_cast<long>(first) + 1, call.pos.end());
    test_args.kw = call.kw;
  }
  List out;
  if (!v.truthy()) return Value::make_list();  // Jinja's select_or_reject starts with `if value:`
  for (const Value& item : in.iterate(v)) {
    Value subject = by_attr ? attribute_of(in, item, attr) : item;
    bool ok = test ? in.apply_test(*test, subject, test_args) : subject.truthy();
    if (ok == keep_when) out.push_back(item);
  }
  return Value::make_list(std::move(out));
}

Value f_select(Interpreter& in, const Value& v, CallArgs& c) { return select_impl(in, v, c, false, true); }
Value f_reject(Interpreter& in, const Value& v, CallArgs& c) { return select_impl(in, v, c, false, false); }
Value f_selectattr(Interpreter& in, const Value& v, CallArgs& c) { return select_impl(in, v, c, true, true); }
Value f_rejectattr(Interpreter& in, const Value& v, CallArgs& c) { return select_impl(in, v, c, true, false); }

Value f_map(Interpreter& in, const Value& v, CallArgs& call) {
  std::optional<std::string> attribute;
  std::optional<Value> fallback;
  for (const auto& [k, val] : call.kw) {
    if (k == "attribute") attribute = to_str(val);
    else if (k == "default") fallback = val;
  }
  List out;
  if (!v.truthy()) return Value::make_list();  // Jinja's do_map starts with `if value:`
  if (attribute || call.pos.empty()) {
    if (!attribute) raise("FilterArgumentError", "map requires a filter or an attribute argument");
    for (const Value& item : in.iterate(v)) {
      Value x = attribute_of(in, item, *attribute);
      out.push_back(x.is_undefined() && fallback ? *fallback : x);
    }
    return Value::make_list(std::move(out));
  }
  std::string filter = to_str(call.pos[0]);
  CallArgs rest;
  rest.pos.assign(call.pos.begin() + 1, call.pos.end());
  rest.kw = call.kw;
  for (const Value& item : in.iterate(v)) out.push_back(in.apply_filter(filter, item, rest));
  return Value::make_list(std::move(out));
}

Value sort_key(Interpreter& in, const Value& item, const std::optional<std::string>& attr, bool case_sensitive) {
  Value k = attr ? attribute_of(in, item, *attr) : item;
  if (!case_sensitive && k.is_string()) return Value::string(py_lower(k.str()));
  return k;
}

Value f_unique(Interpreter& in, const Value& v, CallArgs& call) {
  Args a(call, "unique", {"case_sensitive", "attribute"});
  bool cs = a.has(0) && a.get(0).truthy();
  std::optional<std::string> attr;
  if (a.has(1) && !a.get(1).is_none()) attr = to_str(a.get(1));
  List out, seen;
  for (const Value& item : in.iterate(v)) {
    Value key = sort_key(in, item, attr, cs);
    bool dup = false;
    for (const Value& s : seen)
      if (equals(s, key)) dup = true;
    if (dup) continue;
    seen.push_back(key);
    out.push_back(item);
  }
  return Value::make_list(std::move(out));
}

Value f_sort(Interpreter& in, const Value& v, CallArgs& call) {
  Args a(call, "sort", {"reverse", "case_sensitive", "attribute"});
  bool reverse = a.has(0) && a.get(0).truthy();
  bool cs = a.has(1) && a.get(1).truthy();
  std::optional<std::string> attr;
  if (a.has(2) && !a.get(2).is_none()) attr = to_str(a.get(2));
  List items = in.iterate(v);
  std::vector<std::pair<Value, Value>> keyed;
  for (const Value& item : items) keyed.emplace_back(sort_key(in, item, attr, cs), item);
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    return reverse ? less_than(y.first, x.first) : less_than(x.first, y.first);
  });
  List out;
  for (auto& kv : keyed) out.push_back(kv.second);
  return Value::make_list(std::move(out));
}

Value f_dictsort(Interpreter&, const Value& v, CallArgs& call) {
  Args a(call, "dictsort", {"case_sensitive", "by", "reverse"});
  if (!v.is_mapping()) raise("TypeError", "dictsort needs a mapping");
  bool cs = a.has(0) && a.get(0).truthy();
  std::string by = str_arg(a, 1, "key");
  bool reverse = a.has(2) && a.get(2).truthy();
  size_t pos = by == "key" ? 0 : by == "value" ? 1 : 2;
  if (pos == 2) raise("FilterArgumentError", "You can only sort by either \"key\" or \"value\"");
  std::vector<std::pair<Value, Value>> items(v.dict->begin(), v.dict->end());
  auto key = [&](const std::pair<Value, Value>& kv) {
    const Value& k = pos == 0 ? kv.first : kv.second;
    return !cs && k.is_string() ? Value::string(py_lower(k.str())) : k;
  };
  std::stable_sort(items.begin(), items.end(), [&](const auto& x, const auto& y) {
    return reverse ? less_than(key(y), key(x)) : less_than(key(x), key(y));
  });
  List out;
  for (auto& [k, val] : items) out.push_back(Value::make_tuple({k, val}));
  return Value::make_list(std::move(out));
}

Value f_indent(Interpreter&, const Value& v, CallArgs& call) {
  // Jinja's do_indent: lines come from (s + "\n").splitlines(); the first line is indented only with
  // first=True, empty lines only with blank=True.
  Args a(call, "indent", {"width", "first", "blank"});
  std::string pad = "    ";
  if (a.has(0)) pad = a.get(0).is_string() ? a.get(0).str() : std::string(static_cast<size_t>(std::clamp<int64_t>(a.get(0).i, 0, 1024)), ' ');
  bool first = a.has(1) && a.get(1).truthy();
  bool blank = a.has(2) && a.get(2).truthy();
  std::string s = to_str(v) + "\n";
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl = s.find('\n'); nl != std::string::npos; nl = s.find('\n', start)) {
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  std::string out = lines[0];
  for (size_t k = 1; k < lines.size(); ++k) {
    out += "\n";
    if (blank || !lines[k].empty()) out += pad;
    out += lines[k];
  }
  if (first) out = pad + out;
  return Value::string(std::move(out));
}

Value f_wordcount(Interpreter&, const Value& v, CallArgs&) {
  return Value::integer(static_cast<int64_t>(py_split(to_str(v), std::nullopt, -1).size()));
}

Value f_center(Interpreter&, const Value& v, CallArgs& call) {
  Args a(call, "center", {"width"});
  int64_t width = a.has(0) ? a.get(0).i : 80;
  std::string s = to_str(v);
  int64_t len = static_cast<int64_t>(utf8_length(s));
  if (width <= len) return Value::string(s);
  int64_t total = width - len;
  int64_t left = total / 2 + (total & width & 1);
  return Value::string(std::string(static_cast<size_t>(left), ' ') + s + std::string(static_cast<size_t>(total - left), ' '));
}

Value f_sum(Interpreter& in, const Value& v, CallArgs& call) {
  Args a(call, "sum", {"attribute", "start"});
  Value total = a.get(1, Value::integer(0));
  for (const Value& item : in.iterate(v))
    total = binary_op("+", total, a.has(0) && !a.get(0).is_none() ? attribute_of(in, item, to_str(a.get(0))) : item);
  return total;
}

Value min_max(Interpreter& in, const Value& v, CallArgs& call, bool want_max) {
  Args a(call, want_max ? "max" : "min", {"case_sensitive", "attribute"});
  bool cs = a.has(0) && a.get(0).truthy();
  std::optional<std::string> attr;
  if (a.has(1) && !a.get(1).is_none()) attr = to_str(a.get(1));
  List items = in.iterate(v);
  if (items.empty()) return Value::undefined(cat("No aggregated item, sequence was empty."));
  size_t best = 0;
  for (size_t k = 1; k < items.size(); ++k) {
    Value kb = sort_key(in, items[best], attr, cs), kk = sort_key(in, items[k], attr, cs);
    if (want_max ? less_than(kb, kk) : less_than(kk, kb)) best = k;
  }
  return items[best];
}

Value f_min(Interpreter& in, const Value& v, CallArgs& c) { return min_max(in, v, c, false); }
Value f_max(Interpreter& in, const Value& v, CallArgs& c) { return min_max(in, v, c, true); }

Value f_batch(Interpreter& in, const Value& v, CallArgs& call) {
  Args a(call, "batch", {"linecount", "fill_with"});
  int64_t n = a.get(0).i;
  if (n <= 0) raise("FilterArgumentError", "batch size must be positive");
  List out, cur;
  for (const Value& item : in.iterate(v)) {
    cur.push_back(item);
    if (static_cast<int64_t>(cur.size()) == n) {
      out.push_back(Value::make_list(std::move(cur)));
      cur.clear();
    }
  }
  if (!cur.empty()) {
    if (a.has(1) && !a.get(1).is_none())
      while (static_cast<int64_t>(cur.size()) < n) cur.push_back(a.get(1));
    out.push_back(Value::make_list(std::move(cur)));
  }
  return Value::make_list(std::move(out));
}

}  // namespace

const std::unordered_map<std::string, FilterFn>& builtin_filters() {
  static const std::unordered_map<std::string, FilterFn> table = {
      {"tojson", f_tojson},     {"trim", f_trim},         {"length", f_length},       {"count", f_length},
      {"items", f_items},       {"join", f_join},         {"default", f_default},     {"d", f_default},
      {"upper", f_upper},       {"lower", f_lower},       {"title", f_title},         {"capitalize", f_capitalize},
      {"replace", f_replace},   {"string", f_string},     {"safe", f_safe},           {"escape", f_escape},
      {"e", f_escape},          {"list", f_list},         {"first", f_first},         {"last", f_last},
      {"reverse", f_reverse},   {"int", f_int},           {"float", f_float},         {"abs", f_abs},
      {"round", f_round},       {"select", f_select},     {"reject", f_reject},       {"selectattr", f_selectattr},
      {"rejectattr", f_rejectattr}, {"map", f_map},       {"unique", f_unique},       {"sort", f_sort},
      {"dictsort", f_dictsort}, {"indent", f_indent},     {"wordcount", f_wordcount}, {"center", f_center},
      {"sum", f_sum},           {"min", f_min},           {"max", f_max},             {"batch", f_batch},
  };
  return table;
}

}  // namespace openarc::chat

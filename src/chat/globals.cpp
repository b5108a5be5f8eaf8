// The globals a chat template sees: Jinja's range, dict, namespace (and lipsum-free rest), plus
// transformers' raise_exception and strftime_now.
#include <ctime>

#include "chat/error.h"
#include "chat/interpreter.h"

namespace openarc::chat {
namespace {

constexpr int64_t kMaxRange = 100000;  // Jinja's sandbox MAX_RANGE

int64_t int_arg(const Value& v) {
  if (v.kind == Value::Kind::Int) return v.i;
  if (v.kind == Value::Kind::Bool) return v.b;
  raise("TypeError", "'", type_name(v), "' object cannot be interpreted as an integer");
}

Value g_range(Interpreter&, CallArgs& call) {
  if (!call.kw.empty()) raise("TypeError", "range() takes no keyword arguments");
  if (call.pos.empty() || call.pos.size() > 3)
    raise("TypeError", "range expected at most 3 arguments, got ", call.pos.size());
  int64_t start = 0, stop, step = 1;
  if (call.pos.size() == 1) {
    stop = int_arg(call.pos[0]);
  } else {
    start = int_arg(call.pos[0]);
    stop = int_arg(call.pos[1]);
    if (call.pos.size() == 3) step = int_arg(call.pos[2]);
  }
  if (step == 0) raise("ValueError", "range() arg 3 must not be zero");
  int64_t n = 0;
  if (step > 0 && start < stop) n = (stop - start + step - 1) / step;
  if (step < 0 && start > stop) n = (start - stop - step - 1) / -step;
  if (n > kMaxRange)
    raise("OverflowError", "Range too big. The sandbox blocks ranges larger than MAX_RANGE (", kMaxRange, ").");
  return Value::make_range(start, stop, step);
}

Value from_pairs(const CallArgs& call, bool ns) {
  Value d = ns ? Value::make_namespace() : Value::make_dict();
  if (call.pos.size() > 1) raise("TypeError", ns ? "namespace" : "dict", " expected at most 1 argument, got ", call.pos.size());
  if (!call.pos.empty()) {
    const Value& src = call.pos[0];
    if (src.is_mapping() || src.kind == Value::Kind::Namespace) {
      for (const auto& [k, v] : *src.dict) d.set(k, v);
    } else if (src.is_sequence()) {
      for (const Value& pair : *src.list) {
        if (!pair.is_sequence() || pair.list->size() != 2)
          raise("ValueError", "dictionary update sequence element has wrong length");
        d.set((*pair.list)[0], (*pair.list)[1]);
      }
    } else {
      raise("TypeError", "'", type_name(src), "' object is not iterable");
    }
  }
  for (const auto& [k, v] : call.kw) d.set(Value::string(k), v);
  if (ns)
    for (const auto& [k, v] : *d.dict)
      if (contains_namespace(v)) raise("TemplateRuntimeError", "a namespace cannot hold another namespace (it could hold itself)");
  return d;
}

}  // namespace

std::string py_strftime(const std::string& format, std::time_t t, bool utc_fields) {
  std::tm tm{};
  if (utc_fields) gmtime_r(&t, &tm);
  else localtime_r(&t, &tm);
  // C's strftime in the "C" locale gives Python's English names for %a %A %b %B %p.
  std::string out;
  for (size_t k = 0; k < format.size(); ++k) {
    if (format[k] != '%' || k + 1 >= format.size()) {
      out += format[k];
      continue;
    }
    char spec[4] = {'%', format[k + 1], 0, 0};
    ++k;
    if (spec[1] == '-' && k + 1 < format.size()) {  // glibc's %-d (no padding), as Python on Linux
      spec[2] = format[++k];
    }
    static const std::string allowed = "aAbBcdHIjmMpSUwWxXyYzZ%-GuVgCDeFhnrRtT";
    if (allowed.find(spec[1]) == std::string::npos) {
      out += spec;
      continue;
    }
    char buf[256];
    size_t n = std::strftime(buf, sizeof buf, spec, &tm);
    out.append(buf, n);
  }
  return out;
}

void add_builtin_globals(std::unordered_map<std::string, Value>& globals) {
  globals["range"] = Value::function("range", g_range);
  globals["dict"] = Value::function("dict", [](Interpreter&, CallArgs& c) { return from_pairs(c, false); });
  globals["namespace"] = Value::function("namespace", [](Interpreter&, CallArgs& c) { return from_pairs(c, true); });
  globals["raise_exception"] = Value::function("raise_exception", [](Interpreter&, CallArgs& c) -> Value {
    Args a(c, "raise_exception", {"message"});
    throw TemplateError("TemplateError", to_str(a.get(0)));
  });
  globals["strftime_now"] = Value::function("strftime_now", [](Interpreter& in, CallArgs& c) -> Value {
    Args a(c, "strftime_now", {"format"});
    if (!a.get(0).is_string()) raise("TypeError", "strftime() argument 1 must be str, not ", type_name(a.get(0)));
    // A fixed "now" is given as wall-clock fields, so it is formatted without a time zone shift.
    return Value::string(py_strftime(a.get(0).str(), in.now(), in.fixed_now()));
  });
}

}  // namespace openarc::chat

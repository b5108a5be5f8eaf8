// Python's semantics for the operators templates use, with Python's TypeError messages.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

#include "chat/error.h"
#include "chat/interpreter.h"
#include "chat/py_string.h"

namespace openarc::chat {
namespace {

bool is_intlike(const Value& v) { return v.kind == Value::Kind::Int || v.kind == Value::Kind::Bool; }
int64_t as_int(const Value& v) { return v.kind == Value::Kind::Int ? v.i : (v.b ? 1 : 0); }
double as_float(const Value& v) { return v.kind == Value::Kind::Float ? v.f : static_cast<double>(as_int(v)); }

[[noreturn]] void unsupported(const std::string& op, const Value& a, const Value& b) {
  raise("TypeError", "unsupported operand type(s) for ", op, ": '", type_name(a), "' and '", type_name(b), "'");
}

Value repeat(const Value& seq, int64_t times) {
  if (seq.is_string()) {
    std::string out;
    for (int64_t k = 0; k < times; ++k) {
      if (out.size() + seq.str().size() > (256u << 20)) raise("MemoryError", "string repetition too large");
      out += seq.str();
    }
    return Value::string(std::move(out));
  }
  List out;
  for (int64_t k = 0; k < times; ++k) {
    if (out.size() + seq.list->size() > (16u << 20)) raise("MemoryError", "list repetition too large");
    out.insert(out.end(), seq.list->begin(), seq.list->end());
  }
  return seq.kind == Value::Kind::Tuple ? Value::make_tuple(std::move(out)) : Value::make_list(std::move(out));
}

Value checked(int64_t r, bool overflow) {
  if (overflow) raise("OverflowError", "integer result does not fit in 64 bits");
  return Value::integer(r);
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// "%s" % x: Python's printf-style formatting: %(key)s, flags (- 0 + space #), width, precision and
// the conversions s r d i u f F e E g G x X o c %.
Value percent_format(const std::string& fmt, const Value& args) {
  bool mapping = args.is_mapping();
  List values = args.kind == Value::Kind::Tuple ? *args.list : List{args};
  std::string out;
  size_t next = 0;
  for (size_t k = 0; k < fmt.size(); ++k) {
    if (fmt[k] != '%') {
      out += fmt[k];
      continue;
    }
    if (++k >= fmt.size()) raise("ValueError", "incomplete format");
    const Value* v = nullptr;
    if (fmt[k] == '(') {
      size_t close = fmt.find(')', k);
      if (close == std::string::npos) raise("ValueError", "incomplete format key");
      if (!mapping) raise("TypeError", "format requires a mapping");
      v = args.find(fmt.substr(k + 1, close - k - 1));
      if (!v) raise("KeyError", py_str_repr(fmt.substr(k + 1, close - k - 1)));
      k = close + 1;
    }
    std::string flags;
    while (k < fmt.size() && std::string("-+ #0").find(fmt[k]) != std::string::npos) flags += fmt[k++];
    std::string width, precision;
    while (k < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[k]))) width += fmt[k++];
    if (k < fmt.size() && fmt[k] == '.') {
      precision = ".";
      ++k;
      while (k < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[k]))) precision += fmt[k++];
    }
    if (k >= fmt.size()) raise("ValueError", "incomplete format");
    if (width.size() > 4 || precision.size() > 4) raise("ValueError", "format width or precision too large");
    char c = fmt[k];
    if (c == '%') {
      out += '%';
      continue;
    }
    if (!v) {
      if (mapping) {
        v = &args;
      } else {
        if (next >= values.size()) raise("TypeError", "not enough arguments for format string");
        v = &values[next++];
      }
    }
    std::string spec = "%" + flags + width + precision;
    char buf[512];
    if (c == 's' || c == 'r' || c == 'a') {
      std::string text = c == 's' ? to_str(*v) : to_repr(*v);
      if (precision.size() > 1) {
        std::u32string u = utf8_decode(text);
        size_t p = static_cast<size_t>(std::stoul(precision.substr(1)));
        if (u.size() > p) text = utf8_encode(u.substr(0, p));
      }
      size_t w = width.empty() ? 0 : static_cast<size_t>(std::stoul(width));
      size_t len = utf8_length(text);
      if (len < w) {
        std::string pad(w - len, ' ');
        text = flags.find('-') != std::string::npos ? text + pad : pad + text;
      }
      out += text;
    } else if (c == 'd' || c == 'i' || c == 'u' || c == 'x' || c == 'X' || c == 'o') {
      int64_t n;
      if (v->kind == Value::Kind::Float) {
        if (c != 'd' && c != 'i' && c != 'u') raise("TypeError", "%", c, " format: an integer is required, not float");
        n = static_cast<int64_t>(std::trunc(v->f));
      } else if (is_intlike(*v)) {
        n = as_int(*v);
      } else {
        raise("TypeError", "%", c, " format: a real number is required, not ", type_name(*v));
      }
      char conv = c == 'i' || c == 'u' ? 'd' : c;
      std::snprintf(buf, sizeof buf, (spec + "ll" + conv).c_str(), static_cast<long long>(n));
      out += buf;
    } else if (std::string("fFeEgG").find(c) != std::string::npos) {
      if (!v->is_number()) raise("TypeError", "must be real number, not ", type_name(*v));
      std::snprintf(buf, sizeof buf, (spec + c).c_str(), as_float(*v));
      out += buf;
    } else if (c == 'c') {
      if (v->is_string() && utf8_length(v->str()) == 1) out += v->str();
      else if (is_intlike(*v)) append_utf8(out, static_cast<char32_t>(as_int(*v)));
      else raise("TypeError", "%c requires int or char");
    } else {
      raise("ValueError", "unsupported format character '", c, "' (0x", std::hex, static_cast<int>(c), ") at index ", std::dec, k);
    }
  }
  if (!mapping && next < values.size()) raise("TypeError", "not all arguments converted during string formatting");
  return Value::string(std::move(out));
}

}  // namespace

Value unary_minus(const Value& v, bool negate) {
  v.fail_if_undefined();
  if (v.kind == Value::Kind::Float) return Value::number(negate ? -v.f : v.f);
  if (is_intlike(v)) {
    int64_t x = as_int(v);
    if (negate && x == std::numeric_limits<int64_t>::min()) raise("OverflowError", "integer negation overflows");
    return Value::integer(negate ? -x : x);
  }
  raise("TypeError", "bad operand type for unary ", negate ? "-" : "+", ": '", type_name(v), "'");
}

Value binary_op(const std::string& op, const Value& a, const Value& b) {
  if (op == "~") return Value::string(to_str(a) + to_str(b));
  a.fail_if_undefined();
  b.fail_if_undefined();
  bool ints = is_intlike(a) && is_intlike(b);
  bool nums = a.is_number() && b.is_number();
  int64_t r = 0;
  if (op == "+") {
    if (ints) return checked(r, __builtin_add_overflow(as_int(a), as_int(b), &r));
    if (nums) return Value::number(as_float(a) + as_float(b));
    if (a.is_string() && b.is_string()) return Value::string(a.str() + b.str());
    if (a.kind == b.kind && a.is_sequence() && !a.range && !b.range) {
      List out = *a.list;
      out.insert(out.end(), b.list->begin(), b.list->end());
      return a.kind == Value::Kind::Tuple ? Value::make_tuple(std::move(out)) : Value::make_list(std::move(out));
    }
    if (a.is_string() || (a.is_sequence() && !a.range))
      raise("TypeError", "can only concatenate ", type_name(a), " (not \"", type_name(b), "\") to ", type_name(a));
    unsupported("+", a, b);
  }
  if (op == "-") {
    if (ints) return checked(r, __builtin_sub_overflow(as_int(a), as_int(b), &r));
    if (nums) return Value::number(as_float(a) - as_float(b));
    unsupported("-", a, b);
  }
  if (op == "*") {
    if (ints) return checked(r, __builtin_mul_overflow(as_int(a), as_int(b), &r));
    if (nums) return Value::number(as_float(a) * as_float(b));
    const Value* seq = a.is_string() || a.is_sequence() ? &a : b.is_string() || b.is_sequence() ? &b : nullptr;
    const Value* count = seq == &a ? &b : &a;
    if (seq) {
      if (!is_intlike(*count))
        raise("TypeError", "can't multiply sequence by non-int of type '", type_name(*count), "'");
      return repeat(*seq, as_int(*count));
    }
    unsupported("*", a, b);
  }
  if (op == "/") {
    if (!nums) unsupported("/", a, b);
    if (as_float(b) == 0) raise("ZeroDivisionError", "division by zero");
    return Value::number(as_float(a) / as_float(b));
  }
  if (op == "//") {
    if (!nums) unsupported("//", a, b);
    if (ints) {
      if (as_int(b) == 0) raise("ZeroDivisionError", "integer division or modulo by zero");
      if (as_int(a) == std::numeric_limits<int64_t>::min() && as_int(b) == -1) raise("OverflowError", "integer overflow");
      return Value::integer(floor_div(as_int(a), as_int(b)));
    }
    if (as_float(b) == 0) raise("ZeroDivisionError", "float floor division by zero");
    return Value::number(std::floor(as_float(a) / as_float(b)));
  }
  if (op == "%") {
    if (a.is_string()) return percent_format(a.str(), b);
    if (!nums) unsupported("%", a, b);
    if (ints) {
      int64_t x = as_int(a), y = as_int(b);
      if (y == 0) raise("ZeroDivisionError", "integer modulo by zero");
      if (y == -1) return Value::integer(0);
      int64_t m = x % y;
      if (m != 0 && ((m < 0) != (y < 0))) m += y;
      return Value::integer(m);
    }
    double x = as_float(a), y = as_float(b);
    if (y == 0) raise("ZeroDivisionError", "float modulo");
    double m = std::fmod(x, y);
    if (m != 0 && ((m < 0) != (y < 0))) m += y;
    return Value::number(m);
  }
  if (op == "**") {
    if (!nums) unsupported("** or pow()", a, b);
    if (ints && as_int(b) >= 0) {
      int64_t base = as_int(a), e = as_int(b), result = 1;
      while (e > 0) {
        if (e & 1)
          if (__builtin_mul_overflow(result, base, &result)) raise("OverflowError", "integer power too large");
        e >>= 1;
        if (e > 0 && __builtin_mul_overflow(base, base, &base)) raise("OverflowError", "integer power too large");
      }
      return Value::integer(result);
    }
    if (as_float(a) == 0 && as_float(b) < 0)
      raise("ZeroDivisionError", "0.0 cannot be raised to a negative power");
    return Value::number(std::pow(as_float(a), as_float(b)));
  }
  raise("TemplateRuntimeError", "unknown operator ", op);
}

bool less_than(const Value& a, const Value& b) {
  a.fail_if_undefined();
  b.fail_if_undefined();
  if (a.is_number() && b.is_number()) {
    if (is_intlike(a) && is_intlike(b)) return as_int(a) < as_int(b);
    return as_float(a) < as_float(b);
  }
  if (a.is_string() && b.is_string()) return a.str() < b.str();  // UTF-8 order is code point order
  if (a.kind == b.kind && a.is_sequence()) {
    size_t n = std::min(a.list->size(), b.list->size());
    for (size_t k = 0; k < n; ++k) {
      const Value& x = (*a.list)[k];
      const Value& y = (*b.list)[k];
      if (!equals(x, y)) return less_than(x, y);
    }
    return a.list->size() < b.list->size();
  }
  raise("TypeError", "'<' not supported between instances of '", type_name(a), "' and '", type_name(b), "'");
}

bool contains(const Value& container, const Value& item) {
  switch (container.kind) {
    case Value::Kind::Undefined: return false;  // iterates as empty
    case Value::Kind::String:
      item.fail_if_undefined();
      if (!item.is_string())
        raise("TypeError", "'in <string>' requires string as left operand, not ", type_name(item));
      return container.str().find(item.str()) != std::string::npos;
    case Value::Kind::List:
    case Value::Kind::Tuple:
      for (const Value& v : *container.list)
        if (equals(v, item)) return true;
      return false;
    case Value::Kind::Dict: return container.find(item) != nullptr;
    default: raise("TypeError", "argument of type '", type_name(container), "' is not iterable");
  }
}

bool compare_op(const std::string& op, const Value& a, const Value& b) {
  if (op == "==") return equals(a, b);
  if (op == "!=") return !equals(a, b);
  if (op == "in") return contains(b, a);
  if (op == "notin") return !contains(b, a);
  auto mismatch = [&]() {
    raise("TypeError", "'", op, "' not supported between instances of '", type_name(a), "' and '", type_name(b), "'");
  };
  a.fail_if_undefined();
  b.fail_if_undefined();
  bool comparable = (a.is_number() && b.is_number()) || (a.is_string() && b.is_string()) ||
                    (a.kind == b.kind && a.is_sequence());
  if (!comparable) mismatch();
  if (op == "<") return less_than(a, b);
  if (op == ">") return less_than(b, a);
  if (op == "<=") return !less_than(b, a);
  if (op == ">=") return !less_than(a, b);
  raise("TemplateRuntimeError", "unknown comparison ", op);
}

}  // namespace openarc::chat

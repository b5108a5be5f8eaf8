// Integers and decimal numbers within bounds, exactly: a bound becomes digit ranges (the
// decimal digits of a value compared position by position), never a float comparison.
//   integers: [lo, hi] splits into negative and non-negative magnitudes; a magnitude range
//     splits by digit count, and a same-length range [x, y] is x0 (x1.. to 9..9) | (x0+1 .. y0-1)
//     any digits | y0 (0..0 to y1..).
//   numbers: integer part and fraction; the fraction's digits against the bound's digits
//     (equal so far to the lower bound / to the upper bound / free), no exponent.
#include <cmath>

#include "grammar/json_schema_compiler.h"

namespace openarc::grammar {

namespace {

constexpr size_t kMaxDigits = 16;  // integer digits of an unbounded magnitude, and of a free fraction

Expr digit() { return chars({{'0', '9'}}); }
Expr digits(uint32_t min, uint32_t max) { return repeat(digit(), min, max); }

int compare_magnitude(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

std::string increment(std::string m) {
  for (size_t i = m.size(); i-- > 0;) {
    if (m[i] != '9') {
      ++m[i];
      return m;
    }
    m[i] = '0';
  }
  return "1" + m;
}

std::string decrement(std::string m) {  // m > 0
  for (size_t i = m.size(); i-- > 0;) {
    if (m[i] != '0') {
      --m[i];
      break;
    }
    m[i] = '9';
  }
  size_t nz = m.find_first_not_of('0');
  return nz == std::string::npos ? "0" : m.substr(nz);
}

// Same-length digit strings x <= y.
Expr same_length_range(const std::string& x, const std::string& y) {
  const size_t n = x.size();
  if (n == 0) return seq({});
  if (x[0] == y[0]) return seq({literal(x.substr(0, 1)), same_length_range(x.substr(1), y.substr(1))});
  const bool x_rest_min = x.find_first_not_of('0', 1) == std::string::npos;
  const bool y_rest_max = y.find_first_not_of('9', 1) == std::string::npos;
  const char free_lo = x_rest_min ? x[0] : static_cast<char>(x[0] + 1);
  const char free_hi = y_rest_max ? y[0] : static_cast<char>(y[0] - 1);
  std::vector<Expr> alts;
  if (!x_rest_min) alts.push_back(seq({literal(x.substr(0, 1)), same_length_range(x.substr(1), std::string(n - 1, '9'))}));
  if (free_lo <= free_hi)
    alts.push_back(seq({chars({{static_cast<char32_t>(free_lo), static_cast<char32_t>(free_hi)}}),
                        digits(static_cast<uint32_t>(n - 1), static_cast<uint32_t>(n - 1))}));
  if (!y_rest_max) alts.push_back(seq({literal(y.substr(0, 1)), same_length_range(std::string(n - 1, '0'), y.substr(1))}));
  return choice(std::move(alts));
}

// Magnitudes (no leading zeros) from a to b, or to 10^max(16, digits of a) - 1 without b.
Expr magnitude_range(const std::string& a, const std::optional<std::string>& b) {
  std::vector<Expr> alts;
  if (!b) {
    const size_t cap = std::max(kMaxDigits, a.size());
    alts.push_back(same_length_range(a, std::string(a.size(), '9')));
    if (a.size() < cap)
      alts.push_back(seq({chars({{'1', '9'}}), digits(static_cast<uint32_t>(a.size()), static_cast<uint32_t>(cap - 1))}));
    return choice(std::move(alts));
  }
  for (size_t len = a.size(); len <= b->size(); ++len) {
    std::string lo = a;
    if (len != a.size()) {
      lo.assign(len, '0');
      lo[0] = '1';
    }
    const std::string hi = len == b->size() ? *b : std::string(len, '9');
    alts.push_back(same_length_range(lo, hi));
  }
  return choice(std::move(alts));
}

struct SignedInt {
  bool negative = false;
  std::string magnitude = "0";
};

int compare(const SignedInt& a, const SignedInt& b) {
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  const int c = compare_magnitude(a.magnitude, b.magnitude);
  return a.negative ? -c : c;
}

SignedInt plus_one(SignedInt v) {
  if (!v.negative) return {false, increment(v.magnitude)};
  if (v.magnitude == "1") return {false, "0"};
  return {true, decrement(v.magnitude)};
}

SignedInt minus_one(SignedInt v) {
  if (v.negative) return {true, increment(v.magnitude)};
  if (v.magnitude == "0") return {true, "1"};
  return {false, decrement(v.magnitude)};
}

// The smallest integer >= d (> d when open), and the largest <= d (< d).
SignedInt lower_integer(const Decimal& d, bool open) {
  SignedInt v{d.negative, d.integer};
  if (!d.fraction.empty()) return d.negative ? v : SignedInt{false, increment(d.integer)};
  return open ? plus_one(v) : v;
}

SignedInt upper_integer(const Decimal& d, bool open) {
  SignedInt v{d.negative, d.integer};
  if (!d.fraction.empty()) return d.negative ? SignedInt{true, increment(d.integer)} : v;
  return open ? minus_one(v) : v;
}

// The fraction ("" or "." digits) of a magnitude whose value 0.F is >= lo (> when open) and
// <= hi (< when open), each bound optional; lo and hi have no trailing zeros.
class FractionBuilder {
 public:
  FractionBuilder(JsonSchemaRules::Compiler& c, std::optional<std::string> lo, bool lo_open, std::optional<std::string> hi,
                  bool hi_open)
      : c_(c), lo_(std::move(lo)), hi_(std::move(hi)), lo_open_(lo_open), hi_open_(hi_open) {
    cap_ = std::max({kMaxDigits, lo_ ? lo_->size() + 1 : 0, hi_ ? hi_->size() + 1 : 0});
  }

  std::optional<Expr> build() {
    std::vector<Expr> alts;
    if (can_end(0, lo_.has_value(), hi_.has_value())) alts.push_back(seq({}));
    if (auto f = first(0, lo_.has_value(), hi_.has_value())) alts.push_back(seq({literal("."), *f}));
    if (alts.empty()) return std::nullopt;
    return choice(std::move(alts));
  }

 private:
  char lo_digit(size_t i) const { return i < lo_->size() ? (*lo_)[i] : '0'; }
  char hi_digit(size_t i) const { return i < hi_->size() ? (*hi_)[i] : '0'; }

  // tl / th: the digits so far equal the bound's.
  bool can_end(size_t i, bool tl, bool th) const {
    const bool lo_ok = !tl || (i >= lo_->size() && !lo_open_);
    const bool hi_ok = !th || i < hi_->size() || !hi_open_;
    return lo_ok && hi_ok;
  }

  struct Branch {
    char from, to;
    bool tl, th;
  };
  std::vector<Branch> branches(size_t i, bool tl, bool th) const {
    const char ld = tl ? lo_digit(i) : '0', hd = th ? hi_digit(i) : '9';
    std::vector<Branch> out;
    if (ld > hd) return out;
    out.push_back({ld, ld, tl, th && ld == hd});
    if (hd > ld + 1) out.push_back({static_cast<char>(ld + 1), static_cast<char>(hd - 1), false, false});
    if (hd > ld) out.push_back({hd, hd, false, th});
    return out;
  }

  bool viable(size_t i, bool tl, bool th) {
    if (can_end(i, tl, th)) return true;
    if (i >= cap_) return false;
    const int key = static_cast<int>(i * 4 + tl * 2 + th);
    if (auto it = viable_.find(key); it != viable_.end()) return it->second;
    bool v = false;
    for (const Branch& b : branches(i, tl, th)) v = v || viable(i + 1, b.tl, b.th);
    return viable_[key] = v;
  }

  // At least one digit at position i, then the rest.
  std::optional<Expr> first(size_t i, bool tl, bool th) {
    if (i >= cap_) return std::nullopt;
    if (!tl && !th) return digits(1, static_cast<uint32_t>(cap_ - i));
    const int key = static_cast<int>(i * 4 + tl * 2 + th);
    if (auto it = rules_.find(key); it != rules_.end()) return ref(it->second);
    std::vector<Expr> alts;
    for (const Branch& b : branches(i, tl, th)) {
      if (!viable(i + 1, b.tl, b.th)) continue;
      Expr d = chars({{static_cast<char32_t>(b.from), static_cast<char32_t>(b.to)}});
      std::vector<Expr> next;
      if (can_end(i + 1, b.tl, b.th)) next.push_back(seq({}));
      if (auto f = first(i + 1, b.tl, b.th)) next.push_back(*f);
      if (next.empty()) continue;
      alts.push_back(seq({std::move(d), choice(std::move(next))}));
    }
    if (alts.empty()) return std::nullopt;
    Expr r = c_.define("fraction", choice(std::move(alts)));
    rules_[key] = r.text;
    return r;
  }

  JsonSchemaRules::Compiler& c_;
  std::optional<std::string> lo_, hi_;
  bool lo_open_, hi_open_;
  size_t cap_;
  std::map<int, bool> viable_;
  std::map<int, std::string> rules_;
};

}  // namespace

std::optional<Decimal> to_decimal(const Json& number) {
  if (!number.is_number()) return std::nullopt;
  if (number.is_number_float() && !std::isfinite(number.get<double>())) return std::nullopt;
  const std::string text = number.dump();  // shortest round-trip form: "0.1", "1e+300", "-2.5e-07"
  Decimal d;
  size_t i = 0;
  if (i < text.size() && text[i] == '-') d.negative = true, ++i;
  std::string mantissa;
  long point = -1;
  for (; i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'); ++i) {
    if (text[i] == '.') point = static_cast<long>(mantissa.size());
    else mantissa += text[i];
  }
  if (point < 0) point = static_cast<long>(mantissa.size());
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) point += std::stol(text.substr(i + 1));
  if (point > 400 || point < -400) return std::nullopt;
  std::string integer, fraction;
  if (point <= 0) {
    integer = "0";
    fraction = std::string(static_cast<size_t>(-point), '0') + mantissa;
  } else if (static_cast<size_t>(point) >= mantissa.size()) {
    integer = mantissa + std::string(static_cast<size_t>(point) - mantissa.size(), '0');
  } else {
    integer = mantissa.substr(0, static_cast<size_t>(point));
    fraction = mantissa.substr(static_cast<size_t>(point));
  }
  const size_t nz = integer.find_first_not_of('0');
  d.integer = nz == std::string::npos ? "0" : integer.substr(nz);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  d.fraction = fraction;
  if (d.is_zero()) d.negative = false;
  return d;
}

int compare(const Decimal& a, const Decimal& b) {
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  int c = compare_magnitude(a.integer, b.integer);
  if (c == 0) c = a.fraction < b.fraction ? -1 : a.fraction > b.fraction ? 1 : 0;
  return a.negative ? -c : c;
}

Expr JsonSchemaRules::Compiler::any_integer() {
  return shared("integer", [] {
    return seq({optional(literal("-")), choice({literal("0"), seq({chars({{'1', '9'}}), digits(0, kMaxDigits - 1)})})});
  });
}

Expr JsonSchemaRules::Compiler::any_number() {
  return shared("number", [this] {
    return seq({any_integer(), optional(seq({literal("."), digits(1, kMaxDigits)})),
                optional(seq({chars({{'e', 'e'}, {'E', 'E'}}), optional(chars({{'-', '-'}, {'+', '+'}})), digits(1, 2)}))});
  });
}

Expr JsonSchemaRules::Compiler::integer_in(const std::optional<Decimal>& lo, bool lo_open, const std::optional<Decimal>& hi,
                                           bool hi_open, const std::string& pointer) {
  std::optional<SignedInt> l, h;
  if (lo) l = lower_integer(*lo, lo_open);
  if (hi) h = upper_integer(*hi, hi_open);
  if (l && h && compare(*l, *h) > 0)
    schema_unsatisfiable("minimum", pointer, "no integer lies within the bounds at " + at_pointer(pointer));
  std::vector<Expr> alts;
  // Negative values: magnitudes from max(1, -h) to -l.
  if (!l || l->negative) {
    const std::string from = h && h->negative ? h->magnitude : "1";
    alts.push_back(seq({literal("-"), magnitude_range(from, l ? std::optional(l->magnitude) : std::nullopt)}));
  }
  // Non-negative values: from max(0, l) to h.
  if (!h || !h->negative) {
    const std::string from = l && !l->negative ? l->magnitude : "0";
    alts.push_back(magnitude_range(from, h ? std::optional(h->magnitude) : std::nullopt));
  }
  return choice(std::move(alts));
}

Expr JsonSchemaRules::Compiler::number_in(const std::optional<Decimal>& lo, bool lo_open, const std::optional<Decimal>& hi,
                                          bool hi_open, const std::string& pointer) {
  // Magnitudes m with (lower, lower_open) <= m <= (upper, upper_open): the integer part equal to
  // the lower bound's (fraction at least its fraction), strictly between, or equal to the upper's.
  auto magnitude = [&](const Decimal& lower, bool lower_open, const std::optional<Decimal>& upper,
                       bool upper_open) -> std::optional<Expr> {
    if (upper) {
      const int c = compare(lower, *upper);
      if (c > 0 || (c == 0 && (lower_open || upper_open))) return std::nullopt;
    }
    std::vector<Expr> alts;
    if (upper && upper->integer == lower.integer) {
      auto f = FractionBuilder(*this, lower.fraction, lower_open, upper->fraction, upper_open).build();
      if (!f) return std::nullopt;
      return seq({literal(lower.integer), *f});
    }
    Expr free_fraction = optional(seq({literal("."), digits(1, kMaxDigits)}));
    if (auto f = FractionBuilder(*this, lower.fraction, lower_open, std::nullopt, false).build())
      alts.push_back(seq({literal(lower.integer), *f}));
    const std::string next = increment(lower.integer);
    if (!upper) {
      alts.push_back(seq({magnitude_range(next, std::nullopt), free_fraction}));
    } else {
      if (compare_magnitude(next, upper->integer) < 0)
        alts.push_back(seq({magnitude_range(next, decrement(upper->integer)), free_fraction}));
      if (auto f = FractionBuilder(*this, std::nullopt, false, upper->fraction, upper_open).build())
        alts.push_back(seq({literal(upper->integer), *f}));
    }
    if (alts.empty()) return std::nullopt;
    return choice(std::move(alts));
  };
  const Decimal zero;
  std::vector<Expr> alts;
  // x >= 0: from max(lo, 0).
  if (!hi || !hi->negative) {
    const bool from_lo = lo && !lo->negative;
    if (auto m = magnitude(from_lo ? *lo : zero, from_lo && lo_open, hi, hi_open)) alts.push_back(*m);
  }
  // x < 0: -x from max(-hi, 0 exclusive) to -lo.
  if (!lo || lo->negative) {
    Decimal lower = zero;
    bool lower_open = true;
    if (hi && hi->negative) lower = {false, hi->integer, hi->fraction}, lower_open = hi_open;
    std::optional<Decimal> upper;
    if (lo) upper = Decimal{false, lo->integer, lo->fraction};
    if (auto m = magnitude(lower, lower_open, upper, lo_open)) alts.push_back(seq({literal("-"), *m}));
  }
  if (alts.empty()) schema_unsatisfiable("minimum", pointer, "no number lies within the bounds at " + at_pointer(pointer));
  return choice(std::move(alts));
}

}  // namespace openarc::grammar

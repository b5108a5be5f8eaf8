// format: the string forms of RFC 3339 (date, time, date-time, as JSON Schema's format section
// defines them), RFC 4122 uuid, and email addresses in the common dot-atom form. Each is written
// narrower than its definition allows where the full rule needs a calendar (February 29) or is
// rarely wanted (quoted local parts, IP-literal domains), so what is generated always validates.
#include "grammar/json_schema_compiler.h"

namespace openarc::grammar {

namespace {

Expr d(char lo, char hi) { return chars({{static_cast<char32_t>(lo), static_cast<char32_t>(hi)}}); }

Expr date() {
  const Expr day28 = choice({seq({literal("0"), d('1', '9')}), seq({literal("1"), d('0', '9')}), seq({literal("2"), d('0', '8')})});
  const Expr day30 = choice({seq({literal("0"), d('1', '9')}), seq({d('1', '2'), d('0', '9')}), literal("30")});
  const Expr day31 = choice({day30, literal("31")});
  const Expr month31 = choice({seq({literal("0"), chars({{'1', '1'}, {'3', '3'}, {'5', '5'}, {'7', '8'}})}),
                               seq({literal("1"), chars({{'0', '0'}, {'2', '2'}})})});
  const Expr month30 = choice({seq({literal("0"), chars({{'4', '4'}, {'6', '6'}, {'9', '9'}})}), literal("11")});
  return seq({repeat(d('0', '9'), 4, 4), literal("-"),
              choice({seq({month31, literal("-"), day31}), seq({month30, literal("-"), day30}), seq({literal("02-"), day28})})});
}

Expr time() {
  const Expr hour = choice({seq({d('0', '1'), d('0', '9')}), seq({literal("2"), d('0', '3')})});
  const Expr minute = seq({d('0', '5'), d('0', '9')});
  const Expr offset = choice({literal("Z"), seq({chars({{'+', '+'}, {'-', '-'}}), hour, literal(":"), minute})});
  return seq({hour, literal(":"), minute, literal(":"), minute, optional(seq({literal("."), repeat(d('0', '9'), 1, 9)})), offset});
}

Expr uuid() {
  const Expr hex = chars({{'0', '9'}, {'a', 'f'}});
  auto group = [&](uint32_t n) { return repeat(hex, n, n); };
  return seq({group(8), literal("-"), group(4), literal("-"), group(4), literal("-"), group(4), literal("-"), group(12)});
}

Expr email() {
  // local part: dot-separated atoms of atext; domain: two or more labels of letters, digits and
  // inner hyphens (at most 63 characters each).
  const Expr atext = chars({{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'!', '!'}, {'#', '#'}, {'$', '$'}, {'%', '%'}, {'&', '&'},
                            {'\'', '\''}, {'*', '*'}, {'+', '+'}, {'-', '-'}, {'/', '/'}, {'=', '='}, {'?', '?'}, {'^', '^'},
                            {'_', '_'}, {'`', '`'}, {'{', '{'}, {'|', '|'}, {'}', '}'}, {'~', '~'}});
  const Expr atom = repeat(atext, 1, 64);
  const Expr alnum = chars({{'a', 'z'}, {'A', 'Z'}, {'0', '9'}});
  const Expr label = seq({alnum, optional(seq({repeat(chars({{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'-', '-'}}), 0, 61), alnum}))});
  return seq({atom, repeat(seq({literal("."), atom}), 0, 8), literal("@"), label, repeat(seq({literal("."), label}), 1, 8)});
}

}  // namespace

Expr JsonSchemaRules::Compiler::format(const std::string& name, const std::string& pointer) {
  auto quoted = [&](const char* rule, Expr (*make)()) {
    return shared(std::string("format-") + rule, [&] { return string_of(make()); });
  };
  if (name == "date") return quoted("date", date);
  if (name == "time") return quoted("time", time);
  if (name == "date-time") return shared("format-date-time", [&] { return string_of(seq({date(), literal("T"), time()})); });
  if (name == "uuid") return quoted("uuid", uuid);
  if (name == "email") return quoted("email", email);
  schema_fail("format", pointer, "format '" + name + "' at " + at_pointer(pointer) +
                                     " is not supported (date, time, date-time, uuid, email are)");
}

}  // namespace openarc::grammar

// The JSON syntax (RFC 8259) as grammar rules, each added once per compiler on first use, and
// its variants for the other literal syntaxes (Python literals, raw text: json_schema.h).
#include "grammar/json_schema_compiler.h"

namespace openarc::grammar {

namespace {

Expr hex_digit() { return chars({{'0', '9'}, {'a', 'f'}, {'A', 'F'}}); }

// Four hex digits of a \u escape that is not a surrogate (a lone or paired surrogate escape
// would count as two characters where validators count one, or be invalid).
Expr non_surrogate_hex4() {
  return choice({seq({chars({{'0', '9'}, {'a', 'c'}, {'A', 'C'}, {'e', 'f'}, {'E', 'F'}}), hex_digit(), hex_digit(), hex_digit()}),
                 seq({chars({{'d', 'd'}, {'D', 'D'}}), chars({{'0', '7'}}), hex_digit(), hex_digit()})});
}

}  // namespace

// None, one space, or a newline and up to 20 indent characters: enough for compact and
// pretty-printed JSON, too little for a model to loop on.
Expr JsonSchemaRules::Compiler::ws() {
  return shared("ws", [] { return optional(choice({literal(" "), seq({literal("\n"), repeat(chars({{' ', ' '}, {'\t', '\t'}}), 0, 20)})})); });
}

Expr JsonSchemaRules::Compiler::json_boolean() {
  if (syntax_ == LiteralSyntax::python) return shared("boolean", [] { return choice({literal("True"), literal("False")}); });
  return shared("boolean", [] { return choice({literal("true"), literal("false")}); });
}

std::string JsonSchemaRules::Compiler::literal_text(const Json& value) const {
  if (syntax_ == LiteralSyntax::raw && value.is_string()) return value.get<std::string>();
  if (syntax_ != LiteralSyntax::python) return value.dump();
  // Python: True/False/None, and strings with only the escapes Python reads the same.
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  if (value.is_null()) return "None";
  if (value.is_string()) {
    static const char* kHex = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : value.get<std::string>()) {
      if (c == '"' || c == '\\') out += '\\', out += static_cast<char>(c);
      else if (c == '\n') out += "\\n";
      else if (c == '\t') out += "\\t";
      else if (c == '\r') out += "\\r";
      else if (c < 0x20) out += std::string("\\u00") + kHex[c >> 4] + kHex[c & 15];
      else out += static_cast<char>(c);
    }
    return out + "\"";
  }
  if (value.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + literal_text(value[i]);
    return out + "]";
  }
  if (value.is_object()) {
    std::string out = "{";
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it, first = false)
      out += (first ? "" : ", ") + literal_text(Json(it.key())) + ": " + literal_text(it.value());
    return out + "}";
  }
  return value.dump();  // numbers are written alike
}

Expr JsonSchemaRules::Compiler::any_string_char() {
  if (syntax_ == LiteralSyntax::raw) return shared("char", [] { return chars({{'<', '<'}}, true); });
  if (syntax_ == LiteralSyntax::python)
    return shared("char", [] {
      return choice({chars({{0, 0x1F}, {'"', '"'}, {'\\', '\\'}}, true),
                     seq({literal("\\"), choice({chars({{'"', '"'}, {'\\', '\\'}, {'n', 'n'}, {'r', 'r'}, {'t', 't'}}),
                                                 seq({literal("u"), non_surrogate_hex4()})})})});
    });
  return shared("char", [] {
    return choice({chars({{0, 0x1F}, {'"', '"'}, {'\\', '\\'}}, true),
                   seq({literal("\\"), choice({chars({{'"', '"'}, {'\\', '\\'}, {'/', '/'}, {'b', 'b'}, {'f', 'f'},
                                                     {'n', 'n'}, {'r', 'r'}, {'t', 't'}}),
                                               seq({literal("u"), non_surrogate_hex4()})})})});
  });
}

Expr JsonSchemaRules::Compiler::string_char(const std::vector<CodePointRange>& ranges) {
  if (syntax_ == LiteralSyntax::raw) {
    std::vector<CodePointRange> out;
    for (const CodePointRange& r : complement_ranges(normalize_ranges({{'<', '<'}})))
      for (const CodePointRange& a : ranges)
        if (std::max(a.lo, r.lo) <= std::min(a.hi, r.hi)) out.push_back({std::max(a.lo, r.lo), std::min(a.hi, r.hi)});
    return chars(out);
  }
  // Raw where JSON allows it; '"', '\' and control characters escaped.
  const bool python = syntax_ == LiteralSyntax::python;
  std::vector<CodePointRange> raw;
  std::vector<Expr> options;
  for (const CodePointRange& r : ranges) {
    for (char32_t c = r.lo; c <= std::min<char32_t>(r.hi, 0x5C); ++c) {
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      static const char* kHex = "0123456789abcdef";
      switch (c) {
        case '"': options.push_back(literal("\\\"")); break;
        case '\\': options.push_back(literal("\\\\")); break;
        case '\n': options.push_back(literal("\\n")); break;
        case '\t': options.push_back(literal("\\t")); break;
        case '\r': options.push_back(literal("\\r")); break;
        case '\b': options.push_back(literal(python ? "\\u0008" : "\\b")); break;
        case '\f': options.push_back(literal(python ? "\\u000c" : "\\f")); break;
        default: options.push_back(literal(std::string("\\u00") + kHex[c >> 4] + kHex[c & 15]));
      }
    }
  }
  std::vector<CodePointRange> excluded = normalize_ranges({{0, 0x1F}, {'"', '"'}, {'\\', '\\'}});
  const std::vector<CodePointRange> allowed = complement_ranges(excluded);
  for (const CodePointRange& a : ranges)
    for (const CodePointRange& b : allowed)
      if (std::max(a.lo, b.lo) <= std::min(a.hi, b.hi)) raw.push_back({std::max(a.lo, b.lo), std::min(a.hi, b.hi)});
  if (!raw.empty()) options.insert(options.begin(), chars(raw));
  return choice(std::move(options));
}

Expr JsonSchemaRules::Compiler::string_of(Expr chars_expr) {
  if (syntax_ == LiteralSyntax::raw) return chars_expr;
  return seq({literal("\""), std::move(chars_expr), literal("\"")});
}

Expr JsonSchemaRules::Compiler::any_string() {
  return shared("string", [this] { return string_of(star(any_string_char())); });
}

Expr JsonSchemaRules::Compiler::any_value() {
  if (syntax_ == LiteralSyntax::raw) return any_string();
  return shared("value", [this] {
    return choice({any_object(), shared("array", [this] {
                     Expr item = seq({ref(prefix_ + "value"), ws()});
                     return seq({literal("["), ws(), optional(seq({item, star(seq({literal(","), ws(), item}))})), literal("]")});
                   }),
                   any_string(), any_number(), json_boolean(), literal(syntax_ == LiteralSyntax::python ? "None" : "null")});
  });
}

Expr JsonSchemaRules::Compiler::any_object() {
  return shared("object", [this] {
    Expr member = seq({any_string(), ws(), literal(":"), ws(), ref(prefix_ + "value"), ws()});
    // `value` is defined with the object on first use of either.
    any_value();
    return seq({literal("{"), ws(), optional(seq({member, star(seq({literal(","), ws(), member}))})), literal("}")});
  });
}

}  // namespace openarc::grammar

#include "grammar/json_schema.h"

#include <algorithm>

#include "grammar/automaton.h"
#include "grammar/json_schema_compiler.h"
#include "core/utf8.h"

namespace openarc::grammar {

namespace {

// Keywords that describe and never constrain.
bool is_annotation(const std::string& k) {
  static const std::set<std::string> kAnnotations = {
      "title",    "description", "examples",        "example",          "default", "$schema", "$id",
      "$comment", "deprecated",  "readOnly",        "writeOnly",        "$anchor", "$defs",   "definitions",
      "contentEncoding", "contentMediaType"};
  return kAnnotations.count(k) != 0;
}

// The keywords of each type, and those that apply to any value.
const std::set<std::string> kObjectKeywords = {"properties", "required", "additionalProperties"};
const std::set<std::string> kArrayKeywords = {"items", "prefixItems", "additionalItems", "minItems", "maxItems",
                                              "uniqueItems"};
const std::set<std::string> kStringKeywords = {"minLength", "maxLength", "pattern", "format"};
const std::set<std::string> kNumberKeywords = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"};
const std::set<std::string> kGeneralKeywords = {"type", "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "nullable"};

bool known_keyword(const std::string& k) {
  return kObjectKeywords.count(k) || kArrayKeywords.count(k) || kStringKeywords.count(k) ||
         kNumberKeywords.count(k) || kGeneralKeywords.count(k);
}

// What a schema says beside its annotations.
Json constraints(const Json& schema) {
  Json out = Json::object();
  for (auto it = schema.begin(); it != schema.end(); ++it)
    if (!is_annotation(it.key())) out[it.key()] = it.value();
  return out;
}

std::string unescape_pointer_token(const std::string& s, const std::string& ref, const std::string& pointer) {
  std::string decoded;  // %XX first (a URI fragment), then ~1 -> / and ~0 -> ~
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      decoded += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += s[i];
    }
  }
  std::string out;
  for (size_t i = 0; i < decoded.size(); ++i) {
    if (decoded[i] == '~' && i + 1 < decoded.size() && (decoded[i + 1] == '0' || decoded[i + 1] == '1')) {
      out += decoded[i + 1] == '0' ? '~' : '/';
      ++i;
    } else if (decoded[i] == '~') {
      schema_fail("$ref", pointer, "reference '" + ref + "' has a bad JSON pointer escape");
    } else {
      out += decoded[i];
    }
  }
  return out;
}

struct DepthGuard {
  int& depth;
  DepthGuard(int& d, const std::string& pointer) : depth(d) {
    if (++depth > 64) schema_fail("", pointer, "the schema nests (or refers) deeper than 64 levels at " + pointer);
  }
  ~DepthGuard() { --depth; }
};

}  // namespace

void schema_fail(const std::string& keyword, const std::string& pointer, const std::string& message) {
  throw SchemaError(keyword, pointer, message);
}

void schema_unsatisfiable(const std::string& keyword, const std::string& pointer, const std::string& message) {
  throw SchemaError(keyword, pointer, message, true);
}

std::string pointer_child(const std::string& pointer, const std::string& token) {
  std::string t;
  for (char c : token) {
    if (c == '~') t += "~0";
    else if (c == '/') t += "~1";
    else t += c;
  }
  return pointer + "/" + t;
}

std::string at_pointer(const std::string& pointer) { return pointer.empty() ? "the top level" : pointer; }

std::pair<const Json*, std::string> JsonSchemaRules::Compiler::resolve(const std::string& ref,
                                                                       const std::string& pointer) const {
  if (ref.empty() || ref[0] != '#')
    schema_fail("$ref", pointer,
                "$ref '" + ref + "' at " + at_pointer(pointer) + " is not a local reference (#/...); only those are supported");
  const Json* at = &document_;
  std::string resolved;
  size_t i = 1;
  if (i < ref.size() && ref[i] != '/')
    schema_fail("$ref", pointer, "$ref '" + ref + "' at " + at_pointer(pointer) + " names an anchor; only JSON pointers are supported");
  while (i < ref.size()) {
    size_t next = ref.find('/', i + 1);
    if (next == std::string::npos) next = ref.size();
    const std::string token = unescape_pointer_token(ref.substr(i + 1, next - i - 1), ref, pointer);
    const Json* child = nullptr;
    if (at->is_object() && at->contains(token)) {
      child = &(*at)[token];
    } else if (at->is_array() && !token.empty() && std::all_of(token.begin(), token.end(), ::isdigit) &&
               token.size() < 10 && std::stoul(token) < at->size()) {
      child = &(*at)[std::stoul(token)];
    }
    if (!child) schema_fail("$ref", pointer, "$ref '" + ref + "' at " + at_pointer(pointer) + " names nothing in the schema");
    at = child;
    resolved = pointer_child(resolved, token);
    i = next;
  }
  return {at, resolved};
}

std::string JsonSchemaRules::Compiler::reserve(const std::string& hint) {
  std::string base = prefix_;
  for (char c : hint) base += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  std::string name = base;
  for (int n = 2; defined_.count(name); ++n) name = base + "-" + std::to_string(n);
  defined_.insert(name);
  return name;
}

Expr JsonSchemaRules::Compiler::define(const std::string& hint, Expr body) {
  const std::string name = reserve(hint);
  add_rule(name, std::move(body));
  return ref(name);
}

Expr JsonSchemaRules::Compiler::reference(const std::string& target, const std::string& pointer) {
  auto [schema, resolved] = resolve(target, pointer);
  auto it = ref_rules_.find(resolved);
  if (it != ref_rules_.end()) return ref(it->second);
  // Name the rule before compiling its body, so a recursive schema refers back to it.
  const std::string name = reserve("ref" + resolved);
  ref_rules_[resolved] = name;
  Expr body = value(*schema, resolved);
  add_rule(name, std::move(body));
  return ref(name);
}

Expr JsonSchemaRules::Compiler::value(const Json& schema, const std::string& pointer) {
  DepthGuard guard(depth_, pointer);
  if (schema.is_boolean()) {
    if (schema.get<bool>()) return any_value();
    schema_unsatisfiable("false", pointer, "the schema at " + at_pointer(pointer) + " is false: no value can validate");
  }
  if (!schema.is_object())
    schema_fail("", pointer, "the schema at " + at_pointer(pointer) + " must be an object or a boolean");
  for (auto it = schema.begin(); it != schema.end(); ++it)
    if (!is_annotation(it.key()) && !known_keyword(it.key()))
      schema_fail(it.key(), pointer, "unsupported JSON schema keyword '" + it.key() + "' at " + at_pointer(pointer));

  const Json rest = constraints(schema);
  if (rest.contains("$ref") && rest.size() == 1) return reference(rest["$ref"].is_string() ? rest["$ref"].get<std::string>() : "", pointer);
  if (rest.contains("$ref") || rest.contains("allOf")) {
    if (rest.contains("$ref") && !rest["$ref"].is_string())
      schema_fail("$ref", pointer, "$ref at " + at_pointer(pointer) + " must be a string");
    Json members = Json::array();
    Json siblings = rest;
    if (rest.contains("allOf")) {
      if (!rest["allOf"].is_array() || rest["allOf"].empty())
        schema_fail("allOf", pointer, "allOf at " + at_pointer(pointer) + " must be a non-empty array");
      members = rest["allOf"];
      siblings.erase("allOf");
    }
    if (siblings.contains("$ref")) {
      members.push_back(Json{{"$ref", siblings["$ref"]}});
      siblings.erase("$ref");
    }
    if (!siblings.empty()) members.push_back(siblings);
    return value(merge_all_of(members, pointer), pointer);
  }
  for (const char* key : {"anyOf", "oneOf"}) {
    if (!rest.contains(key)) continue;
    const Json& alts = rest[key];
    const std::string p = pointer_child(pointer, key);
    if (!alts.is_array() || alts.empty())
      schema_fail(key, pointer, std::string(key) + " at " + at_pointer(pointer) + " must be a non-empty array");
    if (rest.contains("anyOf") && rest.contains("oneOf"))
      schema_fail("oneOf", pointer, "anyOf and oneOf together at " + at_pointer(pointer) + " are not supported");
    Json siblings = rest;
    siblings.erase(key);
    std::vector<Expr> options;
    std::optional<SchemaError> dropped;
    for (size_t i = 0; i < alts.size(); ++i) {
      const std::string pi = pointer_child(p, std::to_string(i));
      try {
        // Keywords beside anyOf apply to every alternative.
        if (siblings.empty()) options.push_back(value(alts[i], pi));
        else options.push_back(value(merge_all_of(Json::array({siblings, alts[i]}), pi), pi));
      } catch (const SchemaError& e) {
        if (!e.unsatisfiable()) throw;
        dropped = e;  // an alternative no value satisfies adds nothing
      }
    }
    if (options.empty()) throw *dropped;
    return choice(std::move(options));
  }
  if (rest.contains("const") || rest.contains("enum")) {
    const char* keyword = rest.contains("const") ? "const" : "enum";
    Json values = Json::array();
    if (rest.contains("const")) values.push_back(rest["const"]);
    else values = rest["enum"];
    if (!values.is_array() || values.empty())
      schema_fail(keyword, pointer, std::string(keyword) + " at " + at_pointer(pointer) + " must be a non-empty array");
    Json others = rest;
    others.erase(keyword);
    return literals(values, others, pointer, keyword);
  }

  std::vector<std::string> types;
  if (rest.contains("type")) {
    const Json& t = rest["type"];
    if (t.is_string()) types.push_back(t.get<std::string>());
    else if (t.is_array() && !t.empty())
      for (const Json& e : t) {
        if (!e.is_string()) schema_fail("type", pointer, "type at " + at_pointer(pointer) + " must hold strings");
        types.push_back(e.get<std::string>());
      }
    else schema_fail("type", pointer, "type at " + at_pointer(pointer) + " must be a string or a non-empty array");
  } else {
    // No type: the keywords say which types they constrain (a value of another type would
    // validate too; generating only the described types is the narrower choice).
    auto has_any = [&](const std::set<std::string>& keys) {
      return std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return rest.contains(k); });
    };
    if (has_any(kObjectKeywords)) types.push_back("object");
    if (has_any(kArrayKeywords)) types.push_back("array");
    if (has_any(kStringKeywords)) types.push_back("string");
    if (has_any(kNumberKeywords)) types.push_back("number");
    if (types.empty()) return any_value();
  }
  if (rest.contains("nullable")) {
    if (!rest["nullable"].is_boolean()) schema_fail("nullable", pointer, "nullable at " + at_pointer(pointer) + " must be a boolean");
    if (rest["nullable"].get<bool>() && std::find(types.begin(), types.end(), "null") == types.end()) types.push_back("null");
  }
  std::vector<Expr> options;
  for (const std::string& t : types) options.push_back(typed(t, rest, pointer));
  return choice(std::move(options));
}

Expr JsonSchemaRules::Compiler::typed(const std::string& type, const Json& schema, const std::string& pointer) {
  if (syntax_ == LiteralSyntax::raw && type != "string")
    schema_fail("type", pointer, "a raw-text value at " + at_pointer(pointer) + " must be a string, not " + type);
  if (type == "null") return literal(syntax_ == LiteralSyntax::python ? "None" : "null");
  if (type == "boolean") return json_boolean();
  if (type == "object") return object(schema, pointer);
  if (type == "array") return array(schema, pointer);
  if (type == "string") return string(schema, pointer);
  if (type == "number") return numeric(false, schema, pointer);
  if (type == "integer") return numeric(true, schema, pointer);
  schema_fail("type", pointer, "unknown type '" + type + "' at " + at_pointer(pointer));
}

Expr JsonSchemaRules::Compiler::literals(const Json& values, const Json& rest, const std::string& pointer,
                                         const char* keyword) {
  // With other keywords beside the list, keep the values the rest of the schema admits: its
  // grammar decides (the value's JSON text must match it).
  std::unique_ptr<Automaton> check;
  if (!rest.empty()) {
    Compiler sub(document_, prefix_, syntax_);
    Expr e = sub.value(rest, pointer);
    sub.rules_.push_back({prefix_ + "check-root", std::move(e), {}});
    check = std::make_unique<Automaton>(std::make_shared<const Grammar>(Grammar::compile(sub.rules_, prefix_ + "check-root")));
  }
  std::vector<Expr> options;
  for (const Json& v : values) {
    const std::string text = literal_text(v);
    if (check) {
      Automaton::StateId s = check->start();
      for (unsigned char c : text)
        if ((s = check->step(s, c)) == Automaton::kDead) break;
      if (!check->can_end(s)) continue;
    }
    options.push_back(literal(text));
  }
  if (options.empty())
    schema_unsatisfiable(keyword, pointer, std::string("no value of ") + keyword + " at " + at_pointer(pointer) +
                                               " satisfies the rest of its schema");
  return choice(std::move(options));
}

// A JSON string key that is none of `keys`, written without escapes (so that no other spelling of
// a known key slips through: a duplicate key would override the value its schema checked). A
// trie of the keys: at each node the key may end (unless a known key ends there), go on to a
// child, or leave the trie with any other character.
Expr JsonSchemaRules::Compiler::key_other_than(const std::vector<std::string>& keys) {
  struct Node {
    std::map<char32_t, size_t> children;
    bool is_key = false;
  };
  std::vector<Node> trie(1);
  for (const std::string& k : keys) {
    size_t node = 0;
    for (size_t i = 0; i < k.size();) {
      const char32_t cp = next_code_point(k, i);  // keys come from parsed JSON: valid UTF-8
      auto [it, fresh] = trie[node].children.emplace(cp, trie.size());
      if (fresh) trie.emplace_back();
      node = it->second;
    }
    trie[node].is_key = true;
  }
  const std::vector<CodePointRange> safe = complement_ranges(normalize_ranges({{0, 0x1F}, {'"', '"'}, {'\\', '\\'}}));
  const Expr safe_tail = seq({star(chars(safe)), literal("\"")});
  std::vector<std::string> names;
  for (size_t i = 0; i < trie.size(); ++i) names.push_back(reserve("key-" + std::to_string(i)));
  for (size_t i = 0; i < trie.size(); ++i) {
    std::vector<Expr> alts;
    if (!trie[i].is_key) alts.push_back(literal("\""));
    std::vector<CodePointRange> taken;
    for (const auto& [cp, child] : trie[i].children) {
      std::string s;
      append_utf8(s, cp);
      alts.push_back(seq({literal(s), ref(names[child])}));
      taken.push_back({cp, cp});
    }
    std::vector<CodePointRange> leave;
    for (const CodePointRange& a : safe)
      for (const CodePointRange& b : complement_ranges(normalize_ranges(taken)))
        if (std::max(a.lo, b.lo) <= std::min(a.hi, b.hi)) leave.push_back({std::max(a.lo, b.lo), std::min(a.hi, b.hi)});
    if (!leave.empty()) alts.push_back(seq({chars(leave), safe_tail}));
    add_rule(names[i], choice(std::move(alts)));
  }
  return seq({literal("\""), ref(names[0])});
}

Expr JsonSchemaRules::Compiler::object(const Json& schema, const std::string& pointer) {
  const Json empty = Json::object();
  const Json& props = schema.contains("properties") ? schema["properties"] : empty;
  if (!props.is_object()) schema_fail("properties", pointer, "properties at " + at_pointer(pointer) + " must be an object");
  std::vector<std::string> required;
  if (schema.contains("required")) {
    const Json& r = schema["required"];
    if (!r.is_array()) schema_fail("required", pointer, "required at " + at_pointer(pointer) + " must be an array of strings");
    for (const Json& k : r) {
      if (!k.is_string()) schema_fail("required", pointer, "required at " + at_pointer(pointer) + " must be an array of strings");
      if (std::find(required.begin(), required.end(), k.get<std::string>()) == required.end())
        required.push_back(k.get<std::string>());
    }
  }
  // Without additionalProperties, an object with properties takes no others (see the header).
  const Json additional = schema.contains("additionalProperties") ? schema["additionalProperties"] : Json(props.empty());
  if (!additional.is_boolean() && !additional.is_object())
    schema_fail("additionalProperties", pointer, "additionalProperties at " + at_pointer(pointer) + " must be a boolean or a schema");
  const bool extras = !(additional.is_boolean() && !additional.get<bool>());
  const std::string ap = pointer_child(pointer, "additionalProperties");

  // Each member: key ws ":" ws value ws.
  auto member = [&](const std::string& key, Expr value_expr) {
    return define("member-" + key, seq({literal(literal_text(Json(key))), ws(), literal(":"), ws(), std::move(value_expr), ws()}));
  };
  std::vector<Member> members;
  std::vector<std::string> known;
  for (auto it = props.begin(); it != props.end(); ++it) {
    known.push_back(it.key());
    const bool req = std::find(required.begin(), required.end(), it.key()) != required.end();
    const std::string p = pointer_child(pointer_child(pointer, "properties"), it.key());
    if (it.value().is_boolean() && !it.value().get<bool>()) {
      if (req) schema_fail("required", pointer, "required property '" + it.key() + "' at " + at_pointer(pointer) + " has the schema false");
      continue;  // the property must be absent
    }
    members.push_back({member(it.key(), value(it.value(), p)), req});
  }
  for (const std::string& key : required) {
    if (props.contains(key)) continue;
    if (!extras)
      schema_fail("required", pointer, "required property '" + key + "' at " + at_pointer(pointer) +
                                           " is not in properties and additionalProperties is false");
    known.push_back(key);
    members.push_back({member(key, value(additional, ap)), true});
  }
  std::optional<Expr> extra;
  if (extras) {
    Expr key = known.empty() ? any_string() : key_other_than(known);
    extra = define("extra-member", seq({std::move(key), ws(), literal(":"), ws(), value(additional, ap), ws()}));
  }

  return seq({literal("{"), ws(), member_chain(members, extra, seq({literal(","), ws()})), literal("}")});
}

// Members in order, each optional one skippable, separators only between present ones:
//   first(i) ::= m_i rest(i+1) | first(i+1)   (the | only when m_i is optional)
//   rest(i)  ::= sep m_i rest(i+1)            (optional m_i: (sep m_i)? rest(i+1))
// with first(n) the extra members alone and rest(n) the extra members after a separator.
Expr JsonSchemaRules::Compiler::member_chain(const std::vector<Member>& members, const std::optional<Expr>& extra,
                                             const Expr& sep) {
  Expr first = extra ? optional(seq({*extra, star(seq({sep, *extra}))})) : seq({});
  Expr rest = extra ? star(seq({sep, *extra})) : seq({});
  for (size_t i = members.size(); i-- > 0;) {
    const Expr tail = define("rest", rest);
    const Expr here = seq({members[i].rule, tail});
    const Expr with_sep = seq({sep, members[i].rule});
    rest = members[i].required ? seq({with_sep, tail}) : seq({optional(with_sep), tail});
    first = members[i].required ? here : choice({here, define("first", first)});
  }
  return first;
}

Expr JsonSchemaRules::Compiler::array(const Json& schema, const std::string& pointer) {
  auto count = [&](const char* key, uint64_t def) -> uint64_t {
    if (!schema.contains(key)) return def;
    const Json& v = schema[key];
    if (!v.is_number_integer() || v.get<int64_t>() < 0)
      schema_fail(key, pointer, std::string(key) + " at " + at_pointer(pointer) + " must be a non-negative integer");
    return v.get<uint64_t>();
  };
  if (schema.contains("uniqueItems") && !(schema["uniqueItems"].is_boolean() && !schema["uniqueItems"].get<bool>()))
    schema_fail("uniqueItems", pointer, "uniqueItems at " + at_pointer(pointer) + " cannot be enforced by a grammar");
  const uint64_t kUnbounded = UINT64_MAX;
  const uint64_t min_items = count("minItems", 0);
  uint64_t max_items = count("maxItems", kUnbounded);

  // Positional items: prefixItems, or (before 2020-12) an array `items` with additionalItems.
  Json prefix = Json::array();
  std::string prefix_key = "prefixItems";
  Json rest = true;
  std::string rest_pointer = pointer_child(pointer, "items");
  if (schema.contains("prefixItems")) {
    prefix = schema["prefixItems"];
    rest = schema.contains("items") ? schema["items"] : Json(false);
  } else if (schema.contains("items") && schema["items"].is_array()) {
    prefix = schema["items"];
    prefix_key = "items";
    rest = schema.contains("additionalItems") ? schema["additionalItems"] : Json(false);
    rest_pointer = pointer_child(pointer, "additionalItems");
  } else if (schema.contains("items")) {
    rest = schema["items"];
  }
  if (!prefix.is_array()) schema_fail(prefix_key, pointer, prefix_key + " at " + at_pointer(pointer) + " must be an array");
  if (schema.contains("additionalItems") && prefix_key != "items")
    schema_fail("additionalItems", pointer, "additionalItems at " + at_pointer(pointer) + " needs an array 'items'");
  const bool more = !(rest.is_boolean() && !rest.get<bool>());
  const uint64_t k = prefix.size();
  if (!more) max_items = std::min<uint64_t>(max_items, k);
  if (min_items > max_items)
    schema_unsatisfiable("minItems", pointer, "minItems at " + at_pointer(pointer) + " exceeds the items the array may hold");
  if (max_items == 0) return seq({literal("["), ws(), literal("]")});

  auto element = [&](uint64_t i) {
    if (i < k) return seq({value(prefix[i], pointer_child(pointer_child(pointer, prefix_key), std::to_string(i))), ws()});
    return seq({value(rest, rest_pointer), ws()});
  };
  // tail(i): what follows the first i elements.
  const uint64_t fixed = std::min<uint64_t>(k, max_items);
  Expr tail = seq({});
  if (more && max_items > k) {
    const uint64_t lo = min_items > std::max<uint64_t>(k, 1) ? min_items - std::max<uint64_t>(k, 1) : 0;
    const uint64_t hi = max_items == kUnbounded ? kUnbounded : max_items - std::max<uint64_t>(k, 1);
    if (lo > 100000 || (hi != kUnbounded && hi > 100000))
      schema_fail(lo > 100000 ? "minItems" : "maxItems", pointer, "minItems/maxItems at " + at_pointer(pointer) + " beyond 100000");
    Expr item = define("item", element(k));
    tail = repeat(seq({literal(","), ws(), item}), static_cast<uint32_t>(lo),
                  hi == kUnbounded ? Expr::kUnbounded : static_cast<uint32_t>(hi));
  }
  for (uint64_t i = fixed; i-- > 1;) {
    Expr step = seq({literal(","), ws(), element(i), tail});
    tail = i >= min_items ? optional(define("tuple", step)) : define("tuple", step);
  }
  Expr body = seq({element(0), tail});
  return seq({literal("["), ws(), min_items == 0 ? optional(body) : body, literal("]")});
}

Expr JsonSchemaRules::Compiler::string(const Json& schema, const std::string& pointer) {
  auto length = [&](const char* key) -> std::optional<uint32_t> {
    if (!schema.contains(key)) return std::nullopt;
    const Json& v = schema[key];
    if (!v.is_number_integer() || v.get<int64_t>() < 0)
      schema_fail(key, pointer, std::string(key) + " at " + at_pointer(pointer) + " must be a non-negative integer");
    if (v.get<int64_t>() > 100000) schema_fail(key, pointer, std::string(key) + " at " + at_pointer(pointer) + " beyond 100000");
    return static_cast<uint32_t>(v.get<int64_t>());
  };
  const auto min = length("minLength"), max = length("maxLength");
  const bool lengths = min || max;
  if (schema.contains("format")) {
    if (!schema["format"].is_string()) schema_fail("format", pointer, "format at " + at_pointer(pointer) + " must be a string");
    if (lengths || schema.contains("pattern"))
      schema_fail(schema.contains("pattern") ? "pattern" : min ? "minLength" : "maxLength", pointer,
                  "format together with pattern or minLength/maxLength at " + at_pointer(pointer) + " is not supported");
    return format(schema["format"].get<std::string>(), pointer);
  }
  if (schema.contains("pattern")) {
    if (!schema["pattern"].is_string()) schema_fail("pattern", pointer, "pattern at " + at_pointer(pointer) + " must be a string");
    if (lengths)
      schema_fail(min ? "minLength" : "maxLength", pointer,
                  "pattern together with minLength/maxLength at " + at_pointer(pointer) + " is not supported");
    return pattern(schema["pattern"].get<std::string>(), pointer_child(pointer, "pattern"));
  }
  if (!lengths) return any_string();
  if (min && max && *min > *max)
    schema_unsatisfiable("minLength", pointer, "minLength at " + at_pointer(pointer) + " exceeds maxLength");
  return string_of(repeat(any_string_char(), min.value_or(0), max.value_or(Expr::kUnbounded)));
}

Expr JsonSchemaRules::Compiler::numeric(bool integer, const Json& schema, const std::string& pointer) {
  std::optional<Decimal> lo, hi;
  bool lo_open = false, hi_open = false;
  auto bound = [&](const char* key) -> std::optional<Decimal> {
    if (!schema.contains(key)) return std::nullopt;
    auto d = to_decimal(schema[key]);
    if (!d) schema_fail(key, pointer, std::string(key) + " at " + at_pointer(pointer) + " must be a finite number");
    return d;
  };
  lo = bound("minimum");
  hi = bound("maximum");
  // exclusiveMinimum: a number (draft 6 on) or a flag on minimum (draft 4).
  for (const auto& [key, b, open] : {std::tuple{"exclusiveMinimum", &lo, &lo_open}, std::tuple{"exclusiveMaximum", &hi, &hi_open}}) {
    if (!schema.contains(key)) continue;
    const Json& v = schema[key];
    if (v.is_boolean()) {
      *open = v.get<bool>() && b->has_value();
      continue;
    }
    auto d = bound(key);
    const bool is_min = std::string(key) == "exclusiveMinimum";
    // The tighter of the two bounds wins.
    if (!b->has_value() || (is_min ? compare(*d, **b) >= 0 : compare(*d, **b) <= 0)) {
      *b = d;
      *open = true;
    }
  }
  if (!lo && !hi) return integer ? any_integer() : any_number();
  return integer ? integer_in(lo, lo_open, hi, hi_open, pointer) : number_in(lo, lo_open, hi, hi_open, pointer);
}

JsonSchemaRules::JsonSchemaRules(const nlohmann::ordered_json& document, std::string prefix, LiteralSyntax syntax)
    : document_(std::make_unique<const nlohmann::ordered_json>(document)),
      impl_(std::make_unique<Compiler>(*document_, std::move(prefix), syntax)) {}
JsonSchemaRules::~JsonSchemaRules() = default;

Expr JsonSchemaRules::document() { return impl_->value(impl_->document(), ""); }
Expr JsonSchemaRules::document_object() {
  const Json& d = impl_->document();
  if (d.is_object() && d.value("type", Json()) == "object") return impl_->value(d, "");
  return impl_->value(impl_->merge_all_of(Json::array({d, Json{{"type", "object"}}}), ""), "");
}
Expr JsonSchemaRules::any_object() { return impl_->any_object(); }
std::vector<RuleDef> JsonSchemaRules::take() { return std::move(impl_->rules()); }

}  // namespace openarc::grammar

namespace openarc::grammar {

Grammar compile_json_schema(const nlohmann::ordered_json& schema) {
  JsonSchemaRules rules(schema, "");
  Expr root = rules.document();
  std::vector<RuleDef> defs = rules.take();
  defs.push_back({"root", std::move(root), {}});
  try {
    return Grammar::compile(defs, "root");
  } catch (const SchemaError&) {
    throw;
  } catch (const Error& e) {
    // The schema's own structure: a $ref that refers to itself before any value.
    throw SchemaError("$ref", "", std::string("the schema's references cannot produce a value: ") + e.what());
  }
}

Grammar json_object_grammar() {
  JsonSchemaRules rules(nlohmann::ordered_json::object(), "");
  Expr root = rules.any_object();
  std::vector<RuleDef> defs = rules.take();
  defs.push_back({"root", std::move(root), {}});
  return Grammar::compile(defs, "root");
}

}  // namespace openarc::grammar

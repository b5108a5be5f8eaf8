// allOf: every member must hold, so the members are merged into one schema keyword by keyword
// (types intersect, bounds tighten, enums intersect, required keys add up, properties merge per
// key). Object members keep JSON Schema's meaning: a member's additionalProperties judges the
// keys its own properties do not name, so {"additionalProperties": false} in one member removes
// the other members' extra keys. An anyOf inside a member is distributed over the alternatives.
// Keywords that cannot be combined (two different patterns) are refused naming allOf.
#include <algorithm>

#include "grammar/json_schema_compiler.h"

namespace openarc::grammar {

namespace {

bool is_annotation_or_container(const std::string& k) {
  static const std::set<std::string> kSkip = {"title",   "description", "examples", "example",  "default",
                                              "$schema", "$id",         "$comment", "deprecated", "readOnly",
                                              "writeOnly", "$anchor",   "$defs",    "definitions", "contentEncoding",
                                              "contentMediaType"};
  return kSkip.count(k) != 0;
}

Json types_of(const Json& schema) {
  if (!schema.contains("type")) return nullptr;
  Json t = schema["type"].is_array() ? schema["type"] : Json::array({schema["type"]});
  if (schema.value("nullable", false)) t.push_back("null");
  return t;
}

// Types in both lists ("integer" is a "number").
Json intersect_types(const Json& a, const Json& b) {
  Json out = Json::array();
  auto has = [](const Json& list, const std::string& t) {
    return std::any_of(list.begin(), list.end(), [&](const Json& e) { return e == t; });
  };
  for (const Json& t : a) {
    const std::string s = t.get<std::string>();
    if (has(b, s)) out.push_back(s);
    else if (s == "integer" && has(b, "number")) out.push_back("integer");
    else if (s == "number" && has(b, "integer")) out.push_back("integer");
  }
  Json unique = Json::array();
  for (const Json& t : out)
    if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(t);
  return unique;
}

}  // namespace

Json JsonSchemaRules::Compiler::merge_all_of(const Json& schemas, const std::string& pointer) {
  // Flatten: follow $ref, open nested allOf, drop `true`.
  // (A stack taken from the back, filled in reverse: members keep their order, which is the
  // order their properties come in.)
  std::vector<std::pair<Json, std::string>> members;
  std::vector<std::pair<Json, std::string>> pending;
  for (size_t i = schemas.size(); i-- > 0;)
    pending.push_back({schemas[i], pointer_child(pointer_child(pointer, "allOf"), std::to_string(i))});
  size_t steps = 0;
  while (!pending.empty()) {
    if (++steps > 1000) schema_fail("allOf", pointer, "allOf at " + at_pointer(pointer) + " refers around in a cycle");
    auto [m, p] = std::move(pending.back());
    pending.pop_back();
    if (m.is_boolean()) {
      if (!m.get<bool>()) schema_unsatisfiable("allOf", pointer, "allOf at " + at_pointer(pointer) + " holds the schema false");
      continue;
    }
    if (!m.is_object()) schema_fail("allOf", p, "the schema at " + at_pointer(p) + " must be an object or a boolean");
    Json own = m;
    std::vector<std::pair<Json, std::string>> inner;  // what this member brings in, in order
    if (own.contains("$ref")) {
      if (!own["$ref"].is_string()) schema_fail("$ref", p, "$ref at " + at_pointer(p) + " must be a string");
      auto [target, tp] = resolve(own["$ref"].get<std::string>(), p);
      inner.push_back({*target, tp});
      own.erase("$ref");
    }
    if (own.contains("allOf")) {
      if (!own["allOf"].is_array()) schema_fail("allOf", p, "allOf at " + at_pointer(p) + " must be an array");
      for (size_t i = 0; i < own["allOf"].size(); ++i)
        inner.push_back({own["allOf"][i], pointer_child(pointer_child(p, "allOf"), std::to_string(i))});
      own.erase("allOf");
    }
    if (inner.empty()) {
      members.push_back({std::move(own), p});
      continue;
    }
    inner.push_back({std::move(own), p});
    for (size_t i = inner.size(); i-- > 0;) pending.push_back(std::move(inner[i]));
  }

  // An anyOf/oneOf member: distribute, (A and (B or C)) = (A and B) or (A and C).
  for (size_t i = 0; i < members.size(); ++i) {
    for (const char* key : {"anyOf", "oneOf"}) {
      if (!members[i].first.contains(key)) continue;
      const Json alts = members[i].first[key];
      if (!alts.is_array() || alts.empty()) schema_fail(key, members[i].second, std::string(key) + " must be a non-empty array");
      members[i].first.erase(key);
      Json out = Json::array();
      for (const Json& alt : alts) {
        Json combined = Json::array();
        for (const auto& [m, p] : members) combined.push_back(m);
        combined.push_back(alt);
        out.push_back(merge_all_of(combined, pointer));
      }
      return Json{{"anyOf", out}};
    }
  }

  Json merged = Json::object();
  Json types = nullptr;
  std::vector<std::string> required;
  std::vector<std::pair<const Json*, const Json*>> objects;  // (properties or null, additionalProperties or null)
  std::vector<Json> items;
  std::vector<std::vector<Json>> prefix;
  std::optional<Json> enum_values;
  auto tighter = [&](const char* key, const Json& v, bool lower) {
    auto d = to_decimal(v);
    if (!d) {
      merged[key] = v;  // a bad bound: the compiler will name it
      return;
    }
    if (!merged.contains(key)) {
      merged[key] = v;
      return;
    }
    const int c = compare(*d, *to_decimal(merged[key]));
    if (lower ? c > 0 : c < 0) merged[key] = v;
  };
  static const Json kNoProperties = Json::object();  // outlives the loop: objects keeps pointers
  for (const auto& [m, p] : members) {
    const Json* props = nullptr;
    const Json* additional = nullptr;
    for (auto it = m.begin(); it != m.end(); ++it) {
      const std::string& k = it.key();
      const Json& v = it.value();
      if (is_annotation_or_container(k) || k == "nullable") continue;
      if (k == "type") {
        types = types.is_null() ? types_of(m) : intersect_types(types, types_of(m));
      } else if (k == "required") {
        if (!v.is_array()) schema_fail("required", p, "required at " + at_pointer(p) + " must be an array of strings");
        for (const Json& r : v)
          if (r.is_string() && std::find(required.begin(), required.end(), r.get<std::string>()) == required.end())
            required.push_back(r.get<std::string>());
      } else if (k == "properties") {
        props = &v;
      } else if (k == "additionalProperties") {
        additional = &v;
      } else if (k == "enum" || k == "const") {
        Json values = k == "const" ? Json::array({v}) : v;
        if (!values.is_array()) schema_fail(k, p, k + " at " + at_pointer(p) + " must be an array");
        if (!enum_values) {
          enum_values = values;
        } else {
          Json kept = Json::array();
          for (const Json& e : *enum_values)
            if (std::find(values.begin(), values.end(), e) != values.end()) kept.push_back(e);
          enum_values = kept;
        }
      } else if (k == "minimum" || k == "exclusiveMinimum" || k == "maximum" || k == "exclusiveMaximum") {
        if (v.is_boolean()) {
          if (v.get<bool>()) schema_fail(k, p, "the boolean form of " + k + " at " + at_pointer(p) + " is not supported inside allOf");
          continue;
        }
        tighter(k.c_str(), v, k == "minimum" || k == "exclusiveMinimum");
      } else if (k == "minLength" || k == "minItems") {
        if (!merged.contains(k) || (v.is_number() && merged[k].is_number() && v > merged[k])) merged[k] = v;
      } else if (k == "maxLength" || k == "maxItems") {
        if (!merged.contains(k) || (v.is_number() && merged[k].is_number() && v < merged[k])) merged[k] = v;
      } else if (k == "items" && !v.is_array()) {
        items.push_back(v);
      } else if (k == "prefixItems" || (k == "items" && v.is_array())) {
        for (size_t i = 0; i < v.size(); ++i) {
          if (prefix.size() <= i) prefix.emplace_back();
          prefix[i].push_back(v[i]);
        }
      } else if (k == "uniqueItems") {
        if (v == true || !merged.contains(k)) merged[k] = v;
      } else if (merged.contains(k) && merged[k] != v) {
        schema_fail("allOf", pointer, "allOf at " + at_pointer(pointer) + " combines two different '" + k + "'");
      } else {
        merged[k] = v;  // format, pattern, and keywords the compiler will judge
      }
    }
    if (props || additional) objects.push_back({props ? props : &kNoProperties, additional});
  }
  if (!types.is_null()) {
    if (types.empty()) schema_unsatisfiable("allOf", pointer, "the types in allOf at " + at_pointer(pointer) + " have nothing in common");
    merged["type"] = types.size() == 1 ? types[0] : types;
  }
  if (enum_values) {
    if (enum_values->empty()) schema_unsatisfiable("allOf", pointer, "the enums in allOf at " + at_pointer(pointer) + " share no value");
    merged["enum"] = *enum_values;
  }
  if (!items.empty()) merged["items"] = items.size() == 1 ? items[0] : Json{{"allOf", items}};
  if (!prefix.empty()) {
    Json p = Json::array();
    for (auto& at : prefix) p.push_back(at.size() == 1 ? at[0] : Json{{"allOf", at}});
    merged["prefixItems"] = p;
  }

  // Objects: each key is judged by every member (its properties entry, else its
  // additionalProperties, else anything).
  if (!objects.empty()) {
    std::vector<std::string> keys;
    for (const auto& [props, add] : objects)
      for (auto it = props->begin(); it != props->end(); ++it)
        if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) keys.push_back(it.key());
    Json properties = Json::object();
    for (const std::string& key : keys) {
      Json judges = Json::array();
      bool forbidden = false;
      for (const auto& [props, add] : objects) {
        if (props->contains(key)) judges.push_back((*props)[key]);
        else if (add && add->is_boolean() && !add->get<bool>()) forbidden = true;
        else if (add && !add->is_boolean()) judges.push_back(*add);
      }
      if (forbidden) {
        if (std::find(required.begin(), required.end(), key) != required.end())
          schema_unsatisfiable("allOf", pointer, "allOf at " + at_pointer(pointer) + " requires '" + key +
                                            "' but a member's additionalProperties false forbids it");
        properties[key] = false;
        continue;
      }
      properties[key] = judges.size() == 1 ? judges[0] : Json{{"allOf", judges}};
    }
    merged["properties"] = properties;
    Json extra = Json::array();
    bool closed = false;
    for (const auto& [props, add] : objects) {
      if (!add) continue;
      if (add->is_boolean()) closed = closed || !add->get<bool>();
      else extra.push_back(*add);
    }
    if (closed) merged["additionalProperties"] = false;
    else if (!extra.empty()) merged["additionalProperties"] = extra.size() == 1 ? extra[0] : Json{{"allOf", extra}};
  }
  if (!required.empty()) {
    Json r = Json::array();
    for (const std::string& k : required) r.push_back(k);
    merged["required"] = r;
  }
  return merged;
}

}  // namespace openarc::grammar

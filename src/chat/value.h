// The values a template computes with, modelled on the Python objects Jinja2 sees under
// transformers: None, bool, int, float, str, list, tuple, dict (insertion-ordered), Jinja's
// namespace, callables, and Jinja's default Undefined (prints as "", fails on use with the message
// Jinja would give). Lists and dicts are shared by reference, like Python objects.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace openarc::chat {

class Interpreter;
struct Value;
struct CallArgs;

using List = std::vector<Value>;
using Dict = std::vector<std::pair<Value, Value>>;  // insertion order, keys unique

struct Callable {
  std::string name;
  std::function<Value(Interpreter&, CallArgs&)> fn;
};

// Why a value is undefined: Jinja builds the message when the value is used, not when it is made.
struct UndefinedInfo {
  std::string message;                    // "'x' is undefined", "'dict object' has no attribute 'y'"
  const char* kind = "UndefinedError";    // or "SecurityError" for a blocked attribute
};

// Containers nest at most this deep, so printing, comparing, dumping and freeing a value never
// recurses without bound (Python would raise RecursionError near here too).
constexpr uint32_t kMaxValueDepth = 1000;

struct Value {
  enum class Kind { Undefined, None, Bool, Int, Float, String, List, Tuple, Dict, Namespace, Function };

  Kind kind = Kind::Undefined;
  bool b = false;
  uint32_t depth = 0;  // containers: 1 + the deepest element (recorded when built or assigned)
  int64_t i = 0;
  double f = 0;
  std::shared_ptr<const std::string> s;
  std::shared_ptr<List> list;         // List and Tuple
  std::shared_ptr<Dict> dict;         // Dict and Namespace
  std::shared_ptr<Callable> fn;
  std::shared_ptr<UndefinedInfo> undef;
  // Set when this list is a Python range object (start, stop, step): it prints and slices as one.
  std::shared_ptr<const std::array<int64_t, 3>> range;

  Value() = default;
  static Value undefined(std::string message, const char* kind = "UndefinedError");
  static Value none();
  static Value boolean(bool v);
  static Value integer(int64_t v);
  static Value number(double v);
  static Value string(std::string v);
  static Value make_list(List items = {});
  static Value make_tuple(List items);
  static Value make_range(int64_t start, int64_t stop, int64_t step);  // at most 100000 items (sandbox)
  static Value make_dict(Dict items = {});
  static Value make_namespace(Dict items = {});
  static Value function(std::string name, std::function<Value(Interpreter&, CallArgs&)> fn);

  bool is_undefined() const { return kind == Kind::Undefined; }
  bool is_none() const { return kind == Kind::None; }
  bool is_string() const { return kind == Kind::String; }
  bool is_int() const { return kind == Kind::Int; }
  bool is_number() const { return kind == Kind::Int || kind == Kind::Float || kind == Kind::Bool; }
  bool is_sequence() const { return kind == Kind::List || kind == Kind::Tuple; }
  bool is_mapping() const { return kind == Kind::Dict; }
  const std::string& str() const { return *s; }

  // Python's bool(x); Undefined is false.
  bool truthy() const;
  // Throws the UndefinedError this value stands for (no-op for defined values).
  void fail_if_undefined() const;

  // Dict lookup by key; nullptr when absent.
  const Value* find(const Value& key) const;
  const Value* find(const std::string& key) const;
  void set(const Value& key, Value v);  // dict or namespace; replaces or appends
};

// True if `v` is or holds a namespace (namespaces may not be stored in namespaces: that is how
// a template could build a cycle).
bool contains_namespace(const Value& v);

// Python's type(x).__name__ ("NoneType", "str", "dict" ...), used in error messages.
const char* type_name(const Value& v);
// Jinja's object_type_repr: "None", "dict object", "jinja2.utils.Namespace object" ...
std::string object_type_repr(const Value& v);

// str(x) as Jinja prints it ("" for Undefined), and repr(x) as Python writes it inside containers.
std::string to_str(const Value& v);
std::string to_repr(const Value& v);
// Python float repr: shortest round-trip digits, "1.0", "1e+16", "inf", "nan".
std::string float_repr(double d);

// Python ==, with 1 == 1.0 == True.
bool equals(const Value& a, const Value& b);

}  // namespace openarc::chat

// Renders a parsed template: evaluates expressions with Python's semantics, runs statements with
// Jinja2's scoping (a for-loop iteration and a macro call get their own frame; if does not), and
// enforces limits so a hostile template cannot run away (output size, loop iterations, call depth).
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "chat/ast.h"
#include "chat/value.h"

namespace openarc::chat {

struct CallArgs {
  std::vector<Value> pos;
  std::vector<std::pair<std::string, Value>> kw;
};

// Python-style argument binding for builtins: positional first, then keywords by name.
class Args {
 public:
  Args(const CallArgs& call, const char* function, std::vector<const char*> names);
  bool has(size_t index) const { return bound_[index] != nullptr; }
  const Value& get(size_t index) const;  // throws TypeError naming the function when absent
  Value get(size_t index, Value fallback) const { return has(index) ? *bound_[index] : std::move(fallback); }
  std::vector<Value> rest() const { return rest_; }  // positionals past the named ones (*args)

 private:
  std::string function_;
  std::vector<const char*> names_;
  std::vector<const Value*> bound_;
  std::vector<Value> rest_;
};

struct RenderLimits {
  size_t max_output_bytes = 64u << 20;
  int64_t max_loop_iterations = 10'000'000;  // summed over every loop of one render
  int max_call_depth = 100;                  // nested macro / caller / filter calls
};

struct Frame {
  std::unordered_map<std::string, Value> vars;
  std::shared_ptr<Frame> parent;
};

class Interpreter {
 public:
  Interpreter(RenderLimits limits, std::time_t now, bool fixed_now);

  // Renders `body` with `variables` (a dict) as the template context.
  std::string render(const Body& body, const Value& variables);

  // Expression evaluation and the operations filters, tests and methods reuse.
  Value eval(const Expr& e);
  Value call(const Value& callee, CallArgs& args);
  Value get_attr(const Value& obj, const std::string& name);
  Value get_item(const Value& obj, const Value& key);
  Value apply_filter(const std::string& name, const Value& input, CallArgs& args);
  bool apply_test(const std::string& name, const Value& input, CallArgs& args);
  bool has_filter(const std::string& name) const;
  bool has_test(const std::string& name) const;
  // Items of an iterable as Jinja's for sees them (dict -> keys, str -> characters).
  List iterate(const Value& v);

  std::time_t now() const { return now_; }
  bool fixed_now() const { return fixed_now_; }
  void count_iterations(int64_t n);

 private:
  enum class Flow { Normal, Break, Continue };

  RenderLimits limits_;
  std::time_t now_;
  bool fixed_now_;
  std::shared_ptr<Frame> frame_;
  std::unordered_map<std::string, Value> globals_;
  std::string* out_ = nullptr;
  int64_t iterations_ = 0;
  int call_depth_ = 0;
  std::vector<Value> filter_inputs_;  // the text a filter block feeds its chain

  Flow exec(const Body& body);
  Flow exec_stmt(const Stmt& s);
  Flow exec_for(const Stmt& s);
  void exec_macro(const Stmt& s);
  void exec_call_block(const Stmt& s);
  std::string capture(const Body& body, const std::shared_ptr<Frame>& frame);
  void assign(const Target& target, const Value& v);
  void write(const std::string& text);
  Value lookup(const std::string& name) const;
  Value eval_call(const Expr& e);
  Value eval_filter(const Expr& e);
  Value eval_getitem(const Expr& e);
  CallArgs eval_args(const Expr& e);
  Value make_macro(const Stmt& s, std::shared_ptr<Frame> defined_in, const std::string& name);
  void install_globals();

  friend struct CallDepthGuard;
};

// Python semantics of the operators (operators.cpp).
Value binary_op(const std::string& op, const Value& a, const Value& b);
bool compare_op(const std::string& op, const Value& a, const Value& b);
Value unary_minus(const Value& v, bool negate);
bool contains(const Value& container, const Value& item);
// Python's a < b for sorting (numbers, strings, sequences); throws TypeError otherwise.
bool less_than(const Value& a, const Value& b);

// Method tables (methods.cpp): Python methods of str, list and dict that the sandbox allows.
// Returns nullopt when `obj` has no such attribute.
std::optional<Value> bound_method(const Value& obj, const std::string& name);

// Builtin filter and test tables (filters.cpp, tests.cpp).
using FilterFn = Value (*)(Interpreter&, const Value&, CallArgs&);
using TestFn = bool (*)(Interpreter&, const Value&, CallArgs&);
const std::unordered_map<std::string, FilterFn>& builtin_filters();
const std::unordered_map<std::string, TestFn>& builtin_tests();

// Python's json.dumps(x, ensure_ascii=False, indent=indent) as transformers' tojson calls it.
std::string to_json(const Value& v, int indent, bool sort_keys = false);

// Globals (globals.cpp): range, namespace, dict, raise_exception, strftime_now.
void add_builtin_globals(std::unordered_map<std::string, Value>& globals);
std::string py_strftime(const std::string& format, std::time_t t, bool utc_fields);

}  // namespace openarc::chat

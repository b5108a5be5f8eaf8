// Statements: output, if, for (with loop.*, loop filters and else), set (names, tuples, ns.attr),
// set blocks, macros, call blocks, filter blocks and loop controls.
#include "chat/interpreter.h"

#include "chat/error.h"
#include "chat/py_string.h"

namespace openarc::chat {

Args::Args(const CallArgs& call, const char* function, std::vector<const char*> names)
    : function_(function), names_(std::move(names)), bound_(names_.size(), nullptr) {
  for (size_t k = 0; k < call.pos.size(); ++k) {
    if (k < names_.size()) bound_[k] = &call.pos[k];
    else rest_.push_back(call.pos[k]);
  }
  for (const auto& [key, value] : call.kw) {
    size_t k = 0;
    while (k < names_.size() && key != names_[k]) ++k;
    if (k == names_.size()) raise("TypeError", function_, "() got an unexpected keyword argument '", key, "'");
    if (bound_[k]) raise("TypeError", function_, "() got multiple values for argument '", key, "'");
    bound_[k] = &value;
  }
}

const Value& Args::get(size_t index) const {
  if (!bound_[index])
    raise("TypeError", function_, "() missing required argument '", names_[index], "' (pos ", index + 1, ")");
  return *bound_[index];
}

struct CallDepthGuard {
  Interpreter& in;
  explicit CallDepthGuard(Interpreter& interp) : in(interp) {
    if (++in.call_depth_ > in.limits_.max_call_depth)
      raise("TemplateRuntimeError", "template calls nested deeper than ", in.limits_.max_call_depth,
            " levels (runaway recursion?)");
  }
  ~CallDepthGuard() { --in.call_depth_; }
};

Interpreter::Interpreter(RenderLimits limits, std::time_t now, bool fixed_now)
    : limits_(limits), now_(now), fixed_now_(fixed_now) {
  add_builtin_globals(globals_);
}

std::string Interpreter::render(const Body& body, const Value& variables) {
  frame_ = std::make_shared<Frame>();
  if (variables.is_mapping())
    for (const auto& [k, v] : *variables.dict)
      if (k.is_string()) frame_->vars[k.str()] = v;
  std::string out;
  out_ = &out;
  iterations_ = 0;
  call_depth_ = 0;
  exec(body);
  out_ = nullptr;
  return out;
}

void Interpreter::write(const std::string& text) {
  if (out_->size() + text.size() > limits_.max_output_bytes)
    raise("TemplateRuntimeError", "template output exceeds ", limits_.max_output_bytes, " bytes");
  out_->append(text);
}

void Interpreter::count_iterations(int64_t n) {
  iterations_ += n;
  if (iterations_ > limits_.max_loop_iterations)
    raise("TemplateRuntimeError", "template ran more than ", limits_.max_loop_iterations, " loop iterations");
}

Value Interpreter::lookup(const std::string& name) const {
  for (const Frame* f = frame_.get(); f; f = f->parent.get()) {
    auto it = f->vars.find(name);
    if (it != f->vars.end()) return it->second;
  }
  auto g = globals_.find(name);
  if (g != globals_.end()) return g->second;
  return Value::undefined(cat("'", name, "' is undefined"));
}

Interpreter::Flow Interpreter::exec(const Body& body) {
  for (const auto& s : body) {
    Flow f = exec_stmt(*s);
    if (f != Flow::Normal) return f;
  }
  return Flow::Normal;
}

std::string Interpreter::capture(const Body& body, const std::shared_ptr<Frame>& frame) {
  std::string buffer;
  std::string* saved_out = out_;
  auto saved_frame = frame_;
  out_ = &buffer;
  frame_ = frame;
  try {
    exec(body);
  } catch (...) {
    out_ = saved_out;
    frame_ = saved_frame;
    throw;
  }
  out_ = saved_out;
  frame_ = saved_frame;
  return buffer;
}

void Interpreter::assign(const Target& target, const Value& v) {
  if (!target.attr.empty()) {
    Value ns = lookup(target.names[0]);
    if (ns.kind != Value::Kind::Namespace)
      raise("TemplateRuntimeError", "cannot assign attribute on non-namespace object");
    if (contains_namespace(v))
      raise("TemplateRuntimeError", "a namespace cannot hold another namespace (it could hold itself)");
    ns.set(Value::string(target.attr), v);
    return;
  }
  if (!target.tuple) {
    frame_->vars[target.names[0]] = v;
    return;
  }
  List items = iterate(v);
  size_t want = target.names.size();
  if (items.size() < want)
    raise("ValueError", "not enough values to unpack (expected ", want, ", got ", items.size(), ")");
  if (items.size() > want) raise("ValueError", "too many values to unpack (expected ", want, ")");
  for (size_t k = 0; k < want; ++k) frame_->vars[target.names[k]] = items[k];
}

Interpreter::Flow Interpreter::exec_stmt(const Stmt& s) {
  switch (s.kind) {
    case Stmt::Kind::Output: write(s.text); return Flow::Normal;
    case Stmt::Kind::Print: write(to_str(eval(*s.expr))); return Flow::Normal;
    case Stmt::Kind::If:
      for (const auto& [cond, body] : s.branches)
        if (eval(*cond).truthy()) return exec(body);
      return exec(s.else_body);
    case Stmt::Kind::For: return exec_for(s);
    case Stmt::Kind::Set: assign(s.target, eval(*s.expr)); return Flow::Normal;
    case Stmt::Kind::SetBlock: {
      CallDepthGuard guard(*this);
      // The block body runs in the current scope, as Jinja's does.
      Value text = Value::string(capture(s.body, frame_));
      if (s.filter) {
        filter_inputs_.push_back(text);
        struct Pop {
          std::vector<Value>& v;
          ~Pop() { v.pop_back(); }
        } pop{filter_inputs_};
        text = eval(*s.filter);
      }
      assign(s.target, text);
      return Flow::Normal;
    }
    case Stmt::Kind::Macro: exec_macro(s); return Flow::Normal;
    case Stmt::Kind::CallBlock: exec_call_block(s); return Flow::Normal;
    case Stmt::Kind::FilterBlock: {
      CallDepthGuard guard(*this);
      Value text = Value::string(capture(s.body, frame_));
      filter_inputs_.push_back(text);
      struct Pop {
        std::vector<Value>& v;
        ~Pop() { v.pop_back(); }
      } pop{filter_inputs_};
      write(to_str(eval(*s.filter)));
      return Flow::Normal;
    }
    case Stmt::Kind::Generation: return exec(s.body);
    case Stmt::Kind::Break: return Flow::Break;
    case Stmt::Kind::Continue: return Flow::Continue;
  }
  return Flow::Normal;
}

Interpreter::Flow Interpreter::exec_for(const Stmt& s) {
  List source = iterate(eval(*s.expr));
  auto outer = frame_;
  // A loop filter (`for x in xs if cond`) sees the loop variable but not `loop`.
  List items;
  if (s.filter) {
    for (const Value& item : source) {
      count_iterations(1);
      frame_ = std::make_shared<Frame>(Frame{{}, outer});
      try {
        assign(s.target, item);
        if (eval(*s.filter).truthy()) items.push_back(item);
      } catch (...) {
        frame_ = outer;
        throw;
      }
      frame_ = outer;
    }
  } else {
    items = std::move(source);
  }
  const int64_t n = static_cast<int64_t>(items.size());
  for (int64_t k = 0; k < n; ++k) {
    count_iterations(1);
    frame_ = std::make_shared<Frame>(Frame{{}, outer});
    Flow flow;
    try {
      Dict loop;
      auto put = [&](const char* key, Value v) { loop.emplace_back(Value::string(key), std::move(v)); };
      put("index", Value::integer(k + 1));
      put("index0", Value::integer(k));
      put("revindex", Value::integer(n - k));
      put("revindex0", Value::integer(n - k - 1));
      put("first", Value::boolean(k == 0));
      put("last", Value::boolean(k == n - 1));
      put("length", Value::integer(n));
      put("depth", Value::integer(1));
      put("depth0", Value::integer(0));
      if (k > 0) put("previtem", items[k - 1]);
      if (k + 1 < n) put("nextitem", items[k + 1]);
      put("cycle", Value::function("cycle", [k](Interpreter&, CallArgs& a) -> Value {
            if (a.pos.empty()) raise("TypeError", "no items for cycling given");
            return a.pos[static_cast<size_t>(k) % a.pos.size()];
          }));
      frame_->vars["loop"] = Value::make_dict(std::move(loop));
      assign(s.target, items[k]);
      flow = exec(s.body);
    } catch (...) {
      frame_ = outer;
      throw;
    }
    frame_ = outer;
    if (flow == Flow::Break) break;
  }
  if (n == 0) return exec(s.else_body);
  return Flow::Normal;
}

Value Interpreter::make_macro(const Stmt& s, std::shared_ptr<Frame> defined_in, const std::string& name) {
  const Stmt* macro = &s;
  // The macro is stored in the frame it closes over, so it holds that frame weakly (no cycle).
  std::weak_ptr<Frame> scope = defined_in;
  return Value::function(name, [macro, scope, name](Interpreter& in, CallArgs& args) -> Value {
    CallDepthGuard guard(in);
    std::shared_ptr<Frame> parent = scope.lock();
    if (!parent) raise("TemplateRuntimeError", "macro '", name, "' was called after the scope that defined it ended");
    auto frame = std::make_shared<Frame>(Frame{{}, parent});
    const auto& params = macro->params;
    if (args.pos.size() > params.size())
      raise("TypeError", "macro '", name, "' takes not more than ", params.size(), " argument(s)");
    std::vector<bool> given(params.size(), false);
    for (size_t k = 0; k < args.pos.size(); ++k) {
      frame->vars[params[k].name] = args.pos[k];
      given[k] = true;
    }
    for (auto& [key, value] : args.kw) {
      if (key == "caller") {
        frame->vars["caller"] = value;
        continue;
      }
      size_t k = 0;
      while (k < params.size() && params[k].name != key) ++k;
      if (k == params.size()) raise("TypeError", "macro '", name, "' takes no keyword argument '", key, "'");
      if (given[k]) raise("TypeError", "macro '", name, "' got multiple values for argument '", key, "'");
      frame->vars[key] = value;
      given[k] = true;
    }
    // Defaults are evaluated in the macro's own frame, left to right.
    auto saved = in.frame_;
    in.frame_ = frame;
    try {
      for (size_t k = 0; k < params.size(); ++k) {
        if (given[k]) continue;
        frame->vars[params[k].name] = params[k].default_value
                                          ? in.eval(*params[k].default_value)
                                          : Value::undefined(cat("parameter '", params[k].name, "' was not provided"));
      }
    } catch (...) {
      in.frame_ = saved;
      throw;
    }
    in.frame_ = saved;
    return Value::string(in.capture(macro->body, frame));
  });
}

void Interpreter::exec_macro(const Stmt& s) { frame_->vars[s.text] = make_macro(s, frame_, s.text); }

void Interpreter::exec_call_block(const Stmt& s) {
  // `caller` renders the block body with the call block's parameters, in the calling scope.
  const Stmt* block = &s;
  auto defined_in = frame_;
  Value caller = Value::function("caller", [block, defined_in](Interpreter& in, CallArgs& args) -> Value {
    CallDepthGuard guard(in);
    auto frame = std::make_shared<Frame>(Frame{{}, defined_in});
    const auto& params = block->params;
    if (args.pos.size() > params.size())
      raise("TypeError", "macro 'caller' takes not more than ", params.size(), " argument(s)");
    for (size_t k = 0; k < params.size(); ++k) {
      const Value* v = k < args.pos.size() ? &args.pos[k] : nullptr;
      for (auto& [key, value] : args.kw)
        if (key == params[k].name) v = &value;
      if (v) {
        frame->vars[params[k].name] = *v;
      } else if (params[k].default_value) {
        auto saved = in.frame_;
        in.frame_ = frame;
        Value d;
        try {
          d = in.eval(*params[k].default_value);
        } catch (...) {
          in.frame_ = saved;
          throw;
        }
        in.frame_ = saved;
        frame->vars[params[k].name] = d;
      } else {
        frame->vars[params[k].name] = Value::undefined(cat("parameter '", params[k].name, "' was not provided"));
      }
    }
    return Value::string(in.capture(block->body, frame));
  });
  const Expr& call_expr = *s.expr;
  Value callee = eval(*call_expr.a);
  CallArgs args = eval_args(call_expr);
  args.kw.emplace_back("caller", caller);
  write(to_str(call(callee, args)));
}

}  // namespace openarc::chat

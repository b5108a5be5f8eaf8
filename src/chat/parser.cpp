#include "chat/parser.h"

#include <initializer_list>

#include "chat/error.h"
#include "chat/interpreter.h"

namespace openarc::chat {
namespace {

constexpr int kMaxDepth = 200;  // nesting of expressions and blocks; guards the C++ stack

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {}

  Body parse_all() {
    Body body = subparse({});
    if (cur().type != TokenType::Eof) fail_here("unexpected end tag");
    return body;
  }

 private:
  std::vector<Token> toks_;
  size_t p_ = 0;
  int depth_ = 0;
  int loop_depth_ = 0;
  std::vector<std::string> open_blocks_;

  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.depth_ > kMaxDepth) p.fail_here(cat("template nesting deeper than ", kMaxDepth, " levels"));
    }
    ~DepthGuard() { --p.depth_; }
  };

  const Token& cur() const { return toks_[p_]; }
  const Token& peek(size_t n = 1) const { return toks_[std::min(p_ + n, toks_.size() - 1)]; }
  const Token& next() {
    const Token& t = toks_[p_];
    if (p_ + 1 < toks_.size()) ++p_;
    return t;
  }

  [[noreturn]] void fail_at(const Token& t, const std::string& message) {
    raise("TemplateSyntaxError", message, " (line ", t.line, ", column ", t.column, ")");
  }
  [[noreturn]] void fail_here(const std::string& message) { fail_at(cur(), message); }

  static std::string describe(const Token& t) {
    switch (t.type) {
      case TokenType::Name:
      case TokenType::Operator:
      case TokenType::Integer:
      case TokenType::Float: return cat("'", t.text, "'");
      case TokenType::String: return "string";
      default: return token_type_name(t.type);
    }
  }

  bool is_op(const char* op) const { return cur().type == TokenType::Operator && cur().text == op; }
  bool is_name(const char* name) const { return cur().type == TokenType::Name && cur().text == name; }
  bool skip_op(const char* op) {
    if (!is_op(op)) return false;
    next();
    return true;
  }
  bool skip_name(const char* name) {
    if (!is_name(name)) return false;
    next();
    return true;
  }
  void expect_op(const char* op) {
    if (!skip_op(op)) fail_here(cat("expected '", op, "', got ", describe(cur())));
  }
  void expect(TokenType type) {
    if (cur().type != type) fail_here(cat("expected ", token_type_name(type), ", got ", describe(cur())));
    next();
  }
  std::string expect_name() {
    if (cur().type != TokenType::Name) fail_here(cat("expected a name, got ", describe(cur())));
    return next().text;
  }

  ExprPtr make(Expr::Kind kind, const Token& at) { return std::make_unique<Expr>(kind, at.line, at.column); }
  StmtPtr make_stmt(Stmt::Kind kind, const Token& at) { return std::make_unique<Stmt>(kind, at.line, at.column); }

  // ---- statements -------------------------------------------------------------------------

  // Parses until a block tag whose name is in `ends` (left unconsumed, after its BlockBegin).
  Body subparse(std::initializer_list<const char*> ends) {
    Body body;
    while (true) {
      const Token& t = cur();
      if (t.type == TokenType::Eof) {
        if (ends.size() != 0) {
          std::string names;
          for (const char* e : ends) names += cat(names.empty() ? "" : " or ", "'", e, "'");
          fail_at(t, cat("unexpected end of template: the '", open_blocks_.back(), "' block needs ", names));
        }
        return body;
      }
      if (t.type == TokenType::Data) {
        auto s = make_stmt(Stmt::Kind::Output, t);
        s->text = next().text;
        body.push_back(std::move(s));
      } else if (t.type == TokenType::VarBegin) {
        next();
        auto s = make_stmt(Stmt::Kind::Print, t);
        s->expr = parse_tuple(false, true);
        expect(TokenType::VarEnd);
        body.push_back(std::move(s));
      } else if (t.type == TokenType::BlockBegin) {
        const Token& name = peek();
        for (const char* e : ends)
          if (name.type == TokenType::Name && name.text == e) {
            next();
            return body;
          }
        next();
        body.push_back(parse_statement());
      } else {
        fail_at(t, cat("unexpected ", describe(t)));
      }
    }
  }

  StmtPtr parse_statement() {
    DepthGuard guard(*this);
    const Token& t = cur();
    if (t.type != TokenType::Name) fail_here("tag name expected");
    const std::string& tag = t.text;
    if (tag == "if") return parse_if();
    if (tag == "for") return parse_for();
    if (tag == "set") return parse_set();
    if (tag == "macro") return parse_macro();
    if (tag == "call") return parse_call_block();
    if (tag == "filter") return parse_filter_block();
    if (tag == "generation") return parse_generation();
    if (tag == "break" || tag == "continue") {
      if (loop_depth_ == 0) fail_here(cat("'", tag, "' outside of a loop"));
      auto s = make_stmt(tag == "break" ? Stmt::Kind::Break : Stmt::Kind::Continue, t);
      next();
      expect(TokenType::BlockEnd);
      return s;
    }
    static const char* unsupported[] = {"include", "import", "from", "extends", "block", "with", "autoescape", "do"};
    for (const char* u : unsupported)
      if (tag == u) fail_here(cat("the '", tag, "' tag is not supported in chat templates"));
    if (open_blocks_.empty()) fail_here(cat("Encountered unknown tag '", tag, "'."));
    fail_here(cat("Encountered unknown tag '", tag, "'. The innermost block that needs to be closed is '",
                  open_blocks_.back(), "'."));
  }

  void end_block(const char* end) {
    // subparse stopped at `end`'s name token
    if (!is_name(end)) fail_here(cat("expected '", end, "'"));
    next();
    expect(TokenType::BlockEnd);
  }

  StmtPtr parse_if() {
    auto s = make_stmt(Stmt::Kind::If, cur());
    open_blocks_.push_back("if");
    next();
    while (true) {
      ExprPtr cond = parse_tuple(false, false);
      expect(TokenType::BlockEnd);
      Body body = subparse({"elif", "else", "endif"});
      s->branches.emplace_back(std::move(cond), std::move(body));
      if (skip_name("elif")) continue;
      if (skip_name("else")) {
        expect(TokenType::BlockEnd);
        s->else_body = subparse({"endif"});
      }
      break;
    }
    end_block("endif");
    open_blocks_.pop_back();
    return s;
  }

  Target parse_target(bool with_namespace, bool allow_tuple) {
    Target target;
    if (with_namespace && cur().type == TokenType::Name && peek().type == TokenType::Operator && peek().text == ".") {
      target.names.push_back(next().text);
      next();
      target.attr = expect_name();
      return target;
    }
    bool parens = allow_tuple && skip_op("(");
    while (true) {
      if (cur().type != TokenType::Name) fail_here(cat("can't assign to ", describe(cur())));
      target.names.push_back(next().text);
      if (!allow_tuple || !skip_op(",")) break;
      target.tuple = true;
      if (cur().type != TokenType::Name) break;  // trailing comma
    }
    if (parens) {
      target.tuple = true;
      expect_op(")");
    }
    for (const auto& n : target.names)
      if (n == "true" || n == "false" || n == "none" || n == "True" || n == "False" || n == "None")
        fail_here(cat("can't assign to constant '", n, "'"));
    return target;
  }

  StmtPtr parse_for() {
    auto s = make_stmt(Stmt::Kind::For, cur());
    open_blocks_.push_back("for");
    next();
    s->target = parse_target(false, true);
    if (!skip_name("in")) fail_here(cat("expected 'in', got ", describe(cur())));
    s->expr = parse_tuple(false, false, {"recursive"});
    if (skip_name("if")) s->filter = parse_expression(true);
    if (is_name("recursive")) fail_here("recursive loops are not supported");
    expect(TokenType::BlockEnd);
    ++loop_depth_;
    s->body = subparse({"endfor", "else"});
    --loop_depth_;
    if (skip_name("else")) {
      expect(TokenType::BlockEnd);
      s->else_body = subparse({"endfor"});
    }
    end_block("endfor");
    open_blocks_.pop_back();
    return s;
  }

  StmtPtr parse_set() {
    const Token& at = cur();
    next();
    Target target = parse_target(true, true);
    if (skip_op("=")) {
      auto s = make_stmt(Stmt::Kind::Set, at);
      s->target = std::move(target);
      s->expr = parse_tuple(false, true);
      expect(TokenType::BlockEnd);
      return s;
    }
    auto s = make_stmt(Stmt::Kind::SetBlock, at);
    if (target.tuple) fail_here("a set block assigns to one name");
    s->target = std::move(target);
    if (is_op("|")) s->filter = parse_filter(nullptr, false);
    expect(TokenType::BlockEnd);
    open_blocks_.push_back("set");
    // Loop controls inside a set block refer to an enclosing loop, as in Jinja.
    s->body = subparse({"endset"});
    end_block("endset");
    open_blocks_.pop_back();
    return s;
  }

  void parse_params(std::vector<MacroParam>& params) {
    expect_op("(");
    while (!is_op(")")) {
      if (!params.empty()) expect_op(",");
      if (is_op(")")) break;
      MacroParam p;
      p.name = expect_name();
      if (skip_op("=")) p.default_value = parse_expression(true);
      else if (!params.empty() && params.back().default_value) fail_here("non-default argument follows default argument");
      params.push_back(std::move(p));
    }
    next();
  }

  StmtPtr parse_macro() {
    auto s = make_stmt(Stmt::Kind::Macro, cur());
    next();
    s->text = expect_name();
    parse_params(s->params);
    expect(TokenType::BlockEnd);
    open_blocks_.push_back("macro");
    int saved = loop_depth_;
    loop_depth_ = 0;
    s->body = subparse({"endmacro"});
    loop_depth_ = saved;
    end_block("endmacro");
    open_blocks_.pop_back();
    return s;
  }

  StmtPtr parse_call_block() {
    auto s = make_stmt(Stmt::Kind::CallBlock, cur());
    next();
    if (is_op("(")) parse_params(s->params);
    s->expr = parse_expression(true);
    if (s->expr->kind != Expr::Kind::Call) fail_here("expected call");
    expect(TokenType::BlockEnd);
    open_blocks_.push_back("call");
    int saved = loop_depth_;
    loop_depth_ = 0;
    s->body = subparse({"endcall"});
    loop_depth_ = saved;
    end_block("endcall");
    open_blocks_.pop_back();
    return s;
  }

  StmtPtr parse_filter_block() {
    auto s = make_stmt(Stmt::Kind::FilterBlock, cur());
    next();
    s->filter = parse_filter(nullptr, true);
    expect(TokenType::BlockEnd);
    open_blocks_.push_back("filter");
    s->body = subparse({"endfilter"});
    end_block("endfilter");
    open_blocks_.pop_back();
    return s;
  }

  StmtPtr parse_generation() {
    auto s = make_stmt(Stmt::Kind::Generation, cur());
    next();
    expect(TokenType::BlockEnd);
    open_blocks_.push_back("generation");
    s->body = subparse({"endgeneration"});
    end_block("endgeneration");
    open_blocks_.pop_back();
    return s;
  }

  // ---- expressions ------------------------------------------------------------------------

  bool is_tuple_end(std::initializer_list<const char*> extra_end) const {
    const Token& t = cur();
    if (t.type == TokenType::VarEnd || t.type == TokenType::BlockEnd || t.type == TokenType::Eof) return true;
    if (t.type == TokenType::Operator && t.text == ")") return true;
    for (const char* e : extra_end)
      if (t.type == TokenType::Name && t.text == e) return true;
    return false;
  }

  ExprPtr parse_tuple(bool explicit_parens, bool with_condexpr, std::initializer_list<const char*> extra_end = {}) {
    const Token& at = cur();
    std::vector<ExprPtr> args;
    bool is_tuple = false;
    while (true) {
      if (!args.empty()) expect_op(",");
      if (is_tuple_end(extra_end)) break;
      args.push_back(parse_expression(with_condexpr));
      if (is_op(",")) is_tuple = true;
      else break;
    }
    if (!is_tuple) {
      if (!args.empty()) return std::move(args[0]);
      if (!explicit_parens) fail_here(cat("Expected an expression, got ", describe(cur())));
    }
    auto e = make(Expr::Kind::Tuple, at);
    e->items = std::move(args);
    return e;
  }

  ExprPtr parse_expression(bool with_condexpr) {
    DepthGuard guard(*this);
    return with_condexpr ? parse_condexpr() : parse_or();
  }

  ExprPtr parse_condexpr() {
    const Token& at = cur();
    ExprPtr e1 = parse_or();
    while (skip_name("if")) {
      auto e = make(Expr::Kind::CondExpr, at);
      e->b = parse_or();
      if (skip_name("else")) e->c = parse_condexpr();
      e->a = std::move(e1);
      e1 = std::move(e);
    }
    return e1;
  }

  ExprPtr binary(const Token& at, const char* op, ExprPtr l, ExprPtr r) {
    auto e = make(Expr::Kind::Binary, at);
    e->name = op;
    e->a = std::move(l);
    e->b = std::move(r);
    return e;
  }

  ExprPtr parse_or() {
    ExprPtr left = parse_and();
    while (is_name("or")) {
      const Token& at = next();
      left = binary(at, "or", std::move(left), parse_and());
    }
    return left;
  }

  ExprPtr parse_and() {
    ExprPtr left = parse_not();
    while (is_name("and")) {
      const Token& at = next();
      left = binary(at, "and", std::move(left), parse_not());
    }
    return left;
  }

  ExprPtr parse_not() {
    if (is_name("not")) {
      DepthGuard guard(*this);
      const Token& at = next();
      auto e = make(Expr::Kind::Unary, at);
      e->name = "not";
      e->a = parse_not();
      return e;
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
    const Token& at = cur();
    ExprPtr first = parse_math1();
    ExprPtr cmp;
    while (true) {
      std::string op;
      if (cur().type == TokenType::Operator &&
          (cur().text == "==" || cur().text == "!=" || cur().text == "<" || cur().text == "<=" || cur().text == ">" ||
           cur().text == ">=")) {
        op = next().text;
      } else if (is_name("in")) {
        next();
        op = "in";
      } else if (is_name("not") && peek().type == TokenType::Name && peek().text == "in") {
        next();
        next();
        op = "notin";
      } else {
        break;
      }
      if (!cmp) {
        cmp = make(Expr::Kind::Compare, at);
        cmp->a = std::move(first);
      }
      cmp->ops.push_back(op);
      cmp->items.push_back(parse_math1());
    }
    return cmp ? std::move(cmp) : std::move(first);
  }

  ExprPtr parse_math1() {
    ExprPtr left = parse_concat();
    while (is_op("+") || is_op("-")) {
      const Token& at = next();
      left = binary(at, at.text == "+" ? "+" : "-", std::move(left), parse_concat());
    }
    return left;
  }

  ExprPtr parse_concat() {
    ExprPtr left = parse_math2();
    while (is_op("~")) {
      const Token& at = next();
      left = binary(at, "~", std::move(left), parse_math2());
    }
    return left;
  }

  ExprPtr parse_math2() {
    ExprPtr left = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      const Token& at = next();
      static const char* names[] = {"*", "/", "//", "%"};
      const char* op = "*";
      for (const char* n : names)
        if (at.text == n) op = n;
      left = binary(at, op, std::move(left), parse_pow());
    }
    return left;
  }

  ExprPtr parse_pow() {
    ExprPtr left = parse_unary(true);
    while (is_op("**")) {
      const Token& at = next();
      left = binary(at, "**", std::move(left), parse_unary(true));
    }
    return left;
  }

  ExprPtr parse_unary(bool with_filter) {
    DepthGuard guard(*this);
    ExprPtr node;
    if (is_op("-") || is_op("+")) {
      const Token& at = next();
      node = make(Expr::Kind::Unary, at);
      node->name = at.text;
      node->a = parse_unary(false);
    } else {
      node = parse_primary();
    }
    node = parse_postfix(std::move(node));
    if (with_filter) node = parse_filter_expr(std::move(node));
    return node;
  }

  ExprPtr parse_primary() {
    const Token& t = cur();
    switch (t.type) {
      case TokenType::Name: {
        next();
        auto e = make(Expr::Kind::Const, t);
        if (t.text == "true" || t.text == "True") e->value = Value::boolean(true);
        else if (t.text == "false" || t.text == "False") e->value = Value::boolean(false);
        else if (t.text == "none" || t.text == "None") e->value = Value::none();
        else {
          e->kind = Expr::Kind::Name;
          e->name = t.text;
        }
        return e;
      }
      case TokenType::String: {
        std::string s = next().text;
        while (cur().type == TokenType::String) s += next().text;  // adjacent literals concatenate
        auto e = make(Expr::Kind::Const, t);
        e->value = Value::string(std::move(s));
        return e;
      }
      case TokenType::Integer: {
        next();
        auto e = make(Expr::Kind::Const, t);
        e->value = Value::integer(t.int_value);
        return e;
      }
      case TokenType::Float: {
        next();
        auto e = make(Expr::Kind::Const, t);
        e->value = Value::number(t.float_value);
        return e;
      }
      case TokenType::Operator:
        if (t.text == "(") {
          next();
          ExprPtr e = parse_tuple(true, true);
          expect_op(")");
          return e;
        }
        if (t.text == "[") return parse_list();
        if (t.text == "{") return parse_dict();
        break;
      default: break;
    }
    fail_here(cat("unexpected ", describe(t)));
  }

  ExprPtr parse_list() {
    auto e = make(Expr::Kind::List, next());
    while (!is_op("]")) {
      if (!e->items.empty()) expect_op(",");
      if (is_op("]")) break;
      e->items.push_back(parse_expression(true));
    }
    expect_op("]");
    return e;
  }

  ExprPtr parse_dict() {
    auto e = make(Expr::Kind::Dict, next());
    while (!is_op("}")) {
      if (!e->items.empty()) expect_op(",");
      if (is_op("}")) break;
      e->items.push_back(parse_expression(true));
      expect_op(":");
      e->items.push_back(parse_expression(true));
    }
    expect_op("}");
    return e;
  }

  ExprPtr parse_postfix(ExprPtr node) {
    while (true) {
      if (is_op(".") || is_op("[")) node = parse_subscript(std::move(node));
      else if (is_op("(")) node = parse_call(std::move(node));
      else return node;
    }
  }

  ExprPtr parse_filter_expr(ExprPtr node) {
    while (true) {
      if (is_op("|")) node = parse_filter(std::move(node), false);
      else if (is_name("is")) node = parse_test(std::move(node));
      else if (is_op("(")) node = parse_call(std::move(node));
      else return node;
    }
  }

  ExprPtr parse_subscript(ExprPtr node) {
    const Token& at = next();
    if (at.text == ".") {
      const Token& t = cur();
      if (t.type == TokenType::Name) {
        next();
        auto e = make(Expr::Kind::GetAttr, at);
        e->a = std::move(node);
        e->name = t.text;
        return e;
      }
      if (t.type == TokenType::Integer) {
        next();
        auto e = make(Expr::Kind::GetItem, at);
        e->a = std::move(node);
        e->b = make(Expr::Kind::Const, t);
        e->b->value = Value::integer(t.int_value);
        return e;
      }
      fail_here(cat("expected name or number, got ", describe(t)));
    }
    std::vector<ExprPtr> args;
    while (!is_op("]")) {
      if (!args.empty()) expect_op(",");
      args.push_back(parse_subscribed());
    }
    expect_op("]");
    auto e = make(Expr::Kind::GetItem, at);
    e->a = std::move(node);
    if (args.size() == 1) {
      e->b = std::move(args[0]);
    } else {
      e->b = make(Expr::Kind::Tuple, at);
      e->b->items = std::move(args);
    }
    return e;
  }

  ExprPtr parse_subscribed() {
    const Token& at = cur();
    ExprPtr start;
    if (!is_op(":")) {
      start = parse_expression(true);
      if (!is_op(":")) return start;
    }
    next();
    auto slice = make(Expr::Kind::Slice, at);
    slice->a = std::move(start);
    if (!is_op(":") && !is_op("]") && !is_op(",")) slice->b = parse_expression(true);
    if (skip_op(":") && !is_op("]") && !is_op(",")) slice->c = parse_expression(true);
    return slice;
  }

  void parse_call_args(Expr& e) {
    expect_op("(");
    bool first = true;
    while (!is_op(")")) {
      if (!first) expect_op(",");
      first = false;
      if (is_op(")")) break;
      if (is_op("*") || is_op("**")) fail_here("*args and **kwargs in calls are not supported");
      if (cur().type == TokenType::Name && peek().type == TokenType::Operator && peek().text == "=") {
        std::string key = next().text;
        next();
        e.kwargs.emplace_back(key, parse_expression(true));
      } else {
        if (!e.kwargs.empty()) fail_here("positional argument follows keyword argument");
        e.items.push_back(parse_expression(true));
      }
    }
    next();
  }

  ExprPtr parse_call(ExprPtr node) {
    auto e = make(Expr::Kind::Call, cur());
    e->a = std::move(node);
    parse_call_args(*e);
    return e;
  }

  ExprPtr parse_filter(ExprPtr node, bool start_inline) {
    while (is_op("|") || start_inline) {
      if (!start_inline) next();
      start_inline = false;
      const Token& at = cur();
      std::string name = expect_name();
      while (skip_op(".")) name += "." + expect_name();
      // Jinja resolves filter names when it compiles the template, so an unknown one fails even
      // in a branch that never runs.
      if (!builtin_filters().count(name)) fail_at(at, cat("No filter named '", name, "'."));
      auto e = make(Expr::Kind::Filter, at);
      e->name = name;
      e->a = std::move(node);
      if (is_op("(")) parse_call_args(*e);
      node = std::move(e);
    }
    return node;
  }

  ExprPtr parse_test(ExprPtr node) {
    const Token& at = next();  // "is"
    auto e = make(Expr::Kind::Test, at);
    e->negated = skip_name("not");
    const Token& name_at = cur();
    e->name = expect_name();
    while (skip_op(".")) e->name += "." + expect_name();
    if (!builtin_tests().count(e->name)) fail_at(name_at, cat("No test named '", e->name, "'."));
    e->a = std::move(node);
    const Token& t = cur();
    if (is_op("(")) {
      parse_call_args(*e);
    } else if ((t.type == TokenType::Name || t.type == TokenType::String || t.type == TokenType::Integer ||
                t.type == TokenType::Float ||
                (t.type == TokenType::Operator && (t.text == "(" || t.text == "[" || t.text == "{"))) &&
               !(t.type == TokenType::Name && (t.text == "else" || t.text == "or" || t.text == "and"))) {
      if (t.type == TokenType::Name && t.text == "is") fail_here("You cannot chain multiple tests with is");
      e->items.push_back(parse_postfix(parse_primary()));
    }
    return e;
  }
};

}  // namespace

Body parse_template(const std::string& source, const LexerOptions& options) {
  return Parser(tokenize(source, options)).parse_all();
}

}  // namespace openarc::chat

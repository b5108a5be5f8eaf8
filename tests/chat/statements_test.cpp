// Statements and scoping, with expected output worked out from Jinja's documented rules.
#include <gtest/gtest.h>

#include "render_helper.h"

namespace openarc::chat {
namespace {

using testing::error_of;
using testing::render;

TEST(Statements, IfElifElse) {
  const char* t = "{% if n == 1 %}one{% elif n == 2 %}two{% else %}many{% endif %}";
  EXPECT_EQ(render(t, {{"n", 1}}), "one");
  EXPECT_EQ(render(t, {{"n", 2}}), "two");
  EXPECT_EQ(render(t, {{"n", 5}}), "many");
}

TEST(Statements, LoopVariables) {
  EXPECT_EQ(render("{% for x in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}"
                   "{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}"),
            "1032TrueFalse3;2121FalseFalse3;3210FalseTrue3;");
  EXPECT_EQ(render("{% for x in [1, 2, 3] %}[{{ loop.previtem }}|{{ loop.nextitem }}]{% endfor %}"), "[|2][1|3][2|]");
  EXPECT_EQ(render("{% for x in range(4) %}{{ loop.cycle('a', 'b') }}{% endfor %}"), "abab");
}

TEST(Statements, LoopFilterElseAndUnpacking) {
  EXPECT_EQ(render("{% for x in range(6) if x % 2 %}{{ x }}{{ loop.length }}{% endfor %}"), "133353");
  EXPECT_EQ(render("{% for x in [] %}x{% else %}empty{% endfor %}"), "empty");
  EXPECT_EQ(render("{% for k, v in d|items %}{{ k }}={{ v }};{% endfor %}", {{"d", {{"b", 1}, {"a", 2}}}}), "b=1;a=2;");
  EXPECT_EQ(render("{% for k, v in d.items() if k != 'b' %}{{ k }}{% endfor %}", {{"d", {{"b", 1}, {"a", 2}}}}), "a");
  EXPECT_EQ(render("{% for d in {'x': 1, 'y': 2} %}{{ d }}{% endfor %}"), "xy");  // a dict iterates its keys
}

TEST(Statements, BreakAndContinue) {
  EXPECT_EQ(render("{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}"),
            "013");
  EXPECT_EQ(error_of("{% break %}"), "TemplateSyntaxError: 'break' outside of a loop (line 1, column 4)");
}

TEST(Statements, SetInsideALoopDoesNotLeakButNamespacesDo) {
  // Each iteration reads the outer value afresh; the outer variable is unchanged afterwards.
  EXPECT_EQ(render("{% set x = 0 %}{% for i in range(3) %}{% set x = x + 1 %}{{ x }}{% endfor %}{{ x }}"), "1110");
  EXPECT_EQ(render("{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}"), "3");
  // if does not open a scope.
  EXPECT_EQ(render("{% if true %}{% set y = 5 %}{% endif %}{{ y }}"), "5");
  EXPECT_EQ(error_of("{% set d = {} %}{% set d.x = 1 %}"),
            "TemplateRuntimeError: cannot assign attribute on non-namespace object");
}

TEST(Statements, TupleSetAndSetBlocks) {
  EXPECT_EQ(render("{% set a, b = [1, 2] %}{{ b }}{{ a }}"), "21");
  EXPECT_EQ(render("{% set s %}  hi {{ 1 + 1 }}  {% endset %}[{{ s }}]"), "[  hi 2  ]");
  EXPECT_EQ(render("{% set s | trim | upper %}  hi  {% endset %}[{{ s }}]"), "[HI]");
  EXPECT_EQ(error_of("{% set a, b = [1] %}"), "ValueError: not enough values to unpack (expected 2, got 1)");
}

TEST(Statements, MacrosWithDefaultsAndKeywords) {
  const char* t =
      "{% macro tag(name, value='x', sep=': ') %}<{{ name }}{{ sep }}{{ value }}>{% endmacro %}"
      "{{ tag('a') }}{{ tag('b', 2) }}{{ tag('c', sep='=') }}";
  EXPECT_EQ(render(t), "<a: x><b: 2><c=x>");
  EXPECT_EQ(error_of("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}"), "TypeError: macro 'm' takes not more than 1 argument(s)");
  // A macro reads template variables; a missing argument is undefined.
  EXPECT_EQ(render("{% macro m(a) %}{{ g }}[{{ a }}]{% endmacro %}{{ m() }}", {{"g", "G"}}), "G[]");
}

TEST(Statements, CallBlocksAndCaller) {
  EXPECT_EQ(render("{% macro wrap() %}<{{ caller() }}>{% endmacro %}{% call wrap() %}in{% endcall %}"), "<in>");
  EXPECT_EQ(render("{% macro each(xs) %}{% for x in xs %}{{ caller(x) }}{% endfor %}{% endmacro %}"
                   "{% call(item) each([1, 2]) %}({{ item }}){% endcall %}"),
            "(1)(2)");
}

TEST(Statements, FilterBlocksAndGeneration) {
  EXPECT_EQ(render("{% filter trim %}   x   {% endfilter %}|"), "x|");
  EXPECT_EQ(render("{% filter upper | replace('A', '4') %}abc{% endfilter %}"), "4BC");
  EXPECT_EQ(render("{% generation %}kept{% endgeneration %}"), "kept");
}

TEST(Statements, RunawayTemplatesStopWithClearErrors) {
  EXPECT_EQ(error_of("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"),
            "TemplateRuntimeError: template calls nested deeper than 100 levels (runaway recursion?)");
  RenderOptions small;
  small.limits.max_output_bytes = 1000;
  try {
    Template::parse("{% for i in range(1000) %}xx{% endfor %}").render(nlohmann::ordered_json::object(), small);
    FAIL() << "output limit not enforced";
  } catch (const TemplateError& e) {
    EXPECT_EQ(std::string(e.what()), "template output exceeds 1000 bytes");
  }
  RenderOptions few;
  few.limits.max_loop_iterations = 50;
  try {
    Template::parse("{% for i in range(10) %}{% for j in range(10) %}{% endfor %}{% endfor %}")
        .render(nlohmann::ordered_json::object(), few);
    FAIL() << "iteration limit not enforced";
  } catch (const TemplateError& e) {
    EXPECT_EQ(std::string(e.what()), "template ran more than 50 loop iterations");
  }
  // Each parenthesis costs two levels (expression, unary), so the 101st "(" (column 104) is too deep.
  std::string deep = std::string(300, '(') + "1" + std::string(300, ')');
  EXPECT_EQ(error_of("{{ " + deep + " }}"), "TemplateSyntaxError: template nesting deeper than 200 levels (line 1, column 104)");
}

}  // namespace
}  // namespace openarc::chat

namespace openarc::chat {
namespace {

TEST(Statements, ValuesCannotNestWithoutBoundOrHoldThemselves) {
  EXPECT_EQ(testing::error_of("{% set x = [] %}{% for i in range(2000) %}{% set x = [x] %}{% endfor %}"), "no error");
  EXPECT_EQ(testing::error_of("{% set ns = namespace(x=[]) %}{% for i in range(2000) %}{% set ns.x = [ns.x] %}{% endfor %}"),
            "RecursionError: values nested deeper than 1000 levels");
  EXPECT_EQ(testing::error_of("{% set ns = namespace() %}{% set ns.me = [ns] %}"),
            "TemplateRuntimeError: a namespace cannot hold another namespace (it could hold itself)");
  nlohmann::ordered_json deep = nlohmann::ordered_json::array();
  for (int k = 0; k < 1500; ++k) deep = nlohmann::ordered_json::array({deep});
  EXPECT_THROW(Template::parse("{{ x }}").render(nlohmann::ordered_json{{"x", deep}}), Error);
}

}  // namespace
}  // namespace openarc::chat

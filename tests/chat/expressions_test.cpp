// Expressions with Python's semantics. Expected values come from Python's rules (repr of
// containers, True/None spelling, float repr, floor division and modulo signs, slicing).
#include <gtest/gtest.h>

#include "render_helper.h"

namespace openarc::chat {
namespace {

using testing::error_of;
using testing::render;

TEST(Expressions, LiteralsPrintLikePython) {
  EXPECT_EQ(render("{{ true }} {{ False }} {{ none }} {{ None }}"), "True False None None");
  EXPECT_EQ(render("{{ [1, 'a', none, true] }}"), "[1, 'a', None, True]");
  EXPECT_EQ(render("{{ {'k': 'v', 'n': [1.5]} }}"), "{'k': 'v', 'n': [1.5]}");
  EXPECT_EQ(render("{{ (1,) }} {{ (1, 2) }} {{ () }}"), "(1,) (1, 2) ()");
  EXPECT_EQ(render("{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e16 }} {{ 1.5e-5 }} {{ 2.5e3 }}"),
            "1.0 0.30000000000000004 1e+16 1.5e-05 2500.0");
  EXPECT_EQ(render("{{ [\"it's\", 'say \"hi\"', 'a\\nb'] }}"), "[\"it's\", 'say \"hi\"', 'a\\nb']");
  EXPECT_EQ(render("{{ 'a' 'b' }}"), "ab");  // adjacent literals concatenate
  EXPECT_EQ(render("{{ 1_000 }}"), "1000");
}

TEST(Expressions, StringEscapes) {
  EXPECT_EQ(render("{{ '\\t|\\n|\\\\|\\'|\\x41|\\u00e9|\\d' }}"), "\t|\n|\\|'|A|\xC3\xA9|\\d");
}

TEST(Expressions, Arithmetic) {
  EXPECT_EQ(render("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 2 ** -1 }}"),
            "3 -4 1 2 3.5 1024 0.5");
  EXPECT_EQ(render("{{ 'ab' * 3 }} {{ [0] * 2 }} {{ 'x' ~ 1 ~ none ~ undefined_name }}"), "ababab [0, 0] x1None");
  EXPECT_EQ(render("{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ -2 ** 2 }}"), "7 9 4");
  EXPECT_EQ(render("{{ '%s-%d' % ('a', 3) }}"), "a-3");
  EXPECT_EQ(render("{{ true + 1 }}"), "2");
}

TEST(Expressions, TypeErrorsUsePythonsMessages) {
  EXPECT_EQ(error_of("{{ 'a' + 1 }}"), "TypeError: can only concatenate str (not \"int\") to str");
  EXPECT_EQ(error_of("{{ none + 'a' }}"), "TypeError: unsupported operand type(s) for +: 'NoneType' and 'str'");
  EXPECT_EQ(error_of("{{ 1 // 0 }}"), "ZeroDivisionError: integer division or modulo by zero");
  EXPECT_EQ(error_of("{{ 'a' < 1 }}"), "TypeError: '<' not supported between instances of 'str' and 'int'");
  EXPECT_EQ(error_of("{{ 1 in 'a' }}"), "TypeError: 'in <string>' requires string as left operand, not int");
  EXPECT_EQ(error_of("{% for x in none %}{% endfor %}"), "TypeError: 'NoneType' object is not iterable");
}

TEST(Expressions, ComparisonsAndLogic) {
  EXPECT_EQ(render("{{ 1 == 1.0 }} {{ 1 == true }} {{ [1] == [1] }} {{ 'a' != 'b' }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }}"),
            "True True True True True False");
  EXPECT_EQ(render("{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }}"),
            "True True True True");
  // and/or return an operand, as in Python.
  EXPECT_EQ(render("{{ 0 or 'x' }} {{ 'a' and 'b' }} {{ '' and 'b' }}| {{ not [] }}"), "x b | True");
  EXPECT_EQ(render("{{ 'y' if 1 else 'n' }}{{ 'y' if 0 else 'n' }}[{{ 'y' if 0 }}]"), "yn[]");
}

TEST(Expressions, AttributeAndItemAccess) {
  nlohmann::ordered_json vars = {{"m", {{"role", "user"}, {"items", 3}}}, {"xs", {10, 20, 30, 40}}};
  EXPECT_EQ(render("{{ m.role }} {{ m['role'] }} {{ m['items'] }}", vars), "user user 3");
  EXPECT_EQ(render("{{ xs[-1] }} {{ xs[1:3] }} {{ xs[::-1] }} {{ xs[::2] }} {{ xs[-2:] }} {{ xs.0 }}", vars),
            "40 [20, 30] [40, 30, 20, 10] [10, 30] [30, 40] 10");
  EXPECT_EQ(render("{{ 'héllo'[1] }} {{ 'héllo'[::-1] }} {{ 'héllo'[1:3] }}"), "é olléh él");
  // Missing keys are undefined: they print as nothing but fail when used further.
  EXPECT_EQ(render("[{{ m.missing }}][{{ xs[9] }}]", vars), "[][]");
  EXPECT_EQ(error_of("{{ m.missing.x }}", vars), "UndefinedError: 'dict object' has no attribute 'missing'");
  EXPECT_EQ(error_of("{{ xs[9] + 1 }}", vars), "UndefinedError: list object has no element 9");
  EXPECT_EQ(error_of("{{ nothing.x }}"), "UndefinedError: 'nothing' is undefined");
  EXPECT_EQ(error_of("{{ none.strip() }}"), "UndefinedError: 'None' has no attribute 'strip'");
}

TEST(Expressions, SandboxBlocksMutatingMethods) {
  EXPECT_EQ(error_of("{% set xs = [1] %}{{ xs.append(2) }}"),
            "SecurityError: access to attribute 'append' of 'list' object is unsafe.");
  EXPECT_EQ(error_of("{% set d = {} %}{{ d.update({'a': 1}) }}"),
            "SecurityError: access to attribute 'update' of 'dict' object is unsafe.");
  EXPECT_EQ(error_of("{{ ''.__class__ }}"), "no error");  // printing an undefined is fine...
  EXPECT_EQ(error_of("{{ ''.__class__.x }}"), "SecurityError: access to attribute '__class__' of 'str' object is unsafe.");
}

TEST(Expressions, StringMethods) {
  EXPECT_EQ(render("{{ '  a b  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ '  a'.lstrip() }}|{{ 'a  '.rstrip() }}|"), "a b|a|a|a|");
  EXPECT_EQ(render("{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a,b,c'.split(',', 1) }} {{ 'a,b,c'.rsplit(',', 1) }}"),
            "['a', 'b', '', 'c'] ['a', 'b'] ['a', 'b,c'] ['a,b', 'c']");
  EXPECT_EQ(render("{{ 'abc'.startswith('ab') }} {{ 'abc'.endswith(('x', 'c')) }} {{ 'hello world'.title() }} "
                   "{{ 'hELLO'.capitalize() }} {{ 'aXa'.replace('a', 'b') }} {{ 'abcb'.find('b') }} {{ 'abcb'.count('b') }}"),
            "True True Hello World Hello bXb 1 2");
  EXPECT_EQ(render("{{ '-'.join(['a', 'b']) }} {{ '{} and {name}'.format(1, name='x') }} {{ 'AbC'.upper() }}{{ 'AbC'.lower() }}"),
            "a-b 1 and x ABCabc");
  EXPECT_EQ(render("{{ 'a</think>b'.split('</think>')[-1] }}"), "b");
}

TEST(Expressions, DictAndListMethods) {
  nlohmann::ordered_json vars = {{"d", {{"b", 1}, {"a", 2}}}};
  EXPECT_EQ(render("{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 0) }} {{ d.items() }} {{ d.keys() }} {{ d.values() }}", vars),
            "2 None 0 [('b', 1), ('a', 2)] ['b', 'a'] [1, 2]");
  EXPECT_EQ(render("{{ [3, 4, 3].index(4) }} {{ [3, 4, 3].count(3) }}"), "1 2");
}

TEST(Expressions, Globals) {
  // range() is a Python range object: it prints as one and slices into one.
  EXPECT_EQ(render("{{ range(3) }} {{ range(1, 7, 2) }} {{ range(5)[::-1] }} {{ range(10)[2:8:3] }}"),
            "range(0, 3) range(1, 7, 2) range(4, -1, -1) range(2, 8, 3)");
  EXPECT_EQ(render("{{ range(3) | list }} {{ range(1, 7, 2) | list }} {{ range(3, 0, -1) | list }} {{ range(4)[1] }}"),
            "[0, 1, 2] [1, 3, 5] [3, 2, 1] 1");
  EXPECT_EQ(render("{{ dict(a=1, b='x') }}"), "{'a': 1, 'b': 'x'}");
  EXPECT_EQ(error_of("{{ raise_exception('Bad role: ' ~ 'x') }}"), "TemplateError: Bad role: x");
  EXPECT_EQ(error_of("{{ range(200000) }}"),
            "OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
  RenderOptions fixed;
  fixed.now = parse_iso8601("2024-07-04T15:30:00");
  EXPECT_EQ(Template::parse("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%B %d, %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M') }}")
                .render(nlohmann::ordered_json::object(), fixed),
            "04 Jul 2024|July 04, 2024|2024-07-04 15:30");
}

TEST(Expressions, SyntaxErrorsNameLineAndColumn) {
  EXPECT_EQ(error_of("ok\n{{ 1 + }}"), "TemplateSyntaxError: unexpected end of print statement (line 2, column 8)");
  EXPECT_EQ(error_of("{% if x %}\n  {% frobnicate %}\n{% endif %}"),
            "TemplateSyntaxError: Encountered unknown tag 'frobnicate'. The innermost block that needs to be closed is 'if'. (line 2, column 6)");
  EXPECT_EQ(error_of("{% for x in y %}"),
            "TemplateSyntaxError: unexpected end of template: the 'for' block needs 'endfor' or 'else' (line 1, column 17)");
  EXPECT_EQ(error_of("{{ 'abc }}"), "TemplateSyntaxError: unexpected char \"'\" (line 1, column 4)");
  EXPECT_EQ(error_of("{# open"), "TemplateSyntaxError: Missing end of comment tag (line 1, column 1)");
  EXPECT_EQ(error_of("{{ (1 ] }}"), "TemplateSyntaxError: unexpected ']', expected ')' (line 1, column 7)");
}

}  // namespace
}  // namespace openarc::chat

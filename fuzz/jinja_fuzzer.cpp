// libFuzzer target for the chat-template engine: any bytes are a template; it must parse or fail
// with a TemplateError, and a parsed template must render or fail with one, within the limits
// (output size, loop iterations, call depth) that guard against runaway templates.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "chat/template.h"

namespace {

const nlohmann::ordered_json& variables() {
  static const nlohmann::ordered_json vars = nlohmann::ordered_json::parse(R"({
    "messages": [
      {"role": "system", "content": "sys"},
      {"role": "user", "content": [{"type": "text", "text": "hi"}]},
      {"role": "assistant", "content": null, "reasoning_content": "r",
       "tool_calls": [{"id": "call12345", "type": "function",
                       "function": {"name": "f", "arguments": {"a": 1, "b": [1.5, true, null]}}}]},
      {"role": "tool", "tool_call_id": "call12345", "content": "42"}
    ],
    "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object",
               "properties": {"a": {"type": "integer"}}, "required": ["a"]}}}],
    "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>", "enable_thinking": false
  })");
  return vars;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string source(reinterpret_cast<const char*>(data), size);
  openarc::chat::RenderOptions options;
  options.now = 1700000000;
  options.limits.max_output_bytes = 1 << 20;
  options.limits.max_loop_iterations = 100000;
  try {
    auto t = openarc::chat::Template::parse(source);
    t.render(variables(), options);
  } catch (const openarc::Error&) {
    // Rejecting a template with an error is the expected outcome for most inputs.
  }
  return 0;
}

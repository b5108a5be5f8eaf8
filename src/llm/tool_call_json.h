// The JSON call object most families write, {"name": ..., "arguments": {...}} under per-family
// key names, alone or in a list, scanned as it is generated (see tool_parser.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llm/tool_parser.h"

namespace openarc::llm {

struct CallKeys {
  std::vector<std::string_view> name;       // the first present one is the function name
  std::vector<std::string_view> arguments;  // the first present one holds the arguments
};

struct ObjectCall {
  ScanStatus status;
  size_t end;  // complete: one past the object
  PartialCall call;
};

// The call object at text[pos] ('{'). It opens (name set) once its name is complete and allowed
// and its arguments have begun (or the object closed without them: arguments {}).
ObjectCall scan_call_object(std::string_view text, size_t pos, const CallKeys& keys, const ToolSet& tools);

// A list of call objects at text[pos] ('['); end is one past the ']'.
CallScan scan_call_list(std::string_view text, size_t pos, const CallKeys& keys, const ToolSet& tools);

// A list of call objects or one call object at text[pos] (after a family's opening marker),
// then an optional `close` marker (Granite 4's Hermes form, Phi-4-mini's <|/tool_call|>): the
// call ends past the marker, or at the JSON's end when the marker is absent and the text final.
CallScan scan_calls_then_close(std::string_view text, size_t pos, const CallKeys& keys, const ToolSet& tools,
                               std::string_view close, bool final);

// A complete arguments value as the compact JSON text of an object: an object as written, a
// string that holds a JSON object (models that double-encode), or null for {}. nullopt otherwise.
std::optional<std::string> arguments_json(std::string_view value);

// Whether text[pos..] starts with `word`: 1 yes, 0 no, -1 the text ends inside it.
int match_word(std::string_view text, size_t pos, std::string_view word);

}  // namespace openarc::llm

// Tool-call formats, one ToolParser per model family (../shared/docs/tool-calling.md §1), found
// by name (the `tool_parser` load option) or detected from a chat template's source (§2, §6).
//
// A parser does not keep state: ToolStream (tool_stream.h) finds a family's start markers in the
// generated text and hands the parser the "region" from the marker on, again each time more text
// arrives; the parser says whether the region holds complete calls (and how many bytes they
// used), may still become calls, or never can, with the calls seen so far so that their names and
// arguments stream before the region ends. The arguments a parser reports for a call in progress
// are always a prefix of its final arguments.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/json_scan.h"

namespace openarc::llm {

// The request's `tools` (OpenAI shape: [{"type": "function", "function": {"name", "parameters"}}]).
class ToolSet {
 public:
  ToolSet() = default;
  // Throws Error naming the entry that is not a function tool with a string name.
  explicit ToolSet(const nlohmann::ordered_json& tools);

  // A declared name; with no tools declared, any name made of [A-Za-z0-9_.:-] (up to 128 bytes).
  bool allows(std::string_view name) const;
  // The JSON-schema "type" of a declared tool's parameter, "" when not known.
  std::string parameter_type(std::string_view tool, std::string_view parameter) const;
  bool empty() const { return tools_.empty(); }

 private:
  struct Tool {
    std::string name;
    nlohmann::ordered_json parameters;
  };
  std::vector<Tool> tools_;
};

struct PartialCall {
  std::string name;       // set once complete and allowed: the call may be opened
  std::string arguments;  // compact JSON so far
  bool complete = false;
};

struct CallScan {
  ScanStatus status = ScanStatus::incomplete;
  size_t end = 0;                  // complete: the bytes of the region the calls took
  std::vector<PartialCall> calls;  // in order; every one complete when status is complete
  std::string content;             // complete: text the region stands for as content (generic "response")

  static CallScan invalid() { return {ScanStatus::invalid, 0, {}, {}}; }
};

struct StartMarker {
  std::string text;
  bool anywhere = true;  // false: only at the start of the output (after whitespace)
};

class ToolParser {
 public:
  virtual ~ToolParser() = default;
  virtual std::string_view name() const = 0;
  virtual std::vector<StartMarker> start_markers() const = 0;
  // Control tokens that only frame a turn (end of turn, Granite's <response>), dropped from content.
  virtual std::vector<std::string> dropped_markers() const { return {}; }
  // Every marker text of the format (start, separators, ends): a tokenizer's special tokens with
  // these texts must reach the parser, though decoding drops other special tokens.
  virtual std::vector<std::string> format_markers() const {
    std::vector<std::string> out;
    for (const StartMarker& m : start_markers()) out.push_back(m.text);
    return out;
  }
  // `region` starts with one of the start markers. With `final` the text is all there is, and
  // the answer is complete or invalid.
  virtual CallScan scan(std::string_view region, const ToolSet& tools, bool final) const = 0;
};

// The names a `tool_parser` option accepts, in the order of tool-calling.md.
std::span<const std::string_view> tool_parser_names();
// nullptr when no parser has that name.
const ToolParser* find_tool_parser(std::string_view name);
// The parser a chat template's source calls for; "generic" when it has no native format.
const ToolParser& detect_tool_parser(std::string_view chat_template);

}  // namespace openarc::llm

// Splits generated text (reasoning already taken out) into content and tool calls for one
// family's format, piece by piece as it streams, with the same result however the text is cut.
//
// - Text that could still be the start of a call marker is held back until the next pieces
//   decide; a call's text never reaches content.
// - A call opens (index, id, name) once its name is complete and declared; its arguments then
//   stream as written. Calls get increasing indexes and fresh ids.
// - A region that can never become a call (malformed JSON, undeclared name, a marker in prose)
//   gives its marker back as content and scanning goes on after it, so no text is lost. Only a
//   call that breaks after it opened cannot be recalled: it stays as streamed and its text is
//   content too (tool-calling.md §3 rule 6: the lazy grammar is what prevents that case), unless
//   calls stream whole (CallStreaming::whole_calls).
// - Whitespace next to a call, and before the first visible text, is not content (clients expect
//   null content beside calls); text before, between and after calls is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "llm/tool_call.h"
#include "llm/tool_parser.h"

namespace openarc::llm {

// How calls stream: `arguments` sends each call's arguments as they are generated; `whole_calls`
// holds calls until their region (a block, a list) is complete, so a call that breaks late still
// ends as content and the stream always equals the whole-text parse, at the cost of arguments
// arriving at once. parse_message (no stream) is whole_calls.
enum class CallStreaming { arguments, whole_calls };

class ToolStream {
 public:
  ToolStream(const ToolParser& parser, ToolSet tools, ToolCallIds ids, CallStreaming mode = CallStreaming::arguments);

  MessageDelta feed(std::string_view piece);  // content and tool_calls only
  MessageDelta finish();

 private:
  struct Opened {
    std::string sent;  // the arguments sent so far
  };
  void process(MessageDelta& out, bool final);
  bool process_region(MessageDelta& out, bool final);  // false: wait for more text
  void emit_content(MessageDelta& out, std::string_view text, bool final);

  const ToolParser& parser_;
  ToolSet tools_;
  CallStreaming mode_;
  ToolCallIds ids_;
  std::vector<StartMarker> markers_;
  std::vector<std::string> dropped_;
  std::string pending_;     // text not yet decided (content mode) or the region (region mode)
  std::string held_space_;  // trailing whitespace of content, released when more content follows
  bool in_region_ = false;
  size_t marker_size_ = 0;  // the region's start marker
  bool at_start_ = true;    // nothing but whitespace so far: markers bound to the start apply
  bool content_started_ = false;
  size_t next_index_ = 0;
  std::vector<Opened> opened_;  // calls of the current region sent so far
};

}  // namespace openarc::llm

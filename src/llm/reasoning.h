// Reasoning split: the text a reasoning model writes between its thinking markers
// (<think> ... </think> and the like) goes to `reasoning`, the rest to `content`.
//
// Works piece by piece while streaming: text that could be the start of a marker is held back
// until the next pieces decide, so a marker cut across pieces is still found. Whitespace right
// after a marker and right before the closing one is dropped (templates put newlines there);
// raw() keeps the text exactly as generated.
//
// Reasoning is recognised only at the start of the output (after whitespace), or from the first
// byte when the prompt itself opened the block (templates that end the generation prompt with
// "<think>\n": see prompt_opens_reasoning). After the closing marker everything is content, a
// later "<think>" included. Output that ends inside the block (max tokens) is all reasoning.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace openarc::llm {

struct ReasoningMarkers {
  std::string open;
  std::string close;
};

// The marker pairs of known reasoning model families, <think>/</think> first.
std::span<const ReasoningMarkers> known_reasoning_markers();

// The longest suffix of text that is a proper prefix of marker: what a streaming splitter must
// hold back because the next piece may complete the marker (also the tool-call stream's rule).
size_t partial_marker_suffix(std::string_view text, std::string_view marker);

// The pair a chat template's source uses (both markers appear in it), if any.
std::optional<ReasoningMarkers> detect_reasoning_markers(std::string_view chat_template);

// Whether a rendered prompt leaves the model inside a reasoning block: its last opening marker
// comes after its last closing one.
bool prompt_opens_reasoning(std::string_view prompt, const ReasoningMarkers& markers);

struct ReasoningDelta {
  std::string reasoning;
  std::string content;
  bool empty() const { return reasoning.empty() && content.empty(); }
};

class ReasoningParser {
 public:
  ReasoningParser(ReasoningMarkers markers, bool starts_in_reasoning);

  // One piece of generated text; returns the reasoning and content it releases.
  ReasoningDelta feed(std::string_view piece);
  // The end of the output: releases what was held back.
  ReasoningDelta flush();

  const std::string& raw() const { return raw_; }
  const std::string& reasoning() const { return reasoning_; }
  const std::string& content() const { return content_; }

 private:
  enum class State { start, reasoning, content };
  void process(ReasoningDelta& out, bool final);
  void emit_reasoning(ReasoningDelta& out, std::string_view text);
  void emit_content(ReasoningDelta& out, std::string_view text);

  ReasoningMarkers markers_;
  State state_;
  bool section_start_ = true;  // drop whitespace before the section's first text
  std::string pending_;
  std::string raw_, reasoning_, content_;
};

}  // namespace openarc::llm

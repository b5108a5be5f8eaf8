#include "llm/reasoning.h"

#include <algorithm>
#include <array>

#include "core/error.h"

namespace openarc::llm {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_space(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  return i;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

size_t partial_marker_suffix(std::string_view text, std::string_view marker) {
  for (size_t len = std::min(marker.size() - 1, text.size()); len > 0; --len)
    if (text.substr(text.size() - len) == marker.substr(0, len)) return len;
  return 0;
}

std::span<const ReasoningMarkers> known_reasoning_markers() {
  static const std::array<ReasoningMarkers, 5> kMarkers = {{
      {"<think>", "</think>"},            // DeepSeek-R1, Qwen3, QwQ, Phi-4-reasoning ...
      {"<seed:think>", "</seed:think>"},  // Seed-OSS
      {"[THINK]", "[/THINK]"},            // Magistral
      {"\xE2\x97\x81think\xE2\x96\xB7", "\xE2\x97\x81/think\xE2\x96\xB7"},  // Kimi: ◁think▷ ◁/think▷
      {"<|START_THINKING|>", "<|END_THINKING|>"},  // Command R7B / Command A: the plan before an action
  }};
  return kMarkers;
}

std::optional<ReasoningMarkers> detect_reasoning_markers(std::string_view chat_template) {
  for (const auto& m : known_reasoning_markers())
    if (chat_template.find(m.open) != std::string_view::npos && chat_template.find(m.close) != std::string_view::npos)
      return m;
  return std::nullopt;
}

bool prompt_opens_reasoning(std::string_view prompt, const ReasoningMarkers& markers) {
  const size_t open = prompt.rfind(markers.open);
  if (open == std::string_view::npos) return false;
  const size_t close = prompt.rfind(markers.close);
  return close == std::string_view::npos || close < open;
}

ReasoningParser::ReasoningParser(ReasoningMarkers markers, bool starts_in_reasoning)
    : markers_(std::move(markers)), state_(starts_in_reasoning ? State::reasoning : State::start) {
  check(!markers_.open.empty() && !markers_.close.empty(), "reasoning markers must not be empty");
}

ReasoningDelta ReasoningParser::feed(std::string_view piece) {
  raw_ += piece;
  pending_ += piece;
  ReasoningDelta out;
  process(out, false);
  return out;
}

ReasoningDelta ReasoningParser::flush() {
  ReasoningDelta out;
  process(out, true);
  return out;
}

void ReasoningParser::emit_reasoning(ReasoningDelta& out, std::string_view text) {
  out.reasoning += text;
  reasoning_ += text;
}

void ReasoningParser::emit_content(ReasoningDelta& out, std::string_view text) {
  out.content += text;
  content_ += text;
}

void ReasoningParser::process(ReasoningDelta& out, bool final) {
  while (true) {
    if (section_start_) {
      pending_.erase(0, skip_space(pending_));
      if (pending_.empty()) return;
    }
    switch (state_) {
      case State::start:
        if (pending_.starts_with(markers_.open)) {
          pending_.erase(0, markers_.open.size());
          state_ = State::reasoning;
          continue;
        }
        if (!final && std::string_view(markers_.open).starts_with(pending_)) return;  // may become the marker
        state_ = State::content;
        continue;
      case State::reasoning: {
        section_start_ = false;
        const size_t close = pending_.find(markers_.close);
        if (close != std::string::npos) {
          emit_reasoning(out, trim_right(std::string_view(pending_).substr(0, close)));
          pending_.erase(0, close + markers_.close.size());
          state_ = State::content;
          section_start_ = true;
          continue;
        }
        if (final) {
          emit_reasoning(out, trim_right(pending_));
          pending_.clear();
          return;
        }
        // Hold a possible start of the closing marker and the whitespace before it.
        size_t keep = pending_.size() - partial_marker_suffix(pending_, markers_.close);
        while (keep > 0 && is_space(pending_[keep - 1])) --keep;
        emit_reasoning(out, std::string_view(pending_).substr(0, keep));
        pending_.erase(0, keep);
        return;
      }
      case State::content:
        section_start_ = false;
        emit_content(out, pending_);
        pending_.clear();
        return;
    }
  }
}

}  // namespace openarc::llm

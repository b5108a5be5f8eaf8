#include "llm/tool_stream.h"

#include <cassert>
#include <exception>

#include "llm/reasoning.h"

namespace openarc::llm {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_space(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  return i;
}

}  // namespace

ToolStream::ToolStream(const ToolParser& parser, ToolSet tools, ToolCallIds ids, CallStreaming mode)
    : parser_(parser),
      tools_(std::move(tools)),
      mode_(mode),
      ids_(std::move(ids)),
      markers_(parser.start_markers()),
      dropped_(parser.dropped_markers()) {}

MessageDelta ToolStream::feed(std::string_view piece) {
  pending_ += piece;
  MessageDelta out;
  process(out, false);
  return out;
}

MessageDelta ToolStream::finish() {
  MessageDelta out;
  process(out, true);
  return out;
}

void ToolStream::emit_content(MessageDelta& out, std::string_view text, bool final) {
  std::string s = held_space_;
  s += text;
  // Content starts at its first visible character (text after a call included); whitespace
  // between visible text is kept as written.
  if (!content_started_) s.erase(0, skip_space(s));
  size_t keep = s.size();
  while (keep > 0 && is_space(s[keep - 1])) --keep;
  // Trailing whitespace waits: dropped before a call, released before more text; at the very end
  // it is content only in a message without calls.
  if (final && next_index_ == 0) keep = s.size();
  if (keep > 0) at_start_ = false, content_started_ = true;
  out.content.append(s, 0, keep);
  held_space_ = final ? std::string() : s.substr(keep);
}

void ToolStream::process(MessageDelta& out, bool final) {
  while (true) {
    if (in_region_) {
      if (!process_region(out, final)) return;
      continue;
    }
    // The earliest marker (the longest at one position): a call's start or a dropped token.
    size_t best = std::string::npos, best_size = 0;
    bool best_dropped = false;
    auto consider = [&](size_t pos, size_t size, bool dropped) {
      if (pos == std::string::npos) return;
      if (pos < best || (pos == best && size > best_size)) {
        best = pos;
        best_size = size;
        best_dropped = dropped;
      }
    };
    const size_t lead = skip_space(pending_);
    for (const auto& m : markers_) {
      if (m.anywhere) consider(pending_.find(m.text), m.text.size(), false);
      else if (at_start_ && std::string_view(pending_).substr(lead).starts_with(m.text)) consider(lead, m.text.size(), false);
    }
    for (const auto& d : dropped_) consider(pending_.find(d), d.size(), true);

    if (best != std::string::npos) {
      emit_content(out, std::string_view(pending_).substr(0, best), false);
      if (best_dropped) {
        pending_.erase(0, best + best_size);
        continue;
      }
      // held_space_ stays: it is dropped if a call follows, and is content again if not.
      pending_.erase(0, best);
      in_region_ = true;
      marker_size_ = best_size;
      opened_.clear();
      continue;
    }
    if (final) {
      emit_content(out, pending_, true);
      pending_.clear();
      return;
    }
    // Hold what may still become a marker.
    size_t hold = 0;
    for (const auto& m : markers_) {
      if (m.anywhere) hold = std::max(hold, partial_marker_suffix(pending_, m.text));
      else if (at_start_ && std::string_view(m.text).starts_with(std::string_view(pending_).substr(lead)))
        hold = pending_.size();
    }
    for (const auto& d : dropped_) hold = std::max(hold, partial_marker_suffix(pending_, d));
    const size_t release = whole_utf8_prefix(std::string_view(pending_).substr(0, pending_.size() - hold));
    emit_content(out, std::string_view(pending_).substr(0, release), false);
    pending_.erase(0, release);
    return;
  }
}

bool ToolStream::process_region(MessageDelta& out, bool final) {
  CallScan scan;
  try {
    scan = parser_.scan(pending_, tools_, final);
  } catch (const std::exception&) {
    scan = CallScan::invalid();  // a parser bug must not lose the text or end the stream
  }
  if (final && scan.status == ScanStatus::incomplete) scan = CallScan::invalid();

  if (scan.status != ScanStatus::invalid) {
    for (size_t i = 0; i < scan.calls.size(); ++i) {
      const PartialCall& c = scan.calls[i];
      if (i == opened_.size()) {
        if (c.name.empty() || (mode_ == CallStreaming::whole_calls && scan.status != ScanStatus::complete)) break;
        out.tool_calls.push_back({next_index_ + i, ids_.next(), c.name, ""});
        opened_.push_back({});
      }
      Opened& o = opened_[i];
      if (c.arguments.size() > o.sent.size()) {
        assert(c.arguments.compare(0, o.sent.size(), o.sent) == 0);  // a parser reports prefixes
        out.tool_calls.push_back({next_index_ + i, "", "", c.arguments.substr(o.sent.size())});
        o.sent = c.arguments;
      }
    }
  }
  switch (scan.status) {
    case ScanStatus::incomplete:
      return false;
    case ScanStatus::complete:
      // A list may end early (a later element broke): the calls before it count, and any call
      // already opened past them stays as sent.
      assert(scan.end > 0);
      next_index_ += opened_.size();
      pending_.erase(0, scan.end);
      held_space_.clear();
      break;
    case ScanStatus::invalid:
      // Calls already sent stay; the marker is content and the text after it is scanned again.
      next_index_ += opened_.size();
      emit_content(out, std::string_view(pending_).substr(0, marker_size_), false);
      pending_.erase(0, marker_size_);
      break;
  }
  opened_.clear();
  in_region_ = false;
  at_start_ = false;
  if (!scan.content.empty()) emit_content(out, scan.content, false);
  return true;
}

}  // namespace openarc::llm

#include "grammar/lazy_grammar.h"

#include <algorithm>

#include "core/error.h"

namespace openarc::grammar {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_leading_space(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  return s.substr(i);
}

}  // namespace

LazyGrammar::LazyGrammar(LazyGrammarSpec spec, std::shared_ptr<const TokenVocabulary> vocabulary,
                         std::vector<int32_t> end_tokens)
    : spec_(std::move(spec)), vocabulary_(std::move(vocabulary)), end_tokens_(std::move(end_tokens)) {
  check(!spec_.triggers.empty(), "lazy grammar: no trigger");
  check(spec_.reasoning_open.empty() == spec_.reasoning_close.empty(),
        "lazy grammar: a reasoning block needs both its opening and its closing marker");
  std::vector<std::string> watched;
  for (const LazyTrigger& t : spec_.triggers) {
    check(!t.text.empty() && t.grammar, "lazy grammar: a trigger needs a text and a grammar");
    if (t.where == LazyTrigger::Where::reasoning_end)
      check(t.text == spec_.reasoning_close, "lazy grammar: the trigger '", t.text,
            "' at the end of reasoning is not the closing marker '", spec_.reasoning_close, "'");
    auto g = std::make_shared<TokenGrammar>(t.grammar, vocabulary_, end_tokens_);
    Automaton& a = g->automaton();
    Automaton::StateId s = a.start();
    for (unsigned char c : t.text) s = s == Automaton::kDead ? s : a.step(s, c);
    check(s != Automaton::kDead, "lazy grammar: the grammar of the trigger '", t.text, "' does not begin with it");
    grammars_.push_back(std::move(g));
    after_text_.push_back(s);
    longest_ = std::max(longest_, t.text.size());
    if (t.where != LazyTrigger::Where::at_start) watched.push_back(t.text);
  }
  longest_ = std::max({longest_, spec_.reasoning_open.size(), spec_.reasoning_close.size()});

  std::sort(watched.begin(), watched.end());
  watched.erase(std::unique(watched.begin(), watched.end()), watched.end());
  const size_t n = vocabulary_->size();
  for (const std::string& m : watched) {
    Watch w{m, {}, std::vector<std::vector<int32_t>>(m.size())};
    for (size_t id = 0; id < n; ++id) {
      const std::string& b = vocabulary_->bytes(static_cast<int32_t>(id));
      if (b.empty()) continue;
      if (b.find(m) != std::string::npos) {
        w.containing.push_back(static_cast<int32_t>(id));
        continue;
      }
      for (size_t j = 1; j < m.size(); ++j)
        if (b.size() >= m.size() - j && b.compare(0, m.size() - j, m, j) == 0) w.finishing[j].push_back(static_cast<int32_t>(id));
    }
    watches_.push_back(std::move(w));
  }
  first_byte_.assign(n, 0);
  for (size_t id = 0; id < n; ++id) {
    const std::string_view b = trim_leading_space(vocabulary_->bytes(static_cast<int32_t>(id)));
    if (!b.empty()) first_byte_[id] = static_cast<uint8_t>(b[0]);
  }
}

bool LazyGrammar::is_end_token(int32_t id) const {
  return std::find(end_tokens_.begin(), end_tokens_.end(), id) != end_tokens_.end();
}

LazyMatcher::LazyMatcher(std::shared_ptr<LazyGrammar> grammar, int64_t max_tokens)
    : grammar_(std::move(grammar)), remaining_(max_tokens) {
  const LazyGrammarSpec& spec = grammar_->spec();
  if (spec.reasoning_open.empty()) {
    text_ = content_text(true);
  } else if (spec.starts_in_reasoning) {
    text_.phase = Phase::reasoning;
  } else {
    text_.phase = Phase::lead;
  }
  check_required();
}

LazyMatcher::Text LazyMatcher::content_text(bool at_start) const {
  Text t;
  t.phase = Phase::content;
  if (at_start)
    for (const LazyTrigger& tr : grammar_->spec().triggers) t.head_live |= tr.where == LazyTrigger::Where::at_start;
  return t;
}

int LazyMatcher::feed(Text& t, char c, std::string& carried) const {
  const LazyGrammarSpec& spec = grammar_->spec();
  const auto& triggers = spec.triggers;
  t.tail.push_back(c);
  if (t.tail.size() > grammar_->longest_) t.tail.erase(0, t.tail.size() - grammar_->longest_);
  switch (t.phase) {
    case Phase::lead: {
      // ReasoningParser's rule: a block the output opens after whitespace.
      t.head.push_back(c);
      const std::string_view h = trim_leading_space(t.head);
      const std::string& open = spec.reasoning_open;
      if (h.size() < open.size() && open.starts_with(h)) return -1;  // undecided (or whitespace)
      if (h == open) {
        t.phase = Phase::reasoning;
        t.head.clear();
        return -1;
      }
      // Content from the first byte: read the held bytes again as content.
      const std::string held = std::move(t.head);
      t = content_text(true);
      for (size_t i = 0; i < held.size(); ++i) {
        std::string unused;
        if (int f = feed(t, held[i], unused); f >= 0) {
          carried = held.substr(i + 1);
          return f;
        }
      }
      return -1;
    }
    case Phase::reasoning:
      if (!t.tail.ends_with(spec.reasoning_close)) return -1;
      for (size_t i = 0; i < triggers.size(); ++i)
        if (triggers[i].where == LazyTrigger::Where::reasoning_end) return static_cast<int>(i);
      t = content_text(true);
      return -1;
    case Phase::content:
      if (t.head_live) {
        t.head.push_back(c);
        const std::string_view h = trim_leading_space(t.head);
        bool live = h.empty();
        for (size_t i = 0; i < triggers.size(); ++i) {
          if (triggers[i].where != LazyTrigger::Where::at_start) continue;
          if (h == triggers[i].text) return static_cast<int>(i);
          live |= std::string_view(triggers[i].text).starts_with(h);
        }
        if (!live) {
          t.head_live = false;
          t.head.clear();
        }
      }
      for (size_t i = 0; i < triggers.size(); ++i)
        if (triggers[i].where == LazyTrigger::Where::anywhere && t.tail.ends_with(triggers[i].text))
          return static_cast<int>(i);
      return -1;
  }
  return -1;
}

LazyMatcher::Outcome LazyMatcher::evaluate(int32_t token) const {
  Outcome out;
  const LazyGrammarSpec& spec = grammar_->spec();
  if (grammar_->is_end_token(token)) {
    out.allowed = !(spec.required && spans_ == 0);
    out.text = text_;
    return out;
  }
  if (token < 0 || static_cast<size_t>(token) >= vocab_size()) {
    out.allowed = false;
    return out;
  }
  const std::string& bytes = grammar_->vocabulary().bytes(token);
  out.text = text_;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string carried;
    const int f = feed(out.text, bytes[i], carried);
    if (f < 0) continue;
    out.trigger = f;
    if (spec.once && spans_ > 0) {
      out.allowed = false;
      return out;
    }
    // The span starts after the trigger's text: the rest of the token must continue it, and the
    // grammar must be able to finish in the tokens left after this one.
    Automaton& a = grammar_->grammars_[static_cast<size_t>(f)]->automaton();
    Automaton::StateId s = grammar_->after_text_[static_cast<size_t>(f)];
    for (std::string_view rest : {std::string_view(carried), std::string_view(bytes).substr(i + 1)})
      for (unsigned char c : rest) s = s == Automaton::kDead ? s : a.step(s, c);
    out.allowed = s != Automaton::kDead &&
                  (remaining_ < 0 || static_cast<int64_t>(a.min_completion(s)) <= std::max<int64_t>(remaining_ - 1, 0));
    out.span_text = carried + bytes.substr(i + 1);
    return out;
  }
  return out;
}

bool LazyMatcher::allows(int32_t token) {
  if (ended_) return false;
  if (span_) return span_->allows(token);
  return evaluate(token).allowed;
}

std::span<const uint64_t> LazyMatcher::mask() {
  check(!ended_, "grammar: the sequence already ended");
  if (span_) return span_->mask();
  const size_t n = vocab_size();
  bits_.assign((n + 63) / 64, ~uint64_t{0});
  if (n % 64) bits_.back() = (uint64_t{1} << (n % 64)) - 1;
  auto refuse = [&](int32_t id) { bits_[static_cast<size_t>(id) >> 6] &= ~(uint64_t{1} << (id & 63)); };
  auto consider = [&](int32_t id) {
    if (!evaluate(id).allowed) refuse(id);
  };
  // Only tokens that can complete a watched marker may start a span ...
  for (const LazyGrammar::Watch& w : grammar_->watches_) {
    for (int32_t id : w.containing) consider(id);
    for (size_t j = 1; j < w.text.size(); ++j)
      if (text_.tail.ends_with(std::string_view(w.text).substr(0, j)))
        for (int32_t id : w.finishing[j]) consider(id);
  }
  // ... or, while the output's start is undecided, tokens whose first byte goes on with a
  // trigger at the start (or with the reasoning block's opening marker).
  if (text_.phase == Phase::lead || (text_.phase == Phase::content && text_.head_live)) {
    const std::string_view h = trim_leading_space(text_.head);
    bool next[256] = {};
    auto note = [&](std::string_view marker) {
      if (h.size() < marker.size() && marker.starts_with(h)) next[static_cast<uint8_t>(marker[h.size()])] = true;
    };
    if (text_.phase == Phase::lead) note(grammar_->spec().reasoning_open);
    for (const LazyTrigger& t : grammar_->spec().triggers)
      if (t.where == LazyTrigger::Where::at_start) note(t.text);
    for (size_t id = 0; id < n; ++id) {
      const std::string& b = grammar_->vocabulary().bytes(static_cast<int32_t>(id));
      if (b.empty()) continue;
      const uint8_t first = h.empty() ? grammar_->first_byte_[id] : static_cast<uint8_t>(b[0]);
      if (first && next[first]) consider(static_cast<int32_t>(id));
    }
  }
  if (grammar_->spec().required && spans_ == 0)
    for (int32_t id : grammar_->end_tokens_) refuse(id);
  check(std::any_of(bits_.begin(), bits_.end(), [](uint64_t w) { return w != 0; }),
        "grammar: no token of the vocabulary can continue the text here");
  return bits_;
}

void LazyMatcher::accept(int32_t token) {
  check(!ended_, "grammar: the sequence already ended");
  if (span_) {
    span_->accept(token);
    if (remaining_ > 0) --remaining_;
    if (span_->ended()) ended_ = true;
    else if (span_->is_complete() && !grammar_->spec().triggers[static_cast<size_t>(span_trigger_)].to_end) end_span();
    return;
  }
  Outcome o = evaluate(token);
  check(o.allowed, "grammar: token ", token, " is not allowed here");
  if (remaining_ > 0) --remaining_;
  if (grammar_->is_end_token(token)) {
    ended_ = true;
    return;
  }
  if (o.trigger < 0) {
    text_ = std::move(o.text);
    check_required();
    return;
  }
  const LazyTrigger& t = grammar_->spec().triggers[static_cast<size_t>(o.trigger)];
  span_.emplace(grammar_->grammars_[static_cast<size_t>(o.trigger)], remaining_);
  span_trigger_ = o.trigger;
  ++spans_;
  [[maybe_unused]] const bool ok = span_->accept_text(t.text + o.span_text);
  check(ok, "grammar: the span of trigger '", t.text, "' refused its own start");
  if (span_->is_complete() && !t.to_end) end_span();
}

void LazyMatcher::start_span(int trigger) {
  span_.emplace(grammar_->grammars_[static_cast<size_t>(trigger)], remaining_);
  span_trigger_ = trigger;
  ++spans_;
}

void LazyMatcher::end_span() {
  span_.reset();
  span_trigger_ = -1;
  text_ = content_text(false);
}

void LazyMatcher::check_required() {
  if (!grammar_->spec().required || spans_ > 0 || remaining_ < 0) return;
  // The first trigger's grammar, written from its first byte, must still fit in the tokens left
  // (one byte per token at worst).
  const Automaton& a = grammar_->grammars_[0]->automaton();
  if (static_cast<int64_t>(a.min_completion(a.start())) >= remaining_) start_span(0);
}

bool LazyMatcher::is_complete() const {
  if (ended_) return true;
  return span_ && grammar_->spec().triggers[static_cast<size_t>(span_trigger_)].to_end && span_->is_complete();
}

}  // namespace openarc::grammar

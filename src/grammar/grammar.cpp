#include "grammar/grammar.h"

#include <array>
#include <map>
#include <unordered_map>

#include "core/error.h"

namespace openarc::grammar {

namespace {

// Repetition counts and the lowered size are bounded so that a hostile grammar (an HTTP body)
// cannot exhaust memory: x{0,N} lowers to N rules.
constexpr uint32_t kMaxRepeatCount = 100000;
constexpr size_t kMaxElements = size_t{1} << 22;

std::string where(const SourcePos& pos) {
  return pos.line ? cat(" at ", pos.line, ":", pos.column) : std::string();
}

}  // namespace

// Turns RuleDefs into the flat form: nested choices and repetitions become generated rules
// (named after the rule they occur in), character classes become their UTF-8 byte sequences.
class GrammarLowering {
 public:
  Grammar run(const std::vector<RuleDef>& defs, std::string_view root) {
    check(!defs.empty(), "the grammar is empty: it defines no rules");
    for (const RuleDef& d : defs) {
      check(!d.name.empty(), "a rule without a name", where(d.pos));
      auto [it, fresh] = by_name_.emplace(d.name, static_cast<uint32_t>(g_.rules_.size()));
      if (!fresh)
        fail("rule '", d.name, "' is defined twice", where(d.pos), " (first", where(g_.rules_[it->second].pos), ")");
      g_.rules_.push_back({d.name, {}, Grammar::kNoCompletion, d.pos});
    }
    auto r = by_name_.find(std::string(root));
    check(r != by_name_.end(), "the grammar has no '", root, "' rule to start from");
    g_.root_ = r->second;
    for (const RuleDef& d : defs) {
      const uint32_t rule = by_name_.at(d.name);
      if (d.body.kind == Expr::Kind::choice) {
        for (const Expr& alt : d.body.items) commit(rule, lowered(alt, rule));
      } else {
        commit(rule, lowered(d.body, rule));
      }
    }
    g_.analyze();
    return std::move(g_);
  }

 private:
  using Elements = std::vector<Grammar::Element>;

  Elements lowered(const Expr& e, uint32_t owner) {
    Elements out;
    lower(e, owner, out);
    return out;
  }

  void commit(uint32_t rule, const Elements& elems) {
    check(g_.elements_.size() + elems.size() + 1 <= kMaxElements, "the grammar is too large (over ", kMaxElements,
          " elements once repetitions are expanded)");
    g_.rules_[rule].alternatives.push_back(static_cast<uint32_t>(g_.elements_.size()));
    g_.elements_.insert(g_.elements_.end(), elems.begin(), elems.end());
    g_.elements_.push_back({Grammar::Kind::end, rule});
  }

  uint32_t new_rule(uint32_t owner, const SourcePos& pos) {
    std::string base = g_.rules_[owner].name;
    // Generated rules keep the name of the rule they came from, with a number no rule uses.
    std::string name;
    do {
      name = cat(base, "_", ++generated_);
    } while (by_name_.count(name));
    by_name_.emplace(name, static_cast<uint32_t>(g_.rules_.size()));
    g_.rules_.push_back({name, {}, Grammar::kNoCompletion, pos});
    return static_cast<uint32_t>(g_.rules_.size() - 1);
  }

  uint32_t byte_set(const ByteSet& s) {
    std::array<uint64_t, 4> key{s.words[0], s.words[1], s.words[2], s.words[3]};
    auto [it, fresh] = byte_sets_.emplace(key, static_cast<uint32_t>(g_.byte_sets_.size()));
    if (fresh) g_.byte_sets_.push_back(s);
    return it->second;
  }

  void lower(const Expr& e, uint32_t owner, Elements& out) {
    switch (e.kind) {
      case Expr::Kind::literal:
        for (unsigned char c : e.text) out.push_back({Grammar::Kind::bytes, byte_set(ByteSet::single(c))});
        return;
      case Expr::Kind::chars: {
        const auto seqs = utf8_sequences(e.ranges);
        check(!seqs.empty(), "the character class", where(e.pos), " matches no character");
        if (seqs.size() == 1) {
          for (const ByteSet& b : seqs[0]) out.push_back({Grammar::Kind::bytes, byte_set(b)});
          return;
        }
        std::string key;
        for (const CodePointRange& r : e.ranges) key += cat(static_cast<uint32_t>(r.lo), "-", static_cast<uint32_t>(r.hi), ",");
        auto it = class_rules_.find(key);
        if (it == class_rules_.end()) {
          const uint32_t rule = new_rule(owner, e.pos);
          for (const auto& s : seqs) {
            Elements alt;
            for (const ByteSet& b : s) alt.push_back({Grammar::Kind::bytes, byte_set(b)});
            commit(rule, alt);
          }
          it = class_rules_.emplace(key, rule).first;
        }
        out.push_back({Grammar::Kind::rule, it->second});
        return;
      }
      case Expr::Kind::rule: {
        auto it = by_name_.find(e.text);
        check(it != by_name_.end(), "rule '", e.text, "' is used", where(e.pos), " but never defined");
        out.push_back({Grammar::Kind::rule, it->second});
        return;
      }
      case Expr::Kind::sequence:
        for (const Expr& item : e.items) lower(item, owner, out);
        return;
      case Expr::Kind::choice: {
        const uint32_t rule = new_rule(owner, e.pos);
        for (const Expr& item : e.items) commit(rule, lowered(item, owner));
        out.push_back({Grammar::Kind::rule, rule});
        return;
      }
      case Expr::Kind::repeat:
        lower_repeat(e, owner, out);
        return;
    }
  }

  // x{m,n}: m copies of x, then n - m nested optionals O_k ::= x O_(k-1) | () (never n - m
  // separate optionals, which would let the matcher pick any subset); x{m,}: then R ::= x R | ().
  void lower_repeat(const Expr& e, uint32_t owner, Elements& out) {
    check(e.min <= e.max, "repetition", where(e.pos), " has a minimum ", e.min, " above its maximum ", e.max);
    check(e.min <= kMaxRepeatCount && (e.max == Expr::kUnbounded || e.max <= kMaxRepeatCount), "repetition",
          where(e.pos), " counts beyond ", kMaxRepeatCount);
    Elements item = lowered(e.items.at(0), owner);
    const bool copies = e.min > 1 || (e.min == 1 && e.max != 1);
    if (item.size() != 1 && (copies || e.max > 1)) {  // several copies: refer to one rule instead
      const uint32_t rule = new_rule(owner, e.pos);
      commit(rule, item);
      item = {{Grammar::Kind::rule, rule}};
    }
    for (uint32_t i = 0; i < e.min; ++i) {
      check(out.size() + item.size() <= kMaxElements, "the grammar is too large", where(e.pos));
      out.insert(out.end(), item.begin(), item.end());
    }
    if (e.max == Expr::kUnbounded) {
      const uint32_t rule = new_rule(owner, e.pos);
      Elements loop = item;
      loop.push_back({Grammar::Kind::rule, rule});
      const auto item_pos = static_cast<uint32_t>(g_.elements_.size());
      commit(rule, loop);
      commit(rule, {});
      g_.repetitions_.push_back({rule, item_pos, static_cast<uint32_t>(item.size()), e.pos});
      out.push_back({Grammar::Kind::rule, rule});
      return;
    }
    uint32_t inner = UINT32_MAX;
    for (uint32_t k = e.min; k < e.max; ++k) {
      const uint32_t rule = new_rule(owner, e.pos);
      Elements alt = item;
      if (inner != UINT32_MAX) alt.push_back({Grammar::Kind::rule, inner});
      commit(rule, alt);
      commit(rule, {});
      inner = rule;
    }
    if (inner != UINT32_MAX) out.push_back({Grammar::Kind::rule, inner});
  }

  Grammar g_;
  std::unordered_map<std::string, uint32_t> by_name_;
  std::map<std::array<uint64_t, 4>, uint32_t> byte_sets_;
  std::unordered_map<std::string, uint32_t> class_rules_;
  uint32_t generated_ = 0;
};

Grammar Grammar::compile(const std::vector<RuleDef>& rules, std::string_view root) {
  return GrammarLowering().run(rules, root);
}

Grammar Grammar::with_prefix(std::string_view text) const {
  Grammar g = *this;
  const auto rule = static_cast<uint32_t>(g.rules_.size());
  const auto start = static_cast<uint32_t>(g.elements_.size());
  g.rules_.push_back({cat(rules_[root_].name, "_prefixed"), {start}, kNoCompletion, {}});
  for (unsigned char c : text) {
    const ByteSet s = ByteSet::single(c);
    uint32_t index = 0;
    while (index < g.byte_sets_.size() && !(g.byte_sets_[index] == s)) ++index;
    if (index == g.byte_sets_.size()) g.byte_sets_.push_back(s);
    g.elements_.push_back({Kind::bytes, index});
  }
  g.elements_.push_back({Kind::rule, root_});
  g.elements_.push_back({Kind::end, rule});
  g.nullable_.push_back(text.empty() && nullable_[root_]);
  g.root_ = rule;
  g.rules_[rule].min_bytes = static_cast<uint32_t>(text.size()) + rules_[root_].min_bytes;
  g.min_from_.resize(g.elements_.size());
  g.canonical_.resize(g.elements_.size());
  for (size_t i = start; i < g.elements_.size(); ++i) g.canonical_[i] = static_cast<uint32_t>(i);  // suffixes of their own
  uint32_t rest = 0;
  for (size_t i = g.elements_.size(); i-- > start;) {
    if (g.elements_[i].kind == Kind::bytes) rest += 1;
    else if (g.elements_[i].kind == Kind::rule) rest += rules_[root_].min_bytes;
    g.min_from_[i] = rest;
  }
  return g;
}

namespace {

void append_byte_set(std::string& out, const ByteSet& s) {
  auto put = [&](unsigned b) {
    if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\' && b != ']' && b != '[' && b != '-' && b != '^')
      out += static_cast<char>(b);
    else
      out += cat("\\x", "0123456789ABCDEF"[b >> 4], "0123456789ABCDEF"[b & 15]);
  };
  if (s.count() == 1) {
    for (unsigned b = 0; b < 256; ++b)
      if (s.has(static_cast<uint8_t>(b))) {
        out += '"';
        put(b);
        out += '"';
      }
    return;
  }
  out += '[';
  for (unsigned b = 0; b < 256; ++b) {
    if (!s.has(static_cast<uint8_t>(b))) continue;
    unsigned e = b;
    while (e + 1 < 256 && s.has(static_cast<uint8_t>(e + 1))) ++e;
    put(b);
    if (e > b) {
      out += '-';
      put(e);
    }
    b = e;
  }
  out += ']';
}

}  // namespace

std::string Grammar::to_gbnf() const {
  std::string out;
  for (size_t r = 0; r < rules_.size(); ++r) {
    out += rules_[r].name + " ::=";
    const auto& alts = rules_[r].alternatives;
    for (size_t a = 0; a < alts.size(); ++a) {
      if (a) out += " |";
      if (elements_[alts[a]].kind == Kind::end) out += " \"\"";
      for (uint32_t p = alts[a]; elements_[p].kind != Kind::end; ++p) {
        out += ' ';
        if (elements_[p].kind == Kind::bytes) append_byte_set(out, byte_sets_[elements_[p].value]);
        else out += rules_[elements_[p].value].name;
      }
    }
    out += '\n';
  }
  return out;
}

}  // namespace openarc::grammar

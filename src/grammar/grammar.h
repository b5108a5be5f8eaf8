// A compiled grammar: rules whose alternatives are flat runs of byte-level elements, checked so
// that the matcher can run it (every referenced rule defined, no left recursion, every rule able
// to finish), with the shortest completion of every position precomputed.
//
// Layout: `elements` holds every alternative one after the other; an alternative is the index of
// its first element and runs until an `end` element. A `bytes` element matches one byte of its
// ByteSet; a `rule` element matches a whole derivation of that rule.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/byte_set.h"
#include "grammar/expr.h"

namespace openarc::grammar {

class Grammar {
 public:
  enum class Kind : uint8_t { bytes, rule, end };
  struct Element {
    Kind kind;
    uint32_t value;  // bytes: index into byte sets; rule: rule index; end: the owning rule
  };
  static constexpr uint32_t kNoCompletion = UINT32_MAX;  // a position that cannot finish

  // Lowers and checks the rules (throws Error naming the rule and its line:column when it
  // comes from a grammar text). `root` is the start rule.
  static Grammar compile(const std::vector<RuleDef>& rules, std::string_view root = "root");

  // A grammar that matches `text` and then this grammar (a forced prefix such as the end of a
  // reasoning block the prompt opened).
  Grammar with_prefix(std::string_view text) const;

  uint32_t root() const { return root_; }
  const Element& element(uint32_t pos) const { return elements_[pos]; }
  size_t element_count() const { return elements_.size(); }
  const ByteSet& byte_set(uint32_t index) const { return byte_sets_[index]; }
  std::span<const uint32_t> alternatives(uint32_t rule) const { return rules_[rule].alternatives; }
  const std::string& rule_name(uint32_t rule) const { return rules_[rule].name; }
  size_t rule_count() const { return rules_.size(); }
  // The fewest bytes that finish the alternative from `pos` on (the element at pos included).
  uint32_t min_bytes_from(uint32_t pos) const { return min_from_[pos]; }
  uint32_t min_bytes(uint32_t rule) const { return rules_[rule].min_bytes; }
  // The first position whose elements up to the end of its alternative are the same as pos's:
  // two parse frames there have the same future, so the matcher keeps one (without this,
  // ((x+)+)+... would leave exponentially many equivalent stacks).
  uint32_t canonical(uint32_t pos) const { return canonical_[pos]; }

  // The grammar in GBNF (generated rules included), for debugging and error reports.
  std::string to_gbnf() const;

 private:
  friend class GrammarLowering;
  struct Rule {
    std::string name;
    std::vector<uint32_t> alternatives;
    uint32_t min_bytes = kNoCompletion;
    SourcePos pos;
  };
  void analyze();  // nullable, left recursion, completion lengths (grammar_checks.cpp)

  std::vector<Element> elements_;
  std::vector<ByteSet> byte_sets_;
  std::vector<Rule> rules_;
  std::vector<uint32_t> min_from_;  // per element
  std::vector<uint32_t> canonical_;  // per element
  std::vector<bool> nullable_;      // per rule
  struct Repetition {
    uint32_t rule;       // the generated rule R ::= x R | ()
    uint32_t item_pos;   // where x's elements start in R's first alternative
    uint32_t item_len;
    SourcePos pos;
  };
  std::vector<Repetition> repetitions_;  // unbounded ones, checked for an x that matches nothing
  uint32_t root_ = 0;
};

}  // namespace openarc::grammar

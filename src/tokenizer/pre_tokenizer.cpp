#include "tokenizer/pre_tokenizer.h"

#include <unicode/uchar.h>

#include <array>
#include <functional>
#include <optional>

#include "core/error.h"
#include "tokenizer/json_reader.h"
#include "tokenizer/pattern.h"
#include "tokenizer/utf8.h"

namespace openarc::tokenizer {

namespace {

// Replaces each piece by the ranges `split(piece)` returns, keeping non-empty ones.
template <typename F>
void split_each(std::vector<Piece>& pieces, F split) {
  std::vector<Piece> out;
  out.reserve(pieces.size());
  for (Piece& p : pieces) {
    for (auto [b, e] : split(p)) {
      if (b == e) continue;
      out.push_back({p.text.substr(b, e - b), p.at_start && b == 0});
    }
  }
  pieces = std::move(out);
}

struct ByteTable {
  std::array<std::string, 256> to_char;
  std::array<int, 512> to_byte{};  // every mapped character is below U+0200
  ByteTable() {
    to_byte.fill(-1);
    int extra = 0;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      char32_t c = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + extra++);
      append_utf8(to_char[b], c);
      to_byte[c] = b;
    }
  }
};

const ByteTable& byte_table() {
  static const ByteTable table;
  return table;
}

// GPT-2's pre-tokenization regex, built into ByteLevel.
constexpr const char* kGpt2Regex =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class ByteLevelPre final : public PreTokenizer {
 public:
  ByteLevelPre(bool add_prefix_space, bool use_regex) : add_prefix_space_(add_prefix_space) {
    if (use_regex) regex_ = Pattern::regex(kGpt2Regex);
  }
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    if (add_prefix_space_ || regex_) {
      split_each(pieces, [&](Piece& p) {
        if (add_prefix_space_ && (p.text.empty() || p.text[0] != ' ')) p.text.insert(p.text.begin(), ' ');
        if (!regex_) return std::vector<std::pair<size_t, size_t>>{{0, p.text.size()}};
        return apply_split_behavior(regex_->find_matches(p.text), SplitBehavior::Isolated);
      });
    }
    const ByteTable& t = byte_table();
    for (Piece& p : pieces) {
      std::string mapped;
      mapped.reserve(p.text.size() * 2);
      for (unsigned char c : p.text) mapped += t.to_char[c];
      p.text = std::move(mapped);
    }
  }

 private:
  bool add_prefix_space_;
  std::optional<Pattern> regex_;
};

class SplitPre final : public PreTokenizer {
 public:
  SplitPre(Pattern pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    split_each(pieces, [&](Piece& p) {
      auto spans = pattern_.find_matches(p.text);
      if (invert_) invert_spans(spans);
      return apply_split_behavior(spans, behavior_);
    });
  }

 private:
  Pattern pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

// Splits on characters that satisfy a predicate.
class CharClassPre final : public PreTokenizer {
 public:
  CharClassPre(std::function<bool(char32_t)> pred, SplitBehavior behavior)
      : pred_(std::move(pred)), behavior_(behavior) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    split_each(pieces, [&](Piece& p) { return apply_split_behavior(find_char_matches(p.text, pred_), behavior_); });
  }

 private:
  std::function<bool(char32_t)> pred_;
  SplitBehavior behavior_;
};

// The regex crate's \w: Alphabetic, marks, decimal digits, connector punctuation, joiners.
bool is_word_char(char32_t c) {
  if (c < 0x80) return is_alphanumeric(c) || c == '_';
  if (c == 0x200C || c == 0x200D) return true;
  int8_t t = u_charType(static_cast<UChar32>(c));
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_ALPHABETIC) || t == U_NON_SPACING_MARK ||
         t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK || t == U_DECIMAL_DIGIT_NUMBER ||
         t == U_CONNECTOR_PUNCTUATION;
}

// Whitespace: the pieces matched by \w+|[^\w\s]+, i.e. runs of word characters and runs of
// other non-space characters; whitespace is dropped.
class WhitespacePre final : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    split_each(pieces, [&](Piece& p) {
      std::vector<std::pair<size_t, size_t>> out;
      int run_class = -1;
      for (size_t i = 0; i < p.text.size();) {
        size_t b = i;
        char32_t c = next_code_point(p.text, i);
        int cls = is_word_char(c) ? 0 : is_whitespace(c) ? 2 : 1;
        if (cls == 2) {
          run_class = -1;
          continue;
        }
        if (cls == run_class) out.back().second = i;
        else out.emplace_back(b, i);
        run_class = cls;
      }
      return out;
    });
  }
};

class MetaspacePre final : public PreTokenizer {
 public:
  enum class Scheme { Always, First, Never };
  MetaspacePre(std::string replacement, Scheme scheme, bool split)
      : replacement_(std::move(replacement)), scheme_(scheme), split_(split) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    Pattern space = Pattern::literal(" ");
    Pattern repl = Pattern::literal(replacement_);
    split_each(pieces, [&](Piece& p) {
      p.text = space.replace_all(p.text, replacement_);
      bool starts = p.text.compare(0, replacement_.size(), replacement_) == 0;
      if (!starts && (scheme_ == Scheme::Always || (scheme_ == Scheme::First && p.at_start)))
        p.text.insert(0, replacement_);
      if (!split_) return std::vector<std::pair<size_t, size_t>>{{0, p.text.size()}};
      return apply_split_behavior(repl.find_matches(p.text), SplitBehavior::MergedWithNext);
    });
  }

 private:
  std::string replacement_;
  Scheme scheme_;
  bool split_;
};

class SequencePre final : public PreTokenizer {
 public:
  explicit SequencePre(std::vector<std::unique_ptr<PreTokenizer>> parts) : parts_(std::move(parts)) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    for (const auto& p : parts_) p->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> parts_;
};

// BertPreTokenizer: split on whitespace (removed), then isolate punctuation.
class BertPre final : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    whitespace_.pre_tokenize(pieces);
    punctuation_.pre_tokenize(pieces);
  }

 private:
  CharClassPre whitespace_{is_whitespace, SplitBehavior::Removed};
  CharClassPre punctuation_{is_bert_punctuation, SplitBehavior::Isolated};
};

MetaspacePre::Scheme parse_scheme(const JsonAt& j) {
  if (j.has("prepend_scheme")) {
    std::string s = j["prepend_scheme"].str();
    if (s == "always") return MetaspacePre::Scheme::Always;
    if (s == "first") return MetaspacePre::Scheme::First;
    if (s == "never") return MetaspacePre::Scheme::Never;
    j["prepend_scheme"].fail(cat("unknown prepend_scheme \"", s, "\" (expected always, first or never)"));
  }
  // Files older than prepend_scheme carry add_prefix_space.
  return j.bool_or("add_prefix_space", true) ? MetaspacePre::Scheme::Always : MetaspacePre::Scheme::Never;
}

std::string single_char(const JsonAt& j) {
  std::string s = j.str();
  size_t i = 0;
  if (s.empty() || !is_valid_utf8(s) || (next_code_point(s, i), i != s.size())) j.fail("expected a single character");
  return s;
}

}  // namespace

const std::string& byte_level_char(unsigned char byte) { return byte_table().to_char[byte]; }

int byte_level_byte(char32_t c) { return c < 512 ? byte_table().to_byte[c] : -1; }

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const JsonAt& j) {
  if (j.is_null()) return nullptr;
  std::string type = j["type"].str();
  if (type == "ByteLevel") return std::make_unique<ByteLevelPre>(j.bool_or("add_prefix_space", true), j.bool_or("use_regex", true));
  if (type == "Split") {
    SplitBehavior b = parse_split_behavior(j["behavior"]);
    return std::make_unique<SplitPre>(Pattern::from_json(j["pattern"]), b, j.bool_or("invert", false));
  }
  if (type == "Metaspace") {
    std::string replacement = j.has("replacement") ? single_char(j["replacement"]) : single_char(j["str_rep"]);
    return std::make_unique<MetaspacePre>(replacement, parse_scheme(j), j.bool_or("split", true));
  }
  if (type == "Whitespace") return std::make_unique<WhitespacePre>();
  if (type == "WhitespaceSplit") return std::make_unique<CharClassPre>(is_whitespace, SplitBehavior::Removed);
  if (type == "BertPreTokenizer") return std::make_unique<BertPre>();
  if (type == "Punctuation") {
    SplitBehavior b = j.has("behavior") ? parse_split_behavior(j["behavior"]) : SplitBehavior::Isolated;
    return std::make_unique<CharClassPre>(is_bert_punctuation, b);
  }
  if (type == "Digits") {
    bool individual = j.bool_or("individual_digits", false);
    return std::make_unique<CharClassPre>(is_numeric, individual ? SplitBehavior::Isolated : SplitBehavior::Contiguous);
  }
  if (type == "CharDelimiterSplit") {
    std::string d = single_char(j["delimiter"]);
    size_t i = 0;
    char32_t delim = next_code_point(d, i);
    return std::make_unique<CharClassPre>([delim](char32_t c) { return c == delim; }, SplitBehavior::Removed);
  }
  if (type == "Sequence") {
    j.check_depth();
    JsonAt list = j["pretokenizers"];
    std::vector<std::unique_ptr<PreTokenizer>> parts;
    for (size_t i = 0; i < list.size(); ++i) {
      auto p = make_pre_tokenizer(list[i]);
      if (p) parts.push_back(std::move(p));
    }
    return std::make_unique<SequencePre>(std::move(parts));
  }
  j["type"].fail(cat("unsupported pre_tokenizer \"", type, "\""));
}

}  // namespace openarc::tokenizer

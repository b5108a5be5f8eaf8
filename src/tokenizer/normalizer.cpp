#include "tokenizer/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/bytestream.h>

#include <vector>

#include "core/error.h"
#include "tokenizer/json_reader.h"
#include "tokenizer/pattern.h"
#include "tokenizer/utf8.h"

namespace openarc::tokenizer {

namespace {

enum class UnicodeForm { NFC, NFD, NFKC, NFKD };

class UnicodeNormalizer final : public Normalizer {
 public:
  explicit UnicodeNormalizer(UnicodeForm form) {
    UErrorCode status = U_ZERO_ERROR;
    switch (form) {
      case UnicodeForm::NFC: impl_ = icu::Normalizer2::getNFCInstance(status); break;
      case UnicodeForm::NFD: impl_ = icu::Normalizer2::getNFDInstance(status); break;
      case UnicodeForm::NFKC: impl_ = icu::Normalizer2::getNFKCInstance(status); break;
      case UnicodeForm::NFKD: impl_ = icu::Normalizer2::getNFKDInstance(status); break;
    }
    if (U_FAILURE(status)) fail("ICU normalizer unavailable: ", u_errorName(status));
  }
  void normalize(std::string& text) const override {
    bool ascii = true;
    for (unsigned char c : text) ascii &= c < 0x80;
    if (ascii) return;  // ASCII is invariant under every normalization form
    UErrorCode status = U_ZERO_ERROR;
    if (impl_->isNormalizedUTF8(text, status) && U_SUCCESS(status)) return;
    std::string out;
    status = U_ZERO_ERROR;
    icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(text.size()));
    impl_->normalizeUTF8(0, text, sink, nullptr, status);
    if (U_FAILURE(status)) fail("Unicode normalization failed: ", u_errorName(status));
    text = std::move(out);
  }

 private:
  const icu::Normalizer2* impl_ = nullptr;
};

class PrependNormalizer final : public Normalizer {
 public:
  explicit PrependNormalizer(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::string& text) const override {
    if (!text.empty()) text.insert(0, prefix_);
  }

 private:
  std::string prefix_;
};

class ReplaceNormalizer final : public Normalizer {
 public:
  ReplaceNormalizer(Pattern pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void normalize(std::string& text) const override { text = pattern_.replace_all(text, content_); }

 private:
  Pattern pattern_;
  std::string content_;
};

// Rust's char::to_lowercase per character: the simple mapping, except U+0130, the one
// character whose unconditional lowercase is two characters; no context (final sigma) rules.
void lowercase(std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t c = next_code_point(text, i);
    if (c < 0x80) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    } else if (c == 0x130) {
      out += "i\xCC\x87";
    } else {
      append_utf8(out, static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))));
    }
  }
  text = std::move(out);
}

class LowercaseNormalizer final : public Normalizer {
 public:
  void normalize(std::string& text) const override { lowercase(text); }
};

class StripNormalizer final : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string& text) const override {
    size_t begin = 0, end = text.size();
    if (left_) {
      while (begin < end) {
        size_t i = begin;
        if (!is_whitespace(next_code_point(text, i))) break;
        begin = i;
      }
    }
    if (right_) {
      while (end > begin) {
        size_t start = end - 1;
        while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
        size_t i = start;
        if (!is_whitespace(next_code_point(text, i))) break;
        end = start;
      }
    }
    text = text.substr(begin, end - begin);
  }

 private:
  bool left_, right_;
};

void strip_accents(std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t b = i;
    if (!is_combining_mark(next_code_point(text, i))) out.append(text, b, i - b);
  }
  text = std::move(out);
}

class StripAccentsNormalizer final : public Normalizer {
 public:
  void normalize(std::string& text) const override { strip_accents(text); }
};

// BertNormalizer: drop controls and U+FFFD, map whitespace to ' ', pad CJK ideographs with
// spaces, then optionally strip accents (after NFD) and lowercase.
class BertNormalizer final : public Normalizer {
 public:
  BertNormalizer(bool clean_text, bool chinese, bool strip_accents, bool lowercase)
      : clean_text_(clean_text), chinese_(chinese), strip_accents_(strip_accents), lowercase_(lowercase) {}
  void normalize(std::string& text) const override {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
      size_t b = i;
      char32_t c = next_code_point(text, i);
      if (clean_text_) {
        if (c == 0 || c == 0xFFFD || is_control(c)) continue;
        if (c == '\t' || c == '\n' || c == '\r' || is_whitespace(c)) {
          out += ' ';
          continue;
        }
      }
      if (chinese_ && is_chinese_char(c)) {
        out += ' ';
        out.append(text, b, i - b);
        out += ' ';
        continue;
      }
      out.append(text, b, i - b);
    }
    if (strip_accents_) {
      nfd_.normalize(out);
      strip_accents(out);
    }
    if (lowercase_) lowercase(out);
    text = std::move(out);
  }

 private:
  bool clean_text_, chinese_, strip_accents_, lowercase_;
  UnicodeNormalizer nfd_{UnicodeForm::NFD};
};

class SequenceNormalizer final : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> parts) : parts_(std::move(parts)) {}
  void normalize(std::string& text) const override {
    for (const auto& p : parts_) p->normalize(text);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> parts_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const JsonAt& j) {
  if (j.is_null()) return nullptr;
  std::string type = j["type"].str();
  if (type == "NFC") return std::make_unique<UnicodeNormalizer>(UnicodeForm::NFC);
  if (type == "NFD") return std::make_unique<UnicodeNormalizer>(UnicodeForm::NFD);
  if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(UnicodeForm::NFKC);
  if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(UnicodeForm::NFKD);
  if (type == "Prepend") return std::make_unique<PrependNormalizer>(j["prepend"].str());
  if (type == "Replace") return std::make_unique<ReplaceNormalizer>(Pattern::from_json(j["pattern"]), j["content"].str());
  if (type == "Lowercase") return std::make_unique<LowercaseNormalizer>();
  if (type == "Strip") return std::make_unique<StripNormalizer>(j.bool_or("strip_left", true), j.bool_or("strip_right", true));
  if (type == "StripAccents") return std::make_unique<StripAccentsNormalizer>();
  if (type == "BertNormalizer") {
    bool lower = j.bool_or("lowercase", true);
    // strip_accents defaults to the lowercase flag when null, as in the Rust library.
    bool strip = j.has("strip_accents") ? j["strip_accents"].boolean() : lower;
    return std::make_unique<BertNormalizer>(j.bool_or("clean_text", true), j.bool_or("handle_chinese_chars", true),
                                            strip, lower);
  }
  if (type == "Sequence") {
    j.check_depth();
    JsonAt list = j["normalizers"];
    std::vector<std::unique_ptr<Normalizer>> parts;
    for (size_t i = 0; i < list.size(); ++i) {
      auto p = make_normalizer(list[i]);
      if (p) parts.push_back(std::move(p));
    }
    return std::make_unique<SequenceNormalizer>(std::move(parts));
  }
  j["type"].fail(cat("unsupported normalizer \"", type, "\""));
}

}  // namespace openarc::tokenizer

#include "tokenizer/decoder.h"

#include "core/error.h"
#include "tokenizer/json_reader.h"
#include "tokenizer/pattern.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/utf8.h"

namespace openarc::tokenizer {

namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  size_t last = 0;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + from.size())) {
    out.append(s, last, at - last);
    out += to;
    last = at + from.size();
  }
  if (last == 0) return;
  out.append(s, last, std::string::npos);
  s = std::move(out);
}

// ByteLevel: every character back to its byte, then lossy UTF-8. A token with a character
// outside the table contributes its own UTF-8 bytes unchanged (added tokens such as "<｜User｜>").
class ByteLevelDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens, bool at_start) const override {
    decode_chain_bytes(tokens, at_start);
    tokens[0] = utf8_lossy(tokens[0]);
  }
  void decode_chain_bytes(std::vector<std::string>& tokens, bool) const override {
    std::string bytes;
    for (const std::string& t : tokens) {
      size_t mark = bytes.size();
      bool ok = true;
      for (size_t i = 0; i < t.size();) {
        int b = byte_level_byte(next_code_point(t, i));
        if (b < 0) {
          ok = false;
          break;
        }
        bytes += static_cast<char>(b);
      }
      if (!ok) {
        bytes.resize(mark);
        bytes += t;
      }
    }
    tokens.assign(1, std::move(bytes));
  }
};

class ReplaceDecoder final : public Decoder {
 public:
  ReplaceDecoder(Pattern pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void decode_chain(std::vector<std::string>& tokens, bool) const override {
    for (std::string& t : tokens) t = pattern_.replace_all(t, content_);
  }

 private:
  Pattern pattern_;
  std::string content_;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
  return -1;
}

// "<0xNN>" -> the byte (Rust's u8::from_str_radix also takes "+N" for the two digits).
}  // namespace

int byte_token(const std::string& t) {
  if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return -1;
  if (t[3] == '+') return hex_value(t[4]);
  int hi = hex_value(t[3]), lo = hex_value(t[4]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

namespace {

// ByteFallback: runs of <0xNN> tokens become their UTF-8 text, or one U+FFFD per byte when
// the run is not valid UTF-8.
class ByteFallbackDecoder final : public Decoder {
 public:
  bool joins_byte_runs() const override { return true; }
  void decode_chain(std::vector<std::string>& tokens, bool) const override { decode(tokens, true); }
  void decode_chain_bytes(std::vector<std::string>& tokens, bool) const override { decode(tokens, false); }

 private:
  void decode(std::vector<std::string>& tokens, bool repair) const {
    std::vector<std::string> out;
    out.reserve(tokens.size());
    std::string pending;
    auto flush = [&] {
      if (pending.empty()) return;
      if (!repair || is_valid_utf8(pending)) {
        out.push_back(pending);
      } else {
        for (size_t i = 0; i < pending.size(); ++i) out.emplace_back(kReplacementChar);
      }
      pending.clear();
    };
    for (std::string& t : tokens) {
      int b = byte_token(t);
      if (b >= 0) {
        pending += static_cast<char>(b);
      } else {
        flush();
        out.push_back(std::move(t));
      }
    }
    flush();
    tokens = std::move(out);
  }
};

class FuseDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens, bool) const override {
    std::string all;
    for (const std::string& t : tokens) all += t;
    tokens.assign(1, std::move(all));
  }
};

// Strip: removes up to `start` leading and `stop` trailing `content` characters of each token.
class StripDecoder final : public Decoder {
 public:
  StripDecoder(char32_t content, size_t start, size_t stop) : content_(content), start_(start), stop_(stop) {}
  bool streamable() const override { return stop_ == 0; }
  void decode_chain(std::vector<std::string>& tokens, bool at_start) const override {
    for (size_t k = 0; k < tokens.size(); ++k) {
      std::string& t = tokens[k];
      std::vector<size_t> starts;  // byte offset of each character
      for (size_t i = 0; i < t.size();) {
        starts.push_back(i);
        next_code_point(t, i);
      }
      size_t n = starts.size();
      auto char_at = [&](size_t c) {
        size_t i = starts[c];
        return next_code_point(t, i);
      };
      size_t cut_start = 0;
      // A continuation's first token is not the start of the text.
      size_t start_limit = (at_start || k > 0) ? start_ : 0;
      for (size_t c = 0; c < std::min(start_limit, n); ++c) {
        if (char_at(c) != content_) break;
        cut_start = c + 1;
      }
      size_t cut_stop = n;
      for (size_t i = 0; i < std::min(stop_, n); ++i) {
        size_t c = n - i - 1;
        if (char_at(c) != content_) break;
        cut_stop = c;
      }
      if (cut_stop < cut_start) cut_stop = cut_start;
      size_t b = cut_start < n ? starts[cut_start] : t.size();
      size_t e = cut_stop < n ? starts[cut_stop] : t.size();
      t = t.substr(b, e - b);
    }
  }

 private:
  char32_t content_;
  size_t start_, stop_;
};

// Metaspace: the replacement character back to a space, except that the first token of the
// text loses every replacement character it holds unless the prepend scheme is "never" (as the
// Rust library does it, not only a leading one).
class MetaspaceDecoder final : public Decoder {
 public:
  MetaspaceDecoder(std::string replacement, bool prepend) : replacement_(std::move(replacement)), prepend_(prepend) {}
  void decode_chain(std::vector<std::string>& tokens, bool at_start) const override {
    for (size_t k = 0; k < tokens.size(); ++k) {
      std::string& t = tokens[k];
      std::string out;
      bool first_token = at_start && k == 0;
      for (size_t i = 0; i < t.size();) {
        size_t b = i;
        next_code_point(t, i);
        if (t.compare(b, i - b, replacement_) == 0) {
          if (!(first_token && prepend_)) out += ' ';
        } else {
          out.append(t, b, i - b);
        }
      }
      t = std::move(out);
    }
  }

 private:
  std::string replacement_;
  bool prepend_;
};

// WordPiece: "##" glues a token to the previous one, other tokens get a space before them.
class WordPieceDecoder final : public Decoder {
 public:
  WordPieceDecoder(std::string prefix, bool cleanup) : prefix_(std::move(prefix)), cleanup_(cleanup) {}
  void decode_chain(std::vector<std::string>& tokens, bool at_start) const override {
    for (size_t k = 0; k < tokens.size(); ++k) {
      std::string& t = tokens[k];
      if (k != 0 || !at_start) {
        if (!prefix_.empty() && t.compare(0, prefix_.size(), prefix_) == 0) t.erase(0, prefix_.size());
        else t.insert(t.begin(), ' ');
      }
      if (cleanup_) {
        replace_all(t, " .", ".");
        replace_all(t, " ?", "?");
        replace_all(t, " !", "!");
        replace_all(t, " ,", ",");
        replace_all(t, " ' ", "'");
        replace_all(t, " n't", "n't");
        replace_all(t, " 'm", "'m");
        replace_all(t, " do not", " don't");
        replace_all(t, " 's", "'s");
        replace_all(t, " 've", "'ve");
        replace_all(t, " 're", "'re");
      }
    }
  }

 private:
  std::string prefix_;
  bool cleanup_;
};

// BPEDecoder: the end-of-word suffix becomes a space (nothing after the last token).
class BpeSuffixDecoder final : public Decoder {
 public:
  explicit BpeSuffixDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  bool streamable() const override { return false; }
  void decode_chain(std::vector<std::string>& tokens, bool) const override {
    for (size_t k = 0; k < tokens.size(); ++k) replace_all(tokens[k], suffix_, k + 1 == tokens.size() ? "" : " ");
  }

 private:
  std::string suffix_;
};

class SequenceDecoder final : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> parts) : parts_(std::move(parts)) {}
  bool streamable() const override {
    for (const auto& p : parts_)
      if (!p->streamable()) return false;
    return true;
  }
  bool joins_byte_runs() const override {
    for (const auto& p : parts_)
      if (p->joins_byte_runs()) return true;
    return false;
  }
  void decode_chain(std::vector<std::string>& tokens, bool at_start) const override {
    for (const auto& p : parts_) p->decode_chain(tokens, at_start);
  }
  void decode_chain_bytes(std::vector<std::string>& tokens, bool at_start) const override {
    for (const auto& p : parts_) p->decode_chain_bytes(tokens, at_start);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> parts_;
};

char32_t single_code_point(const JsonAt& j) {
  std::string s = j.str();
  size_t i = 0;
  if (s.empty() || !is_valid_utf8(s)) j.fail("expected a single character");
  char32_t c = next_code_point(s, i);
  if (i != s.size()) j.fail("expected a single character");
  return c;
}

size_t count(const JsonAt& j) {
  int64_t v = j.integer();
  if (v < 0) j.fail("expected a non-negative count");
  return static_cast<size_t>(v);
}

}  // namespace

std::string clean_up_tokenization(std::string text) {
  replace_all(text, " .", ".");
  replace_all(text, " ?", "?");
  replace_all(text, " !", "!");
  replace_all(text, " ,", ",");
  replace_all(text, " ' ", "'");
  replace_all(text, " n't", "n't");
  replace_all(text, " 'm", "'m");
  replace_all(text, " 's", "'s");
  replace_all(text, " 've", "'ve");
  replace_all(text, " 're", "'re");
  return text;
}

std::unique_ptr<Decoder> make_decoder(const JsonAt& j) {
  if (j.is_null()) return nullptr;
  std::string type = j["type"].str();
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "Replace") return std::make_unique<ReplaceDecoder>(Pattern::from_json(j["pattern"]), j["content"].str());
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") return std::make_unique<StripDecoder>(single_code_point(j["content"]), count(j["start"]), count(j["stop"]));
  if (type == "Metaspace") {
    std::string replacement = j.has("replacement") ? j["replacement"].str() : j["str_rep"].str();
    bool prepend = true;
    if (j.has("prepend_scheme")) prepend = j["prepend_scheme"].str() != "never";
    else prepend = j.bool_or("add_prefix_space", true);
    return std::make_unique<MetaspaceDecoder>(replacement, prepend);
  }
  if (type == "WordPiece") return std::make_unique<WordPieceDecoder>(j.str_or("prefix", "##"), j.bool_or("cleanup", true));
  if (type == "BPEDecoder") return std::make_unique<BpeSuffixDecoder>(j.str_or("suffix", "</w>"));
  if (type == "Sequence") {
    j.check_depth();
    JsonAt list = j["decoders"];
    std::vector<std::unique_ptr<Decoder>> parts;
    for (size_t i = 0; i < list.size(); ++i) {
      auto p = make_decoder(list[i]);
      if (p) parts.push_back(std::move(p));
    }
    return std::make_unique<SequenceDecoder>(std::move(parts));
  }
  j["type"].fail(cat("unsupported decoder \"", type, "\""));
}

}  // namespace openarc::tokenizer

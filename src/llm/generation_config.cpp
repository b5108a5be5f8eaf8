#include "llm/generation_config.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <type_traits>

#include "core/text.h"

namespace openarc::llm {

namespace {

// Limits that keep the stop-string matcher cheap (it re-scans held-back text per piece).
constexpr size_t kMaxStopStrings = 16;
constexpr size_t kMaxStopBytes = 256;
constexpr double kMaxLogitBias = 100.0;

template <class... Args>
[[noreturn]] void setting_fail(std::string_view setting, Args&&... args) {
  throw SettingError(std::string(setting), cat(std::forward<Args>(args)...));
}

// Well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

std::string format_number(double v) { return cat(v); }

void check_token_id(std::string_view setting, int64_t id, int64_t vocab_size) {
  if (id < 0) setting_fail(setting, setting, " has a negative token id ", id);
  if (vocab_size > 0 && id >= vocab_size)
    setting_fail(setting, setting, " has token id ", id, ", beyond the vocabulary of ", vocab_size, " tokens");
}

int64_t parse_int(std::string_view setting, std::string_view text) {
  text = trim(text);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    setting_fail(setting, setting, ": expected an integer, got '", text, "'");
  return v;
}

double parse_double(std::string_view setting, std::string_view text) {
  text = trim(text);
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(v))
    setting_fail(setting, setting, ": expected a finite number, got '", text, "'");
  return v;
}

bool parse_bool(std::string_view setting, std::string_view text) {
  text = trim(text);
  for (std::string_view t : {"true", "1", "yes", "on"})
    if (text == t) return true;
  for (std::string_view f : {"false", "0", "no", "off"})
    if (text == f) return false;
  setting_fail(setting, setting, ": expected true or false, got '", text, "'");
}

// Splits "a,b,c" into trimmed parts; "" gives none.
std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> parts;
  if (trim(text).empty()) return parts;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    parts.push_back(trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return parts;
}

}  // namespace

std::string describe(const SettingRange& r) {
  const bool has_lo = std::isfinite(r.lo), has_hi = std::isfinite(r.hi);
  if (has_lo && has_hi)
    return cat(r.lo_open ? "(" : "[", format_number(r.lo), ", ", format_number(r.hi), r.hi_open ? ")" : "]");
  if (has_lo) return cat(r.lo_open ? "> " : ">= ", format_number(r.lo));
  if (has_hi) return cat(r.hi_open ? "< " : "<= ", format_number(r.hi));
  return "any";
}

void GenerationConfig::validate(int64_t vocab_size) const {
  for_each_setting(*this, [](const auto& value, const SettingInfo& info) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, double>) {
      const double v = static_cast<double>(value);
      if (!std::isfinite(v)) setting_fail(info.name, info.name, " must be a finite number");
      if (!info.range.contains(v)) {
        const bool interval = std::isfinite(info.range.lo) && std::isfinite(info.range.hi);
        setting_fail(info.name, info.name, " must be ", interval ? "in " : "", describe(info.range), ", got ", value);
      }
    }
  });
  if (max_new_tokens == 0) setting_fail("max_new_tokens", "max_new_tokens must be >= 1, or -1 for no limit, got 0");
  if (max_new_tokens > 0 && min_new_tokens > max_new_tokens)
    setting_fail("min_new_tokens", "min_new_tokens (", min_new_tokens, ") exceeds max_new_tokens (", max_new_tokens,
                 ")");
  if (top_logprobs > 0 && !logprobs) setting_fail("top_logprobs", "top_logprobs needs logprobs to be true");
  if (speculative_min_ngram > speculative_max_ngram)
    setting_fail("speculative_min_ngram", "speculative_min_ngram (", speculative_min_ngram,
                 ") exceeds speculative_max_ngram (", speculative_max_ngram, ")");

  for (const auto& [id, bias] : logit_bias) {
    check_token_id("logit_bias", id, vocab_size);
    if (!std::isfinite(bias) || bias < -kMaxLogitBias || bias > kMaxLogitBias)
      setting_fail("logit_bias", "logit_bias for token ", id, " must be in [-100, 100], got ", bias);
  }
  if (stop.size() > kMaxStopStrings)
    setting_fail("stop", "stop has ", stop.size(), " strings; at most ", kMaxStopStrings, " are allowed");
  for (size_t i = 0; i < stop.size(); ++i) {
    if (stop[i].empty()) setting_fail("stop", "stop string ", i, " is empty");
    if (stop[i].size() > kMaxStopBytes)
      setting_fail("stop", "stop string ", i, " has ", stop[i].size(), " bytes; at most ", kMaxStopBytes,
                   " are allowed");
    if (!valid_utf8(stop[i])) setting_fail("stop", "stop string ", i, " is not valid UTF-8");
  }
  for (int64_t id : stop_token_ids) check_token_id("stop_token_ids", id, vocab_size);
  for (int64_t id : eos_token_ids) check_token_id("eos_token_ids", id, vocab_size);
}

int64_t GenerationConfig::new_token_limit(int64_t prompt_tokens, int64_t context_length) const {
  check(prompt_tokens >= 0, "negative prompt length ", prompt_tokens);
  const bool bounded = context_length > 0;
  if (bounded && prompt_tokens >= context_length)
    fail("the prompt has ", prompt_tokens, " tokens, which fills the context window of ", context_length,
         " tokens");
  const int64_t room = bounded ? context_length - prompt_tokens : std::numeric_limits<int64_t>::max();
  if (max_new_tokens > 0) {
    if (max_new_tokens > room)
      fail("the prompt (", prompt_tokens, " tokens) + max_new_tokens (", max_new_tokens, ") = ",
           prompt_tokens + max_new_tokens, " tokens exceeds the context window of ", context_length, " tokens");
    return max_new_tokens;
  }
  if (max_length > 0) {
    if (max_length <= prompt_tokens)
      fail("the prompt has ", prompt_tokens, " tokens and max_length is ", max_length,
           ", which leaves no room for output; set max_new_tokens");
    // max_length usually comes from the model's file, not the request: the context wins quietly.
    return std::min(max_length - prompt_tokens, room);
  }
  return room;
}

std::string cli_flag(std::string_view setting_name) {
  std::string flag = "--";
  for (char c : setting_name) flag += c == '_' ? '-' : c;
  return flag;
}

void set_setting(GenerationConfig& config, std::string_view name, std::string_view value) {
  const size_t start = name.find_first_not_of('-');  // "--top-k" and "top-k" name top_k too
  std::string key(start == std::string_view::npos ? std::string_view() : name.substr(start));
  std::replace(key.begin(), key.end(), '-', '_');
  bool found = false;
  GenerationConfig::for_each_setting(config, [&](auto& field, const SettingInfo& info) {
    if (found) return;
    bool match = info.name == key;
    for (auto alias : info.aliases) match = match || (!alias.empty() && alias == key);
    if (!match) return;
    found = true;
    const std::string_view s = info.name;
    using T = std::decay_t<decltype(field)>;
    if constexpr (std::is_same_v<T, int64_t>) {
      field = parse_int(s, value);
    } else if constexpr (std::is_same_v<T, double>) {
      field = parse_double(s, value);
    } else if constexpr (std::is_same_v<T, bool>) {
      field = parse_bool(s, value);
    } else if constexpr (std::is_same_v<T, std::optional<uint64_t>>) {
      const std::string_view t = trim(value);
      if (t == "random" || t == "-1" || t.empty()) {
        field.reset();
      } else {
        uint64_t v = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (ec != std::errc() || end != t.data() + t.size())
          setting_fail(s, s, ": expected a non-negative integer or 'random', got '", t, "'");
        field = v;
      }
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      field.clear();
      if (!value.empty()) field.emplace_back(value);
    } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
      field.clear();
      for (auto part : split_commas(value)) field.push_back(parse_int(s, part));
    } else if constexpr (std::is_same_v<T, std::map<int64_t, double>>) {
      field.clear();
      for (auto part : split_commas(value)) {
        const size_t eq = part.find('=');
        if (eq == std::string_view::npos) setting_fail(s, s, ": expected id=bias, got '", part, "'");
        field[parse_int(s, part.substr(0, eq))] = parse_double(s, part.substr(eq + 1));
      }
    } else {
      static_assert(sizeof(T) == 0, "set_setting: a setting type without a text parser");
    }
  });
  if (!found) fail("unknown generation setting '", name, "'");
}

}  // namespace openarc::llm

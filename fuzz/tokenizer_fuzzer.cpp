// libFuzzer target for the tokenizer. The first input byte picks the mode:
//   odd:  the rest is a tokenizer.json; loading must succeed or throw openarc::Error, and a
//         loaded tokenizer must encode, decode and stream a fixed text without crashing;
//   even: the rest is text (any bytes) for a fixed tokenizer that chains many components.
// Any other exception or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizer/incremental_decoder.h"
#include "tokenizer/tokenizer.h"

using openarc::tokenizer::IncrementalDecoder;
using openarc::tokenizer::TokenId;
using openarc::tokenizer::Tokenizer;

namespace {

// Byte-fallback BPE over all 256 byte tokens plus a few merged words, behind NFC, a Split on
// GPT-2's regex, Metaspace, added tokens with every flag, a template and a decoder chain.
const Tokenizer& fixed_tokenizer() {
  static const Tokenizer t = [] {
    nlohmann::json vocab = nlohmann::json::object();
    int id = 0;
    vocab["<unk>"] = id++;
    for (int b = 0; b < 256; ++b) {
      char name[8];
      snprintf(name, sizeof name, "<0x%02X>", b);
      vocab[name] = id++;
    }
    for (const char* s : {"a", "b", "c", "\xE2\x96\x81", "ab", "\xE2\x96\x81" "a", "\xE2\x96\x81" "ab"}) vocab[s] = id++;
    nlohmann::json j = nlohmann::json::parse(R"({
      "added_tokens": [
        {"id": 300, "content": "<s>", "special": true, "lstrip": true, "rstrip": true, "single_word": false, "normalized": false},
        {"id": 301, "content": "ab", "special": false, "lstrip": false, "rstrip": false, "single_word": true, "normalized": true}],
      "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Lowercase"}, {"type": "Strip"}]},
      "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"}, "behavior": "Isolated", "invert": false},
        {"type": "Digits", "individual_digits": true},
        {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": true}]},
      "post_processor": {"type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {"<s>": {"id": "<s>", "ids": [300], "tokens": ["<s>"]}}},
      "decoder": {"type": "Sequence", "decoders": [{"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first"},
        {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
      "model": {"type": "BPE", "unk_token": "<unk>", "fuse_unk": true, "byte_fallback": true,
        "merges": [["a", "b"], ["\u2581", "a"], ["\u2581a", "b"]]}
    })");
    j["model"]["vocab"] = vocab;
    return Tokenizer::from_json(j.dump());
  }();
  return t;
}

void exercise(const Tokenizer& t, std::string_view text) {
  std::vector<TokenId> ids = t.encode(text, true);
  std::string whole = t.decode(ids, false);
  t.decode(ids, true, true);
  IncrementalDecoder stream(t, false);
  std::string streamed;
  for (TokenId id : ids) streamed += stream.step(id);
  streamed += stream.flush();
  if (streamed != whole) __builtin_trap();  // streaming must equal decoding everything at once
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    try {
      Tokenizer t = Tokenizer::from_json(rest);
      exercise(t, "Hello <s> w\xC3\xB6rld 123 \xF0\x9F\x99\x82 \xE4\xBD\xA0");
    } catch (const openarc::Error&) {
    }
  } else {
    exercise(fixed_tokenizer(), rest);
  }
  return 0;
}

// Normalizers, pre-tokenizers, decoders and post-processors built from their tokenizer.json
// entries, with expected values worked out from the component definitions.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizer/decoder.h"
#include "tokenizer/json_reader.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/post_processor.h"
#include "tokenizer/pre_tokenizer.h"

namespace openarc::tokenizer {
namespace {

using nlohmann::json;
using Strings = std::vector<std::string>;

std::string normalize(const char* spec, std::string text) {
  json j = json::parse(spec);
  make_normalizer(JsonAt(j, "test.json", "normalizer"))->normalize(text);
  return text;
}

Strings pre_tokenize(const char* spec, const std::string& text) {
  json j = json::parse(spec);
  std::vector<Piece> pieces{{text, true}};
  make_pre_tokenizer(JsonAt(j, "test.json", "pre_tokenizer"))->pre_tokenize(pieces);
  Strings out;
  for (const Piece& p : pieces) out.push_back(p.text);
  return out;
}

std::string decode(const char* spec, Strings tokens, bool at_start = true) {
  json j = json::parse(spec);
  make_decoder(JsonAt(j, "test.json", "decoder"))->decode_chain(tokens, at_start);
  std::string out;
  for (const auto& t : tokens) out += t;
  return out;
}

TEST(Normalizers, UnicodeForms) {
  EXPECT_EQ(normalize(R"({"type":"NFC"})", "e\xCC\x81"), "\xC3\xA9");
  EXPECT_EQ(normalize(R"({"type":"NFD"})", "\xC3\xA9"), "e\xCC\x81");
  EXPECT_EQ(normalize(R"({"type":"NFKC"})", "\xEF\xAC\x81 \xE2\x91\xA0"), "fi 1");  // ﬁ ①
  EXPECT_EQ(normalize(R"({"type":"NFKD"})", "\xE1\xBA\x9B"), "s\xCC\x87");        // ẛ -> s + dot above
}

TEST(Normalizers, SimpleRewrites) {
  EXPECT_EQ(normalize(R"({"type":"Prepend","prepend":"_"})", "ab"), "_ab");
  EXPECT_EQ(normalize(R"({"type":"Prepend","prepend":"_"})", ""), "");
  EXPECT_EQ(normalize(R"({"type":"Replace","pattern":{"String":" "},"content":"__"})", "a b"), "a__b");
  EXPECT_EQ(normalize(R"({"type":"Lowercase"})", "\xC4\xB0" "A\xCE\xA3"), "i\xCC\x87" "a\xCF\x83");  // İAΣ
  EXPECT_EQ(normalize(R"({"type":"Strip","strip_left":true,"strip_right":false})", " \xE3\x80\x80x "), "x ");
  EXPECT_EQ(normalize(R"({"type":"StripAccents"})", "e\xCC\x81"), "e");
  EXPECT_EQ(normalize(R"({"type":"Sequence","normalizers":[{"type":"Lowercase"},{"type":"Prepend","prepend":"#"}]})", "AB"), "#ab");
}

TEST(Normalizers, Bert) {
  // Controls dropped, whitespace to ' ', CJK padded, accents stripped and lowercased.
  EXPECT_EQ(normalize(R"({"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true})",
                      "H\xC3\xA9\tX\x07\xE4\xBD\xA0"),
            "he x \xE4\xBD\xA0 ");
}

TEST(PreTokenizers, ByteLevel) {
  EXPECT_EQ(pre_tokenize(R"({"type":"ByteLevel","add_prefix_space":true,"use_regex":true})", "hi there"),
            (Strings{"\xC4\xA0hi", "\xC4\xA0there"}));  // Ġhi Ġthere
  EXPECT_EQ(pre_tokenize(R"({"type":"ByteLevel","add_prefix_space":false,"use_regex":false})", "a \n"),
            (Strings{"a\xC4\xA0\xC4\x8A"}));  // space -> Ġ, newline -> Ċ
}

TEST(PreTokenizers, Metaspace) {
  const char* always = R"({"type":"Metaspace","replacement":"\u2581","prepend_scheme":"always","split":true})";
  EXPECT_EQ(pre_tokenize(always, "hi  you"), (Strings{"\xE2\x96\x81hi", "\xE2\x96\x81", "\xE2\x96\x81you"}));
  const char* never = R"({"type":"Metaspace","replacement":"\u2581","prepend_scheme":"never","split":false})";
  EXPECT_EQ(pre_tokenize(never, "hi you"), (Strings{"hi\xE2\x96\x81you"}));
}

TEST(PreTokenizers, CharacterClasses) {
  EXPECT_EQ(pre_tokenize(R"({"type":"Digits","individual_digits":true})", "a12b"), (Strings{"a", "1", "2", "b"}));
  EXPECT_EQ(pre_tokenize(R"({"type":"Digits","individual_digits":false})", "a12b"), (Strings{"a", "12", "b"}));
  EXPECT_EQ(pre_tokenize(R"({"type":"Whitespace"})", "hi, you!!"), (Strings{"hi", ",", "you", "!!"}));
  EXPECT_EQ(pre_tokenize(R"({"type":"WhitespaceSplit"})", " a\tb "), (Strings{"a", "b"}));
  EXPECT_EQ(pre_tokenize(R"({"type":"BertPreTokenizer"})", "a,b c"), (Strings{"a", ",", "b", "c"}));
  EXPECT_EQ(pre_tokenize(R"({"type":"Punctuation","behavior":"MergedWithPrevious"})", "a,b"), (Strings{"a,", "b"}));
  EXPECT_EQ(pre_tokenize(R"({"type":"CharDelimiterSplit","delimiter":"-"})", "a-b--c"), (Strings{"a", "b", "c"}));
}

TEST(PreTokenizers, SplitWithRegexAndInvert) {
  EXPECT_EQ(pre_tokenize(R"({"type":"Split","pattern":{"Regex":"\\d+"},"behavior":"Isolated","invert":false})", "ab12c"),
            (Strings{"ab", "12", "c"}));
  EXPECT_EQ(pre_tokenize(R"({"type":"Split","pattern":{"Regex":"\\d+"},"behavior":"Removed","invert":true})", "ab12c"),
            (Strings{"12"}));
}

TEST(Decoders, ByteFallbackAndFuse) {
  const char* chain = R"({"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"\u2581"},"content":" "},
      {"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]})";
  EXPECT_EQ(decode(chain, {"\xE2\x96\x81Hi", "<0xE4>", "<0xBD>", "<0xA0>"}), "Hi\xE4\xBD\xA0");
  // An invalid byte run gives one U+FFFD per byte.
  EXPECT_EQ(decode(chain, {"<0xE4>", "<0xBD>", "x"}), "\xEF\xBF\xBD\xEF\xBF\xBDx");
  // A continuation keeps its leading space.
  EXPECT_EQ(decode(chain, {"\xE2\x96\x81Hi"}, false), " Hi");
}

TEST(Decoders, ByteLevel) {
  const char* bl = R"({"type":"ByteLevel"})";
  EXPECT_EQ(decode(bl, {"\xC4\xA0hi", "\xC3\x83", "\xC2\xA9"}), " hi\xC3\xA9");  // "Ġhi" "Ã" "©" -> " hié"
  EXPECT_EQ(decode(bl, {"\xC3\x83"}), "\xEF\xBF\xBD");                          // a lone 0xC3
  EXPECT_EQ(decode(bl, {"<\xEF\xBD\x9C" "x>"}), "<\xEF\xBD\x9C" "x>");            // not in the table: as is
}

TEST(Decoders, MetaspaceWordPieceStripAndSuffix) {
  const char* meta = R"({"type":"Metaspace","replacement":"\u2581","prepend_scheme":"always"})";
  EXPECT_EQ(decode(meta, {"\xE2\x96\x81" "a\xE2\x96\x81" "b", "\xE2\x96\x81" "c"}), "ab c");
  EXPECT_EQ(decode(R"({"type":"WordPiece","prefix":"##","cleanup":true})", {"un", "##able", "to", "."}), "unable to.");
  EXPECT_EQ(decode(R"({"type":"Strip","content":"x","start":2,"stop":1})", {"xxxax"}), "xa");
  EXPECT_EQ(decode(R"({"type":"BPEDecoder","suffix":"</w>"})", {"a</w>", "b", "c</w>"}), "a bc");
}

TEST(Decoders, CleanUpTokenizationSpaces) {
  // " 't" is not one of the rules, " n't" is.
  EXPECT_EQ(clean_up_tokenization("a , b . c ' d don 't I 'm x n't"), "a, b. c'd don 't I'm xn't");
}

TEST(PostProcessors, TemplateAndRoberta) {
  json t = json::parse(R"({"type":"TemplateProcessing",
    "single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],
    "pair":[{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[X]","type_id":0}},{"Sequence":{"id":"B","type_id":1}}],
    "special_tokens":{"<s>":{"id":"<s>","ids":[1],"tokens":["<s>"]},"[X]":{"id":"[X]","ids":[7,8],"tokens":["a","b"]}}})");
  auto p = make_post_processor(JsonAt(t, "test.json", "post_processor"));
  std::vector<TokenId> b{5};
  EXPECT_EQ(p->process({3, 4}, nullptr, true), (std::vector<TokenId>{1, 3, 4}));
  EXPECT_EQ(p->process({3, 4}, nullptr, false), (std::vector<TokenId>{3, 4}));
  EXPECT_EQ(p->process({3}, &b, true), (std::vector<TokenId>{3, 7, 8, 5}));
  json r = json::parse(R"({"type":"RobertaProcessing","sep":["</s>",2],"cls":["<s>",0]})");
  auto q = make_post_processor(JsonAt(r, "test.json", "post_processor"));
  EXPECT_EQ(q->process({3}, &b, true), (std::vector<TokenId>{0, 3, 2, 2, 5, 2}));
}

TEST(Components, UnknownTypesNameTheirPath) {
  json j = json::parse(R"({"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"Magic"}]})");
  try {
    make_normalizer(JsonAt(j, "tokenizer.json", "normalizer"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "tokenizer.json: normalizer.normalizers[1].type: unsupported normalizer \"Magic\"");
  }
  json s = json::parse(R"({"type":"Split","pattern":{"Regex":"(["},"behavior":"Isolated"})");
  try {
    make_pre_tokenizer(JsonAt(s, "tokenizer.json", "pre_tokenizer"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer.json: pre_tokenizer.pattern.Regex: invalid regex"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace openarc::tokenizer

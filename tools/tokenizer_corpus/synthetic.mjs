// Synthetic tokenizers for the components that no real tokenizer.json in the corpus uses
// (Metaspace, Digits, Punctuation, Whitespace, Bert*, Roberta, WordPiece decoding, every Split
// behaviour, added-token flags ...). Each is a real base file with a patch: top-level keys are
// replaced and "model" is merged key by key. The test applies the same patch, so both sides
// load the same tokenizer; the Rust library gives the expected ids and texts.

const meta = (scheme, split = true) => ({ type: "Metaspace", replacement: "▁", prepend_scheme: scheme, split });
const storiesDecoder = {
  type: "Sequence",
  decoders: [{ type: "Replace", pattern: { String: "▁" }, content: " " }, { type: "ByteFallback" }, { type: "Fuse" },
    { type: "Strip", content: " ", start: 1, stop: 0 }],
};
const split = (pattern, behavior, invert = false) => ({ type: "Split", pattern, behavior, invert });
const added = (id, content, flags = {}) => ({
  id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false, ...flags,
});

// A tiny BPE vocabulary over ASCII with whole-word merges, for the prefix/suffix options.
function wordVocab({ prefix = "", suffix = "", unk }) {
  const vocab = {};
  const merges = [];
  const add = (t) => { if (!(t in vocab)) vocab[t] = Object.keys(vocab).length; };
  add(unk);
  for (let c = 33; c < 127; c++) {
    const ch = String.fromCharCode(c);
    add(ch);
    if (prefix) add(prefix + ch);
    if (suffix) add(ch + suffix);
  }
  for (const w of ["the", "quick", "brown", "fox", "hello", "world", "token", "izer", "ing", "don't", "jumps"]) {
    // Merge left to right: w[0:k-1] + w[k-1] -> w[0:k], the last piece carrying the suffix.
    let left = w[0];
    for (let k = 2; k <= w.length; k++) {
      const last = k === w.length;
      const right = (prefix ? prefix : "") + w[k - 1] + (last ? suffix : "");
      const merged = w.slice(0, k) + (last ? suffix : "");
      add(merged);
      merges.push([left, right]);
      left = merged;
    }
  }
  return { vocab, merges };
}

export const syntheticTokenizers = {
  metaspace_always: { base: "stories260K", patch: { normalizer: null, pre_tokenizer: meta("always"), decoder: meta("always") } },
  metaspace_first_nosplit: {
    base: "stories260K",
    patch: { normalizer: null, pre_tokenizer: meta("first", false),
      decoder: { type: "Sequence", decoders: [meta("first"), { type: "ByteFallback" }, { type: "Fuse" }] } },
  },
  metaspace_never: { base: "stories260K", patch: { normalizer: null, pre_tokenizer: meta("never"), decoder: meta("never") } },
  split_removed: { base: "stories260K", patch: { normalizer: null, pre_tokenizer: split({ Regex: "\\s+" }, "Removed") } },
  split_isolated_invert: { base: "stories260K", patch: { normalizer: null, pre_tokenizer: split({ Regex: "\\p{L}+" }, "Isolated", true) } },
  split_merged_previous: { base: "stories260K", patch: { normalizer: null, pre_tokenizer: split({ String: " " }, "MergedWithPrevious") } },
  split_merged_next: { base: "stories260K", patch: { normalizer: null, pre_tokenizer: split({ Regex: "[,.!?]" }, "MergedWithNext") } },
  split_contiguous: { base: "stories260K", patch: { normalizer: null, pre_tokenizer: split({ Regex: "\\d|\\s" }, "Contiguous") } },
  split_removed_invert: { base: "stories260K", patch: { normalizer: null, pre_tokenizer: split({ Regex: "\\w+" }, "Removed", true) } },
  digits_punctuation: {
    base: "stories260K",
    patch: { normalizer: null, pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" },
      { type: "Digits", individual_digits: true }, { type: "Punctuation", behavior: "Isolated" }] } },
  },
  digits_whitespace: {
    base: "stories260K",
    patch: { normalizer: null, pre_tokenizer: { type: "Sequence", pretokenizers: [
      { type: "Digits", individual_digits: false }, { type: "Whitespace" }, { type: "CharDelimiterSplit", delimiter: "-" },
      { type: "Punctuation", behavior: "MergedWithNext" }] } },
  },
  bert: {
    base: "stories260K",
    patch: {
      normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: "BertPreTokenizer" },
      post_processor: { type: "BertProcessing", sep: ["</s>", 2], cls: ["<s>", 1] },
      decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    },
  },
  normalizers_nfkd: {
    base: "stories260K",
    patch: { normalizer: { type: "Sequence", normalizers: [{ type: "NFKD" }, { type: "StripAccents" }, { type: "Lowercase" },
      { type: "Strip", strip_left: true, strip_right: true }, { type: "Replace", pattern: { Regex: " {2,}" }, content: " " },
      { type: "Prepend", prepend: "▁" }, { type: "Replace", pattern: { String: " " }, content: "▁" }] } },
  },
  normalizers_nfkc: {
    base: "stories260K",
    patch: { normalizer: { type: "Sequence", normalizers: [{ type: "NFKC" }, { type: "Strip", strip_left: false, strip_right: true },
      { type: "Prepend", prepend: "▁" }, { type: "Replace", pattern: { String: " " }, content: "▁" }] } },
  },
  normalizers_nfd: {
    base: "stories260K",
    patch: { normalizer: { type: "Sequence", normalizers: [{ type: "NFD" }, { type: "Lowercase" },
      { type: "Replace", pattern: { String: " " }, content: "▁" }] } },
  },
  bytelevel_added_flags: {
    base: "gpt2",
    patch: {
      normalizer: { type: "Lowercase" },
      pre_tokenizer: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
      post_processor: { type: "RobertaProcessing", sep: ["<|endoftext|>", 50256], cls: ["<|endoftext|>", 50256],
        trim_offsets: true, add_prefix_space: true },
      added_tokens: [
        added(50256, "<|endoftext|>", { special: true }),
        added(50257, "<mask>", { special: true, lstrip: true }),
        added(50258, "[R]", { rstrip: true }),
        added(50259, "cat", { single_word: true }),
        added(50260, "dog", { normalized: true }),
        added(50261, "<s>", { special: true, lstrip: true, rstrip: true }),
      ],
    },
  },
  template_pair: {
    base: "stories260K",
    patch: {
      post_processor: {
        type: "TemplateProcessing",
        single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "</s>", type_id: 0 } }],
        pair: [{ SpecialToken: { id: "[X]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "</s>", type_id: 0 } },
          { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "</s>", type_id: 1 } }],
        special_tokens: {
          "<s>": { id: "<s>", ids: [1], tokens: ["<s>"] },
          "</s>": { id: "</s>", ids: [2], tokens: ["</s>"] },
          "[X]": { id: "[X]", ids: [1, 2], tokens: ["<s>", "</s>"] },
        },
      },
    },
  },
  unk_fused: { base: "stories260K", patch: { model: { byte_fallback: false, fuse_unk: true } } },
  unk_not_fused: { base: "stories260K", patch: { model: { byte_fallback: false, fuse_unk: false } } },
  ignore_merges_metaspace: {
    base: "stories260K",
    patch: { normalizer: null, pre_tokenizer: meta("always"), decoder: meta("always"), model: { ignore_merges: true } },
  },
  no_decoder: { base: "stories260K", patch: { decoder: null, post_processor: null } },
  wordpiece_prefix: {
    base: null,
    patch: {
      version: "1.0", truncation: null, padding: null,
      added_tokens: [added(0, "[UNK]", { special: true })],
      normalizer: null,
      pre_tokenizer: { type: "Whitespace" },
      post_processor: null,
      decoder: { type: "WordPiece", prefix: "##", cleanup: true },
      model: { type: "BPE", dropout: null, unk_token: "[UNK]", continuing_subword_prefix: "##", end_of_word_suffix: null,
        fuse_unk: false, byte_fallback: false, ignore_merges: false, ...wordVocab({ prefix: "##", unk: "[UNK]" }) },
    },
  },
  suffix_bpe: {
    base: null,
    patch: {
      version: "1.0", truncation: null, padding: null,
      added_tokens: [added(0, "<unk>", { special: true })],
      normalizer: null,
      pre_tokenizer: { type: "WhitespaceSplit" },
      post_processor: null,
      decoder: { type: "BPEDecoder", suffix: "</w>" },
      model: { type: "BPE", dropout: null, unk_token: "<unk>", continuing_subword_prefix: null, end_of_word_suffix: "</w>",
        fuse_unk: true, byte_fallback: false, ignore_merges: false, ...wordVocab({ suffix: "</w>", unk: "<unk>" }) },
    },
  },
};

export function applyPatch(base, patch) {
  const out = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (k === "model" && out.model) out.model = { ...out.model, ...v };
    else out[k] = v;
  }
  return out;
}

export const syntheticTexts = [
  "", " ", "Hello world", "  Hello   world  ", "The quick brown fox jumps over the lazy dog.",
  "Hello, world! How are you? I'm fine; don't worry...", "a-b-c--d 1-2", "1234567890 x1y22z333 ½ ٣४ 3.14",
  "tabs\tand\nnewlines\r\n and   runs", "UPPER lower MiXeD İstanbul ΣΑΣ", "naïve café résumé Ångström ﬁ ① ２ x²",
  "e\u0301 a\u0308 cafe\u0301", "我们今天去公园。日本語のテキスト", "안녕하세요 세계", "مرحبا بالعالم",
  "emoji 👩🏽‍💻 🇫🇷 ❤️", "<s>hello</s> <unk> <s> x </s>", "a <mask> b  <mask>c", "[R]   next [R]x",
  "cat concat cat. _cat cat_ (cat)", "DOG dog Dog hotdog", "tokenizer tokenizing hello-world don't",
  "\u00a0nbsp\u3000ideographic\u2003em", "▁pre▁existing ▁ metaspace", "zero\u200bwidth\ufeffbom\u0000nul\u0007bell",
  "word's it's we'll they're", "  ", "\n\n", "the the the the",
];

export const syntheticPairs = [["Hello world", "How are you?"], ["", "x"], ["a <mask> b", "cat dog"], ["1 2 3", ""]];

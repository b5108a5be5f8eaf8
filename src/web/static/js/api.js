// Every call the page makes to the server goes through here: it carries the API key (asked for
// once, kept in localStorage), turns error bodies into ApiError, and reads server-sent events.

const KEY = 'openarc.apiKey';

export class ApiError extends Error {
  constructor(status, body, fallback) {
    const e = body && body.error ? body.error : {};
    super(e.message || fallback || `HTTP ${status}`);
    this.status = status;
    this.type = e.type || null;
    this.param = e.param || null;
    this.code = e.code || null;
  }
}

let authRequired = false;
let keyPrompt = null;  // the dialog's pending answer, shared by every call that needs it
let askForKey = async () => null;  // set by app.js: shows the dialog, resolves to a key or null

export function setKeyPrompt(fn) { askForKey = fn; }
export function storedKey() { return localStorage.getItem(KEY) || ''; }
export function forgetKey() { localStorage.removeItem(KEY); }
export function isAuthRequired() { return authRequired; }

// Asks the server (a public route) whether a key is needed, and for one when none is stored.
export async function initAuth() {
  try {
    const r = await fetch('/openarc/auth');
    authRequired = r.ok && (await r.json()).auth_required === true;
  } catch { authRequired = false; }
  if (authRequired && !storedKey()) await promptKey(null);
}

async function promptKey(reason) {
  if (!keyPrompt) {
    keyPrompt = askForKey(reason).then((key) => {
      keyPrompt = null;
      if (key) localStorage.setItem(KEY, key);
      return key;
    });
  }
  return keyPrompt;
}

function headers(extra = {}) {
  const hdr = { ...extra };
  const key = storedKey();
  if (key) hdr.Authorization = `Bearer ${key}`;
  return hdr;
}

// fetch() with the key; a 401 asks for the key and retries once.
async function send(path, init = {}, retried = false) {
  const r = await fetch(path, { ...init, headers: headers(init.headers) });
  if (r.status === 401 && !retried) {
    const key = await promptKey('The server refused the key. Enter a valid API key.');
    if (key) return send(path, init, true);
  }
  return r;
}

async function errorOf(r) {
  let body = null;
  const text = await r.text();
  try { body = JSON.parse(text); } catch {}
  return new ApiError(r.status, body, text || r.statusText);
}

export async function getJson(path) {
  const r = await send(path);
  if (!r.ok) throw await errorOf(r);
  return r.json();
}

export async function postJson(path, body, init = {}) {
  const r = await send(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...init });
  if (!r.ok) throw await errorOf(r);
  return r.json();
}

// POSTs and calls onEvent(json) for each `data:` event until [DONE]. An error event ({"error"})
// throws ApiError; aborting the signal ends the call with an AbortError.
export async function postStream(path, body, onEvent, signal) {
  const r = await send(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  if (!r.ok) throw await errorOf(r);
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      for (const line of block.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return;
        const event = JSON.parse(data);
        if (event.error) throw new ApiError(0, event, 'the stream reported an error');
        onEvent(event);
      }
    }
  }
}

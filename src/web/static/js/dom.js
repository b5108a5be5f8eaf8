// Building DOM nodes without HTML strings: text always goes through textContent, so nothing the
// server or the model sends can become markup.

// h('div', {class: 'x', onclick: fn, dataset: {a: 1}}, 'text', child, [more children])
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'disabled' || k === 'selected' || k === 'hidden') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function bytes(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Number(n), u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${u ? v.toFixed(v < 10 ? 2 : 1) : v} ${units[u]}`;
}

export function num(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '–';
  return Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function ms(v) {
  if (v === null || v === undefined) return '–';
  return v >= 10000 ? `${(v / 1000).toFixed(1)} s` : `${num(v, v < 10 ? 1 : 0)} ms`;
}

// A labelled form control: <label><span>Label</span>control</label>
export function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control,
    hint ? h('small', { class: 'hint' }, hint) : null);
}

export function select(options, value, attrs = {}) {
  const el = h('select', attrs);
  for (const o of options) {
    const opt = typeof o === 'object' ? o : { value: o, label: o };
    el.append(h('option', { value: opt.value, disabled: opt.disabled }, opt.label ?? opt.value));
  }
  if (value !== undefined) el.value = value;
  return el;
}

// Shows an error (an ApiError or any Error) in `box`, where the action happened.
export function showError(box, err) {
  clear(box);
  if (!err) { box.hidden = true; return; }
  box.hidden = false;
  const detail = err.param ? ` (${err.param})` : '';
  append(box, [h('strong', {}, err.status ? `Error ${err.status}` : 'Error'), ' ', `${err.message}${detail}`]);
}

export function errorBox() {
  return h('div', { class: 'error', role: 'alert', hidden: true });
}

export function card(title, ...children) {
  return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...children);
}

export function stat(label, value, testid) {
  return h('div', { class: 'stat', dataset: testid ? { stat: testid } : undefined },
    h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-label' }, label));
}

export function jsonBlock(value) {
  return h('pre', { class: 'json' }, value === null || value === undefined ? 'absent' : JSON.stringify(value, null, 2));
}

let toastBox;
export function toast(message, kind = 'info') {
  if (!toastBox) {
    toastBox = h('div', { class: 'toasts', 'aria-live': 'polite' });
    document.body.append(toastBox);
  }
  const t = h('div', { class: `toast ${kind}` }, message);
  toastBox.append(t);
  setTimeout(() => t.remove(), 4000);
}

// Markdown to DOM nodes, for model output. Every piece of text becomes a text node (never
// innerHTML), so HTML in the output shows as text; links keep only http(s) and mailto targets.
// Covers what chat models write: headings, paragraphs, line breaks, emphasis, inline code,
// fenced code blocks (an unterminated one, mid-stream, runs to the end), lists, quotes, rules
// and pipe tables.
import { h } from './dom.js';

const fence = /^ {0,3}(```+|~~~+)\s*([\w+#.-]*)\s*$/;
const heading = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const rule = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const bullet = /^(\s*)([-*+])\s+(.*)$/;
const ordered = /^(\s*)(\d{1,9})[.)]\s+(.*)$/;
const quote = /^ {0,3}>\s?(.*)$/;
const tableSep = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

export function renderMarkdown(text) {
  const root = document.createDocumentFragment();
  blocks(String(text ?? '').replace(/\r\n?/g, '\n').split('\n'), root);
  return root;
}

function blocks(lines, out) {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (!line.trim()) { i++; continue; }
    if ((m = line.match(fence))) {
      const marker = m[1];
      const body = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(marker)) body.push(lines[i++]);
      const closed = i < lines.length;
      i++;
      out.append(codeBlock(body.join('\n'), m[2], closed));
      continue;
    }
    if ((m = line.match(heading))) {
      out.append(inline(h(`h${Math.min(m[1].length + 2, 6)}`, { class: 'md-h' }), m[2]));
      i++;
      continue;
    }
    if (rule.test(line)) { out.append(h('hr')); i++; continue; }
    if (quote.test(line)) {
      const body = [];
      while (i < lines.length && (m = lines[i].match(quote))) { body.push(m[1]); i++; }
      const q = h('blockquote');
      blocks(body, q);
      out.append(q);
      continue;
    }
    if (bullet.test(line) || ordered.test(line)) { i = list(lines, i, out); continue; }
    if (line.includes('|') && i + 1 < lines.length && tableSep.test(lines[i + 1]) && lines[i + 1].includes('-')) {
      i = table(lines, i, out);
      continue;
    }
    // A paragraph: lines up to a blank line or the start of another block.
    const para = [];
    while (i < lines.length && lines[i].trim() && !fence.test(lines[i]) && !heading.test(lines[i]) &&
           !quote.test(lines[i]) && !(para.length && (bullet.test(lines[i]) || ordered.test(lines[i])))) {
      para.push(lines[i]);
      i++;
    }
    const p = h('p');
    para.forEach((l, k) => { if (k) p.append(h('br')); inline(p, l.trim()); });
    out.append(p);
  }
}

function list(lines, i, out) {
  const isOrdered = !bullet.test(lines[i]);
  const first = lines[i].match(isOrdered ? ordered : bullet);
  const indent = first[1].length;
  const el = h(isOrdered ? 'ol' : 'ul');
  if (isOrdered && first[2] !== '1') el.setAttribute('start', String(Number(first[2])));
  let item = null, body = [];
  const flush = () => { if (item) { blocksInline(body, item); el.append(item); } };
  while (i < lines.length) {
    const line = lines[i];
    const m = line.match(isOrdered ? ordered : bullet);
    if (m && m[1].length <= indent) {
      flush();
      item = h('li');
      body = [m[3]];
      i++;
      continue;
    }
    if (!line.trim()) {
      // A blank line ends the list unless an indented continuation follows.
      if (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1])) { body.push(''); i++; continue; }
      break;
    }
    if (/^\s+\S/.test(line) || (!bullet.test(line) && !ordered.test(line) && body.length)) {
      if (!/^\s/.test(line) && (fence.test(line) || heading.test(line))) break;
      body.push(line.replace(/^\s{1,4}/, ''));
      i++;
      continue;
    }
    break;
  }
  flush();
  out.append(el);
  return i;
}

// A list item: plain text lines inline; nested lists or code as blocks.
function blocksInline(body, item) {
  const nested = body.slice(1).some((l) => bullet.test(l) || ordered.test(l) || fence.test(l) || !l.trim());
  if (!nested) {
    body.forEach((l, k) => { if (k) item.append(h('br')); inline(item, l.trim()); });
    return;
  }
  inline(item, body[0].trim());
  blocks(body.slice(1), item);
}

function table(lines, i, out) {
  const cells = (l) => l.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
  const align = cells(lines[i + 1]).map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : ''));
  const head = h('tr', {}, cells(lines[i]).map((c, k) => inline(h('th', { class: align[k] ? `align-${align[k]}` : undefined }), c)));
  const tbody = h('tbody');
  i += 2;
  while (i < lines.length && lines[i].includes('|') && lines[i].trim()) {
    tbody.append(h('tr', {}, cells(lines[i]).map((c, k) => inline(h('td', { class: align[k] ? `align-${align[k]}` : undefined }), c))));
    i++;
  }
  out.append(h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, head), tbody)));
  return i;
}

function codeBlock(code, lang, closed) {
  const copy = h('button', { type: 'button', class: 'ghost small copy', 'aria-label': 'Copy code' }, 'Copy');
  copy.addEventListener('click', () => {
    navigator.clipboard?.writeText(code).then(() => { copy.textContent = 'Copied'; setTimeout(() => { copy.textContent = 'Copy'; }, 1200); }, () => {});
  });
  return h('div', { class: `code-block${closed ? '' : ' open'}` },
    h('div', { class: 'code-head' }, h('span', { class: 'code-lang' }, lang || 'text'), copy),
    h('pre', {}, h('code', { class: lang ? `lang-${lang}` : undefined }, code)));
}

// Inline spans: `code`, **strong**, *em* / _em_, ~~del~~, [text](url), <https://autolinks>.
const inlineRe = /(`+)([\s\S]*?[^`])\1(?!`)|\*\*(?=\S)([\s\S]*?\S)\*\*|(?<![\w])__(?=\S)([\s\S]*?\S)__(?![\w])|\*(?=[^\s*])([\s\S]*?[^\s*])\*|(?<![\w])_(?=[^\s_])([\s\S]*?[^\s_])_(?![\w])|~~(?=\S)([\s\S]*?\S)~~|\[([^\]\n]+)\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)|<(https?:\/\/[^\s>]+)>/;

export function inline(el, text) {
  let rest = text;
  while (rest) {
    const m = rest.match(inlineRe);
    if (!m) { el.append(document.createTextNode(rest)); break; }
    if (m.index) el.append(document.createTextNode(rest.slice(0, m.index)));
    if (m[1]) el.append(h('code', {}, m[2]));
    else if (m[3] || m[4]) el.append(inline(h('strong'), m[3] || m[4]));
    else if (m[5] || m[6]) el.append(inline(h('em'), m[5] || m[6]));
    else if (m[7]) el.append(inline(h('del'), m[7]));
    else if (m[8]) el.append(link(m[8], m[9]));
    else if (m[10]) el.append(link(m[10], m[10]));
    rest = rest.slice(m.index + m[0].length);
  }
  return el;
}

function link(label, href) {
  let safe = null;
  try {
    const u = new URL(href, location.href);
    if (['http:', 'https:', 'mailto:'].includes(u.protocol)) safe = u.href;
  } catch {}
  if (!safe) return document.createTextNode(`[${label}](${href})`);
  return inline(h('a', { href: safe, target: '_blank', rel: 'noopener noreferrer nofollow' }), label);
}

// The dashboard's shell: the API key dialog, the navigation and the pages. Each page is built on
// its first visit and kept (a chat keeps streaming while another page is open); show() refreshes it.
import { initAuth, setKeyPrompt, storedKey, forgetKey, isAuthRequired } from './api.js';
import { h } from './dom.js';
import { modelsPage } from './models.js';
import { chatPage } from './chat.js';
import { devicesPage } from './devices.js';
import { tokenizerPage } from './tokenizer.js';
import { modelPage } from './model.js';
import { convertPage } from './convert.js';

const pages = { models: modelsPage, chat: chatPage, devices: devicesPage, tokenizer: tokenizerPage, model: modelPage, convert: convertPage };
const built = {};
const main = document.getElementById('main');

function keyDialog(reason) {
  const dialog = document.getElementById('key-dialog');
  const input = document.getElementById('key-input');
  document.getElementById('key-reason').textContent = reason ||
    'This server requires an API key. It is kept in this browser only and sent with every request.';
  input.value = '';
  return new Promise((resolve) => {
    const form = document.getElementById('key-form');
    const done = (key) => {
      form.removeEventListener('submit', onSubmit);
      document.getElementById('key-cancel').removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(key);
    };
    const onSubmit = (e) => { e.preventDefault(); done(input.value.trim() || null); };
    const onCancel = (e) => { e.preventDefault(); done(null); };
    form.addEventListener('submit', onSubmit);
    document.getElementById('key-cancel').addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
}

// #/chat?model=x -> {page: 'chat', params: {model: 'x'}}
function route() {
  const [path, query] = (location.hash.replace(/^#\/?/, '') || 'models').split('?');
  return { page: pages[path] ? path : 'models', params: Object.fromEntries(new URLSearchParams(query || '')) };
}

function show() {
  const { page, params } = route();
  for (const a of document.querySelectorAll('.nav a')) {
    if (a.dataset.page === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!built[page]) {
    built[page] = pages[page]();
    main.append(built[page].el);
  }
  for (const [name, p] of Object.entries(built)) p.el.hidden = name !== page;
  document.title = `${built[page].title} · OpenArc`;
  built[page].show?.(params);
}

async function start() {
  setKeyPrompt(keyDialog);
  const keyButton = document.getElementById('key-button');
  keyButton.addEventListener('click', async () => {
    forgetKey();
    const key = await keyDialog('Enter the API key to use from now on.');
    if (key) localStorage.setItem('openarc.apiKey', key);
    show();
  });
  await initAuth();
  keyButton.hidden = !isAuthRequired() && !storedKey();
  window.addEventListener('hashchange', show);
  show();
}

start();

// Models: what is loaded (device, weight format, memory, load time, requests, status), Load (a
// folder under --models-dir or typed, a device, ov_config rows, an alias) and Unload.
import { getJson, postJson } from './api.js';
import { h, clear, bytes, num, ms, field, select, errorBox, showError, card, toast } from './dom.js';

export function modelsPage() {
  const list = h('div', { class: 'model-list', 'aria-live': 'polite' });
  const listError = errorBox();
  const loadError = errorBox();
  const folderBox = h('div');
  const device = select(['CPU'], 'CPU', { name: 'device', 'aria-label': 'Device' });
  const alias = h('input', { type: 'text', name: 'alias', placeholder: 'the folder name', 'aria-label': 'Alias', autocomplete: 'off' });
  const ovRows = h('div', { class: 'ov-rows' });
  const progress = h('div', { class: 'load-progress', hidden: true },
    h('div', { class: 'bar indeterminate' }, h('span')), h('span', { class: 'load-progress-text' }));
  const loadButton = h('button', { type: 'submit', class: 'primary' }, 'Load');
  let folderInput = h('input', { type: 'text', name: 'folder', 'aria-label': 'Model folder', placeholder: '/path/to/model', required: true });
  let ovKeys = [];
  let timer = null;

  function ovRow(key = '', value = '') {
    const keySel = select([{ value: '', label: 'Choose a setting' }, ...ovKeys.map((k) => ({ value: k.key, label: k.key }))], key,
      { 'aria-label': 'Setting' });
    const valueBox = h('span', { class: 'ov-value' });
    const hint = h('small', { class: 'hint' });
    const render = () => {
      const info = ovKeys.find((k) => k.key === keySel.value);
      clear(valueBox);
      hint.textContent = info ? `${info.description}${info.applied ? '' : ' (checked and reported only)'}` : '';
      let input;
      if (!info) input = h('input', { type: 'text', 'aria-label': 'Value', disabled: true });
      else if (info.type === 'choice') input = select(info.values, value || info.values[0], { 'aria-label': 'Value' });
      else if (info.type === 'boolean') input = select(['YES', 'NO'], value || 'YES', { 'aria-label': 'Value' });
      else if (info.type === 'integer') input = h('input', { type: 'number', min: info.min, max: info.max, step: 1, value: value || '', 'aria-label': 'Value', required: true });
      else input = h('input', { type: 'text', value: value || '', 'aria-label': 'Value' });
      input.classList.add('ov-input');
      valueBox.append(input);
    };
    keySel.addEventListener('change', () => { value = ''; render(); });
    render();
    const row = h('div', { class: 'ov-row' }, keySel, valueBox,
      h('button', { type: 'button', class: 'ghost small', 'aria-label': 'Remove setting', onclick: () => row.remove() }, 'Remove'), hint);
    row.read = () => {
      const info = ovKeys.find((k) => k.key === keySel.value);
      if (!info) return null;
      const v = valueBox.querySelector('.ov-input').value;
      return [info.key, info.type === 'integer' ? Number(v) : v];
    };
    return row;
  }

  const form = h('form', { class: 'load-form', onsubmit: (e) => { e.preventDefault(); load(); } },
    h('div', { class: 'grid-3' }, field('Model folder', folderBox), field('Device', device), field('Alias', alias, 'the name requests use')),
    h('div', { class: 'field' }, h('span', { class: 'field-label' }, 'ov_config'), ovRows,
      h('button', { type: 'button', class: 'ghost small', onclick: () => ovRows.append(ovRow()) }, 'Add setting')),
    h('div', { class: 'row' }, loadButton, progress),
    loadError);

  const el = h('div', { class: 'page page-models' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Models'),
      h('button', { type: 'button', class: 'ghost', onclick: () => refresh() }, 'Refresh')),
    card('Loaded', listError, list),
    card('Load a model', form));

  async function refresh() {
    try {
      const status = await getJson('/optimum/status');
      showError(listError, null);
      renderList(status.models);
      return status.models;
    } catch (e) { showError(listError, e); return []; }
  }

  function renderList(models) {
    clear(list);
    if (!models.length) { list.append(h('p', { class: 'empty' }, 'No model is loaded. Load one below.')); return; }
    for (const m of models) {
      const unloadError = errorBox();
      const actions = h('div', { class: 'row' },
        m.status === 'loaded' ? h('a', { class: 'button ghost small', href: `#/chat?model=${encodeURIComponent(m.model_name)}` }, 'Chat') : null,
        m.status === 'loaded' ? h('a', { class: 'button ghost small', href: `#/model?model=${encodeURIComponent(m.model_name)}` }, 'Details') : null,
        m.status !== 'loading' ? h('button', { type: 'button', class: 'danger small', 'aria-label': `Unload ${m.model_name}`,
          onclick: async (e) => {
            e.target.disabled = true;
            try {
              await postJson('/optimum/model/unload', { model_name: m.model_name });
              toast(`Unloaded ${m.model_name}`);
              refresh();
            } catch (err) { showError(unloadError, err); e.target.disabled = false; }
          } }, 'Unload') : null);
      list.append(h('article', { class: `model-card status-${m.status}`, dataset: { model: m.model_name } },
        h('div', { class: 'model-card-head' },
          h('h3', {}, m.model_name), h('span', { class: `badge ${m.status}` }, m.status), actions),
        m.status === 'failed' ? h('p', { class: 'error' }, m.error || 'failed') : null,
        h('dl', { class: 'facts' },
          fact('Device', m.device), fact('Weights', m.weight_format), fact('Memory', bytes(m.memory_bytes)),
          fact('Load time', ms(m.load_time_ms)), fact('Requests', num(m.requests_served)),
          fact('Architecture', m.architecture), fact('Context', num(m.context_length)), fact('Parameters', num(m.parameters))),
        h('p', { class: 'path' }, m.path), unloadError));
    }
  }

  function fact(label, value) {
    return h('div', {}, h('dt', {}, label), h('dd', {}, value ?? '–'));
  }

  async function setup() {
    try {
      const [folders, devices, ov] = await Promise.all([getJson('/openarc/folders'), getJson('/v1/devices'), getJson('/openarc/ov-config')]);
      ovKeys = ov.keys;
      const names = [...devices.available_devices, 'AUTO'];
      clear(device);
      for (const d of names) device.append(h('option', { value: d }, d));
      const previous = folderInput.value;
      clear(folderBox);
      if (folders.folders.length) {
        folderInput = select(folders.folders.map((f) => ({
          value: f.name, label: `${f.name}${f.kind === 'ir' ? '' : f.kind === 'hf' ? '  (Hugging Face: convert it first)' : '  (no model)'}`,
          disabled: f.kind !== 'ir',
        })), (folders.folders.find((f) => f.kind === 'ir') || {}).name, { name: 'folder', 'aria-label': 'Model folder' });
      } else {
        folderInput = h('input', { type: 'text', name: 'folder', 'aria-label': 'Model folder', required: true,
          placeholder: folders.models_dir ? 'a folder in the models folder' : '/path/to/openvino/model' });
      }
      if (previous && [...(folderInput.options || [])].some((o) => o.value === previous && !o.disabled)) folderInput.value = previous;
      folderBox.append(folderInput);
      if (folders.models_dir) folderBox.append(h('small', { class: 'hint' }, `in ${folders.models_dir}`));
    } catch (e) { showError(loadError, e); }
  }

  async function load() {
    const ov = {};
    for (const row of ovRows.children) {
      const kv = row.read?.();
      if (kv) ov[kv[0]] = kv[1];
    }
    const body = { load_config: { id_model: folderInput.value.trim(), device: device.value }, ov_config: ov };
    if (alias.value.trim()) body.load_config.model_name = alias.value.trim();
    showError(loadError, null);
    loadButton.disabled = true;
    progress.hidden = false;
    const t0 = performance.now();
    const text = progress.querySelector('.load-progress-text');
    const tick = () => { text.textContent = `Loading ${body.load_config.model_name || body.load_config.id_model} · ${((performance.now() - t0) / 1000).toFixed(1)} s`; };
    tick();
    // The status list shows the entry as "loading" while the request runs.
    timer = setInterval(() => { tick(); refresh(); }, 700);
    try {
      const r = await postJson('/optimum/model/load', body);
      toast(`Loaded ${r.model} in ${ms(r.load_time_ms)}`, 'success');
      alias.value = '';
    } catch (e) { showError(loadError, e); }
    clearInterval(timer);
    progress.hidden = true;
    loadButton.disabled = false;
    refresh();
  }

  return {
    el, title: 'Models',
    show() { setup(); refresh(); },
  };
}

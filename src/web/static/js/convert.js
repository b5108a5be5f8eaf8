// Convert: a Hugging Face folder under --models-dir to IR with `openarc convert`'s weight
// formats, progress streamed from the server, Cancel, and Load for the result.
import { getJson, postJson, postStream } from './api.js';
import { h, clear, bytes, num, field, select, errorBox, showError, card, toast } from './dom.js';

export function convertPage() {
  const source = select([], undefined, { 'aria-label': 'Source folder' });
  const format = select(['fp32', 'fp16', 'int8', 'int4'], 'int8', { 'aria-label': 'Weight format' });
  const sym = h('input', { type: 'checkbox', 'aria-label': 'Symmetric' });
  const group = h('input', { type: 'number', value: 128, step: 1, 'aria-label': 'Group size' });
  const ratio = h('input', { type: 'number', value: 1, min: 0.01, max: 1, step: 'any', 'aria-label': 'Ratio' });
  const output = h('input', { type: 'text', 'aria-label': 'Output folder', autocomplete: 'off' });
  const overwrite = h('input', { type: 'checkbox', 'aria-label': 'Overwrite' });
  const int4Box = h('div', { class: 'grid-3 int4-options' },
    h('label', { class: 'check' }, sym, 'Symmetric (i4)'), field('Group size', group, '-1: per channel'), field('Ratio', ratio, 'share in int4, the rest int8'));
  const go = h('button', { type: 'submit', class: 'primary' }, 'Convert');
  const cancel = h('button', { type: 'button', class: 'danger', hidden: true, onclick: () => doCancel() }, 'Cancel');
  const bar = h('div', { class: 'bar' }, h('span'));
  const progressText = h('div', { class: 'progress-text', 'aria-live': 'polite' });
  const progress = h('div', { class: 'convert-progress', hidden: true }, bar, progressText);
  const result = h('div', { class: 'convert-result' });
  const error = errorBox();
  const note = h('div');
  let outputTouched = false;
  let running = null;

  const suggest = () => { if (!outputTouched && source.value) output.value = `${source.value}-${format.value}`; };
  source.addEventListener('change', suggest);
  format.addEventListener('change', () => { int4Box.hidden = format.value !== 'int4'; suggest(); });
  output.addEventListener('input', () => { outputTouched = true; });
  int4Box.hidden = true;

  const form = h('form', { class: 'convert-form', onsubmit: (e) => { e.preventDefault(); start(); } },
    h('div', { class: 'grid-3' }, field('Hugging Face folder', source), field('Weight format', format), field('Output folder', output, 'a new folder beside the source')),
    int4Box,
    h('label', { class: 'check' }, overwrite, 'Overwrite an existing IR folder'),
    h('div', { class: 'row' }, go, cancel), progress, error, result);

  const el = h('div', { class: 'page page-convert' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Convert')), note,
    card('Hugging Face to OpenVINO IR', h('p', { class: 'hint' }, 'Writes openvino_model.xml/.bin as optimum-intel does, with NNCF-style weight compression. The output appears only when it is complete.'), form));

  async function refresh() {
    try {
      const f = await getJson('/openarc/folders');
      clear(note);
      const hf = f.folders.filter((x) => x.kind === 'hf');
      const keep = source.value;
      clear(source);
      if (!f.models_dir) {
        note.append(card(null, h('p', { class: 'error' }, 'Conversion needs the server started with --models-dir: it reads and writes model folders there.')));
        go.disabled = true;
        return;
      }
      go.disabled = !!running;
      if (!hf.length) source.append(h('option', { value: '' }, 'No Hugging Face folder in the models folder'));
      for (const x of hf) source.append(h('option', { value: x.name }, `${x.name} (${bytes(x.bytes)})`));
      if (keep && hf.some((x) => x.name === keep)) source.value = keep;
      suggest();
    } catch (e) { clear(note); const box = errorBox(); note.append(box); showError(box, e); }
  }

  function showProgress(e) {
    const frac = e.bytes_total ? e.bytes_done / e.bytes_total : e.tensors_total ? e.tensors_done / e.tensors_total : 0;
    bar.firstChild.style.width = `${(frac * 100).toFixed(1)}%`;
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuenow', String(Math.round(frac * 100)));
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    progressText.textContent = `${num(e.tensors_done)} / ${num(e.tensors_total)} tensors · ${bytes(e.bytes_done)} / ${bytes(e.bytes_total)}${e.tensor ? ` · ${e.tensor}` : ''}`;
  }

  async function start() {
    const body = { source: source.value, weight_format: format.value, output: output.value.trim(), overwrite: overwrite.checked };
    if (format.value === 'int4') {
      body.sym = sym.checked;
      body.group_size = Number(group.value);
      body.ratio = Number(ratio.value);
    }
    showError(error, null);
    clear(result);
    go.disabled = true;
    cancel.hidden = false;
    cancel.disabled = false;
    progress.hidden = false;
    showProgress({ tensors_done: 0, tensors_total: 0, bytes_done: 0, bytes_total: 0 });
    const controller = new AbortController();
    running = { controller, id: null };
    let finished = null;
    try {
      await postStream('/openarc/convert', body, (e) => {
        if (e.event === 'started') running.id = e.id;
        if (e.event === 'started' || e.event === 'progress') showProgress(e);
        if (e.event === 'done' || e.event === 'cancelled') finished = e;
      }, controller.signal);
    } catch (e) {
      if (e.name !== 'AbortError') showError(error, e);
      progress.hidden = true;
    }
    running = null;
    go.disabled = false;
    cancel.hidden = true;
    if (finished && finished.event === 'done') {
      const weights = Object.entries(finished.weights || {}).map(([k, v]) => `${v} ${k}`).join(', ');
      const loadError = errorBox();
      const loadBtn = h('button', { type: 'button', class: 'primary' }, `Load ${finished.output}`);
      loadBtn.addEventListener('click', async () => {
        loadBtn.disabled = true;
        loadBtn.textContent = 'Loading…';
        try {
          const r = await postJson('/optimum/model/load', { load_config: { id_model: finished.output, model_name: finished.output } });
          toast(`Loaded ${r.model}`, 'success');
          clear(result);
          result.append(h('p', { class: 'success' }, `Loaded ${r.model}. `, h('a', { href: `#/chat?model=${encodeURIComponent(r.model)}` }, 'Chat with it'), ' · ',
            h('a', { href: `#/model?model=${encodeURIComponent(r.model)}` }, 'See it')));
        } catch (e) { showError(loadError, e); loadBtn.disabled = false; loadBtn.textContent = `Load ${finished.output}`; }
      });
      result.append(h('div', { class: 'done' },
        h('p', { class: 'success' }, `Converted to ${finished.output} in ${finished.seconds.toFixed(1)} s (weights: ${weights}).`),
        loadBtn, loadError));
      bar.firstChild.style.width = '100%';
    } else if (finished && finished.event === 'cancelled') {
      progress.hidden = true;
      result.append(h('p', { class: 'hint' }, 'Cancelled: nothing was written.'));
    }
    refresh();
  }

  async function doCancel() {
    if (!running) return;
    cancel.disabled = true;
    try {
      await postJson('/openarc/convert/cancel', running.id ? { id: running.id } : {});
    } catch (e) {
      // The conversion may have ended meanwhile; closing the stream cancels it too.
      running.controller.abort();
      if (e.status !== 404) showError(error, e);
    }
  }

  return { el, title: 'Convert', show: refresh };
}

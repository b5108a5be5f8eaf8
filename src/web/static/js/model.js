// Model: a loaded model's config.json, its architecture in figures, the IR summary `openarc
// inspect` gives (op counts, weight precisions and bytes, parameters, fusions), and its
// generation_config and tokenizer_config.
import { getJson } from './api.js';
import { h, clear, bytes, num, field, select, errorBox, showError, card, stat, jsonBlock } from './dom.js';

export function modelPage() {
  const modelSel = select([], undefined, { 'aria-label': 'Model' });
  const body = h('div');
  const error = errorBox();
  const el = h('div', { class: 'page page-model' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Model'), field('Model', modelSel)), error, body);
  modelSel.addEventListener('change', () => { location.hash = `#/model?model=${encodeURIComponent(modelSel.value)}`; });

  function table(head, rows, numeric = []) {
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, head.map((c, k) => h('th', { class: numeric.includes(k) ? 'align-right' : undefined }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, k) => h('td', { class: numeric.includes(k) ? 'align-right' : undefined }, c)))))));
  }

  function render(info) {
    clear(body);
    const a = info.architecture || {};
    const ir = info.ir || {};
    body.append(card(`${info.model_name}`,
      h('p', { class: 'path' }, info.path),
      h('div', { class: 'stats' },
        stat('Architecture', a.architecture || a.model_type || '–', 'architecture'),
        stat('Layers', num(a.layers), 'layers'),
        stat('Hidden size', num(a.hidden_size), 'hidden_size'),
        stat('Heads', num(a.heads), 'heads'),
        stat('KV heads', num(a.kv_heads), 'kv_heads'),
        stat('Head dim', num(a.head_dim), 'head_dim'),
        stat('FFN size', num(a.intermediate_size), 'intermediate_size'),
        stat('Vocabulary', num(a.vocab_size), 'vocab_size'),
        stat('Context', num(a.context_length), 'context_length'),
        stat('Parameters', num(ir.parameters ?? a.parameters), 'parameters'),
        stat('Weights', a.weight_format || '–', 'weight_format'),
        stat('Weight bytes', bytes(a.weight_bytes), 'weight_bytes'))));
    if (ir.error) body.append(card('IR', h('p', { class: 'error' }, ir.error)));
    else {
      const ops = Object.entries(ir.ops || {}).sort((x, y) => y[1] - x[1]);
      const fused = Object.entries(ir.ops_after_fusion || {}).sort((x, y) => y[1] - x[1]);
      body.append(card('IR summary',
        h('div', { class: 'stats' },
          stat('IR version', String(ir.ir_version ?? '–'), 'ir_version'),
          stat('Layers', num(ir.layers), 'ir_layers'),
          stat('After fusion', num(ir.layers_after_fusion), 'layers_after_fusion'),
          stat('Constants', bytes(ir.constant_bytes), 'constant_bytes'),
          stat('Inputs', num((ir.inputs || []).length), 'inputs'),
          stat('KV variables', num((ir.variables || []).length), 'variables')),
        h('h3', {}, 'Weight precisions'),
        table(['Type', 'Constants', 'Bytes', 'Weights (2+ dims)', 'Weight bytes'],
          (ir.constants || []).map((c) => [c.element_type, num(c.consts), bytes(c.bytes), num(c.weights), bytes(c.weight_bytes)]), [1, 2, 3, 4]),
        h('div', { class: 'grid-2' },
          h('div', {}, h('h3', {}, `Operations (${ops.length} types)`), table(['Op', 'Count'], ops.map(([k, v]) => [k, num(v)]), [1])),
          h('div', {}, h('h3', {}, 'After fusion'), table(['Op', 'Count'], fused.map(([k, v]) => [k, num(v)]), [1]),
            h('h3', {}, 'Fusions'), table(['Pass', 'Fired'], (ir.fusions || []).map((f) => [f.pass, num(f.fired)]), [1]))),
        h('h3', {}, 'Interface'),
        table(['Kind', 'Name', 'Type', 'Shape'], [
          ...(ir.inputs || []).map((p) => ['input', p.name, p.type, p.shape]),
          ...(ir.outputs || []).map((p) => ['output', p.name, p.type, p.shape])]),
        (ir.unsupported_ops || []).length ? h('p', { class: 'error' }, `Unsupported ops: ${ir.unsupported_ops.map((u) => `${u.type}-${u.version}`).join(', ')}`) : null));
    }
    const file = (name, v, open) => h('details', { class: 'file', open: open || undefined }, h('summary', {}, name), jsonBlock(v));
    body.append(card('Files',
      file('config.json', info.config, true),
      file('generation_config.json', info.generation_config),
      file('tokenizer_config.json', info.tokenizer_config),
      info.openvino_config ? file('openvino_config.json', info.openvino_config) : null));
  }

  return {
    el, title: 'Model',
    async show(params) {
      try {
        const status = await getJson('/optimum/status');
        const loaded = status.models.filter((m) => m.status === 'loaded').map((m) => m.model_name);
        clear(modelSel);
        for (const n of loaded) modelSel.append(h('option', { value: n }, n));
        const name = params.model && loaded.includes(params.model) ? params.model : (loaded.includes(modelSel.dataset.last) ? modelSel.dataset.last : loaded[0]);
        if (!name) { clear(body); body.append(card(null, h('p', { class: 'empty' }, 'No model is loaded. Load one on the Models page.'))); return; }
        modelSel.value = name;
        modelSel.dataset.last = name;
        render(await getJson(`/openarc/model-info?model=${encodeURIComponent(name)}`));
        showError(error, null);
      } catch (e) { showError(error, e); }
    },
  };
}

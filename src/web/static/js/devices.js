// Devices: what `openarc devices` reports: the CPU's name, cores and threads, ISA features and
// the kernels OpenArc picked, caches, memory, and the OpenVINO-style property table.
import { getJson } from './api.js';
import { h, clear, bytes, num, card, stat, errorBox, showError } from './dom.js';

export function devicesPage() {
  const body = h('div');
  const error = errorBox();
  const el = h('div', { class: 'page page-devices' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Devices'), h('button', { type: 'button', class: 'ghost', onclick: () => refresh() }, 'Refresh')),
    error, body);

  function value(v) {
    if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.join(', ');
    if (v !== null && typeof v === 'object') return h('pre', { class: 'json inline' }, JSON.stringify(v, null, 1));
    return String(v);
  }

  function render(report) {
    clear(body);
    for (const d of report.devices) {
      const isa = Object.entries(d.isa || {});
      body.append(
        card(`${d.device}: ${d.FULL_DEVICE_NAME}`,
          h('div', { class: 'stats' },
            stat('Physical cores', num(d.physical_cores), 'physical_cores'),
            stat('Threads', num(d.logical_cores), 'logical_cores'),
            stat('Memory', bytes(d.memory_bytes), 'memory'),
            stat('Kernels', (d.kernels?.isa_level || '–').toUpperCase(), 'kernels'),
            stat('Best ISA', (d.kernels?.best_isa_level || '–').toUpperCase(), 'best_isa')),
          h('p', { class: 'hint' }, `OpenArc runs its kernels at the ${d.kernels?.isa_level} level`,
            d.kernels?.isa_level !== d.kernels?.best_isa_level ? ` (this CPU could do ${d.kernels?.best_isa_level}; OPENARC_ISA lowers it)` : ' (the best this CPU has)', '.'),
          h('h3', {}, 'Instruction set'),
          h('ul', { class: 'chips', 'aria-label': 'ISA features' }, isa.map(([k, on]) =>
            h('li', { class: on ? 'chip on' : 'chip off', title: on ? 'supported' : 'not supported' }, on ? '✓ ' : '✗ ', k))),
          h('h3', {}, 'Caches'),
          h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Level'), h('th', {}, 'Type'), h('th', { class: 'align-right' }, 'Size'))),
            h('tbody', {}, (d.caches || []).map((c) => h('tr', {}, h('td', {}, `L${c.level}`), h('td', {}, c.type), h('td', { class: 'align-right' }, bytes(c.size_bytes)))))))),
        card('Properties',
          h('div', { class: 'table-wrap' }, h('table', { class: 'data props' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Property'), h('th', {}, 'Value'))),
            h('tbody', {}, Object.entries(d).map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, value(v)))))))));
    }
    body.append(h('p', { class: 'hint' }, `Available devices: ${report.available_devices.join(', ')}`));
  }

  async function refresh() {
    try { render(await getJson('/v1/devices')); showError(error, null); } catch (e) { showError(error, e); }
  }
  return { el, title: 'Devices', show: refresh };
}

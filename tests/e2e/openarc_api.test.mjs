// OpenArc's own API: load and unload while another model serves, status, generate, auth.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startServer, postJson, demoModel } from './server_fixture.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

test('load and unload a second model while the first one streams', async () => {
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x' });
  const stream = await client.completions.create({ model: 'stories260K', prompt: 'Once', max_tokens: 60, ignore_eos: true, stream: true, temperature: 0 });
  const load = await postJson(`${server.url}/optimum/model/load`, {
    load_config: { id_model: demoModel, device: 'CPU', model_name: 'story2' },
    ov_config: { INFERENCE_NUM_THREADS: 1, PERFORMANCE_HINT: 'LATENCY' },
  });
  assert.equal(load.status, 200, load.text);
  assert.equal(load.json.status, 'success');
  assert.equal(load.json.model, 'story2');
  assert.ok(load.json.load_time_ms > 0);
  const r2 = await client.completions.create({ model: 'story2', prompt: 'Once', max_tokens: 5, temperature: 0 });
  let streamed = '';
  for await (const c of stream) streamed += c.choices[0]?.text ?? '';
  assert.ok(streamed.length > 0);
  const r1 = await client.completions.create({ model: 'stories260K', prompt: 'Once', max_tokens: 5, temperature: 0 });
  assert.equal(r2.choices[0].text, r1.choices[0].text, 'the same weights give the same greedy text');

  const status = await (await fetch(`${server.url}/optimum/status`)).json();
  const s2 = status.models.find((m) => m.model_name === 'story2');
  assert.equal(s2.status, 'loaded');
  assert.equal(s2.device, 'CPU');
  assert.equal(s2.ov_config.INFERENCE_NUM_THREADS, 1);
  assert.equal(s2.runtime.INFERENCE_NUM_THREADS, 1);
  assert.ok(s2.memory_bytes > 0);
  assert.equal(s2.requests_served, 1);

  const again = await postJson(`${server.url}/optimum/model/load`, { load_config: { id_model: demoModel, model_name: 'story2' } });
  assert.equal(again.status, 409);
  const unload = await postJson(`${server.url}/optimum/model/unload`, { model_name: 'story2' });
  assert.equal(unload.status, 200);
  const gone = await postJson(`${server.url}/v1/completions`, { model: 'story2', prompt: 'x' });
  assert.equal(gone.status, 404);
  assert.match(gone.json.error.message, /stories260K/);
});

test('KV_CACHE_PRECISION f16 keeps f16 caches and the greedy text; u8 is served by f16 and says so', async () => {
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x' });
  for (const [name, precision] of [['kv16', 'f16'], ['kv8', 'u8']]) {
    const load = await postJson(`${server.url}/optimum/model/load`, {
      load_config: { id_model: demoModel, model_name: name }, ov_config: { KV_CACHE_PRECISION: precision },
    });
    assert.equal(load.status, 200, load.text);
  }
  const status = await (await fetch(`${server.url}/optimum/status`)).json();
  for (const [name, requested] of [['kv16', 'f16'], ['kv8', 'u8']]) {
    const s = status.models.find((m) => m.model_name === name);
    assert.equal(s.runtime.KV_CACHE_PRECISION, requested);
    assert.equal(s.runtime.kv_cache_precision_applied, 'f16');
  }
  const prompt = 'Once upon a time';
  const want = await client.completions.create({ model: 'stories260K', prompt, max_tokens: 40, temperature: 0, ignore_eos: true });
  const got = await client.completions.create({ model: 'kv16', prompt, max_tokens: 40, temperature: 0, ignore_eos: true });
  assert.equal(got.choices[0].text, want.choices[0].text, 'f16 KV gives the demo model the same greedy text');
  for (const name of ['kv16', 'kv8']) await postJson(`${server.url}/optimum/model/unload`, { model_name: name });
});

test('load refuses bad devices, ov_config keys and folders with 400 naming them', async () => {
  const gpu = await postJson(`${server.url}/optimum/model/load`, { load_config: { id_model: demoModel, device: 'GPU', model_name: 'g' } });
  assert.equal(gpu.status, 400);
  assert.match(gpu.json.error.message, /available devices: CPU/);
  const key = await postJson(`${server.url}/optimum/model/load`, { load_config: { id_model: demoModel, model_name: 'k' }, ov_config: { TURBO: 1 } });
  assert.equal(key.status, 400);
  assert.equal(key.json.error.param, 'ov_config.TURBO');
  const value = await postJson(`${server.url}/optimum/model/load`, { load_config: { id_model: demoModel, model_name: 'v' }, ov_config: { PERFORMANCE_HINT: 'FAST' } });
  assert.equal(value.status, 400);
  assert.match(value.json.error.message, /LATENCY/);
  const missing = await postJson(`${server.url}/optimum/model/load`, { load_config: { id_model: '/nonexistent/model', model_name: 'm' } });
  assert.equal(missing.status, 400);
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
});

test('/optimum/generate returns the text and the metrics, streamed or not', async () => {
  const r = await postJson(`${server.url}/optimum/generate`, { model: 'stories260K', prompt: 'Once upon a time', max_new_tokens: 10, temperature: 0 });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.generated_text.length > 0);
  assert.equal(r.json.performance_metrics.output_tokens, 10);
  assert.ok(r.json.performance_metrics.ttft_ms > 0);
  const s = await fetch(`${server.url}/optimum/generate`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'stories260K', prompt: 'Once upon a time', max_new_tokens: 10, temperature: 0, stream: true }),
  });
  const events = (await s.text()).split('\n\n').filter((e) => e.startsWith('data: ') && !e.includes('[DONE]')).map((e) => JSON.parse(e.slice(6)));
  const text = events.filter((e) => !e.done).map((e) => e.text).join('');
  assert.equal(text, r.json.generated_text);
  assert.ok(events.at(-1).performance_metrics);
});

test('helpers: tokenize, detokenize, apply-template, metrics, devices', async () => {
  const t = await postJson(`${server.url}/tokenize`, { model: 'stories260K', content: 'Once upon a time', add_special: true });
  assert.deepEqual(t.json.tokens.slice(0, 1), [1]);
  const d = await postJson(`${server.url}/detokenize`, { model: 'stories260K', tokens: t.json.tokens.slice(1) });
  assert.equal(d.json.content, 'Once upon a time');
  const p = await postJson(`${server.url}/tokenize`, { model: 'stories260K', content: 'Once', with_pieces: true });
  assert.ok(p.json.tokens[0].piece.length > 0);
  const bad = await postJson(`${server.url}/detokenize`, { model: 'stories260K', tokens: [99999] });
  assert.equal(bad.status, 400);
  const m = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(m, /# TYPE openarc_requests_total counter/);
  assert.match(m, /openarc_models_loaded 1/);
  const dev = await (await fetch(`${server.url}/v1/devices`)).json();
  assert.equal(dev.devices[0].device, 'CPU');
});

test('metrics of operation: TTFT histogram, processing and deferred gauges, errors by status', async () => {
  const m = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(m, /# TYPE openarc_time_to_first_token_seconds histogram/);
  const buckets = [...m.matchAll(/openarc_time_to_first_token_seconds_bucket\{model="stories260K",le="([^"]+)"\} (\d+)/g)];
  assert.ok(buckets.length > 2, m);
  const counts = buckets.map((b) => Number(b[2]));
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i] >= counts[i - 1], 'buckets are cumulative');
  assert.equal(buckets.at(-1)[1], '+Inf');
  const count = Number(m.match(/openarc_time_to_first_token_seconds_count\{model="stories260K"\} (\d+)/)[1]);
  assert.equal(counts.at(-1), count);
  assert.ok(count >= 2);
  assert.match(m, /openarc_requests_processing\{model="stories260K"\} 0/);
  assert.match(m, /openarc_requests_deferred\{model="stories260K"\} 0/);
  assert.match(m, /openarc_request_errors_total\{status="400"\} [1-9]/);
});

test('/readyz is 200 only while every startup model is loaded, and names those that are not', async () => {
  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.equal((await ready.json()).status, 'ready');
  const partial = await startServer(['--model', `${demoModel}=stories260K`, '--model', '/nonexistent/model=ghost']);
  try {
    assert.equal((await fetch(`${partial.url}/health`)).status, 200);
    const r = await fetch(`${partial.url}/readyz`);
    assert.equal(r.status, 503);
    assert.deepEqual((await r.json()).models_not_loaded, ['ghost']);
  } finally {
    await partial.stop();
  }
});

test('--log-format json: one JSON line per request, a stream\'s with its model and tokens', async () => {
  const logged = await startServer(['--log-format', 'json']);
  try {
    const client = new OpenAI({ baseURL: `${logged.url}/v1`, apiKey: 'none' });
    const stream = await client.chat.completions.create({
      model: 'stories260K', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 7, temperature: 0, stream: true,
    });
    for await (const chunk of stream) void chunk;
    await fetch(`${logged.url}/nothing-here`);
  } finally {
    await logged.stop();
  }
  const lines = logged.log().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const chat = lines.find((l) => l.route === '/v1/chat/completions');
  assert.ok(chat, logged.log());
  assert.equal(chat.status, 200);
  assert.equal(chat.model, 'stories260K');
  assert.equal(chat.completion_tokens, 7);
  assert.ok(chat.prompt_tokens > 0 && chat.ms > 0 && chat.id.startsWith('req-'));
  const missing = lines.find((l) => l.route === '/nothing-here');
  assert.equal(missing.status, 404);
  assert.equal(missing.model, null);
});

test('an API key guards every route but /health', async () => {
  const guarded = await startServer([], { env: { OPENARC_API_KEY: 'sekret' } });
  try {
    assert.equal((await fetch(`${guarded.url}/health`)).status, 200);
    const denied = await fetch(`${guarded.url}/v1/models`);
    assert.equal(denied.status, 401);
    assert.equal((await denied.json()).error.type, 'authentication_error');
    const client = new OpenAI({ baseURL: `${guarded.url}/v1`, apiKey: 'sekret' });
    assert.equal((await client.models.list()).data.length, 1);
    const wrong = new OpenAI({ baseURL: `${guarded.url}/v1`, apiKey: 'nope', maxRetries: 0 });
    await assert.rejects(wrong.models.list(), (e) => e.status === 401);
    const viaHeader = await fetch(`${guarded.url}/v1/models`, { headers: { 'x-api-key': 'sekret' } });
    assert.equal(viaHeader.status, 200);
  } finally {
    await guarded.stop();
  }
});

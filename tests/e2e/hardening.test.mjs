// The server under slow clients, load and faults (issue 13), bounded in time: slow-header
// connections must not starve fresh clients, concurrent streams stay exact, disconnected
// clients are freed (the in-flight gauge returns), unloading a model ends its streams cleanly, a
// broken model folder does not disturb the model that serves, memory does not grow under a soak,
// SIGTERM ends streams and exits 0.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync, mkdtempSync, cpSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, postJson, root, demoModel } from './server_fixture.mjs';

const reference = JSON.parse(readFileSync(path.join(root, 'tests', 'reference', 'stories260K-greedy.json'), 'utf8'));
const once = reference.cases.find((c) => c.prompt === 'Once upon a time');
const MAX_TOKENS = 24;

let server;
let expected;  // the reference's greedy continuation of "Once upon a time", as text
before(async () => {
  // Deadlines short enough to be seen here; caps high enough for 100 connections per address.
  server = await startServer(['--header-timeout', '2', '--max-client-connections', '150', '--max-queue', '128']);
  const d = await postJson(`${server.url}/detokenize`, { model: 'stories260K', tokens: once.output_ids.slice(0, MAX_TOKENS) });
  assert.equal(d.status, 200, d.text);
  expected = d.json.content;
});
after(async () => { await server.stop(); });

const body = (extra = {}) => ({ model: 'stories260K', prompt: 'Once upon a time', max_tokens: MAX_TOKENS, temperature: 0, ignore_eos: true, ...extra });

async function streamText(signal) {
  const r = await fetch(`${server.url}/v1/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body({ stream: true })), signal,
  });
  assert.equal(r.status, 200);
  const raw = await r.text();
  let text = '';
  for (const line of raw.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    text += JSON.parse(line.slice(6)).choices?.[0]?.text ?? '';
  }
  assert.ok(raw.trimEnd().endsWith('data: [DONE]'), 'the stream ends with [DONE]');
  return text;
}

async function gauge(name) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = text.match(new RegExp(`^${name} (\\d+)$`, 'm'));
  assert.ok(m, `${name} is in /metrics`);
  return Number(m[1]);
}

// Opens a connection from `from` and sends the start of a request head, never the end.
function slowHeader(from) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: server.port, localAddress: from }, () => {
      s.write('POST /v1/completions HTTP/1.1\r\nHost: x\r\n');
      resolve(s);
    });
    s.on('error', () => {});
    s.once('error', reject);
  });
}

test('the first greedy completion is the reference', async () => {
  const r = await postJson(`${server.url}/v1/completions`, body());
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.choices[0].text, expected);
});

test('400 slow-header connections do not keep 20 fresh clients from being served', async () => {
  const slow = [];
  for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'])
    for (let i = 0; i < 100; i++) slow.push(await slowHeader(from));
  const fresh = await Promise.all(Array.from({ length: 20 }, () => postJson(`${server.url}/v1/completions`, body({ max_tokens: 4 }))));
  for (const r of fresh) assert.equal(r.status, 200, r.text);
  // The header deadline (2 s here) answers them 408 and closes them.
  const first = await new Promise((resolve) => {
    let data = '';
    slow[0].on('data', (d) => { data += d; });
    slow[0].on('close', () => resolve(data));
  });
  assert.match(first, /^HTTP\/1\.1 408 /);
  assert.match(first, /headers did not arrive within 2 s/);
  for (const s of slow) s.destroy();
});

test('64 concurrent streams are all exact', async () => {
  const texts = await Promise.all(Array.from({ length: 64 }, () => streamText()));
  for (const t of texts) assert.equal(t, expected);
});

test('32 clients that disconnect mid-stream are freed, and the next request is exact', async () => {
  const aborts = Array.from({ length: 32 }, async () => {
    const ac = new AbortController();
    const r = await fetch(`${server.url}/v1/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body({ stream: true, max_tokens: 200 })), signal: ac.signal,
    });
    const reader = r.body.getReader();
    await reader.read();  // the first chunk: the stream has started or is queued
    ac.abort();
  });
  await Promise.all(aborts.map((p) => p.catch(() => {})));
  let inFlight = -1;
  for (let i = 0; i < 200 && inFlight !== 1; i++) {
    inFlight = await gauge('openarc_requests_in_flight');  // counts the /metrics request itself
    if (inFlight !== 1) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(inFlight, 1, 'only the /metrics request is in flight');
  const r = await postJson(`${server.url}/v1/completions`, body());
  assert.equal(r.json.choices[0].text, expected);
});

test('a non-streamed generation whose client disconnects is cancelled', async () => {
  const ac = new AbortController();
  const pending = fetch(`${server.url}/v1/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body({ max_tokens: 400 })), signal: ac.signal,
  }).catch(() => null);
  await new Promise((r) => setTimeout(r, 200));
  ac.abort();
  await pending;
  let inFlight = -1;
  for (let i = 0; i < 200 && inFlight !== 1; i++) {
    inFlight = await gauge('openarc_requests_in_flight');
    if (inFlight !== 1) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(inFlight, 1);
});

function rss(pid) {
  const kb = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Number(kb[1]) * 1024;
}

// A stream's raw text, and how it ended: 'finish' (a finish_reason), 'error' (an error event).
async function streamOutcome(url, model, maxTokens, onFirstChunk) {
  const r = await fetch(`${url}/v1/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body({ stream: true, max_tokens: maxTokens }), model }),
  });
  assert.equal(r.status, 200);
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let raw = '';
  let first = true;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    raw += decoder.decode(value, { stream: true });
    if (first && onFirstChunk) onFirstChunk();
    first = false;
  }
  const events = raw.split('\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6)));
  const ended = events.some((e) => e.error) ? 'error' : events.some((e) => e.choices?.[0]?.finish_reason) ? 'finish' : 'none';
  return { raw, ended };
}

// p, or a failure naming `what` after ms (the timer does not keep the test process alive).
const within = (p, ms, what) => Promise.race([p, new Promise((_, reject) => {
  setTimeout(() => reject(new Error(`${what}: no end within ${ms} ms`)), ms).unref();
})]);

test('unloading a model while its streams run: each ends with a finish or an error event, never a hang', async () => {
  const load = await postJson(`${server.url}/optimum/model/load`, { load_config: { id_model: demoModel, model_name: 'victim' } });
  assert.equal(load.status, 200, load.text);
  let started;
  const firstChunk = new Promise((r) => { started = r; });
  const streams = Array.from({ length: 4 }, (_, i) => streamOutcome(server.url, 'victim', 300, i === 0 ? started : null));
  await firstChunk;
  const unload = await postJson(`${server.url}/optimum/model/unload`, { model_name: 'victim' });
  assert.equal(unload.status, 200, unload.text);
  for (const { raw, ended } of await within(Promise.all(streams), 60000, 'streams of an unloaded model')) {
    assert.ok(ended === 'finish' || ended === 'error', raw.slice(-300));
    assert.ok(raw.trimEnd().endsWith('data: [DONE]'), raw.slice(-200));
  }
  const after = await postJson(`${server.url}/v1/completions`, { ...body(), model: 'victim' });
  assert.equal(after.status, 404);
});

test('loading a broken model folder while another model serves: 400 naming it, the other keeps serving', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'openarc-broken-'));
  try {
    cpSync(demoModel, dir, { recursive: true });
    const xml = readFileSync(path.join(dir, 'openvino_model.xml'), 'utf8');
    writeFileSync(path.join(dir, 'openvino_model.xml'), xml.slice(0, Math.floor(xml.length / 2)));
    const serving = streamText();
    const r = await postJson(`${server.url}/optimum/model/load`, { load_config: { id_model: dir, model_name: 'broken' } });
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.error.message, /openvino_model\.xml/);
    assert.equal(await serving, expected);
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    const again = await postJson(`${server.url}/v1/completions`, body());
    assert.equal(again.json.choices[0].text, expected);
  } finally {
    await postJson(`${server.url}/optimum/model/unload`, { model_name: 'broken' });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('memory after a soak of streams, disconnects and errors stays within 1.5x + 64 MB', async () => {
  const warm = await postJson(`${server.url}/v1/completions`, body());
  assert.equal(warm.status, 200);
  const before = rss(server.proc.pid);
  for (let round = 0; round < 5; round++) {
    const work = [];
    for (let i = 0; i < 8; i++) work.push(streamText());
    for (let i = 0; i < 8; i++) work.push(postJson(`${server.url}/v1/completions`, body({ max_tokens: 8 })));
    for (let i = 0; i < 4; i++) work.push(postJson(`${server.url}/v1/completions`, '{"model": "stories260K", "prompt": ['));
    for (let i = 0; i < 4; i++) {
      const ac = new AbortController();
      work.push(fetch(`${server.url}/v1/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body({ stream: true, max_tokens: 200 })), signal: ac.signal,
      }).then(async (r) => { await r.body.getReader().read(); ac.abort(); }).catch(() => {}));
    }
    await Promise.all(work);
  }
  const afterSoak = rss(server.proc.pid);
  assert.ok(afterSoak <= 1.5 * before + 64 * 1024 * 1024, `RSS ${before} -> ${afterSoak} bytes`);
});

test('SIGTERM while streaming ends the streams and exits 0', async () => {
  const own = await startServer([]);
  try {
    const streams = Array.from({ length: 4 }, () =>
      fetch(`${own.url}/v1/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body({ stream: true, max_tokens: 400 })),
      }).then((r) => r.text()));
    await new Promise((r) => setTimeout(r, 300));
    const code = await own.stop();
    assert.equal(code, 0, own.log());
    for (const raw of await Promise.all(streams)) assert.ok(raw.trimEnd().endsWith('data: [DONE]'), raw.slice(-200));
  } finally {
    await own.stop();
  }
});

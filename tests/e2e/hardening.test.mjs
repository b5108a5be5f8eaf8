// The server under slow clients, load and faults (issue 13), bounded in time: slow-header
// connections must not starve fresh clients, concurrent streams stay exact, disconnected
// clients are freed (the in-flight gauge returns), SIGTERM ends streams and exits 0.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, postJson, root } from './server_fixture.mjs';

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

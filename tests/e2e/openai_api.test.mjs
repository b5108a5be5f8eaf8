// The server driven by the official `openai` SDK: what an application relies on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startServer, postJson } from './server_fixture.mjs';

let server;
let client;

before(async () => {
  server = await startServer();
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused' });
});
after(async () => {
  assert.equal(await server.stop(), 0, 'SIGTERM ends the server with exit code 0');
});

const story = [{ role: 'user', content: 'Once upon a time' }];

test('lists the loaded model with its metadata', async () => {
  const models = await client.models.list();
  const ids = models.data.map((m) => m.id);
  assert.deepEqual(ids, ['stories260K']);
  assert.equal(models.data[0].owned_by, 'openarc');
  assert.equal(models.data[0].meta.context_length, 512);
  assert.equal(models.data[0].meta.device, 'CPU');
  const one = await client.models.retrieve('stories260K');
  assert.equal(one.id, 'stories260K');
});

test('chat without streaming: text, usage equal to the tokenizer, timings', async () => {
  const r = await client.chat.completions.create({ model: 'stories260K', messages: story, max_tokens: 20, temperature: 0 });
  assert.equal(r.object, 'chat.completion');
  const msg = r.choices[0].message;
  assert.equal(msg.role, 'assistant');
  assert.ok(msg.content.length > 0);
  assert.ok(['stop', 'length'].includes(r.choices[0].finish_reason));
  // Usage counts are the tokenizer's: the rendered prompt and the output both re-tokenized.
  const rendered = await postJson(`${server.url}/apply-template`, { model: 'stories260K', messages: story });
  const promptTokens = await postJson(`${server.url}/tokenize`, { model: 'stories260K', content: rendered.json.prompt });
  assert.equal(r.usage.prompt_tokens, promptTokens.json.tokens.length);
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
  assert.ok(r.usage.completion_tokens <= 20);
  assert.ok(r.timings.predicted_n >= 1 && r.timings.prompt_n >= 1);
  assert.ok(r.timings.ttft_ms > 0);
});

test('chat streaming: role first, content deltas, finish reason, timings on the last chunk, usage when asked', async () => {
  const stream = await client.chat.completions.create({
    model: 'stories260K', messages: story, max_tokens: 30, temperature: 0, stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
  const finished = chunks.filter((c) => c.choices[0]?.finish_reason);
  assert.equal(finished.length, 1);
  const usageChunk = chunks.at(-1);
  assert.deepEqual(usageChunk.choices, []);
  assert.ok(usageChunk.usage.completion_tokens > 0);
  assert.ok(usageChunk.timings.predicted_per_second > 0);
  assert.ok(finished[0].timings, 'timings ride on the last content chunk');
  // The streamed text is exactly the non-streamed text.
  const whole = await client.chat.completions.create({ model: 'stories260K', messages: story, max_tokens: 30, temperature: 0 });
  assert.equal(text, whole.choices[0].message.content);
});

test('completions: text, echo, stop strings, max_tokens gives length', async () => {
  const r = await client.completions.create({ model: 'stories260K', prompt: 'Once upon a time', max_tokens: 12, temperature: 0 });
  assert.equal(r.object, 'text_completion');
  assert.equal(r.choices[0].finish_reason, 'length');
  assert.equal(r.usage.completion_tokens, 12);
  const text = r.choices[0].text;
  const echo = await client.completions.create({ model: 'stories260K', prompt: 'Once upon a time', max_tokens: 12, temperature: 0, echo: true });
  assert.equal(echo.choices[0].text, 'Once upon a time' + text);

  // Stop at a word the greedy text contains: the output ends right before it.
  const word = text.trim().split(/\s+/)[2];
  const stopped = await client.completions.create({ model: 'stories260K', prompt: 'Once upon a time', max_tokens: 12, temperature: 0, stop: [word] });
  assert.equal(stopped.choices[0].finish_reason, 'stop');
  assert.equal(stopped.choices[0].text, text.slice(0, text.indexOf(word)));
});

test('seeded sampling gives the same text twice, another seed another text', async () => {
  const ask = (seed) => client.completions.create({ model: 'stories260K', prompt: 'The dog', max_tokens: 40, temperature: 1.0, seed });
  const a = await ask(42);
  const b = await ask(42);
  assert.equal(a.choices[0].text, b.choices[0].text);
  const others = await Promise.all([7, 8, 9].map(ask));
  assert.ok(others.some((o) => o.choices[0].text !== a.choices[0].text));
});

test('ten concurrent streams all give the greedy text', async () => {
  const params = { model: 'stories260K', messages: [{ role: 'user', content: 'Lily had a ball' }], max_tokens: 24, temperature: 0 };
  const reference = (await client.chat.completions.create(params)).choices[0].message.content;
  const texts = await Promise.all(Array.from({ length: 10 }, async () => {
    const stream = await client.chat.completions.create({ ...params, stream: true });
    let t = '';
    for await (const c of stream) t += c.choices[0]?.delta?.content ?? '';
    return t;
  }));
  for (const t of texts) assert.equal(t, reference);
});

test('404 names the loaded models for an unknown model', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'nope', messages: story }),
    (e) => e.status === 404 && /stories260K/.test(e.message),
  );
});

test('400 for each kind of bad body, and the server keeps serving', async () => {
  const bad = [
    '{not json',
    '[1,2]',
    { model: 'stories260K' },
    { model: 'stories260K', messages: [] },
    { model: 'stories260K', messages: 'hi' },
    { model: 'stories260K', messages: [{ role: 'wizard', content: 'x' }] },
    { model: 'stories260K', messages: [{ role: 'user' }] },
    { model: 'stories260K', messages: story, temperature: 'hot' },
    { model: 'stories260K', messages: story, temperature: -1 },
    { model: 'stories260K', messages: story, top_p: 2 },
    { model: 'stories260K', messages: story, n: 0 },
    { model: 'stories260K', messages: story, max_tokens: 100000 },
    { model: 'stories260K', messages: story, stream: 'yes' },
    { model: 7, messages: story },
    { model: 'stories260K', messages: story, response_format: { type: 'json_schema' } },
  ];
  for (const body of bad) {
    const r = await postJson(`${server.url}/v1/chat/completions`, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${r.text}`);
    assert.equal(r.json.error.type, 'invalid_request_error');
    assert.ok(r.json.error.message.length > 0);
  }
  const ok = await client.chat.completions.create({ model: 'stories260K', messages: story, max_tokens: 3 });
  assert.ok(ok.choices[0].message.content.length > 0);
});

test('a disconnect cancels the generation and frees the model at once', async () => {
  const outputTokens = async () => {
    const m = await (await fetch(`${server.url}/metrics`)).text();
    const found = m.match(/openarc_output_tokens_total\{model="stories260K"\} (\d+)/);
    return found ? Number(found[1]) : 0;
  };
  const before = await outputTokens();
  const controller = new AbortController();
  const res = await fetch(`${server.url}/v1/completions`, {
    method: 'POST', signal: controller.signal, headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'stories260K', prompt: 'Once', max_tokens: 500, ignore_eos: true, stream: true }),
  });
  const reader = res.body.getReader();
  await reader.read();
  await reader.read();
  controller.abort();
  // The next request gets the model as soon as the cancelled one notices, within a token or so:
  // far fewer than the 500 tokens it asked for were generated.
  const r = await client.completions.create({ model: 'stories260K', prompt: 'Once', max_tokens: 2, ignore_eos: true });
  assert.equal(r.usage.completion_tokens, 2);
  const generated = (await outputTokens()) - before - 2;
  assert.ok(generated < 100, `the cancelled stream generated ${generated} tokens`);
  const status = await (await fetch(`${server.url}/optimum/status`)).json();
  assert.equal(status.models[0].busy, false);
});

test('greedy chat over HTTP equals `openarc generate` on the command line', async () => {
  const { execFileSync } = await import('node:child_process');
  const { binary, demoModel } = await import('./server_fixture.mjs');
  const cli = JSON.parse(execFileSync(binary, ['generate', '--model', demoModel, '--prompt', 'Lily had a ball',
    '--temperature', '0', '--max-new-tokens', '24', '--json']).toString());
  const r = await client.chat.completions.create({
    model: 'stories260K', messages: [{ role: 'user', content: 'Lily had a ball' }], max_tokens: 24, temperature: 0,
  });
  assert.equal(r.choices[0].message.content, cli.text);
  assert.equal(r.usage.completion_tokens, cli.token_ids.length);
  assert.equal(r.usage.prompt_tokens, cli.prompt_token_ids.length);
});

test('speculative decoding by request: the same text, draft counts in timings and /metrics, 400 naming the member', async () => {
  const metric = async (name) => {
    const m = await (await fetch(`${server.url}/metrics`)).text();
    const found = m.match(new RegExp(`${name}\\{model="stories260K"\\} (\\d+)`));
    return found ? Number(found[1]) : 0;
  };
  const prompt = 'Tom had a red ball. Tom had a red ball. Tom had a red ball. Tom had';
  const params = { model: 'stories260K', prompt, max_tokens: 40, temperature: 0 };
  const plain = await client.completions.create(params);
  assert.equal(plain.timings.draft_n, undefined, 'off by default');
  const drafted = await metric('openarc_draft_tokens_total');
  const accepted = await metric('openarc_draft_accepted_tokens_total');
  const spec = await client.completions.create({ ...params, speculative: { type: 'prompt_lookup', num_draft_tokens: 3 } });
  assert.equal(spec.choices[0].text, plain.choices[0].text);
  assert.ok(spec.timings.draft_n > 0 && spec.timings.draft_n_accepted > 0, JSON.stringify(spec.timings));
  assert.ok(spec.timings.draft_n_accepted <= spec.timings.draft_n);
  assert.equal(await metric('openarc_draft_tokens_total'), drafted + spec.timings.draft_n);
  assert.equal(await metric('openarc_draft_accepted_tokens_total'), accepted + spec.timings.draft_n_accepted);

  const chat = { model: 'stories260K', messages: [{ role: 'user', content: prompt }], max_tokens: 30, temperature: 0 };
  const chatPlain = await client.chat.completions.create(chat);
  const chatSpec = await client.chat.completions.create({ ...chat, speculative: { type: 'prompt_lookup' } });
  assert.equal(chatSpec.choices[0].message.content, chatPlain.choices[0].message.content);
  assert.ok(chatSpec.timings.draft_n >= chatSpec.timings.draft_n_accepted);

  const optimum = await postJson(`${server.url}/optimum/generate`, { model: 'stories260K', prompt, max_new_tokens: 30,
    temperature: 0, speculative: { type: 'prompt_lookup', num_draft_tokens: 2 } });
  assert.equal(optimum.status, 200, optimum.text);
  assert.ok(optimum.json.performance_metrics.draft_tokens > 0, optimum.text);

  const bad = await postJson(`${server.url}/v1/completions`, { ...params, speculative: { num_draft_tokens: 9 } });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.param, 'speculative.num_draft_tokens');
  assert.match(bad.json.error.message, /speculative\.num_draft_tokens must be in \[0, 3\]/);
});

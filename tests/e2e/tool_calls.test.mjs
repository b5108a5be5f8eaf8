// Tools in chat completions with the `openai` SDK. The demo model cannot write a tool call by
// itself (only when tool_choice forces one: structured_output.test.mjs has more of those), so
// here: the request fields (tool_choice, parallel_tool_calls), that requests with tools
// still complete on it, the parser chosen at load (detected from a Hermes-style template on a copy
// of the demo model, load_config.tool_parser, serve --tool-parser), and tool history rendered
// through the template. How calls become message.tool_calls and stream deltas is tested on the
// C++ side (tests/server/tool_calls_test.cpp), from parser output fed to the response builders.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startServer, postJson, demoModel } from './server_fixture.mjs';

const hermesTemplate = `{%- if tools %}<|im_start|>system
# Tools

<tools>
{%- for tool in tools %}
{{ tool | tojson }}
{%- endfor %}
</tools>

For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags.<|im_end|>
{% endif %}
{%- for message in messages %}
{%- if message.role == "assistant" and message.tool_calls %}<|im_start|>assistant
{%- for tc in message.tool_calls %}
<tool_call>
{"name": "{{ tc.function.name }}", "arguments": {{ tc.function.arguments | tojson }}}
</tool_call>
{%- endfor %}<|im_end|>
{% elif message.role == "tool" %}<|im_start|>user
<tool_response>
{{ message.content }}
</tool_response><|im_end|>
{% else %}<|im_start|>{{ message.role }}
{{ message.content }}<|im_end|>
{% endif %}
{%- endfor %}
{%- if add_generation_prompt %}<|im_start|>assistant
{% endif %}`;

const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];
const story = [{ role: 'user', content: 'Once upon a time' }];

let server;
let client;
let hermesDir;

before(async () => {
  hermesDir = mkdtempSync(path.join(os.tmpdir(), 'openarc-hermes-'));
  cpSync(demoModel, hermesDir, { recursive: true });
  const cfgPath = path.join(hermesDir, 'tokenizer_config.json');
  const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
  cfg.chat_template = hermesTemplate;
  writeFileSync(cfgPath, JSON.stringify(cfg));
  server = await startServer();
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused' });
  const load = await postJson(`${server.url}/optimum/model/load`, { load_config: { id_model: hermesDir, model_name: 'hermes' } });
  assert.equal(load.status, 200, load.text);
});
after(async () => {
  assert.equal(await server.stop(), 0);
  rmSync(hermesDir, { recursive: true, force: true });
});

async function statusOf(url, name) {
  const r = await fetch(`${url}/optimum/status`);
  const body = await r.json();
  return body.models.find((m) => m.model_name === name);
}

test('the tool parser is detected from the chat template at load, or named by load_config.tool_parser', async () => {
  assert.equal((await statusOf(server.url, 'hermes')).tool_parser, 'hermes');
  assert.equal((await statusOf(server.url, 'stories260K')).tool_parser, 'generic');
  const named = await postJson(`${server.url}/optimum/model/load`, {
    load_config: { id_model: hermesDir, model_name: 'hermes-as-mistral', tool_parser: 'mistral' },
  });
  assert.equal(named.status, 200, named.text);
  assert.equal((await statusOf(server.url, 'hermes-as-mistral')).tool_parser, 'mistral');
  await postJson(`${server.url}/optimum/model/unload`, { model_name: 'hermes-as-mistral' });
  const bad = await postJson(`${server.url}/optimum/model/load`, {
    load_config: { id_model: hermesDir, model_name: 'bad', tool_parser: 'nope' },
  });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.param, 'load_config.tool_parser');
  assert.match(bad.json.error.message, /hermes/);
});

test('serve --tool-parser names the parser of the --model models', async () => {
  const other = await startServer(['--model', `${hermesDir}=h`, '--tool-parser', 'pythonic']);
  try {
    // /health may answer before the startup model is loaded: wait for it.
    let entry;
    for (let i = 0; i < 200; i++) {
      entry = await statusOf(other.url, 'h');
      if (entry && entry.status !== 'loading') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(entry.status, 'loaded', JSON.stringify(entry));
    assert.equal(entry.tool_parser, 'pythonic');
  } finally {
    assert.equal(await other.stop(), 0);
  }
});

test('a request with tools still completes with stop or length when the model writes no call', async () => {
  for (const model of ['stories260K', 'hermes']) {
    for (const extra of [{}, { tool_choice: 'auto' }, { tool_choice: 'none' }, { parallel_tool_calls: false }]) {
      const r = await client.chat.completions.create({ model, messages: story, tools, max_tokens: 16, temperature: 0, ...extra });
      const choice = r.choices[0];
      assert.ok(['stop', 'length'].includes(choice.finish_reason), `${model} ${JSON.stringify(extra)}: ${choice.finish_reason}`);
      assert.equal(typeof choice.message.content, 'string');
      assert.equal(choice.message.tool_calls, undefined);
    }
  }
});

test('streamed with tools: content deltas, no tool-call deltas, the same text as without streaming', async () => {
  for (const model of ['stories260K', 'hermes']) {
    const whole = await client.chat.completions.create({ model, messages: story, tools, max_tokens: 16, temperature: 0 });
    const stream = await client.chat.completions.create({ model, messages: story, tools, max_tokens: 16, temperature: 0, stream: true });
    let text = '';
    let finish = null;
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        assert.equal(c.delta.tool_calls, undefined);
        text += c.delta.content ?? '';
        if (c.finish_reason) finish = c.finish_reason;
      }
    }
    assert.equal(text, whole.choices[0].message.content, model);
    assert.equal(finish, whole.choices[0].finish_reason);
  }
});

test('tool_choice required or a named function: a call in the Hermes format the template asks for', async () => {
  for (const tool_choice of ['required', { type: 'function', function: { name: 'get_weather' } }]) {
    const r = await client.chat.completions.create({ model: 'hermes', messages: story, tools, tool_choice, max_tokens: 120, temperature: 0 });
    const choice = r.choices[0];
    assert.equal(choice.finish_reason, tool_choice === 'required' ? 'tool_calls' : 'stop', JSON.stringify(choice));
    assert.equal(choice.message.tool_calls.length >= 1, true, JSON.stringify(choice));
    assert.equal(choice.message.tool_calls[0].function.name, 'get_weather');
    assert.equal(typeof JSON.parse(choice.message.tool_calls[0].function.arguments).city, 'string');
  }
  const unknown = await postJson(`${server.url}/v1/chat/completions`, {
    model: 'hermes', messages: story, tools, tool_choice: { type: 'function', function: { name: 'get_time' } },
  });
  assert.equal(unknown.status, 400, unknown.text);
  assert.equal(unknown.json.error.param, 'tool_choice');
  for (const body of [
    { tool_choice: 'sometimes' },
    { tool_choice: 7 },
    { tool_choice: { type: 'function' } },
    { parallel_tool_calls: 'no' },
    { tools: [{ type: 'function', function: { description: 'no name' } }] },
    { tools: { type: 'function' } },
  ]) {
    const r = await postJson(`${server.url}/v1/chat/completions`, { model: 'hermes', messages: story, tools, ...body });
    assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${r.text}`);
    assert.equal(r.json.error.param, Object.keys(body)[0]);
  }
});

test('tool calls and tool results in the history reach the template, arguments as an object', async () => {
  const messages = [
    { role: 'user', content: 'Weather in Paris?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 21 C' },
  ];
  const r = await postJson(`${server.url}/apply-template`, { model: 'hermes', messages, tools });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.prompt, /<tool_call>\n\{"name": "get_weather", "arguments": \{"city": ?"Paris"\}\}\n<\/tool_call>/);
  assert.match(r.json.prompt, /<tool_response>\nsunny, 21 C\n<\/tool_response>/);
  assert.match(r.json.prompt, /<tools>\{"function": \{.*"name": "get_weather"/);
  // And the conversation continues.
  const next = await client.chat.completions.create({ model: 'hermes', messages, tools, max_tokens: 8, temperature: 0 });
  assert.ok(['stop', 'length'].includes(next.choices[0].finish_reason));
});

// Grammar-constrained decoding through the `openai` SDK on the demo model (stories260K writes
// stories, not JSON): response_format json_object and json_schema, tool_choice required and a
// named function, llama.cpp's grammar / json_schema fields. Every output must parse and validate
// with a real JSON-schema validator (ajv), greedy and at temperature 1 over 20 seeds, and close
// within max_tokens (finish_reason "stop"): the grammar keeps the document finishable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startServer, postJson } from './server_fixture.mjs';

let server;
let client;
const ajv = new Ajv2020({ allErrors: true });  // draft 2020-12: prefixItems, $defs
addFormats(ajv);

before(async () => {
  server = await startServer();
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused' });
});
after(async () => {
  assert.equal(await server.stop(), 0);
});

const story = [{ role: 'user', content: 'Once upon a time' }];
const seeds = [...Array(20).keys()];

const schemas = {
  person: {
    type: 'object',
    properties: {
      name: { type: 'string', maxLength: 24 },
      age: { type: 'integer', minimum: 0, maximum: 120 },
      mood: { enum: ['happy', 'sad', 'sleepy'] },
      friends: { type: 'array', items: { type: 'string', maxLength: 12 }, maxItems: 3 },
      home: {
        type: 'object',
        properties: { town: { type: 'string' }, zip: { type: 'string', pattern: '^[0-9]{5}$' } },
        required: ['town', 'zip'],
        additionalProperties: false,
      },
    },
    required: ['name', 'age', 'mood', 'home'],
    additionalProperties: false,
  },
  tree: {
    $defs: {
      node: {
        type: 'object',
        properties: { label: { type: 'string', maxLength: 8 }, children: { type: 'array', items: { $ref: '#/$defs/node' }, maxItems: 2 } },
        required: ['label'],
        additionalProperties: false,
      },
    },
    $ref: '#/$defs/node',
  },
  mixed: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      when: { type: 'string', format: 'date' },
      contact: { type: 'string', format: 'email' },
      score: { type: ['number', 'null'], exclusiveMinimum: 0, maximum: 10 },
      kind: { anyOf: [{ const: 'event' }, { type: 'integer', minimum: 100, maximum: 999 }] },
      flags: { type: 'array', prefixItems: [{ type: 'boolean' }, { type: 'string', maxLength: 4 }], minItems: 1 },
    },
    required: ['id', 'when', 'kind', 'flags'],
  },
  list: { type: 'array', items: { type: 'integer', minimum: -50, maximum: 50 }, minItems: 2, maxItems: 5 },
};

function parseAndValidate(text, schema, where) {
  let value;
  assert.doesNotThrow(() => (value = JSON.parse(text)), `${where}: not JSON: ${text}`);
  const validate = ajv.compile(schema);
  assert.ok(validate(value), `${where}: ${JSON.stringify(validate.errors)}\n${text}`);
  return value;
}

async function chat(extra) {
  return client.chat.completions.create({ model: 'stories260K', messages: story, max_tokens: 200, ...extra });
}

test('json_object: always a JSON object, greedy and sampled', async () => {
  for (const run of [{ temperature: 0 }, ...seeds.map((seed) => ({ temperature: 1, seed }))]) {
    const r = await chat({ response_format: { type: 'json_object' }, ...run });
    const value = parseAndValidate(r.choices[0].message.content, { type: 'object' }, `json_object ${JSON.stringify(run)}`);
    assert.equal(typeof value, 'object');
    assert.equal(r.choices[0].finish_reason, 'stop', r.choices[0].message.content);
  }
});

test('json_schema: nested objects, arrays, enums, $ref, formats validate for every request', async () => {
  for (const [name, schema] of Object.entries(schemas)) {
    for (const run of [{ temperature: 0 }, ...seeds.map((seed) => ({ temperature: 1, seed }))]) {
      const r = await chat({ response_format: { type: 'json_schema', json_schema: { name, schema, strict: true } }, ...run });
      parseAndValidate(r.choices[0].message.content, schema, `${name} ${JSON.stringify(run)}`);
      assert.equal(r.choices[0].finish_reason, 'stop', `${name}: ${r.choices[0].message.content}`);
    }
  }
});

test('a small max_tokens still closes the document', async () => {
  for (const seed of seeds.slice(0, 5)) {
    const r = await chat({ response_format: { type: 'json_schema', json_schema: { name: 'p', schema: schemas.person } }, temperature: 1, seed, max_tokens: 90 });
    parseAndValidate(r.choices[0].message.content, schemas.person, `max_tokens 90 seed ${seed}`);
  }
});

const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string', maxLength: 16 }, days: { type: 'integer', minimum: 1, maximum: 7 }, unit: { enum: ['c', 'f'] } },
        required: ['city', 'days'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'search',
      parameters: { type: 'object', properties: { query: { type: 'string', maxLength: 20 } }, required: ['query'] },
    },
  },
];
const parametersOf = Object.fromEntries(tools.map((t) => [t.function.name, t.function.parameters]));

function checkCalls(calls, where) {
  assert.ok(calls && calls.length >= 1, `${where}: no tool calls`);
  for (const c of calls) {
    assert.ok(c.id.startsWith('call_'), where);
    assert.ok(parametersOf[c.function.name], `${where}: undeclared ${c.function.name}`);
    parseAndValidate(c.function.arguments, parametersOf[c.function.name], `${where} ${c.function.name}`);
  }
}

test('tool_choice required: finish_reason tool_calls with arguments that validate', async () => {
  for (const run of [{ temperature: 0 }, ...seeds.map((seed) => ({ temperature: 1, seed }))]) {
    const r = await chat({ tools, tool_choice: 'required', ...run });
    assert.equal(r.choices[0].finish_reason, 'tool_calls', JSON.stringify(r.choices[0]));
    assert.equal(r.choices[0].message.content, null);
    checkCalls(r.choices[0].message.tool_calls, `required ${JSON.stringify(run)}`);
  }
  const single = await chat({ tools, tool_choice: 'required', parallel_tool_calls: false, temperature: 1, seed: 4 });
  assert.equal(single.choices[0].message.tool_calls.length, 1);
});

test('a named function: exactly one call to it, finish_reason stop (as OpenAI reports it)', async () => {
  for (const run of [{ temperature: 0 }, ...seeds.slice(0, 10).map((seed) => ({ temperature: 1, seed }))]) {
    const r = await chat({ tools, tool_choice: { type: 'function', function: { name: 'search' } }, ...run });
    const calls = r.choices[0].message.tool_calls;
    checkCalls(calls, `named ${JSON.stringify(run)}`);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].function.name, 'search');
    assert.equal(r.choices[0].finish_reason, 'stop');
  }
});

test('streamed tool calls accumulate to the calls of the whole response', async () => {
  for (const seed of [1, 2, 3]) {
    const request = { tools, tool_choice: 'required', temperature: 1, seed };
    const whole = await chat(request);
    const stream = await client.chat.completions.create({ model: 'stories260K', messages: story, max_tokens: 200, ...request, stream: true });
    const calls = [];
    let finish = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      for (const d of choice.delta.tool_calls ?? []) {
        if (!calls[d.index]) calls[d.index] = { id: d.id, type: d.type, function: { name: d.function.name, arguments: '' } };
        calls[d.index].function.arguments += d.function?.arguments ?? '';
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    assert.equal(finish, 'tool_calls');
    const names = (cs) => cs.map((c) => [c.function.name, c.function.arguments]);
    assert.deepEqual(names(calls), names(whole.choices[0].message.tool_calls));
  }
});

test('grammar and json_schema on /v1/completions and /optimum/generate', async () => {
  const gbnf = 'root ::= answer " because " [a-z ]{1,20} "."\nanswer ::= "yes" | "no"\n';
  for (const seed of seeds.slice(0, 5)) {
    const r = await client.completions.create({ model: 'stories260K', prompt: 'Once', max_tokens: 60, temperature: 1, seed, grammar: gbnf });
    assert.match(r.choices[0].text, /^(yes|no) because [a-z ]{1,20}\.$/);
    const g = await postJson(`${server.url}/optimum/generate`, { model: 'stories260K', prompt: 'Once', max_new_tokens: 100, temperature: 1, seed, json_schema: schemas.list });
    assert.equal(g.status, 200, g.text);
    parseAndValidate(g.json.generated_text, schemas.list, `/optimum/generate seed ${seed}`);
  }
});

test('a schema keyword that cannot be enforced, or a malformed grammar: 400 saying what and where', async () => {
  await assert.rejects(
    chat({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'array', uniqueItems: true } } } } } }),
    (e) => e.status === 400 && e.param === 'response_format' && /uniqueItems/.test(e.message) && /\/properties\/a/.test(e.message),
  );
  await assert.rejects(
    chat({ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { u: { type: 'string', format: 'uri' } } } } }], tool_choice: 'required' }),
    (e) => e.status === 400 && e.param === 'tools' && /format 'uri'/.test(e.message),
  );
  const bad = await postJson(`${server.url}/v1/completions`, { model: 'stories260K', prompt: 'Once', grammar: 'root ::= "a"\nx ::= [a-' });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.param, 'grammar');
  assert.match(bad.json.error.message, /2:7/);
});

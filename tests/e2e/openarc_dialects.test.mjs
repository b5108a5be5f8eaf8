// Both OpenArc dialects against the real server with the demo model: the request bodies of
// OpenArc 1.0's pydantic models (OV_LoadModelConfig, OV_Config) and of 2.x's ModelLoadConfig,
// every field with good and bad values. Every accepted request works and its reply carries the
// fields its clients read; every refusal is a 400 naming the field and the allowed values.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, postJson, demoModel, root } from './server_fixture.mjs';

const demoHf = path.join(root, 'models', 'stories260K');  // the Hugging Face folder the IR is made from
let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const getJson = async (url) => (await fetch(url)).json();
const greedy = async (url, model, prompt = 'Once upon a time', max_tokens = 30) => {
  const r = await postJson(`${url}/v1/completions`, { model, prompt, max_tokens, temperature: 0 });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
// A refused request: 400, the field named in `param`, the message naming what is allowed.
async function refused(url, body, param, allowed) {
  const r = await postJson(url, body);
  assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${r.text}`);
  assert.equal(r.json.error.param, param, r.text);
  assert.match(r.json.error.message, allowed, r.text);
}

// OpenArc 1.0's OV_LoadModelConfig with every field at its pydantic default.
const v1LoadConfig = (fields = {}) => ({
  id_model: demoModel, use_cache: true, device: 'CPU', export_model: false, dynamic_shapes: true,
  pad_token_id: null, eos_token_id: null, bos_token_id: null, ...fields,
});
// OpenArc 2.x's ModelLoadConfig with every field.
const v2Load = (fields = {}) => ({
  model_path: demoModel, model_name: 'v2', model_type: 'llm', vlm_type: null, engine: 'ovgenai', device: 'CPU',
  runtime_config: {}, draft_model_path: null, draft_device: 'CPU', num_assistant_tokens: null,
  assistant_confidence_threshold: null, ...fields,
});

test('1.0: the README\'s load with OV_Config\'s keys as strings loads, and status and unload answer in 1.0\'s shape', async () => {
  const s = await startServer();
  try {
    const load = await postJson(`${s.url}/optimum/model/load`, {
      load_config: v1LoadConfig(),
      ov_config: { NUM_STREAMS: '1', PERFORMANCE_HINT: 'LATENCY', PRECISION_HINT: 'f32', ENABLE_HYPER_THREADING: false,
                   INFERENCE_NUM_THREADS: 1, SCHEDULING_CORE_TYPE: 'ANY_CORE' },
    });
    assert.equal(load.status, 200, load.text);
    assert.equal(load.json.status, 'success');
    // No model_name: 1.0's load replaces the model of that name, as its one-model server did.
    assert.equal(load.json.message, 'Model stories260K loaded successfully');
    assert.equal(load.json.model, 'stories260K');
    const status = await getJson(`${s.url}/optimum/status`);
    assert.equal(status.status, 'loaded');
    assert.equal(status.id_model, demoModel);
    assert.equal(status.device, 'CPU');
    const m = status.models.find((e) => e.model_name === 'stories260K');
    assert.equal(m.runtime.INFERENCE_PRECISION_HINT, 'f32');
    assert.equal(m.runtime.NUM_STREAMS, 1);
    assert.equal(m.runtime.INFERENCE_NUM_THREADS, 1);
    assert.ok((await greedy(s.url, 'stories260K')).choices[0].text.length > 0);

    // DELETE without a body unloads the only model; with none left, 1.0's answer.
    const del = await fetch(`${s.url}/optimum/model/unload`, { method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.deepEqual(await del.json(), { status: 'success', message: 'Model stories260K unloaded successfully', model: 'stories260K' });
    const none = await (await fetch(`${s.url}/optimum/model/unload`, { method: 'DELETE' })).json();
    assert.equal(none.status, 'success');
    assert.equal(none.message, 'No model was loaded');
    const empty = await getJson(`${s.url}/optimum/status`);
    assert.deepEqual([empty.status, empty.id_model, empty.device], ['no_model', null, null]);
  } finally {
    await s.stop();
  }
});

test('1.0: every OV_Config key, with values as clients send them, loads and is reported', async () => {
  const good = [
    { NUM_STREAMS: '1' }, { NUM_STREAMS: 2 }, { NUM_STREAMS: 'AUTO' },
    { PERFORMANCE_HINT: 'LATENCY' }, { PERFORMANCE_HINT: 'throughput' }, { PERFORMANCE_HINT: 'CUMULATIVE_THROUGHPUT' },
    { PRECISION_HINT: 'f32' }, { PRECISION_HINT: 'fp16' }, { PRECISION_HINT: 'bf16' }, { PRECISION_HINT: 'auto' },
    { ENABLE_HYPER_THREADING: true }, { ENABLE_HYPER_THREADING: 'NO' }, { ENABLE_HYPERTHREADING: 'YES' },
    { INFERENCE_NUM_THREADS: 1 }, { INFERENCE_NUM_THREADS: '2' },
    { SCHEDULING_CORE_TYPE: 'ANY_CORE' }, { SCHEDULING_CORE_TYPE: 'PCORE_ONLY' }, { SCHEDULING_CORE_TYPE: 'ECORE_ONLY' },
  ];
  const want = { PRECISION_HINT: { f32: 'f32', fp16: 'f16', bf16: 'bf16', auto: 'f32' } };
  for (const ov of good) {
    const load = await postJson(`${server.url}/optimum/model/load`, { load_config: v1LoadConfig({ model_name: 'ov' }), ov_config: ov });
    assert.equal(load.status, 200, `${JSON.stringify(ov)}: ${load.text}`);
    const m = (await getJson(`${server.url}/optimum/status`)).models.find((e) => e.model_name === 'ov');
    assert.deepEqual(m.ov_config, ov, 'status echoes the ov_config as sent');
    if (ov.PRECISION_HINT) assert.equal(m.runtime.INFERENCE_PRECISION_HINT, want.PRECISION_HINT[ov.PRECISION_HINT]);
    if (ov.INFERENCE_NUM_THREADS) assert.equal(m.runtime.INFERENCE_NUM_THREADS, Number(ov.INFERENCE_NUM_THREADS));
    const unload = await postJson(`${server.url}/optimum/model/unload`, { model_name: 'ov' });
    assert.equal(unload.json.status, 'success');
  }
  const url = `${server.url}/optimum/model/load`;
  const bad = (ov) => ({ load_config: v1LoadConfig({ model_name: 'bad' }), ov_config: ov });
  await refused(url, bad({ NUM_STREAMS: 'many' }), 'ov_config.NUM_STREAMS', /integer between 1 and 64/);
  await refused(url, bad({ NUM_STREAMS: '0' }), 'ov_config.NUM_STREAMS', /between 1 and 64/);
  await refused(url, bad({ PERFORMANCE_HINT: 'FAST' }), 'ov_config.PERFORMANCE_HINT', /LATENCY, THROUGHPUT, CUMULATIVE_THROUGHPUT/);
  await refused(url, bad({ PRECISION_HINT: 'int8' }), 'ov_config.PRECISION_HINT', /f32, bf16, f16/);
  await refused(url, bad({ ENABLE_HYPER_THREADING: 'sometimes' }), 'ov_config.ENABLE_HYPER_THREADING', /true or false/);
  await refused(url, bad({ ENABLE_HYPERTHREADING: 2 }), 'ov_config.ENABLE_HYPERTHREADING', /true or false/);
  await refused(url, bad({ INFERENCE_NUM_THREADS: -1 }), 'ov_config.INFERENCE_NUM_THREADS', /between 0 and 1024/);
  await refused(url, bad({ INFERENCE_NUM_THREADS: 'four' }), 'ov_config.INFERENCE_NUM_THREADS', /between 0 and 1024/);
  await refused(url, bad({ SCHEDULING_CORE_TYPE: 'BIG_CORE' }), 'ov_config.SCHEDULING_CORE_TYPE', /ANY_CORE, PCORE_ONLY, ECORE_ONLY/);
  await refused(url, bad({ TURBO: 'ON' }), 'ov_config.TURBO', /known: .*PRECISION_HINT/);
  assert.equal((await getJson(`${server.url}/optimum/status`)).models.some((m) => m.model_name === 'bad'), false);
});

test('1.0: every OV_LoadModelConfig field: token ids override the model\'s, the rest are honoured or refused saying why', async () => {
  const url = `${server.url}/optimum/model/load`;
  // eos_token_id: a token the greedy text produces early ends it there.
  const prompt = 'Once upon a time';
  const base = await greedy(server.url, 'stories260K', prompt, 40);
  const tokenize = async (content) => (await postJson(`${server.url}/tokenize`, { model: 'stories260K', content })).json.tokens;
  const promptIds = await tokenize(prompt);
  const eos = (await tokenize(prompt + base.choices[0].text))[promptIds.length + 6];  // the 7th generated token
  const load = await postJson(url, { load_config: v1LoadConfig({ model_name: 'eos', eos_token_id: eos, pad_token_id: 0, bos_token_id: '1' }), ov_config: {} });
  assert.equal(load.status, 200, load.text);
  const cut = await greedy(server.url, 'eos', 'Once upon a time', 40);
  assert.equal(cut.choices[0].finish_reason, 'stop');
  assert.ok(cut.usage.completion_tokens < base.usage.completion_tokens, `${cut.usage.completion_tokens} tokens`);
  assert.ok(base.choices[0].text.startsWith(cut.choices[0].text));
  const m = (await getJson(`${server.url}/optimum/status`)).models.find((e) => e.model_name === 'eos');
  assert.deepEqual(m.generation_config.eos_token_ids, [eos]);
  assert.deepEqual([m.runtime.eos_token_id, m.runtime.pad_token_id, m.runtime.bos_token_id], [eos, 0, 1]);
  await postJson(`${server.url}/optimum/model/unload`, { model_name: 'eos' });

  const lc = (fields) => ({ load_config: v1LoadConfig({ model_name: 'lc', ...fields }), ov_config: {} });
  await refused(url, lc({ eos_token_id: 100000 }), 'eos_token_id', /outside the vocabulary \(0\.\.\d+\)/);
  await refused(url, lc({ bos_token_id: -2 }), 'load_config.bos_token_id', /between 0 and/);
  await refused(url, lc({ pad_token_id: 'pad' }), 'load_config.pad_token_id', /integer/);
  await refused(url, lc({ use_cache: false }), 'load_config.use_cache', /only true is allowed/);
  await refused(url, lc({ dynamic_shapes: false }), 'load_config.dynamic_shapes', /only true is allowed/);
  await refused(url, lc({ export_model: 'maybe' }), 'load_config.export_model', /true or false/);
  await refused(url, lc({ device: 'GPU' }), 'load_config.device', /available devices: CPU/);
  await refused(url, lc({ id_model: '/nonexistent/model' }), 'load_config.id_model', /nonexistent/);
  await refused(url, lc({ id_model: demoHf }), 'load_config.id_model', /Hugging Face folder.*export_model/);
  // The accepted spellings of the booleans, as pydantic takes them.
  for (const [use_cache, dynamic_shapes] of [[true, true], ['true', 1], ['yes', 'True']]) {
    const r = await postJson(url, lc({ use_cache, dynamic_shapes }));
    assert.equal(r.status, 200, r.text);
    await postJson(`${server.url}/optimum/model/unload`, { model_name: 'lc' });
  }
});

test('1.0: export_model converts the demo model\'s Hugging Face folder on load, and unloading removes the conversion', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'openarc-dialects-'));
  cpSync(demoHf, path.join(dir, 'stories-hf'), { recursive: true });
  const s = await startServer(['--models-dir', dir]);
  try {
    const load = await postJson(`${s.url}/optimum/model/load`, {
      load_config: { id_model: 'stories-hf', export_model: true, device: 'CPU', use_cache: true, dynamic_shapes: true },
      ov_config: { PERFORMANCE_HINT: 'LATENCY' },
    });
    assert.equal(load.status, 200, load.text);
    assert.equal(load.json.status, 'success');
    assert.equal(load.json.converted, true);
    assert.equal(load.json.message, 'Model stories-hf loaded successfully');
    const hidden = () => readdirSync(dir).filter((n) => n.startsWith('.openarc-export-'));
    assert.equal(hidden().length, 1);
    assert.deepEqual((await getJson(`${s.url}/openarc/folders`)).folders.map((f) => f.name), ['stories-hf']);
    // The converted weights give the bundled IR's greedy text.
    const want = await greedy(s.url, 'stories260K');
    const got = await greedy(s.url, 'stories-hf');
    assert.equal(got.choices[0].text, want.choices[0].text);
    const unload = await postJson(`${s.url}/optimum/model/unload`, { model_name: 'stories-hf' });
    assert.equal(unload.status, 200);
    assert.deepEqual(hidden(), []);
    // export_model on a folder that is IR already loads it as it is.
    cpSync(demoModel, path.join(dir, 'ir'), { recursive: true });
    const ir = await postJson(`${s.url}/optimum/model/load`, { load_config: { id_model: 'ir', export_model: true } });
    assert.equal(ir.status, 200, ir.text);
    assert.equal(ir.json.converted, false);
    assert.deepEqual(hidden(), []);
    // A checkpoint that cannot be converted is refused naming the folder's field.
    cpSync(demoHf, path.join(dir, 'broken'), { recursive: true });
    rmSync(path.join(dir, 'broken', 'model.safetensors'));
    writeFileSync(path.join(dir, 'broken', 'model.safetensors'), 'not a checkpoint');
    await refused(`${s.url}/optimum/model/load`, { load_config: { id_model: 'broken', export_model: true } },
      'load_config.id_model', /export_model: cannot convert/);
    assert.deepEqual(hidden(), []);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('2.x: ModelLoadConfig with every field loads; status, unload and generation read as 2.x\'s clients read them', async () => {
  const runtime_config = {
    NUM_STREAMS: 1, PERFORMANCE_HINT: 'LATENCY', INFERENCE_PRECISION_HINT: 'f32', ENABLE_HYPER_THREADING: false,
    INFERENCE_NUM_THREADS: 1, SCHEDULING_CORE_TYPE: 'ANY_CORE', KV_CACHE_PRECISION: 'f16',
    DYNAMIC_QUANTIZATION_GROUP_SIZE: '32', EXECUTION_MODE_HINT: 'PERFORMANCE', ATTENTION_BACKEND: 'SDPA',
    cache_dir: '/tmp/openarc-ov-cache', num_assistant_tokens: 3,
  };
  const load = await postJson(`${server.url}/openarc/load`, v2Load({ runtime_config }));
  assert.equal(load.status, 200, load.text);
  assert.match(load.json.model_id, /^[0-9a-f]{32}$/);
  assert.equal(load.json.model_name, 'v2');
  assert.equal(load.json.status, 'loaded');

  const status = await getJson(`${server.url}/openarc/status`);
  assert.equal(status.total_loaded_models, status.openai_model_names.length);
  assert.ok(status.openai_model_names.includes('v2'));
  const m = status.models.find((e) => e.model_name === 'v2');
  assert.deepEqual([m.model_type, m.engine, m.device, m.status], ['llm', 'ovgenai', 'CPU', 'loaded']);
  assert.deepEqual(m.runtime_config, runtime_config);
  assert.match(m.time_loaded, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  assert.ok(Math.abs(Date.parse(`${m.time_loaded}Z`) - Date.now()) < 120000);
  assert.equal(m.runtime.kv_cache_precision_applied, 'f16');
  assert.equal(m.runtime.num_assistant_tokens, 3);
  assert.equal(m.generation_config.speculative_draft, 3);
  assert.ok((await getJson(`${server.url}/v1/models`)).data.some((d) => d.id === 'v2'));
  // num_assistant_tokens turns prompt lookup on for the model's requests, with the same greedy text.
  const spec = await greedy(server.url, 'v2', 'Once upon a time, there was a cat. Once upon a time, there', 30);
  const plain = await greedy(server.url, 'stories260K', 'Once upon a time, there was a cat. Once upon a time, there', 30);
  assert.ok(spec.timings.draft_n >= 0, JSON.stringify(spec.timings));
  assert.equal(plain.timings.draft_n, undefined);

  const again = await postJson(`${server.url}/openarc/load`, v2Load());
  assert.equal(again.status, 409);
  const unload = await postJson(`${server.url}/openarc/unload`, { model_name: 'v2' });
  assert.equal(unload.status, 200, unload.text);
  assert.equal(unload.json.model_name, 'v2');
  assert.equal(unload.json.status, 'unloaded');
  const gone = await postJson(`${server.url}/openarc/unload`, { model_name: 'v2' });
  assert.equal(gone.status, 404);
  assert.match(gone.json.error.message, /stories260K/);
  // /openarc/load takes 1.0's body too, and answers in 2.x's shape.
  const v1 = await postJson(`${server.url}/openarc/load`, { load_config: v1LoadConfig({ model_name: 'v1' }), ov_config: { PRECISION_HINT: 'f32' } });
  assert.equal(v1.status, 200, v1.text);
  assert.equal(v1.json.status, 'loaded');
  await postJson(`${server.url}/openarc/unload`, { model_name: 'v1' });
  // ... and /optimum/model/load takes 2.x's, keeping its runtime_config.
  const v2old = await postJson(`${server.url}/optimum/model/load`, v2Load({ model_name: 'v2old', runtime_config: { KV_CACHE_PRECISION: 'f16' } }));
  assert.equal(v2old.status, 200, v2old.text);
  assert.equal(v2old.json.status, 'success');
  const old = (await getJson(`${server.url}/optimum/status`)).models.find((e) => e.model_name === 'v2old');
  assert.equal(old.runtime.kv_cache_precision_applied, 'f16');
  await postJson(`${server.url}/optimum/model/unload`, { model_name: 'v2old' });
});

test('2.x: every bad ModelLoadConfig field is a 400 naming it and what is allowed', async () => {
  const url = `${server.url}/openarc/load`;
  await refused(url, v2Load({ model_type: 'vlm' }), 'model_type', /supported: llm/);
  await refused(url, v2Load({ model_type: 'whisper' }), 'model_type', /supported: llm/);
  await refused(url, v2Load({ model_type: 7 }), 'model_type', /must be a string/);
  await refused(url, v2Load({ engine: 'vllm' }), 'engine', /one of ovgenai, optimum, openvino, openarc/);
  await refused(url, v2Load({ device: 'NPU' }), 'device', /available devices: CPU/);
  await refused(url, v2Load({ model_path: null }), 'model_path', /is required/);
  await refused(url, v2Load({ model_path: demoHf }), 'model_path', /Hugging Face folder.*convert/);
  await refused(url, v2Load({ model_name: '' }), 'model_name', /must not be empty/);
  await refused(url, v2Load({ draft_model_path: demoModel }), 'draft_model_path', /draft model is not supported.*prompt lookup/);
  await refused(url, v2Load({ num_assistant_tokens: 8 }), 'num_assistant_tokens', /between 0 and 3/);
  await refused(url, v2Load({ assistant_confidence_threshold: 0.5 }), 'assistant_confidence_threshold', /not supported/);
  await refused(url, v2Load({ draft_device: 3 }), 'draft_device', /must be a string/);
  const rc = (runtime_config) => v2Load({ runtime_config });
  await refused(url, rc('fast'), 'runtime_config', /must be an object/);
  await refused(url, rc({ UNKNOWN_KEY: 1 }), 'runtime_config.UNKNOWN_KEY', /unknown runtime_config key.*KV_CACHE_PRECISION/);
  await refused(url, rc({ KV_CACHE_PRECISION: 'i4' }), 'runtime_config.KV_CACHE_PRECISION', /f32, f16, bf16, u8/);
  await refused(url, rc({ DYNAMIC_QUANTIZATION_GROUP_SIZE: 'big' }), 'runtime_config.DYNAMIC_QUANTIZATION_GROUP_SIZE', /integer/);
  await refused(url, rc({ EXECUTION_MODE_HINT: 'TURBO' }), 'runtime_config.EXECUTION_MODE_HINT', /PERFORMANCE, ACCURACY/);
  await refused(url, rc({ ATTENTION_BACKEND: 'FLASH' }), 'runtime_config.ATTENTION_BACKEND', /SDPA, PA/);
  await refused(url, rc({ cache_dir: 5 }), 'runtime_config.cache_dir', /must be a string/);
  await refused(url, rc({ draft_model_path: '/models/draft' }), 'runtime_config.draft_model_path', /draft model is not supported/);
  await refused(url, rc({ num_assistant_tokens: -1 }), 'runtime_config.num_assistant_tokens', /between 0 and 3/);
  const notObject = await postJson(url, '[1, 2]');
  assert.equal(notObject.status, 400, notObject.text);
  assert.equal((await getJson(`${server.url}/openarc/status`)).models.length, 1, 'nothing refused was registered');
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
});

test('2.x: /openarc/bench measures one generation under 2.x\'s metric names', async () => {
  const url = `${server.url}/openarc/bench`;
  const input_ids = Array.from({ length: 24 }, (_, i) => 100 + i * 7);
  for (const body of [{ model: 'stories260K', input_ids, max_tokens: 16 }, { model: 'stories260K', prompt: 'Once upon a time', max_tokens: 16 }]) {
    for (let run = 0; run < 2; run++) {
      const r = await postJson(url, body);
      assert.equal(r.status, 200, r.text);
      const m = r.json.metrics;
      for (const k of ['load_time (s)', 'ttft (s)', 'tpot (ms)', 'prefill_throughput (tokens/s)', 'decode_throughput (tokens/s)',
        'decode_duration (s)', 'input_token', 'new_token', 'total_token', 'stream']) assert.ok(k in m, `${k} in ${JSON.stringify(m)}`);
      assert.equal(m.new_token, 16);
      if (body.input_ids) assert.equal(m.input_token, input_ids.length);
      assert.equal(m.total_token, m.input_token + m.new_token);
      assert.equal(m.cached_tokens, 0, 'every run prefills the whole prompt');
      assert.ok(m['ttft (s)'] > 0 && m['tpot (ms)'] > 0 && m['decode_throughput (tokens/s)'] > 0);
    }
  }
  await refused(url, { model: 'stories260K', max_tokens: 4 }, 'input_ids', /exactly one of/);
  await refused(url, { model: 'stories260K', prompt: 'x', input_ids: [1, 2], max_tokens: 4 }, 'prompt', /exactly one of/);
  await refused(url, { model: 'stories260K', input_ids: [1, 'two'] }, 'input_ids', /integers/);
  await refused(url, { model: 'stories260K', input_ids: [1, 999999] }, 'input_ids', /outside the vocabulary/);
  await refused(url, { model: 'stories260K', prompt: 'x', max_tokens: -3 }, 'max_tokens', /max_tokens/);
  const missing = await postJson(url, { model: 'nobody', prompt: 'x' });
  assert.equal(missing.status, 404);
});

test('2.x: /openarc/version, /openarc/metrics and /openarc/models', async () => {
  const v = await getJson(`${server.url}/openarc/version`);
  assert.match(v.version, /^\d+\.\d+\.\d+$/);
  const m = await getJson(`${server.url}/openarc/metrics`);
  assert.ok(m.total_ram > 0 && m.used_ram > 0 && m.used_ram <= m.total_ram, JSON.stringify(m));
  assert.ok(m.cpus[0].usage >= 0 && m.cpus[0].usage <= 100);
  assert.ok(m.cpus[0].threads >= m.cpus[0].cores && m.cpus[0].cores >= 1);
  assert.ok(m.process_rss_bytes > 0);
  assert.deepEqual([m.gpus, m.npus], [[], []]);

  const dir = mkdtempSync(path.join(tmpdir(), 'openarc-models-'));
  cpSync(demoHf, path.join(dir, 'hf'), { recursive: true });
  cpSync(demoModel, path.join(dir, 'ir'), { recursive: true });
  writeFileSync(path.join(dir, 'ir', 'openarc.json'), JSON.stringify({ model_name: 'tiny-story', model_type: 'llm', engine: 'ovgenai', runtime_config: { PERFORMANCE_HINT: 'LATENCY' } }));
  const s = await startServer(['--models-dir', dir]);
  try {
    const models = (await getJson(`${s.url}/openarc/models`)).models;
    assert.deepEqual(models.map((e) => e.id), ['hf', 'ir']);
    const [hf, ir] = models;
    assert.deepEqual([hf.kind, hf.architecture, hf.weight_format, hf.has_config, hf.model_name], ['hf', 'LlamaForCausalLM', 'fp32', false, 'hf']);
    assert.deepEqual([ir.kind, ir.architecture, ir.weight_format, ir.has_config, ir.model_name], ['ir', 'LlamaForCausalLM', 'fp32', true, 'tiny-story']);
    assert.deepEqual(ir.runtime_config, { PERFORMANCE_HINT: 'LATENCY' });
    assert.equal(ir.config.engine, 'ovgenai');
    assert.ok(ir.bytes > 100000 && hf.bytes > 100000);
    // What it lists loads by 2.x's names.
    const load = await postJson(`${s.url}/openarc/load`, v2Load({ model_path: ir.path, model_name: ir.model_name, runtime_config: ir.runtime_config }));
    assert.equal(load.status, 200, load.text);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const none = await getJson(`${server.url}/openarc/models`);
  assert.deepEqual([none.models_dir, none.models], [null, []]);
});

test('serve --config: a deployment file\'s models load at start and /readyz reports them; a bad file stops the server naming the entry', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'openarc-config-'));
  const file = path.join(dir, 'deploy.json');
  writeFileSync(file, JSON.stringify({ models: [
    { path: demoModel, name: 'short', device: 'CPU', ov_config: { NUM_STREAMS: '1', PRECISION_HINT: 'f32' } },
    v2Load({ model_name: 'twox', runtime_config: { num_assistant_tokens: 2 } }),
    { load_config: v1LoadConfig({ model_name: 'onezero' }), ov_config: { PERFORMANCE_HINT: 'LATENCY' } },
  ] }));
  try {
    const s = await startServer(['--model', `${demoModel}=stories260K`, '--config', file]);
    try {
      const ready = await fetch(`${s.url}/readyz`);
      assert.equal(ready.status, 200);
      const body = await ready.json();
      assert.deepEqual(body.models.map((m) => [m.model_name, m.status]),
        [['stories260K', 'loaded'], ['short', 'loaded'], ['twox', 'loaded'], ['onezero', 'loaded']]);
      const status = await getJson(`${s.url}/openarc/status`);
      assert.equal(status.models.find((m) => m.model_name === 'twox').runtime.num_assistant_tokens, 2);
      assert.equal(status.models.find((m) => m.model_name === 'short').runtime.INFERENCE_PRECISION_HINT, 'f32');
      assert.ok((await greedy(s.url, 'onezero')).choices[0].text.length > 0);
    } finally {
      await s.stop();
    }
    writeFileSync(file, JSON.stringify({ models: [{ path: demoModel, name: 'a' }, { path: demoModel, name: 'b', runtime_config: { TURBO: 1 } }] }));
    await assert.rejects(startServer(['--config', file]), /exited with 2[\s\S]*models\[1\]\.runtime_config\.TURBO/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

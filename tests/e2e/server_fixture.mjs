// Starts the real `openarc serve` on a free loopback port and stops it. Every e2e test file uses it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..');
export const binary = process.env.OPENARC_BINARY || path.join(root, 'build', 'openarc');
export const demoModel = process.env.OPENARC_DEMO_MODEL || path.join(path.dirname(binary), 'models', 'stories260K');

export async function startServer(args = [], { env = {} } = {}) {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: build it first (make build)`);
  const modelArgs = args.includes('--model') ? [] : ['--model', `${demoModel}=stories260K`];
  const proc = spawn(binary, ['serve', '--host', '127.0.0.1', '--port', '0', ...modelArgs, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 60000);
    proc.stderr.on('data', (d) => {
      log += d.toString();
      const m = log.match(/API\s+http:\/\/127\.0\.0\.1:(\d+)\/v1/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  // Wait for the startup models to finish loading: /health turns 200 when they have. A server
  // that is not healthy by then fails here, with its log, rather than later with a wrong status.
  let healthy = false;
  for (let i = 0; i < 1200 && !healthy && proc.exitCode === null; i++) {
    try {
      healthy = (await fetch(`${url}/health`)).status === 200;
    } catch {}
    if (!healthy) await new Promise((r) => setTimeout(r, 100));
  }
  if (!healthy) {
    proc.kill('SIGKILL');
    throw new Error(`server on port ${port} did not become healthy:\n${log}`);
  }
  return {
    url,
    port,
    proc,
    log: () => log,
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      // The server's grace period for open streams is 10 s plus 2 s to cut them: a server still
      // running well after that is stuck, and the test says so instead of hanging the suite.
      const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
      proc.kill('SIGTERM');
      let timer;
      const stuck = new Promise((resolve) => (timer = setTimeout(() => resolve('stuck'), 20000)));
      const code = await Promise.race([exited, stuck]);
      clearTimeout(timer);
      if (code !== 'stuck') return code;
      proc.kill('SIGKILL');
      throw new Error(`server did not exit within 20 s of SIGTERM:\n${log.slice(-2000)}`);
    },
  };
}

export async function postJson(url, body, headers = {}) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: r.status, json, text, headers: r.headers };
}

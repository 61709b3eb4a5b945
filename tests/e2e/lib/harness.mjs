// End-to-end harness: starts the mock provider and Heimdall (pointed at it) on loopback ports, and
// gives the tests base URLs, the mock's request log and a way to stop everything.
//
// Environment:
//   HEIMDALL_BIN  the gateway binary     (default: <repo>/build/asan/heimdall)
//   MOCK_BIN      the mock provider      (default: <repo>/build/asan/tools/mock-provider/heimdall-mock-provider)
//   E2E_TARGET    "heimdall" (default) or "mock": point the SDKs straight at the mock, to debug a test or the
//                 mock itself; tests that need the gateway (routing, translation, keys, headers) are skipped.
//   E2E_KEEP_LOGS=1  print the gateway's log even when the suite passes.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const TARGET = (process.env.E2E_TARGET || 'heimdall').toLowerCase();
export const MOCK_MODE = TARGET === 'mock';
/** Skip reason for tests that only make sense through the gateway (node:test `skip` option). */
export const NEEDS_GATEWAY = MOCK_MODE ? 'E2E_TARGET=mock: needs Heimdall' : false;

export const HEIMDALL_BIN = process.env.HEIMDALL_BIN || path.join(REPO, 'build/asan/heimdall');
export const MOCK_BIN = process.env.MOCK_BIN || path.join(REPO, 'build/asan/tools/mock-provider/heimdall-mock-provider');

/** Keys the gateway is configured with (what the mock must see when direct keys are off). */
export const KEYS = {
  anthropic: 'sk-mock-anthropic',
  openai: 'sk-mock-openai',
  vllm: 'sk-vllm',
};
/** Keys the SDK callers use. */
export const CALLER_KEY = 'sk-caller-e2e';

const STARTUP_MS = 30_000;

/** A short unique marker to find this test's requests in the mock's log. */
export function marker(label = 't') {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/** Spawns `bin args`, resolves with {proc, port, logs} once a stdout/stderr line matches `re`. */
function startProcess(name, bin, args, env, re) {
  if (!existsSync(bin)) throw new Error(`${name}: binary not found: ${bin} (set ${name === 'mock' ? 'MOCK_BIN' : 'HEIMDALL_BIN'})`);
  const proc = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = [];
  let exited = null;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${name} did not report its port within ${STARTUP_MS} ms:\n${logs.join('')}`));
    }, STARTUP_MS);
    let buffered = '';
    const onData = (chunk) => {
      const text = chunk.toString();
      logs.push(text);
      buffered += text;
      const m = re.exec(buffered);
      if (m) {
        clearTimeout(timer);
        buffered = '';
        resolve({ proc, port: Number(m[1]), logs, exitInfo: () => exited });
      }
      if (buffered.length > 1 << 16) buffered = buffered.slice(-4096);
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('exit', (code, signal) => {
      exited = { code, signal };
      clearTimeout(timer);
      reject(new Error(`${name} exited early (code ${code}, signal ${signal}):\n${logs.join('')}`));
    });
  });
}

async function waitHealthy(url, timeoutMs = STARTUP_MS) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return;
      last = `status ${r.status}`;
    } catch (e) {
      last = String(e?.cause?.code || e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not healthy after ${timeoutMs} ms (${last})`);
}

/** SIGTERM, wait (then SIGKILL); resolves with {code, signal}. */
function stopProcess(proc, timeoutMs = 25_000) {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal }); });
    proc.kill('SIGTERM');
  });
}

const SANITIZER_RE = /ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)|runtime error: /;

/** The mock provider, with helpers for its request log. */
export async function startMock() {
  const { proc, port, logs } = await startProcess('mock', MOCK_BIN, ['--host', '127.0.0.1', '--port', '0'], {},
    /mock-provider listening on 127\.0\.0\.1:(\d+)/);
  proc.removeAllListeners('exit');
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(`${url}/health`);
  return {
    port, url, proc, logs,
    /** All requests the mock received (oldest first), bodies parsed when JSON (`json`). */
    async requests() {
      const r = await fetch(`${url}/__requests`);
      if (r.status !== 200) throw new Error(`GET /__requests: ${r.status}`);
      const list = await r.json();
      return list.map((q) => ({
        ...q,
        headers: Object.fromEntries(Object.entries(q.headers || {}).map(([k, v]) => [k.toLowerCase(), v])),
        json: parseOrNull(q.body),
      }));
    },
    /** Requests whose body contains `text` (usually a marker from marker()). */
    async requestsWith(text) {
      return (await this.requests()).filter((q) => typeof q.body === 'string' && q.body.includes(text));
    },
    /** The only request whose body contains `text`; fails when there are 0 or several. */
    async requestWith(text) {
      const found = await this.requestsWith(text);
      if (found.length !== 1) {
        throw new Error(`expected exactly 1 upstream request containing ${JSON.stringify(text)}, got ${found.length}`);
      }
      return found[0];
    },
    async clear() {
      await fetch(`${url}/__requests`, { method: 'DELETE' });
    },
    async stop() {
      return stopProcess(proc);
    },
  };
}

function parseOrNull(s) {
  if (typeof s !== 'string' || s === '') return null;
  try { return JSON.parse(s); } catch { return null; }
}

/** The Bifrost-shaped config.json pointing every provider at the mock. */
export function gatewayConfig(mockUrl, { allowDirectKeys = false } = {}) {
  return {
    client: { allow_direct_keys: allowDirectKeys, max_request_body_size_mb: 100 },
    providers: {
      anthropic: {
        keys: [{ name: 'mock-anthropic', value: 'env.E2E_ANTHROPIC_KEY', models: ['*'], weight: 1 }],
        network_config: { base_url: mockUrl },
      },
      openai: {
        keys: [{ name: 'mock-openai', value: KEYS.openai, models: ['*'], weight: 1 }],
        network_config: { base_url: `${mockUrl}/v1`, extra_headers: { 'x-e2e-extra': 'yes' } },
      },
      'local-vllm': {
        keys: [{ name: 'k', value: KEYS.vllm, models: ['*'], weight: 1 }],
        custom_provider_config: { base_provider_type: 'openai' },
        network_config: { base_url: mockUrl },
      },
    },
  };
}

/** Heimdall with a temp app dir holding `config` (none when `config` is null); `args` are appended. */
export async function startHeimdall(config, { env = {}, args: extraArgs = [] } = {}) {
  const appDir = mkdtempSync(path.join(tmpdir(), 'heimdall-e2e-'));
  if (config !== null) writeFileSync(path.join(appDir, 'config.json'), JSON.stringify(config, null, 2));
  const args = ['-app-dir', appDir, '-host', '127.0.0.1', '-port', '0', '-log-level', 'info', ...extraArgs];
  const { proc, port, logs } = await startProcess('heimdall', HEIMDALL_BIN, args,
    { E2E_ANTHROPIC_KEY: KEYS.anthropic, ...env }, /listening on 127\.0\.0\.1:(\d+)/);
  // From now on an early exit is reported by stop() / the next request, not by the start promise.
  proc.removeAllListeners('exit');
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(`${url}/health`);
  } catch (e) {
    await stopProcess(proc);
    throw new Error(`${e.message}\n--- heimdall log ---\n${logs.join('')}`);
  }
  return {
    port, url, proc, logs, appDir,
    /** Stops the gateway; throws when it crashed or a sanitizer reported an error. */
    async stop() {
      const crashedBefore = proc.exitCode !== null || proc.signalCode !== null;
      const { code, signal } = await stopProcess(proc);
      const log = logs.join('');
      rmSync(appDir, { recursive: true, force: true });
      if (process.env.E2E_KEEP_LOGS) process.stderr.write(`--- heimdall log ---\n${log}\n`);
      if (crashedBefore) throw new Error(`heimdall died during the suite (code ${code}, signal ${signal}):\n${log}`);
      const m = SANITIZER_RE.exec(log);
      if (m) throw new Error(`heimdall: sanitizer report (${m[0]}):\n${log.slice(Math.max(0, m.index - 2000))}`);
      if (signal === 'SIGKILL') throw new Error(`heimdall ignored SIGTERM for 25 s:\n${log.slice(-4000)}`);
      if (code !== 0 && code !== null && code !== 143) throw new Error(`heimdall exited with ${code} after SIGTERM:\n${log.slice(-8000)}`);
    },
  };
}

/**
 * The usual environment of a test file: one mock and (unless E2E_TARGET=mock) one gateway in front of it.
 * Returns base URLs for the SDKs:
 *   anthropicBaseURL  → Anthropic SDK baseURL (SDK adds /v1/messages)
 *   openaiBaseURL     → OpenAI SDK baseURL   (SDK adds /chat/completions)
 */
export async function setup({ allowDirectKeys = false } = {}) {
  const mock = await startMock();
  if (MOCK_MODE) {
    return {
      mock, gateway: null,
      url: mock.url,
      anthropicBaseURL: mock.url,
      openaiBaseURL: `${mock.url}/v1`,
      /** The key the mock should see for `provider` when the caller used `callerKey`. */
      upstreamKey: (_provider, callerKey = CALLER_KEY) => callerKey,
      async stop() { await mock.stop(); },
    };
  }
  let gateway;
  try {
    gateway = await startHeimdall(gatewayConfig(mock.url, { allowDirectKeys }));
  } catch (e) {
    await mock.stop();
    throw e;
  }
  return {
    mock, gateway,
    url: gateway.url,
    anthropicBaseURL: `${gateway.url}/anthropic`,
    openaiBaseURL: `${gateway.url}/openai/v1`,
    upstreamKey: (provider, callerKey = CALLER_KEY) => (allowDirectKeys ? callerKey : KEYS[provider]),
    async stop() {
      try { await gateway.stop(); } finally { await mock.stop(); }
    },
  };
}

/** Parses an SSE body into [{event, data}] (data JSON-parsed when possible). */
export function parseSSE(text) {
  const events = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (!block.trim()) continue;
    let event = null;
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (event === null && data.length === 0) continue;
    const raw = data.join('\n');
    events.push({ event, data: parseOrNull(raw) ?? raw });
  }
  return events;
}

/** Splits the mock's reply text `mock reply to: <prompt> | model=<model> | key=<key>`. */
export function parseReply(text) {
  const m = /^mock reply to: (.*) \| model=(.*?) \| key=(.*)$/s.exec(text ?? '');
  if (!m) throw new Error(`not a mock reply: ${JSON.stringify(text)}`);
  return { prompt: m[1], model: m[2], key: m[3] };
}

/** Text of an OpenAI message content (string or parts). */
export function contentText(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? '').join('');
  return '';
}

/** A 1×1 transparent PNG. */
export const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** The test-level timeout (ms) used by the suites; Node 18 has no --test-timeout flag. */
export const TEST_TIMEOUT = 60_000;

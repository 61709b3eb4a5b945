#!/usr/bin/env node
// Records what Claude Code sends to its Anthropic base URL, into tests/data/claude-code/request-sample.json.
// Run once after bumping @anthropic-ai/claude-code in package.json (needs MOCK_BIN; Claude Code talks straight
// to the mock provider here, so the sample is what the client sends, not what a gateway made of it):
//   MOCK_BIN=build/asan/tools/mock-provider/heimdall-mock-provider node tests/e2e/record_claude_code.mjs
// Secrets and machine-specific values are scrubbed (keys, temp paths, the user id hash).
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startMock, REPO } from './lib/harness.mjs';
import { runClaude, claudeVersion, ALLOW_BASH } from './lib/claude.mjs';

const OUT_DIR = path.join(REPO, 'tests/data/claude-code');
const MODEL = 'claude-sonnet-4-5';

const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'cookie', 'proxy-authorization']);

function scrubString(s, run) {
  let out = s;
  for (const [from, to] of [[run.home, '<HOME>'], [run.cwd, '<CWD>']]) {
    if (from) out = out.split(from).join(to);
  }
  return out;
}

function scrub(value, run) {
  if (typeof value === 'string') return scrubString(value, run);
  if (Array.isArray(value)) return value.map((v) => scrub(v, run));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === 'user_id' && typeof v === 'string' ? v.replace(/[0-9a-f]{32,}/g, '<user-hash>') : scrub(v, run);
    }
    return out;
  }
  return value;
}

function describeRequest(q, run) {
  const headers = {};
  for (const [k, v] of Object.entries(q.headers)) {
    headers[k.toLowerCase()] = SECRET_HEADERS.has(k.toLowerCase()) ? '<redacted>' : scrubString(String(v), run);
  }
  let body = null;
  try { body = q.body ? JSON.parse(q.body) : null; } catch { body = q.body; }
  return { method: q.method, path: q.path, query: q.query ?? '', headers, body: scrub(body, run) };
}

function summarize(req) {
  const b = req.body && typeof req.body === 'object' ? req.body : {};
  return {
    method: req.method,
    path: req.query ? `${req.path}?${req.query}` : req.path,
    anthropic_beta: req.headers['anthropic-beta']?.split(',').map((s) => s.trim()) ?? [],
    anthropic_version: req.headers['anthropic-version'] ?? null,
    user_agent: req.headers['user-agent'] ?? null,
    header_names: Object.keys(req.headers).sort(),
    body_fields: Object.keys(b),
    model: b.model,
    stream: b.stream,
    max_tokens: b.max_tokens,
    thinking: b.thinking,
    system_blocks: Array.isArray(b.system)
      ? b.system.map((s) => ({ type: s.type, chars: s.text?.length, cache_control: s.cache_control ?? null }))
      : typeof b.system,
    tool_names: Array.isArray(b.tools) ? b.tools.map((t) => t.name) : [],
    tools_with_cache_control: Array.isArray(b.tools) ? b.tools.filter((t) => t.cache_control).map((t) => t.name) : [],
    message_roles: Array.isArray(b.messages) ? b.messages.map((m) => m.role) : [],
  };
}

const mock = await startMock();
try {
  const runs = [];
  for (const [label, prompt] of [
    ['text', 'Say hello to heimdall-record-text.'],
    ['bash tool', 'Run this: [[bash:echo heimdall-e2e-ok]] heimdall-record-tool'],
  ]) {
    await mock.clear();
    const run = await runClaude({ baseURL: mock.url, prompt, model: MODEL, extraArgs: ALLOW_BASH });
    if (run.code !== 0) {
      console.error(`claude (${label}) exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
      process.exitCode = 1;
    }
    const requests = (await mock.requests()).map((q) => describeRequest(q, run));
    runs.push({ label, prompt, exit_code: run.code, result: run.result?.result ?? null, requests });
  }
  const sample = {
    claude_code_version: claudeVersion(),
    recorded_with: 'tests/e2e/record_claude_code.mjs (Claude Code → mock provider directly)',
    env: { ANTHROPIC_MODEL: MODEL, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_TELEMETRY: '1' },
    summary: runs.map((r) => ({ label: r.label, requests: r.requests.map(summarize) })),
    runs,
  };
  mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, 'request-sample.json');
  writeFileSync(file, `${JSON.stringify(sample, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}: ${runs.map((r) => `${r.label}: ${r.requests.length} requests`).join(', ')}`);
} finally {
  await mock.stop();
}

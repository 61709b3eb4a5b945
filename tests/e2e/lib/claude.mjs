// Runs Claude Code (the CLI from @anthropic-ai/claude-code) non-interactively against a base URL,
// offline, with an isolated HOME.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The native Claude Code binary. The package's bin/claude.exe is a stub until its postinstall links the
 * platform binary over it (npm 11 does not run install scripts unless allowed; scripts/deps.sh runs
 * `npm ci --ignore-scripts`), so look for the platform package first.
 */
export function claudeBinary() {
  if (process.env.CLAUDE_BIN) return process.env.CLAUDE_BIN;
  const arch = process.arch === 'x64' ? 'x64' : process.arch;
  const candidates = [`linux-${arch}`, `linux-${arch}-musl`].map((p) => `@anthropic-ai/claude-code-${p}/claude`);
  for (const c of candidates) {
    try {
      const file = require.resolve(c);
      if (existsSync(file)) return file;
    } catch { /* not installed for this platform */ }
  }
  const wrapperDir = path.dirname(require.resolve('@anthropic-ai/claude-code/package.json'));
  const stub = path.join(wrapperDir, 'bin', 'claude.exe');
  if (existsSync(stub) && statSync(stub).size > 1 << 20) return stub;
  throw new Error('Claude Code binary not found: run scripts/deps.sh --tests (npm ci in tests/e2e)');
}

export function claudeVersion() {
  return require('@anthropic-ai/claude-code/package.json').version;
}

/**
 * Runs `claude -p <prompt> …` and resolves with {code, signal, stdout, stderr, result (parsed JSON or null),
 * timedOut}. `baseURL` is what ANTHROPIC_BASE_URL gets (…/anthropic for Heimdall).
 */
export async function runClaude({ baseURL, prompt, model, apiKey = 'sk-e2e', extraArgs = [], env = {}, timeoutMs = 90_000 }) {
  const home = mkdtempSync(path.join(tmpdir(), 'claude-home-'));
  const cwd = mkdtempSync(path.join(tmpdir(), 'claude-cwd-'));
  // Only what Claude Code needs; none of the caller's ANTHROPIC_* / proxy variables leak in.
  const childEnv = {
    PATH: process.env.PATH || '/usr/bin:/bin',
    HOME: home,
    USER: process.env.USER || 'root',
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    TMPDIR: tmpdir(),
    ANTHROPIC_BASE_URL: baseURL,
    ANTHROPIC_API_KEY: apiKey,
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_BUG_COMMAND: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_DISABLE_TERMINAL_TITLE: '1',
    ...(model ? {
      ANTHROPIC_MODEL: model,
      ANTHROPIC_SMALL_FAST_MODEL: model,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: model,
    } : {}),
    ...env,
  };
  for (const k of ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE']) if (process.env[k]) childEnv[k] = process.env[k];
  const args = ['-p', prompt, '--output-format', 'json', ...extraArgs];
  try {
    return await new Promise((resolve, reject) => {
      const proc = spawn(claudeBinary(), args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const timer = setTimeout(() => { timedOut = true; proc.kill('SIGKILL'); }, timeoutMs);
      proc.stdout.on('data', (d) => { stdout += d; });
      proc.stderr.on('data', (d) => { stderr += d; });
      proc.on('error', (e) => { clearTimeout(timer); reject(e); });
      proc.on('close', (code, signal) => {
        clearTimeout(timer);
        let result = null;
        try { result = JSON.parse(stdout.trim().split('\n').filter(Boolean).at(-1) ?? ''); } catch { /* not JSON */ }
        resolve({ code, signal, stdout, stderr, result, timedOut, home, cwd });
      });
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * Lets `-p` run the Bash tool without a permission prompt (works as root, unlike
 * --dangerously-skip-permissions), and bounds the agent loop so a model that keeps calling tools fails fast.
 */
export const ALLOW_BASH = ['--allowedTools', 'Bash', '--max-turns', '4'];

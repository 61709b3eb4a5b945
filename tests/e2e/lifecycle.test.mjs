// The gateway process itself: graceful SIGTERM with a stream in flight, configuration from the
// environment when there is no config.json, Bifrost's flag spellings and JSON log lines.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './lib/harness.mjs';

const OPTS = { timeout: h.TEST_TIMEOUT, skip: h.NEEDS_GATEWAY };

function exitOf(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  }
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('heimdall process lifecycle', OPTS, () => {
  let mock;
  before(async () => { mock = await h.startMock(); });
  after(async () => { await mock?.stop(); });

  test('SIGTERM lets an in-flight stream finish, refuses new work, exits 0', OPTS, async () => {
    const gw = await h.startHeimdall(h.gatewayConfig(mock.url));
    try {
      const m = h.marker('drain');
      const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'x' },
        body: JSON.stringify({
          model: 'claude-sonnet-4-6', max_tokens: 64, stream: true,
          messages: [{ role: 'user', content: `${m} [[deltas:8]] [[event-delay:150]]` }],
        }),
      });
      assert.equal(res.status, 200);
      const reader = res.body.getReader();
      const first = await reader.read();  // the stream has begun
      assert.ok(!first.done);
      const exited = exitOf(gw.proc);
      gw.proc.kill('SIGTERM');
      let text = Buffer.from(first.value).toString();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
      }
      const events = h.parseSSE(text).map((e) => e.event);
      assert.equal(events.at(-1), 'message_stop', 'the in-flight stream completed');
      assert.ok(events.filter((e) => e === 'content_block_delta').length >= 8);
      const { code, signal } = await exited;
      assert.equal(signal, null);
      assert.equal(code, 0);
      await assert.rejects(fetch(`${gw.url}/health`), 'no new connections after the drain');
      assert.match(gw.logs.join(''), /received SIGTERM, draining/);
    } finally {
      await gw.stop().catch(() => {});
    }
  });

  test('without config.json, providers come from their environment keys', OPTS, async () => {
    // Only the log is read: these providers point at the public endpoints, which tests never call.
    const gw = await h.startHeimdall(null, {
      env: { ANTHROPIC_API_KEY: 'sk-ant-env', GROQ_API_KEY: 'gsk-env', OPENAI_API_KEY: '' },
    });
    try {
      const log = gw.logs.join('');
      assert.match(log, /provider anthropic: 1 key\(s\)/);
      assert.match(log, /provider groq: 1 key\(s\)/);
      assert.doesNotMatch(log, /provider openai:/);
      assert.doesNotMatch(log, /sk-ant-env|gsk-env/, 'keys are never logged');
    } finally {
      await gw.stop();
    }
  });

  test('double-dash flags and -log-style json give one JSON object per log line', OPTS, async () => {
    const gw = await h.startHeimdall(h.gatewayConfig(mock.url), { args: ['--log-style', 'json', '--log-level=info'] });
    try {
      const lines = gw.logs.join('').split('\n').filter((l) => l.trim());
      assert.ok(lines.length >= 2);
      for (const line of lines) {
        const entry = JSON.parse(line);
        assert.equal(typeof entry.time, 'string');
        assert.equal(typeof entry.level, 'string');
        assert.equal(typeof entry.msg, 'string');
      }
      assert.ok(lines.some((l) => JSON.parse(l).msg.startsWith('heimdall listening on 127.0.0.1:')));
    } finally {
      await gw.stop();
    }
  });
});

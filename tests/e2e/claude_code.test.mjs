// Claude Code (the real CLI, non-interactive) through Heimdall's /anthropic surface, offline, against the mock.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import * as h from './lib/harness.mjs';
import { runClaude, ALLOW_BASH } from './lib/claude.mjs';

const OPTS = { timeout: 150_000 };
const SAMPLE = path.join(h.REPO, 'tests/data/claude-code/request-sample.json');

function explain(run) {
  return `exit ${run.code}${run.timedOut ? ' (timed out)' : ''}\nstdout: ${run.stdout.slice(-3000)}\nstderr: ${run.stderr.slice(-3000)}`;
}

/** The text of the last user message of an Anthropic request body (strings and text blocks). */
function lastUserText(body) {
  const last = body?.messages?.filter((m) => m.role === 'user').at(-1);
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  return last.content.map((b) => b.text ?? (typeof b.content === 'string' ? b.content : JSON.stringify(b.content ?? ''))).join(' ');
}

async function textTurn(env, model) {
  const m = h.marker('cc-text');
  const run = await runClaude({ baseURL: env.anthropicBaseURL, prompt: `Say hello ${m}`, model });
  assert.equal(run.code, 0, explain(run));
  assert.ok(run.result, `no JSON result: ${explain(run)}`);
  assert.equal(run.result.is_error, false, explain(run));
  assert.match(run.result.result, /mock reply to: /);
  assert.ok(run.result.result.includes(m), run.result.result);
  return { m, run };
}

async function bashTurn(env, model) {
  const m = h.marker('cc-bash');
  const run = await runClaude({
    baseURL: env.anthropicBaseURL,
    prompt: `Please run [[bash:echo heimdall-e2e-ok]] ${m}`,
    model,
    extraArgs: ALLOW_BASH,
  });
  assert.equal(run.code, 0, explain(run));
  assert.equal(run.result?.is_error, false, explain(run));
  assert.match(run.result.result, /tool said: .*heimdall-e2e-ok/s, explain(run));
  assert.ok(run.result.num_turns >= 2, `num_turns ${run.result.num_turns}`);
  return { m, run };
}

describe('Claude Code → Heimdall → anthropic (fast path)', OPTS, () => {
  let env;
  before(async () => { env = await h.setup(); });
  after(async () => { await env?.stop(); });

  test('text turn', OPTS, async () => {
    const { m } = await textTurn(env, 'claude-sonnet-4-5');
    const turns = (await env.mock.requestsWith(m)).filter((q) => q.json?.tools?.length);
    assert.ok(turns.length >= 1, 'the agent turn reached the upstream');
    const q = turns[0];
    assert.equal(q.path.split('?')[0], '/v1/messages');
    assert.equal(q.json.model, 'claude-sonnet-4-5');
    assert.equal(q.json.stream, true);
    // The fast path keeps the client's identity (user-agent, x-app, session id) for Anthropic.
    assert.match(q.headers['user-agent'] ?? '', /^claude-cli\//);
    assert.match(q.headers['anthropic-beta'] ?? '', /claude-code-/);
    if (!h.MOCK_MODE) {
      const key = q.headers['x-api-key'] ?? q.headers.authorization?.replace(/^Bearer /, '');
      assert.equal(key, h.KEYS.anthropic, 'the configured key, not the caller\'s');
    }
  });

  test('Bash tool turn: tool_use → Claude Code runs it → tool_result → final text', OPTS, async () => {
    const { m } = await bashTurn(env, 'claude-sonnet-4-5');
    const turns = (await env.mock.requestsWith(m)).filter((q) => q.json?.tools?.length);
    assert.ok(turns.some((q) => q.json.tools.some((t) => t.name === 'Bash')), 'Bash offered');
    const withResult = turns.find((q) => q.json.messages.at(-1).content?.some?.((b) => b.type === 'tool_result'));
    assert.ok(withResult, 'a request carrying the tool_result');
    const result = withResult.json.messages.at(-1).content.find((b) => b.type === 'tool_result');
    assert.match(JSON.stringify(result.content), /heimdall-e2e-ok/);
    assert.match(result.tool_use_id, /^toolu_mock_/);
  });
});

describe('Claude Code → Heimdall → openai/gpt-4o-mini (translated)', { ...OPTS, skip: h.NEEDS_GATEWAY }, () => {
  let env;
  before(async () => { env = await h.setup(); });
  after(async () => { await env?.stop(); });

  test('text turn', OPTS, async () => {
    const { m } = await textTurn(env, 'openai/gpt-4o-mini');
    const qs = await env.mock.requestsWith(m);
    assert.ok(qs.length >= 1);
    for (const q of qs) {
      assert.equal(q.path, '/v1/chat/completions', 'every call went to the OpenAI upstream');
      assert.equal(q.json.model, 'gpt-4o-mini');
    }
    assert.ok(qs.some((q) => q.json.stream === true && q.json.stream_options?.include_usage === true));
  });

  test('Bash tool turn through translation', OPTS, async () => {
    const { m } = await bashTurn(env, 'openai/gpt-4o-mini');
    const qs = (await env.mock.requestsWith(m)).filter((q) => q.path === '/v1/chat/completions' && q.json.tools?.length);
    assert.ok(qs.some((q) => q.json.tools.some((t) => t.type === 'function' && t.function.name === 'Bash')), 'Bash offered as a function');
    const withResult = qs.find((q) => q.json.messages.some((x) => x.role === 'tool'));
    assert.ok(withResult, 'a request carrying the tool message');
    const toolMsg = withResult.json.messages.find((x) => x.role === 'tool');
    assert.match(h.contentText(toolMsg.content), /heimdall-e2e-ok/);
    const asst = withResult.json.messages.find((x) => x.role === 'assistant' && x.tool_calls?.length);
    assert.equal(asst.tool_calls[0].id, toolMsg.tool_call_id);
  });
});

// Replays the recorded Claude Code request (tests/data/claude-code) through the gateway and checks that what
// Anthropic relies on arrives untouched: headers anthropic-version / anthropic-beta, and the whole body
// (system blocks with cache_control, tools, thinking, metadata, context_management, …) except nothing.
describe('recorded Claude Code request survives the fast path', { ...OPTS, skip: h.NEEDS_GATEWAY }, () => {
  let env;
  let sample;
  before(async () => {
    env = await h.setup();
    if (existsSync(SAMPLE)) sample = JSON.parse(readFileSync(SAMPLE, 'utf8'));
  });
  after(async () => { await env?.stop(); });

  test('replay: body byte-equivalent, beta/version headers unchanged, SSE well-formed', OPTS, async (t) => {
    assert.ok(sample, `missing ${SAMPLE}: run tests/e2e/record_claude_code.mjs`);
    const recorded = sample.runs.flatMap((r) => r.requests)
      .filter((q) => q.method === 'POST' && q.path.startsWith('/v1/messages') && !q.path.includes('count_tokens')
        && q.body?.tools?.length && q.body.stream === true);
    assert.ok(recorded.length > 0, 'the sample holds a streaming agent turn');
    for (const original of recorded.slice(0, 2)) {
      const m = h.marker('replay');
      const body = structuredClone(original.body);
      // Tag the request so the mock's log can find it, without changing the body's shape.
      body.metadata = { ...(body.metadata ?? {}), user_id: `${body.metadata?.user_id ?? 'user'}_${m}` };
      const headers = { ...original.headers };
      for (const k of ['host', 'content-length', 'connection', 'accept-encoding', 'transfer-encoding']) delete headers[k];
      headers['x-api-key'] = 'sk-e2e';
      delete headers.authorization;
      const target = original.query ? `${original.path}?${original.query}` : original.path;
      const r = await fetch(`${env.anthropicBaseURL}${target}`, { method: 'POST', headers, body: JSON.stringify(body) });
      assert.equal(r.status, 200, await r.clone().text());
      assert.match(r.headers.get('content-type') ?? '', /^text\/event-stream/);
      const events = h.parseSSE(await r.text()).filter((e) => e.event !== 'ping');
      assert.equal(events[0].event, 'message_start');
      assert.equal(events.at(-1).event, 'message_stop');

      const q = await env.mock.requestWith(m);
      assert.deepEqual(q.json, body, 'body forwarded unchanged');
      assert.equal(q.headers['anthropic-version'], original.headers['anthropic-version']);
      assert.equal(q.headers['anthropic-beta'], original.headers['anthropic-beta']);
      const dropped = Object.keys(original.headers)
        .filter((k) => !(k in q.headers) && !['host', 'content-length', 'connection', 'accept-encoding', 'authorization', 'x-api-key'].includes(k));
      t.diagnostic(`headers not forwarded upstream: ${dropped.join(', ') || 'none'}`);
      const identity = (k) => ['user-agent', 'x-app', 'x-claude-code-session-id'].includes(k) || k.startsWith('x-stainless-');
      assert.deepEqual(dropped.filter(identity), [], 'client identity headers reach Anthropic');
    }
  });
});

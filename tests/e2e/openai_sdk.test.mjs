// The official OpenAI Node SDK against Heimdall's /openai and /v1 surfaces (mock provider upstream).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import * as h from './lib/harness.mjs';

const MODEL = 'gpt-4o-mini';
const ANTHROPIC_MODEL = 'anthropic/claude-sonnet-4-5';
const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
      required: ['location'],
    },
  },
};
const OPTS = { timeout: h.TEST_TIMEOUT };

async function apiError(fn) {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof OpenAI.APIError)) throw e;
    return e;
  }
  assert.fail('expected an APIError');
}

/** Collects a chat stream: text, tool calls (by index), finish reason, usage chunk. */
async function collect(stream) {
  let text = '';
  let finish = null;
  let usage = null;
  let chunks = 0;
  const calls = [];
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      if (c.delta?.content) text += c.delta.content;
      for (const tc of c.delta?.tool_calls ?? []) {
        const slot = (calls[tc.index] ??= { id: '', name: '', arguments: '' });
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.name += tc.function.name;
        if (tc.function?.arguments) slot.arguments += tc.function.arguments;
      }
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  return { text, finish, usage, calls, chunks };
}

function replyOf(completion) {
  return h.parseReply(completion.choices[0].message.content);
}

describe('OpenAI SDK → Heimdall → openai (fast path)', OPTS, () => {
  let env;
  let client;
  before(async () => {
    env = await h.setup();
    client = new OpenAI({ apiKey: h.CALLER_KEY, baseURL: env.openaiBaseURL, maxRetries: 0, timeout: 30_000 });
  });
  after(async () => { await env?.stop(); });

  test('chat: text reply, usage, request id, upstream request', OPTS, async () => {
    const m = h.marker('chat');
    const { data, response } = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: `hello ${m}` }],
    }).withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.match(data.id, /^chatcmpl-/);
    const reply = replyOf(data);
    assert.equal(reply.prompt, `hello ${m}`);
    assert.equal(reply.model, MODEL);
    assert.equal(reply.key, env.upstreamKey('openai'));
    assert.equal(data.choices[0].message.role, 'assistant');
    assert.equal(data.choices[0].finish_reason, 'stop');
    assert.ok(data.usage.prompt_tokens > 0 && data.usage.completion_tokens > 0);
    assert.equal(data.usage.total_tokens, data.usage.prompt_tokens + data.usage.completion_tokens);
    if (!h.MOCK_MODE) assert.ok(response.headers.get('request-id'), 'request-id header');
    const q = await env.mock.requestWith(m);
    assert.equal(q.path, '/v1/chat/completions');
    assert.equal(q.json.model, MODEL);
    assert.deepEqual(q.json.messages[0], { role: 'system', content: 'Be brief.' });
    if (!h.MOCK_MODE) assert.equal(q.headers['x-e2e-extra'], 'yes', 'network_config.extra_headers');
  });

  test('openai/<model> prefix reaches the upstream as <model>; unknown fields kept', { ...OPTS, skip: h.NEEDS_GATEWAY }, async () => {
    const m = h.marker('prefix');
    const data = await client.chat.completions.create({
      model: `openai/${MODEL}`, messages: [{ role: 'user', content: m }],
      temperature: 0.25, some_future_field: { a: [1, 'two'] },
    });
    assert.equal(replyOf(data).model, MODEL);
    const q = await env.mock.requestWith(m);
    assert.equal(q.json.model, MODEL);
    assert.equal(q.json.temperature, 0.25);
    assert.deepEqual(q.json.some_future_field, { a: [1, 'two'] });
  });

  test('streaming with include_usage: deltas concatenate to the non-stream text; usage chunk last', OPTS, async () => {
    const m = h.marker('stream');
    const params = { model: MODEL, messages: [{ role: 'user', content: `one two three ${m}` }] };
    const plain = await client.chat.completions.create(params);
    const s = await collect(await client.chat.completions.create({
      ...params, stream: true, stream_options: { include_usage: true },
    }));
    assert.equal(s.text, plain.choices[0].message.content);
    assert.ok(s.chunks > 2, 'several chunks');
    assert.equal(s.finish, 'stop');
    assert.ok(s.usage && s.usage.prompt_tokens > 0 && s.usage.completion_tokens > 0, 'usage chunk');

    const noUsage = await collect(await client.chat.completions.create({ ...params, stream: true }));
    assert.equal(noUsage.usage, null, 'no usage chunk unless include_usage');
    assert.equal(noUsage.text, s.text);
  });

  test('stream helper: finalChatCompletion()', OPTS, async () => {
    const m = h.marker('helper');
    const final = await client.chat.completions.stream({
      model: MODEL, messages: [{ role: 'user', content: `x y ${m}` }], stream_options: { include_usage: true },
    }).finalChatCompletion();
    assert.equal(replyOf(final).prompt, `x y ${m}`);
    assert.equal(final.choices[0].finish_reason, 'stop');
  });

  test('tools: tool_calls, then a tool message round trip (JSON and stream)', OPTS, async () => {
    const m = h.marker('tools');
    const ask = [{ role: 'user', content: `weather? [[tool:get_weather]] ${m}` }];
    const first = await client.chat.completions.create({ model: MODEL, tools: [WEATHER_TOOL], messages: ask });
    assert.equal(first.choices[0].finish_reason, 'tool_calls');
    const call = first.choices[0].message.tool_calls[0];
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { location: 'mock' });

    const streamed = await collect(await client.chat.completions.create({
      model: MODEL, tools: [WEATHER_TOOL], messages: ask, stream: true,
    }));
    assert.equal(streamed.finish, 'tool_calls');
    assert.equal(streamed.calls.length, 1);
    assert.equal(streamed.calls[0].name, 'get_weather');
    assert.deepEqual(JSON.parse(streamed.calls[0].arguments), { location: 'mock' });

    const second = await client.chat.completions.create({
      model: MODEL, tools: [WEATHER_TOOL],
      messages: [...ask, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'sunny, 21C' }],
    });
    assert.equal(second.choices[0].finish_reason, 'stop');
    assert.match(second.choices[0].message.content, /tool said: sunny, 21C/);
  });

  const ERRORS = [
    [400, 'BadRequestError'], [401, 'AuthenticationError'], [429, 'RateLimitError'],
    [500, 'InternalServerError'], [529, 'InternalServerError'],
  ];
  for (const [status, cls] of ERRORS) {
    test(`error ${status} → ${cls}`, OPTS, async () => {
      const err = await apiError(() => client.chat.completions.create({
        model: MODEL, messages: [{ role: 'user', content: `[[status:${status}]] ${h.marker('err')}` }],
      }));
      assert.equal(err.status, status);
      assert.ok(err instanceof OpenAI[cls], `${err.constructor.name} is not ${cls}`);
      assert.equal(typeof err.error?.message, 'string', 'error.message');
      for (const k of ['type', 'param', 'code']) assert.ok(k in err.error, `error.${k}`);
      if (status === 429) assert.equal(err.headers.get('retry-after'), '2');
      if (!h.MOCK_MODE) assert.ok(err.headers.get('request-id'), 'request-id on errors');
    });
  }

  test('SDK retries 429 twice (three upstream attempts, none added by the gateway)', OPTS, async () => {
    const retrying = new OpenAI({ apiKey: h.CALLER_KEY, baseURL: env.openaiBaseURL, maxRetries: 2, timeout: 30_000 });
    const m = h.marker('retry');
    const err = await apiError(() => retrying.chat.completions.create({
      model: MODEL, messages: [{ role: 'user', content: `[[status:429]] [[retry-after:0]] ${m}` }],
    }));
    assert.equal(err.status, 429);
    const qs = await env.mock.requestsWith(m);
    assert.equal(qs.length, 3, 'one try + two retries, no extra retries by the gateway');
    // The gateway need not forward x-stainless-*; when it does, the SDK's counter must arrive as sent.
    const counts = qs.map((q) => q.headers['x-stainless-retry-count']);
    if (counts.some((c) => c !== undefined)) assert.deepEqual(counts, ['0', '1', '2']);
  });

  test('base URLs: …/openai, …/openai/v1 and /v1 all serve chat completions', { ...OPTS, skip: h.NEEDS_GATEWAY }, async () => {
    for (const base of [`${env.url}/openai`, `${env.url}/openai/v1`, `${env.url}/v1`]) {
      const c = new OpenAI({ apiKey: h.CALLER_KEY, baseURL: base, maxRetries: 0 });
      const m = h.marker('base');
      const data = await c.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: m }] });
      assert.equal(replyOf(data).prompt, m, base);
      const q = await env.mock.requestWith(m);
      assert.equal(q.path, '/v1/chat/completions', base);
    }
  });

  test('models list', OPTS, async () => {
    const page = await client.models.list();
    assert.ok(page.data.length > 0);
    for (const mdl of page.data) assert.equal(typeof mdl.id, 'string');
  });

  test('custom provider local-vllm/<model> (OpenAI-compatible base_url)', { ...OPTS, skip: h.NEEDS_GATEWAY }, async () => {
    const m = h.marker('vllm');
    const data = await client.chat.completions.create({
      model: 'local-vllm/qwen2.5-7b-instruct', messages: [{ role: 'user', content: m }],
    });
    const reply = replyOf(data);
    assert.equal(reply.model, 'qwen2.5-7b-instruct');
    assert.equal(reply.key, h.KEYS.vllm);
    const q = await env.mock.requestWith(m);
    assert.equal(q.path, '/v1/chat/completions');
    assert.equal(q.headers.authorization, `Bearer ${h.KEYS.vllm}`);
    assert.equal(q.headers['x-e2e-extra'], undefined, "openai's extra_headers are not sent to local-vllm");

    const s = await collect(await client.chat.completions.create({
      model: 'local-vllm/qwen2.5-7b-instruct', messages: [{ role: 'user', content: `${m} s` }],
      stream: true, stream_options: { include_usage: true },
    }));
    assert.equal(h.parseReply(s.text).model, 'qwen2.5-7b-instruct');
    assert.ok(s.usage);
  });

  test('x-bf-eh-<name> headers are forwarded upstream as <name>', { ...OPTS, skip: h.NEEDS_GATEWAY }, async () => {
    const m = h.marker('eh');
    await client.chat.completions.create(
      { model: MODEL, messages: [{ role: 'user', content: m }] },
      { headers: { 'x-bf-eh-x-tenant-id': 'acme-7' } },
    );
    const q = await env.mock.requestWith(m);
    assert.equal(q.headers['x-tenant-id'], 'acme-7');
  });
});

describe(`OpenAI SDK → Heimdall → ${ANTHROPIC_MODEL} (translated)`, { ...OPTS, skip: h.NEEDS_GATEWAY }, () => {
  let env;
  let client;
  before(async () => {
    env = await h.setup();
    client = new OpenAI({ apiKey: h.CALLER_KEY, baseURL: env.openaiBaseURL, maxRetries: 0, timeout: 30_000 });
  });
  after(async () => { await env?.stop(); });

  test('text: OpenAI answer; the upstream got an Anthropic Messages request', OPTS, async () => {
    const m = h.marker('xtext');
    const data = await client.chat.completions.create({
      model: ANTHROPIC_MODEL, max_tokens: 200,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: `hi ${m}` }],
    });
    assert.equal(data.object, 'chat.completion');
    const reply = replyOf(data);
    assert.equal(reply.prompt, `hi ${m}`);
    assert.equal(reply.model, 'claude-sonnet-4-5');
    assert.equal(reply.key, h.KEYS.anthropic);
    assert.equal(data.choices[0].finish_reason, 'stop');
    assert.ok(data.usage.prompt_tokens > 0 && data.usage.completion_tokens > 0);

    const q = await env.mock.requestWith(m);
    assert.equal(q.path.split('?')[0], '/v1/messages');
    assert.equal(q.json.model, 'claude-sonnet-4-5');
    assert.ok(q.headers['anthropic-version'], 'anthropic-version set by the gateway');
    assert.equal(q.headers['x-api-key'] ?? q.headers.authorization?.replace(/^Bearer /, ''), h.KEYS.anthropic);
    const sys = typeof q.json.system === 'string' ? q.json.system : q.json.system.map((b) => b.text).join('');
    assert.equal(sys, 'Be brief.');
    assert.ok(q.json.messages.every((x) => x.role !== 'system'));
    assert.equal(typeof q.json.max_tokens, 'number');
  });

  test('text without max_tokens still gets one upstream (Anthropic requires it)', OPTS, async () => {
    const m = h.marker('xnomax');
    const data = await client.chat.completions.create({ model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: m }] });
    assert.equal(replyOf(data).prompt, m);
    assert.ok((await env.mock.requestWith(m)).json.max_tokens > 0);
  });

  test('tools: tool_calls back; tool message round trip becomes tool_result', OPTS, async () => {
    const m = h.marker('xtools');
    const ask = [{ role: 'user', content: `[[tool:get_weather]] ${m}` }];
    const first = await client.chat.completions.create({ model: ANTHROPIC_MODEL, tools: [WEATHER_TOOL], messages: ask });
    assert.equal(first.choices[0].finish_reason, 'tool_calls');
    const call = first.choices[0].message.tool_calls[0];
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { location: 'mock' });

    const second = await client.chat.completions.create({
      model: ANTHROPIC_MODEL, tools: [WEATHER_TOOL],
      messages: [...ask, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'snow, -3C' }],
    });
    assert.match(second.choices[0].message.content, /tool said: snow, -3C/);

    const qs = await env.mock.requestsWith(m);
    assert.equal(qs.length, 2);
    assert.deepEqual(qs[0].json.tools[0].input_schema, WEATHER_TOOL.function.parameters);
    assert.equal(qs[0].json.tools[0].name, 'get_weather');
    const last = qs[1].json.messages.at(-1);
    assert.equal(last.role, 'user');
    const result = last.content.find((b) => b.type === 'tool_result');
    assert.equal(result.tool_use_id, call.id);
  });

  test('streaming: text and tool call chunks; usage with include_usage', OPTS, async () => {
    const m = h.marker('xstream');
    const plain = await client.chat.completions.create({ model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: `a b c ${m}` }] });
    const s = await collect(await client.chat.completions.create({
      model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: `a b c ${m}` }],
      stream: true, stream_options: { include_usage: true },
    }));
    assert.equal(s.text, plain.choices[0].message.content);
    assert.equal(s.finish, 'stop');
    assert.ok(s.usage && s.usage.prompt_tokens > 0 && s.usage.completion_tokens > 0, 'usage chunk');

    const t = await collect(await client.chat.completions.create({
      model: ANTHROPIC_MODEL, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: `[[tool:get_weather]] ${m}` }],
      stream: true,
    }));
    assert.equal(t.finish, 'tool_calls');
    assert.equal(t.calls.length, 1);
    assert.ok(t.calls[0].id, 'tool call id');
    assert.equal(t.calls[0].name, 'get_weather');
    assert.deepEqual(JSON.parse(t.calls[0].arguments), { location: 'mock' });
  });

  test('usage: cache_read_input_tokens become prompt_tokens_details.cached_tokens (included in prompt_tokens)', OPTS, async () => {
    const data = await client.chat.completions.create({
      model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: `[[cached:8]] ${h.marker('xcache')}` }],
    });
    assert.equal(data.usage.prompt_tokens_details?.cached_tokens, 8);
    assert.ok(data.usage.prompt_tokens > 8, 'prompt_tokens includes the cached ones');
  });

  test('max_tokens cut → finish_reason length', OPTS, async () => {
    const data = await client.chat.completions.create({
      model: ANTHROPIC_MODEL, max_tokens: 3, messages: [{ role: 'user', content: `a b c d e f ${h.marker('xcut')}` }],
    });
    assert.equal(data.choices[0].finish_reason, 'length');
  });

  test('upstream errors → OpenAI-typed errors (429 keeps retry-after)', OPTS, async () => {
    for (const [status, cls] of [[400, 'BadRequestError'], [401, 'AuthenticationError'], [429, 'RateLimitError'],
      [500, 'InternalServerError'], [529, 'InternalServerError']]) {
      const err = await apiError(() => client.chat.completions.create({
        model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: `[[status:${status}]] ${h.marker('xerr')}` }],
      }));
      assert.equal(err.status, status);
      assert.ok(err instanceof OpenAI[cls], `${status}: ${err.constructor.name}`);
      assert.equal(typeof err.error?.message, 'string');
      if (status === 429) assert.equal(err.headers.get('retry-after'), '2');
    }
  });
});

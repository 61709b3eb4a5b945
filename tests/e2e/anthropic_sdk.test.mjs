// The official Anthropic TypeScript SDK against Heimdall's /anthropic surface (mock provider upstream).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import * as h from './lib/harness.mjs';

// Not in the SDK's deprecation list (claude-sonnet-4-5 makes it print a warning on every call).
const MODEL = 'claude-sonnet-4-6';
const OPENAI_MODEL = 'openai/gpt-4o-mini';
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: {
    type: 'object',
    properties: { location: { type: 'string', description: 'City' }, unit: { type: 'string', enum: ['c', 'f'] } },
    required: ['location'],
  },
};
const OPTS = { timeout: h.TEST_TIMEOUT };

/** Block types + texts/inputs: what must match between a streamed and a non-streamed answer. */
function shape(msg) {
  return {
    type: msg.type,
    role: msg.role,
    stop_reason: msg.stop_reason,
    content: msg.content.map((b) => {
      if (b.type === 'text') return { type: 'text', text: b.text };
      if (b.type === 'tool_use') return { type: 'tool_use', name: b.name, input: b.input };
      if (b.type === 'thinking') return { type: 'thinking', thinking: b.thinking, signed: b.signature.length > 0 };
      return { type: b.type };
    }),
  };
}

/** Runs `fn`, expects it to throw an APIError; returns the error. */
async function apiError(fn) {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof Anthropic.APIError)) throw e;
    return e;
  }
  assert.fail('expected an APIError');
}

/** Checks the raw event sequence of one stream (§4 of the protocol notes); returns the events. */
function checkEventOrder(events) {
  assert.ok(events.length >= 4, `too few events: ${events.length}`);
  assert.equal(events[0].type, 'message_start', 'first event');
  assert.equal(events.at(-1).type, 'message_stop', 'last event');
  assert.equal(events[0].message.stop_reason, null);
  assert.equal(events.filter((e) => e.type === 'message_start').length, 1);
  const open = new Set();
  const started = [];
  const stopped = new Set();
  let deltaSeen = false;
  for (const e of events) {
    if (e.type === 'content_block_start') {
      assert.equal(e.index, started.length, 'blocks start at 0,1,2… in order');
      assert.equal(open.size, 0, `block ${e.index} started while ${[...open]} still open`);
      started.push(e.content_block.type);
      open.add(e.index);
    } else if (e.type === 'content_block_delta') {
      assert.ok(open.has(e.index), `delta for block ${e.index} which is not open`);
    } else if (e.type === 'content_block_stop') {
      assert.ok(open.has(e.index), `stop for block ${e.index} which is not open`);
      assert.ok(!stopped.has(e.index), `block ${e.index} stopped twice`);
      open.delete(e.index);
      stopped.add(e.index);
    } else if (e.type === 'message_delta') {
      assert.equal(open.size, 0, 'message_delta while a block is open');
      assert.equal(typeof e.usage?.output_tokens, 'number', 'message_delta.usage.output_tokens');
      assert.ok(e.delta.stop_reason, 'message_delta.delta.stop_reason');
      deltaSeen = true;
    }
  }
  assert.equal(stopped.size, started.length, 'every block stopped');
  assert.ok(deltaSeen, 'a message_delta');
  return { events, blockTypes: started };
}

describe('Anthropic SDK → Heimdall → anthropic (fast path)', OPTS, () => {
  let env;
  let client;
  before(async () => {
    env = await h.setup();
    client = new Anthropic({ apiKey: h.CALLER_KEY, baseURL: env.anthropicBaseURL, maxRetries: 0, timeout: 30_000 });
  });
  after(async () => { await env?.stop(); });

  test('text: reply, id, usage, request-id, upstream request', OPTS, async () => {
    const m = h.marker('text');
    const { data, response } = await client.messages
      .create({ model: MODEL, max_tokens: 256, messages: [{ role: 'user', content: `hello ${m}` }] })
      .withResponse();
    assert.equal(data.type, 'message');
    assert.equal(data.role, 'assistant');
    assert.match(data.id, /^msg_/);
    assert.equal(data.content.length, 1);
    assert.equal(data.content[0].type, 'text');
    const reply = h.parseReply(data.content[0].text);
    assert.equal(reply.prompt, `hello ${m}`);
    assert.equal(reply.model, MODEL);
    assert.equal(reply.key, env.upstreamKey('anthropic'));
    assert.equal(data.stop_reason, 'end_turn');
    assert.ok(data.usage.input_tokens > 0, 'input_tokens');
    assert.ok(data.usage.output_tokens > 0, 'output_tokens');
    assert.ok(response.headers.get('request-id'), 'request-id header');
    const q = await env.mock.requestWith(m);
    assert.equal(q.method, 'POST');
    assert.equal(q.path.split('?')[0], '/v1/messages');
    assert.equal(q.json.model, MODEL);
  });

  test('provider-prefixed model anthropic/<model> reaches upstream as <model>', { ...OPTS, skip: h.NEEDS_GATEWAY }, async () => {
    const m = h.marker('prefixed');
    const msg = await client.messages.create({
      model: `anthropic/${MODEL}`, max_tokens: 64, messages: [{ role: 'user', content: m }],
    });
    assert.equal(h.parseReply(msg.content[0].text).model, MODEL);
    const q = await env.mock.requestWith(m);
    assert.equal(q.json.model, MODEL);
  });

  test('system as a string and as blocks with cache_control', OPTS, async () => {
    const m1 = h.marker('sys-str');
    await client.messages.create({
      model: MODEL, max_tokens: 64, system: 'You are terse.', messages: [{ role: 'user', content: m1 }],
    });
    assert.equal((await env.mock.requestWith(m1)).json.system, 'You are terse.');

    const m2 = h.marker('sys-blocks');
    const system = [
      { type: 'text', text: 'You are terse.' },
      { type: 'text', text: 'Answer in English.', cache_control: { type: 'ephemeral' } },
    ];
    const msg = await client.messages.create({ model: MODEL, max_tokens: 64, system, messages: [{ role: 'user', content: m2 }] });
    assert.equal(h.parseReply(msg.content[0].text).prompt, m2);
    assert.deepEqual((await env.mock.requestWith(m2)).json.system, system);
  });

  test('multi-turn: the last user turn is answered, history forwarded', OPTS, async () => {
    const m = h.marker('multi');
    const messages = [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: [{ type: 'text', text: 'second' }, { type: 'text', text: m }] },
    ];
    const msg = await client.messages.create({ model: MODEL, max_tokens: 64, messages });
    assert.equal(h.parseReply(msg.content[0].text).prompt, `second ${m}`);
    assert.deepEqual((await env.mock.requestWith(m)).json.messages, messages);
  });

  test('image (base64) content block', OPTS, async () => {
    const m = h.marker('image');
    const msg = await client.messages.create({
      model: MODEL, max_tokens: 64,
      messages: [{
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: h.PNG_1X1 } },
          { type: 'text', text: `describe ${m}` },
        ],
      }],
    });
    assert.equal(h.parseReply(msg.content[0].text).prompt, `describe ${m}`);
    const q = await env.mock.requestWith(m);
    assert.equal(q.json.messages[0].content[0].source.data, h.PNG_1X1);
  });

  test('tools: tool_use, then tool_result round trip', OPTS, async () => {
    const m = h.marker('tools');
    const first = await client.messages.create({
      model: MODEL, max_tokens: 256, tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: `weather in Paris? [[tool:get_weather]] ${m}` }],
    });
    assert.equal(first.stop_reason, 'tool_use');
    const call = first.content.find((b) => b.type === 'tool_use');
    assert.ok(call, 'a tool_use block');
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call.input, { location: 'mock' });
    assert.match(call.id, /^toolu_/);

    const second = await client.messages.create({
      model: MODEL, max_tokens: 256, tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: `weather in Paris? [[tool:get_weather]] ${m}` },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny, 21C' }] },
      ],
    });
    assert.equal(second.stop_reason, 'end_turn');
    assert.match(second.content.map((b) => b.text ?? '').join(''), /tool said: sunny, 21C/);
    const qs = await env.mock.requestsWith(m);
    assert.equal(qs.length, 2);
    assert.deepEqual(qs[0].json.tools, [WEATHER_TOOL]);
    assert.equal(qs[1].json.messages[2].content[0].tool_use_id, call.id);
  });

  test('thinking: a signed thinking block comes first', OPTS, async () => {
    const m = h.marker('think');
    const msg = await client.messages.create({
      model: MODEL, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: m }],
    });
    assert.equal(msg.content[0].type, 'thinking');
    assert.match(msg.content[0].thinking, new RegExp(`mock thinking about: .*${m}`));
    assert.match(msg.content[0].signature, /^mock-sig-/);
    assert.equal(msg.content[1].type, 'text');
    assert.deepEqual((await env.mock.requestWith(m)).json.thinking, { type: 'enabled', budget_tokens: 1024 });
  });

  test('streaming: messages.stream().finalMessage() has the non-stream shape (text, thinking, tool)', OPTS, async () => {
    for (const variant of ['text', 'thinking+tool']) {
      const m = h.marker('stream');
      const params = {
        model: MODEL, max_tokens: 2048,
        messages: [{ role: 'user', content: variant === 'text' ? `stream me ${m}` : `[[tool:get_weather]] ${m}` }],
        ...(variant === 'text' ? {} : { tools: [WEATHER_TOOL], thinking: { type: 'enabled', budget_tokens: 1024 } }),
      };
      const plain = await client.messages.create(params);
      const stream = client.messages.stream(params);
      let streamedText = '';
      stream.on('text', (t) => { streamedText += t; });
      const final = await stream.finalMessage();
      assert.deepEqual(shape(final), shape(plain), variant);
      assert.equal(streamedText, final.content.filter((b) => b.type === 'text').map((b) => b.text).join(''));
      assert.ok(final.usage.output_tokens > 0);
      assert.match(final.id, /^msg_/);
      assert.notEqual(final.id, plain.id, 'ids are unique');
    }
  });

  test('streaming: raw event order (message_start … message_stop, indices 0..n)', OPTS, async () => {
    const m = h.marker('raw');
    const { data: stream, response } = await client.messages.create({
      model: MODEL, max_tokens: 2048, stream: true, tools: [WEATHER_TOOL],
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: `[[tool:get_weather]] ${m}` }],
    }).withResponse();
    assert.match(response.headers.get('content-type'), /^text\/event-stream/);
    const events = [];
    for await (const e of stream) events.push(e);
    const { blockTypes } = checkEventOrder(events);
    assert.deepEqual(blockTypes, ['thinking', 'text', 'tool_use']);
    const sig = events.filter((e) => e.type === 'content_block_delta' && e.delta.type === 'signature_delta');
    assert.equal(sig.length, 1, 'one signature_delta');
    const json = events.filter((e) => e.type === 'content_block_delta' && e.delta.type === 'input_json_delta')
      .map((e) => e.delta.partial_json).join('');
    assert.deepEqual(JSON.parse(json), { location: 'mock' });
    assert.equal(events.find((e) => e.type === 'message_delta').delta.stop_reason, 'tool_use');
  });

  test('streaming: raw SSE bytes have event: lines matching data.type', OPTS, async () => {
    const m = h.marker('sse');
    const r = await fetch(`${env.anthropicBaseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': h.CALLER_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODEL, max_tokens: 64, stream: true, messages: [{ role: 'user', content: `a b c ${m}` }] }),
    });
    assert.equal(r.status, 200);
    const events = h.parseSSE(await r.text()).filter((e) => e.event !== 'ping');
    for (const e of events) assert.equal(e.event, e.data.type);
    checkEventOrder(events.map((e) => e.data));
  });

  test('count_tokens returns a positive count', OPTS, async () => {
    const r = await client.messages.countTokens({
      model: MODEL, messages: [{ role: 'user', content: 'count these tokens please' }], tools: [WEATHER_TOOL],
    });
    assert.equal(typeof r.input_tokens, 'number');
    assert.ok(r.input_tokens > 0);
  });

  test('models: list and retrieve', OPTS, async () => {
    const page = await client.models.list();
    assert.ok(Array.isArray(page.data) && page.data.length > 0, 'at least one model');
    for (const mdl of page.data) {
      assert.equal(mdl.type, 'model');
      assert.equal(typeof mdl.id, 'string');
    }
    const first = page.data[0];
    const one = await client.models.retrieve(first.id);
    assert.equal(one.id, first.id);
    assert.equal(one.type, 'model');
  });

  const ERRORS = [
    [400, 'BadRequestError', 'invalid_request_error'],
    [401, 'AuthenticationError', 'authentication_error'],
    [429, 'RateLimitError', 'rate_limit_error'],
    [500, 'InternalServerError', 'api_error'],
    [529, 'InternalServerError', 'overloaded_error'],
  ];
  for (const [status, cls, type] of ERRORS) {
    test(`error ${status} → ${cls} (${type})`, OPTS, async () => {
      const err = await apiError(() => client.messages.create({
        model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: `[[status:${status}]] ${h.marker('err')}` }],
      }));
      assert.equal(err.status, status);
      assert.ok(err instanceof Anthropic[cls], `${err.constructor.name} is not ${cls}`);
      if (status === 529 && Anthropic.OverloadedError) assert.ok(err instanceof Anthropic.OverloadedError);
      assert.equal(err.error?.type, 'error', 'body.type');
      assert.equal(err.error?.error?.type, type, 'body.error.type');
      assert.equal(typeof err.error?.error?.message, 'string');
      assert.ok(err.headers.get('request-id'), 'request-id header on errors');
      if (status === 429) assert.equal(err.headers.get('retry-after'), '2');
    });
  }

  test('error in a stream request before any event → typed error, not a 200 stream', OPTS, async () => {
    const err = await apiError(() => client.messages.stream({
      model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: `[[status:529]] ${h.marker('serr')}` }],
    }).finalMessage());
    assert.equal(err.status, 529);
  });

  test('in-stream error after events → SDK raises APIError (overloaded_error), no message_stop', OPTS, async () => {
    const { data: stream } = await client.messages.create({
      model: MODEL, max_tokens: 64, stream: true,
      messages: [{ role: 'user', content: `one two three four five [[error-mid-stream]] ${h.marker('mid')}` }],
    }).withResponse();
    const seen = [];
    const err = await apiError(async () => { for await (const e of stream) seen.push(e.type); });
    assert.equal(err.error?.error?.type ?? err.type, 'overloaded_error');
    assert.equal(seen[0], 'message_start');
    assert.ok(!seen.includes('message_stop'));
  });

  test('SDK retries 529 twice (three upstream attempts, none added by the gateway)', OPTS, async () => {
    const retrying = new Anthropic({ apiKey: h.CALLER_KEY, baseURL: env.anthropicBaseURL, maxRetries: 2, timeout: 30_000 });
    const m = h.marker('retry');
    const err = await apiError(() => retrying.messages.create({
      model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: `[[status:529]] [[retry-after:0]] ${m}` }],
    }));
    assert.equal(err.status, 529);
    const qs = await env.mock.requestsWith(m);
    assert.equal(qs.length, 3, 'one try + two retries, no extra retries by the gateway');
    // The gateway need not forward x-stainless-*; when it does, the SDK's counter must arrive as sent.
    const counts = qs.map((q) => q.headers['x-stainless-retry-count']);
    if (counts.some((c) => c !== undefined)) assert.deepEqual(counts, ['0', '1', '2']);
  });

  test('fast path: anthropic-version, anthropic-beta and unknown body fields arrive unchanged', OPTS, async () => {
    const m = h.marker('fast');
    const beta = 'interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14';
    const future = { nested: { a: [1, 2.5, 'x'], b: null }, flag: true };
    const msg = await client.messages.create(
      {
        model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: m }],
        metadata: { user_id: 'user_e2e_session_123' }, some_future_field: future,
      },
      { headers: { 'anthropic-version': '2023-06-01', 'anthropic-beta': beta } },
    );
    assert.equal(h.parseReply(msg.content[0].text).prompt, m);
    const q = await env.mock.requestWith(m);
    assert.equal(q.headers['anthropic-version'], '2023-06-01');
    assert.equal(q.headers['anthropic-beta'], beta);
    assert.deepEqual(q.json.some_future_field, future);
    assert.deepEqual(q.json.metadata, { user_id: 'user_e2e_session_123' });
    assert.deepEqual(Object.keys(q.json), ['model', 'max_tokens', 'messages', 'metadata', 'some_future_field']);
  });

  test('?beta=true and the x-api-key header (what Claude Code sends) are accepted', OPTS, async () => {
    const m = h.marker('beta');
    const r = await fetch(`${env.anthropicBaseURL}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': h.CALLER_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: m }] }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    const body = await r.json();
    assert.equal(h.parseReply(body.content[0].text).key, env.upstreamKey('anthropic'));
  });

  test('x-bf-eh-<name> headers are forwarded upstream as <name>', { ...OPTS, skip: h.NEEDS_GATEWAY }, async () => {
    const m = h.marker('eh');
    await client.messages.create(
      { model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: m }] },
      { headers: { 'x-bf-eh-x-tenant-id': 'acme-42' } },
    );
    const q = await env.mock.requestWith(m);
    assert.equal(q.headers['x-tenant-id'], 'acme-42');
    assert.equal(q.headers['x-bf-eh-x-tenant-id'], undefined);
  });

  test('direct keys off: the caller key never reaches the upstream', { ...OPTS, skip: h.NEEDS_GATEWAY }, async () => {
    const m = h.marker('nodirect');
    const msg = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: m }] });
    assert.equal(h.parseReply(msg.content[0].text).key, h.KEYS.anthropic);
    const q = await env.mock.requestWith(m);
    assert.ok(!JSON.stringify(q.headers).includes(h.CALLER_KEY), 'caller key leaked upstream');
  });
});

describe('Anthropic SDK → Heimdall with allow_direct_keys: true', { ...OPTS, skip: h.NEEDS_GATEWAY }, () => {
  let env;
  before(async () => { env = await h.setup({ allowDirectKeys: true }); });
  after(async () => { await env?.stop(); });

  test('the caller key (Authorization: Bearer) is used upstream', OPTS, async () => {
    const client = new Anthropic({ apiKey: 'sk-direct-bearer', baseURL: env.anthropicBaseURL, maxRetries: 0 });
    const m = h.marker('direct');
    const msg = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: m }] });
    assert.equal(h.parseReply(msg.content[0].text).key, 'sk-direct-bearer');
  });

  test('the caller key (x-api-key) is used upstream', OPTS, async () => {
    const m = h.marker('direct-x');
    const r = await fetch(`${env.anthropicBaseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-direct-xapikey', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: m }] }),
    });
    assert.equal(r.status, 200);
    assert.equal(h.parseReply((await r.json()).content[0].text).key, 'sk-direct-xapikey');
  });
});

describe(`Anthropic SDK → Heimdall → ${OPENAI_MODEL} (translated)`, { ...OPTS, skip: h.NEEDS_GATEWAY }, () => {
  let env;
  let client;
  before(async () => {
    env = await h.setup();
    client = new Anthropic({ apiKey: h.CALLER_KEY, baseURL: env.anthropicBaseURL, maxRetries: 0, timeout: 30_000 });
  });
  after(async () => { await env?.stop(); });

  test('text: Anthropic answer; the upstream got an OpenAI chat request', OPTS, async () => {
    const m = h.marker('xtext');
    const { data: msg, response } = await client.messages.create({
      model: OPENAI_MODEL, max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: `hi ${m}` }],
    }).withResponse();
    assert.equal(msg.type, 'message');
    assert.equal(msg.role, 'assistant');
    assert.equal(msg.content[0].type, 'text');
    const reply = h.parseReply(msg.content[0].text);
    assert.equal(reply.prompt, `hi ${m}`);
    assert.equal(reply.model, 'gpt-4o-mini');
    assert.equal(reply.key, h.KEYS.openai);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.ok(msg.usage.input_tokens > 0 && msg.usage.output_tokens > 0, 'usage');
    assert.ok(response.headers.get('request-id'));

    const q = await env.mock.requestWith(m);
    assert.equal(q.path, '/v1/chat/completions');
    assert.equal(q.headers.authorization, `Bearer ${h.KEYS.openai}`);
    assert.equal(q.headers['x-e2e-extra'], 'yes', 'network_config.extra_headers');
    assert.equal(q.json.model, 'gpt-4o-mini');
    assert.equal(q.json.messages[0].role, 'system');
    assert.equal(h.contentText(q.json.messages[0].content), 'Be brief.');
    assert.equal(q.json.messages.at(-1).role, 'user');
    assert.equal(h.contentText(q.json.messages.at(-1).content), `hi ${m}`);
    assert.equal(q.json.system, undefined);
  });

  test('tools: function tool upstream, tool_use back, tool_result round trip', OPTS, async () => {
    const m = h.marker('xtools');
    const first = await client.messages.create({
      model: OPENAI_MODEL, max_tokens: 256, tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: `[[tool:get_weather]] ${m}` }],
    });
    assert.equal(first.stop_reason, 'tool_use');
    const call = first.content.find((b) => b.type === 'tool_use');
    assert.ok(call, 'tool_use block');
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call.input, { location: 'mock' });
    assert.ok(call.id);

    const second = await client.messages.create({
      model: OPENAI_MODEL, max_tokens: 256, tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: `[[tool:get_weather]] ${m}` },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'rain, 12C' }] },
      ],
    });
    assert.equal(second.stop_reason, 'end_turn');
    assert.match(second.content.map((b) => b.text ?? '').join(''), /tool said: rain, 12C/);

    const qs = await env.mock.requestsWith(m);
    assert.equal(qs.length, 2);
    const tool = qs[0].json.tools[0];
    assert.equal(tool.type, 'function');
    assert.equal(tool.function.name, 'get_weather');
    assert.deepEqual(tool.function.parameters, WEATHER_TOOL.input_schema);
    const msgs = qs[1].json.messages;
    const asst = msgs.find((x) => x.role === 'assistant');
    assert.equal(asst.tool_calls[0].id, call.id);
    assert.equal(asst.tool_calls[0].function.name, 'get_weather');
    assert.deepEqual(JSON.parse(asst.tool_calls[0].function.arguments), { location: 'mock' });
    const toolMsg = msgs.find((x) => x.role === 'tool');
    assert.equal(toolMsg.tool_call_id, call.id);
    assert.equal(h.contentText(toolMsg.content), 'rain, 12C');
  });

  test('streaming text and tool call: valid Anthropic events; upstream asked for usage', OPTS, async () => {
    for (const prompt of ['stream words please', '[[tool:get_weather]]']) {
      const m = h.marker('xstream');
      const params = {
        model: OPENAI_MODEL, max_tokens: 256, tools: [WEATHER_TOOL],
        messages: [{ role: 'user', content: `${prompt} ${m}` }],
      };
      const plain = await client.messages.create(params);
      const { data: stream } = await client.messages.create({ ...params, stream: true }).withResponse();
      const events = [];
      for await (const e of stream) events.push(e);
      checkEventOrder(events);
      const final = await client.messages.stream(params).finalMessage();
      assert.deepEqual(shape(final), shape(plain), prompt);
      assert.ok(final.usage.output_tokens > 0, 'usage in message_delta');
      const streamed = (await env.mock.requestsWith(m)).filter((q) => q.json.stream === true);
      assert.equal(streamed.length, 2);
      assert.equal(streamed[0].path, '/v1/chat/completions');
      assert.equal(streamed[0].json.stream_options?.include_usage, true);
    }
  });

  test('usage: cached prompt tokens become cache_read_input_tokens (stream and JSON)', OPTS, async () => {
    // The mock counts ceil(body bytes / 4) prompt tokens (cached ones included, as OpenAI does).
    const upstreamPrompt = async (m) => Math.ceil(Buffer.byteLength((await env.mock.requestWith(m)).body) / 4);
    const m1 = h.marker('xcache');
    const msg = await client.messages.create({ model: OPENAI_MODEL, max_tokens: 64, messages: [{ role: 'user', content: `[[cached:8]] ${m1}` }] });
    assert.equal(msg.usage.cache_read_input_tokens, 8);
    assert.equal(msg.usage.input_tokens, (await upstreamPrompt(m1)) - 8, 'input_tokens excludes the cached part');
    const m2 = h.marker('xcache');
    const final = await client.messages.stream({ model: OPENAI_MODEL, max_tokens: 64, messages: [{ role: 'user', content: `[[cached:8]] ${m2}` }] }).finalMessage();
    assert.equal(final.usage.cache_read_input_tokens, 8);
    assert.equal(final.usage.input_tokens, (await upstreamPrompt(m2)) - 8, 'stream: input_tokens excludes the cached part');
  });

  test('max_tokens cut → stop_reason max_tokens; stop sequence → stop_sequence', OPTS, async () => {
    const cut = await client.messages.create({
      model: OPENAI_MODEL, max_tokens: 3, messages: [{ role: 'user', content: `a b c d e f ${h.marker('xcut')}` }],
    });
    assert.equal(cut.stop_reason, 'max_tokens');
    const m = h.marker('xstop');
    const stopped = await client.messages.create({
      model: OPENAI_MODEL, max_tokens: 200, stop_sequences: ['STOPHERE'],
      messages: [{ role: 'user', content: `alpha STOPHERE beta ${m}` }],
    });
    assert.ok(['stop_sequence', 'end_turn'].includes(stopped.stop_reason), stopped.stop_reason);
    assert.ok(!stopped.content[0].text.includes('STOPHERE'));
    assert.deepEqual((await env.mock.requestWith(m)).json.stop, ['STOPHERE']);
  });

  test('upstream 429 → Anthropic RateLimitError with retry-after kept', OPTS, async () => {
    const err = await apiError(() => client.messages.create({
      model: OPENAI_MODEL, max_tokens: 64, messages: [{ role: 'user', content: `[[status:429]] ${h.marker('x429')}` }],
    }));
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.equal(err.error?.type, 'error');
    assert.equal(err.error?.error?.type, 'rate_limit_error');
    assert.equal(err.headers.get('retry-after'), '2');
  });

  test('upstream 400/401/500 → Anthropic-typed errors', OPTS, async () => {
    for (const [status, cls, type] of [[400, 'BadRequestError', 'invalid_request_error'],
      [401, 'AuthenticationError', 'authentication_error'], [500, 'InternalServerError', 'api_error']]) {
      const err = await apiError(() => client.messages.create({
        model: OPENAI_MODEL, max_tokens: 64, messages: [{ role: 'user', content: `[[status:${status}]] ${h.marker('xerr')}` }],
      }));
      assert.equal(err.status, status);
      assert.ok(err instanceof Anthropic[cls], `${status}: ${err.constructor.name}`);
      assert.equal(err.error?.error?.type, type);
    }
  });
});

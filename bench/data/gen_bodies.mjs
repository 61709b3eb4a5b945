// Generates the benchmark request bodies (run once; the outputs are committed):
//   node bench/data/gen_bodies.mjs
// anthropic_2k.json         Anthropic Messages request, model claude-… (fast path)
// anthropic_2k_to_openai.json  same request, model openai/gpt-4o-mini (Anthropic -> OpenAI translation)
// openai_2k.json            the OpenAI Chat Completions equivalent, model gpt-4o-mini (fast path)
// openai_2k_to_anthropic.json  same, model anthropic/claude-sonnet-4-5 (OpenAI -> Anthropic translation)
// A realistic agent turn: system prompt, two tools, multi-turn history with a tool call and its result,
// unicode and escapes; no mock trigger markers ([[...]]), not streaming.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const system =
  'You are a careful senior software engineer helping with a C++20 code base. Answer concisely, ' +
  'cite file paths, and prefer small, reviewable changes. When you need to look at the repository, ' +
  'use the tools provided; never guess file contents. Respond in the user\'s language (English, ' +
  'Français or Deutsch — müssen wir sehen).';

const tools = [
  {
    name: 'read_file',
    description: 'Read a text file from the repository and return its contents with line numbers.',
    input_schema: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Path relative to the repository root' },
        offset: { type: 'integer', description: 'First line to return (1-based)' },
        limit: { type: 'integer', description: 'Maximum number of lines' },
      },
      required: ['path'],
    },
  },
  {
    name: 'run_command',
    description: 'Run a shell command in the repository and return stdout, stderr and the exit code.',
    input_schema: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The command line, e.g. "ninja -C build"' },
        timeout_s: { type: 'number', description: 'Timeout in seconds' },
      },
      required: ['command'],
    },
  },
];

const fileText =
  '1\t#include "http/server.hpp"\n2\t\n3\tnamespace heimdall::http {\n4\t// Accepts on one socket per worker (SO_REUSEPORT).\n' +
  '5\tvoid Server::start() {\n6\t  for (unsigned i = 0; i < workers_; ++i) spawn_acceptor(i);\n7\t}\n8\t}  // namespace heimdall::http\n';

const turns = [
  { user: 'The server drops keep-alive connections after the first request under load. Where is the accept loop?' },
  {
    assistant: 'Let me look at the server entry point first.',
    tool: { id: 'toolu_01A09q90qw90lq917835lq9', name: 'read_file', input: { path: 'src/http/server.cpp', limit: 40 } },
    result: fileText,
  },
  { assistant: 'The acceptor is spawned per worker in `Server::start()`; the keep-alive loop must be in the session coroutine.' },
  { user: 'OK. Please check the session loop and tell me whether "Connection: close" is honoured — and keep it short (≤ 5 lines).' },
];

// ---- Anthropic ----
const aMessages = [];
for (const t of turns) {
  if (t.user) aMessages.push({ role: 'user', content: t.user });
  if (t.assistant && t.tool) {
    aMessages.push({
      role: 'assistant',
      content: [
        { type: 'text', text: t.assistant },
        { type: 'tool_use', id: t.tool.id, name: t.tool.name, input: t.tool.input },
      ],
    });
    aMessages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: t.tool.id, content: t.result }] });
  } else if (t.assistant) {
    aMessages.push({ role: 'assistant', content: t.assistant });
  }
}
const anthropic = (model) => ({
  model,
  max_tokens: 1024,
  system,
  tools,
  messages: aMessages,
  temperature: 0.7,
  metadata: { user_id: 'bench-user-0001' },
});

// ---- OpenAI ----
const oMessages = [{ role: 'system', content: system }];
for (const t of turns) {
  if (t.user) oMessages.push({ role: 'user', content: t.user });
  if (t.assistant && t.tool) {
    oMessages.push({
      role: 'assistant',
      content: t.assistant,
      tool_calls: [
        {
          id: 'call_' + t.tool.id.slice(6),
          type: 'function',
          function: { name: t.tool.name, arguments: JSON.stringify(t.tool.input) },
        },
      ],
    });
    oMessages.push({ role: 'tool', tool_call_id: 'call_' + t.tool.id.slice(6), content: t.result });
  } else if (t.assistant) {
    oMessages.push({ role: 'assistant', content: t.assistant });
  }
}
const openai = (model) => ({
  model,
  max_tokens: 1024,
  messages: oMessages,
  tools: tools.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: t.input_schema },
  })),
  temperature: 0.7,
  user: 'bench-user-0001',
});

const out = {
  'anthropic_2k.json': anthropic('claude-sonnet-4-5'),
  'anthropic_2k_to_openai.json': anthropic('openai/gpt-4o-mini'),
  'openai_2k.json': openai('gpt-4o-mini'),
  'openai_2k_to_anthropic.json': openai('anthropic/claude-sonnet-4-5'),
};
for (const [name, body] of Object.entries(out)) {
  const text = JSON.stringify(body);
  writeFileSync(join(here, name), text);
  console.log(`${name}\t${Buffer.byteLength(text)} B`);
}

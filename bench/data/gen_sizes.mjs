// Request bodies of a given size for scenario 5 (body size), written at run time by bench/run.sh:
//   node bench/data/gen_sizes.mjs OUT_DIR
// OUT_DIR/anthropic_{1k,50k,1m}.json: an Anthropic Messages request (model claude-sonnet-4-5, fast path)
// whose history is a long agent conversation (user/assistant turns) padded to about 1 KB, 50 KB and 1 MB.
// OUT_DIR/anthropic_{1k,50k,1m}_to_openai.json: the same with model openai/gpt-4o-mini (translated A→O).
// OUT_DIR/openai_{1k,50k,1m}_to_anthropic.json: the same conversation as an OpenAI Chat Completions request
// (system prompt as the first message) with model anthropic/claude-sonnet-4-5 (translated O→A).
// No trigger markers; deterministic (no randomness), so every run sends the same bytes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
if (!out) { console.error('usage: gen_sizes.mjs OUT_DIR'); process.exit(2); }

const sizes = { '1k': 1024, '50k': 50 * 1024, '1m': 1024 * 1024 };
const line = (i) =>
  `Turn ${i}: the build of src/engine/router.cpp failed at line ${100 + (i % 900)} — ` +
  `"expected ';' before '}' token"; please look at the change and suggest a fix (ü, ß, 日本). `;

function body(model, target, dialect = 'anthropic') {
  const system = 'You are a careful coding agent.';
  const messages = dialect === 'openai' ? [{ role: 'system', content: system }] : [];
  let i = 0;
  const req = dialect === 'openai' ? { model, max_tokens: 1024, messages }
                                   : { model, max_tokens: 1024, system, messages };
  let size = Buffer.byteLength(JSON.stringify(req));
  for (;;) {
    const role = i % 2 === 0 ? 'user' : 'assistant';
    const m = { role, content: line(i) };
    messages.push(m);
    size += Buffer.byteLength(JSON.stringify(m)) + 1;
    i++;
    if (size >= target && role === 'assistant') break;
  }
  messages.push({ role: 'user', content: 'Summarise what we did.' });
  return JSON.stringify(req);
}

for (const [name, bytes] of Object.entries(sizes)) {
  writeFileSync(join(out, `anthropic_${name}.json`), body('claude-sonnet-4-5', bytes - 120));
  writeFileSync(join(out, `anthropic_${name}_to_openai.json`), body('openai/gpt-4o-mini', bytes - 120));
  writeFileSync(join(out, `openai_${name}_to_anthropic.json`),
                body('anthropic/claude-sonnet-4-5', bytes - 120, 'openai'));
}

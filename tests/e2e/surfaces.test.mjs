// One conversation, six wire formats: a message written through each
// surface (/api, OpenAI's Assistants /v1/threads, OpenAI's Conversations,
// Knowledge Stack /ks, DualMind's /arena, the agent platform /v1/orgs) is
// read back through every other, in the same order, with the same text.
// The thread lives in an agent-platform namespace, the only surface that
// needs one; the others ignore it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from './lib.mjs';
import { caller, htest, json } from './messages_lib.mjs';

const owner = caller('surfaces');
const org = `org-${randomUUID().slice(0, 8)}`;
const agentBase = `/v1/orgs/${org}/workspaces/ws1/namespaces/ns1`;

async function ok(res, what, statuses = [200, 201]) {
  assert.ok(statuses.includes(res.status), `${what}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.json;
}

// The texts each surface shows, oldest first.
const readers = {
  api: async (tid) => (await ok(await request('GET', `/api/threads/${tid}/messages?order=asc&limit=200`, { headers: owner.headers }), 'api'))
    .data.map((m) => m.content.text),
  v1: async (tid) => (await ok(await request('GET', `/v1/threads/${tid}/messages?order=asc&limit=100`, { headers: owner.headers }), 'v1'))
    .data.map((m) => m.content.map((p) => p.text.value).join('\n')),
  conversations: async (tid) => (await ok(await request('GET', `/v1/conversations/${tid}/items?order=asc&limit=100`, { headers: owner.headers }), 'conv'))
    .data.map((i) => i.content.filter((p) => p.type.endsWith('_text')).map((p) => p.text).join('\n')),
  ks: async (tid) => (await ok(await request('GET', `/ks/v1/threads/${tid}/messages?limit=100&sort_dir=ASC`, { headers: owner.headers }), 'ks'))
    .items.map((m) => m.content.text),
  arena: async (tid) => (await ok(await request('GET', `/arena/api/threads/${tid}/messages`, { headers: owner.headers }), 'arena'))
    .items.flatMap((t) => [t.prompt_text, t.model1_response, t.model2_response].filter((x) => x !== null)),
  agent: async (tid) => (await ok(await request('GET', `${agentBase}/threads/${tid}/messages?limit=200`, { headers: owner.headers }), 'agent'))
    .messages.map((m) => m.content),
};

htest('a message written through each of the six surfaces reads back through every one', async () => {
  const t = await ok(await request('POST', '/api/threads', json(owner.headers, { namespace: `${org}/ws1/ns1` })), 'thread');
  const tid = t.id;
  const post = async (path, body, what) => ok(await request('POST', path, json(owner.headers, body)), what);
  await post(`/api/threads/${tid}/messages`, { role: 'user', content: 'from api' }, 'api');
  await post(`/api/threads/${tid}/messages`, { role: 'assistant', content: 'api answer' }, 'api');
  await post(`/v1/threads/${tid}/messages`, { role: 'user', content: 'from v1' }, 'v1');
  await post(`/v1/threads/${tid}/messages`, { role: 'assistant', content: 'v1 answer' }, 'v1');
  await post(`/v1/conversations/${tid}/items`, { items: [{ role: 'user', content: 'from conversations' },
    { role: 'assistant', content: 'conversations answer' }] }, 'conversations');
  await post(`/ks/v1/threads/${tid}/messages`, { role: 'USER', content: { text: 'from ks' } }, 'ks');
  await post(`/ks/v1/threads/${tid}/messages`, { role: 'ASSISTANT', content: { text: 'ks answer' } }, 'ks');
  await post(`/arena/api/threads/${tid}/messages`, { prompt_text: 'from arena', model1_id: 'm1', model1_response: 'arena answer',
    model1_time_ms: 5 }, 'arena');
  await post(`${agentBase}/threads/${tid}/messages`, { role: 'user', content: 'from agent' }, 'agent');
  await post(`${agentBase}/threads/${tid}/messages`, { role: 'assistant', content: 'agent answer' }, 'agent');
  const want = ['from api', 'api answer', 'from v1', 'v1 answer', 'from conversations', 'conversations answer',
    'from ks', 'ks answer', 'from arena', 'arena answer', 'from agent', 'agent answer'];
  for (const [name, read] of Object.entries(readers)) {
    assert.deepEqual(await read(tid), want, `read through ${name}`);
  }
});

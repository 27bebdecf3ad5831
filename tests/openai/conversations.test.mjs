// threadstore's /v1/conversations driven by the official openai npm package
// (pinned in package.json), as an application that keeps its Responses
// history in OpenAI's item shapes would use it: baseURL = the mount point +
// /v1, a threadstore token as the API key. Every route, every item type
// round-tripping, auto-pagination in both orders over a few hundred items,
// include[], metadata updates, deletes, the typed errors, and another
// user's conversation refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import OpenAI, {
  AuthenticationError, BadRequestError, ConflictError, NotFoundError, PermissionDeniedError, UnprocessableEntityError,
} from 'openai';

import { ConversationCursorPage } from 'openai/pagination';

import { BASE, needsHarness, request, signToken } from '../e2e/lib.mjs';

const tag = Math.random().toString(36).slice(2, 10);
const tokenOf = (sub) => signToken({ sub });
// maxRetries is the SDK's default (2): a 409 or 422 must not be retried
// (x-should-retry: false), which the request counts below prove.
const clientOf = (apiKey, opts = {}) => new OpenAI({ baseURL: `${BASE}/v1`, apiKey, timeout: 60000, ...opts });

const aliceSub = `conv-alice-${tag}`;
const alice = needsHarness ? null : clientOf(tokenOf(aliceSub));
const bob = needsHarness ? null : clientOf(tokenOf(`conv-bob-${tag}`));
const htest = (name, fn) => test(name, { skip: needsHarness }, fn);

async function rejectsWith(fn, Class, status, code, param = null) {
  await assert.rejects(fn, (err) => {
    assert.ok(err instanceof Class, `expected ${Class.name}, got ${err?.constructor?.name}: ${err?.message}`);
    assert.equal(err.status, status);
    assert.equal(err.code, code);
    assert.equal(err.param, param);
    assert.ok(typeof err.type === 'string' && err.type.endsWith('_error'), `type ${err.type}`);
    assert.ok(typeof err.requestID === 'string' && err.requestID.length > 0, 'requestID from X-Request-Id');
    return true;
  });
}

// One of every kind of item, as a client would send it, and as it must
// come back (with an id and a status).
const ITEMS = [
  { type: 'message', role: 'user', content: 'plain string' },
  { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'part one' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }] },
  { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'answer' }, { type: 'refusal', refusal: 'no' }] },
  { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'cited', annotations: [{ type: 'url_citation', url: 'https://example.com', start_index: 0, end_index: 5, title: 'Ex' }], logprobs: [] }] },
  { role: 'system', content: 'be brief' },
  { role: 'developer', content: 'tools first' },
  { type: 'function_call', call_id: 'call_abc', name: 'get_weather', arguments: '{"city":"Oslo"}' },
  { type: 'function_call_output', call_id: 'call_abc', output: '{"temp":3}' },
  { type: 'function_call_output', call_id: 'call_def', output: [{ type: 'input_text', text: 'as parts' }] },
  { type: 'reasoning', id: `rs_${'a'.repeat(48)}`, summary: [{ type: 'summary_text', text: 'thought' }], encrypted_content: 'gAAAA-secret' },
  { type: 'web_search_call', id: `ws_${'b'.repeat(48)}`, status: 'completed', action: { type: 'search', query: 'oslo weather' } },
  { type: 'file_search_call', id: `fs_${'c'.repeat(48)}`, status: 'completed', queries: ['q'], results: null },
  { type: 'mcp_call', id: `mcp_${'d'.repeat(48)}`, server_label: 'srv', name: 'tool', arguments: '{}', output: 'ok' },
  { type: 'custom_tool_call', call_id: 'call_x', name: 'grammar', input: 'abc' },
];

// What OpenAI returns for an item sent as `sent` (its id aside).
function expected(sent) {
  const e = structuredClone(sent);
  e.type ??= 'message';
  e.status ??= 'completed';
  if (e.type === 'message' && typeof e.content === 'string') {
    e.content = [{ type: e.role === 'assistant' ? 'output_text' : 'input_text', text: e.content }];
  }
  if (e.type === 'message') {
    for (const p of e.content) if (p.type === 'output_text') { p.annotations ??= []; p.logprobs ??= []; }
  }
  return e;
}

const withoutId = ({ id, ...rest }) => rest;

describe('openai SDK: conversations', () => {
  htest('create with items and metadata, retrieve, update, delete', async () => {
    const c = await alice.conversations.create({ items: ITEMS.slice(0, 2), metadata: { app: 'sdk' } });
    assert.match(c.id, /^conv_[0-9a-f]{32}$/);
    assert.equal(c.object, 'conversation');
    assert.deepEqual(c.metadata, { app: 'sdk' });
    assert.ok(Number.isInteger(c.created_at) && Math.abs(c.created_at - Date.now() / 1000) < 600);
    assert.deepEqual(await alice.conversations.retrieve(c.id), c);
    const upd = await alice.conversations.update(c.id, { metadata: { v: '2' } });
    assert.deepEqual(upd.metadata, { v: '2' }, 'metadata is replaced, not merged');
    assert.deepEqual((await alice.conversations.update(c.id, { metadata: null })).metadata, {});
    // The same conversation is an /api thread (bare UUID) with two messages.
    const uuid = c.id.slice(5).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const api = await request('GET', `/api/threads/${uuid}`, { headers: { authorization: `Bearer ${tokenOf(aliceSub)}` } });
    assert.equal(api.status, 200);
    assert.equal(api.json.message_count, 2);
    assert.equal((await alice.conversations.retrieve(uuid)).id, c.id, 'the bare UUID names it too');
    const del = await alice.conversations.delete(c.id);
    assert.deepEqual(del, { id: c.id, object: 'conversation.deleted', deleted: true });
    await rejectsWith(() => alice.conversations.retrieve(c.id), NotFoundError, 404, 'not_found');
  });

  htest('create(null) sends no body and makes an empty conversation', async () => {
    const c = await alice.conversations.create(null);
    assert.deepEqual(c.metadata, {});
    const page = await alice.conversations.items.list(c.id);
    assert.deepEqual(page.data, []);
    assert.equal(page.has_more, false);
  });
});

describe('openai SDK: the conversations list (an extension, as Azure has it)', () => {
  htest('getAPIList pages the caller\'s own conversations, newest first', async () => {
    const me = clientOf(tokenOf(`conv-lister-${tag}`));
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await me.conversations.create()).id);
    const seen = [];
    for await (const c of me.getAPIList('/conversations', ConversationCursorPage, { query: { limit: 2 } })) seen.push(c.id);
    assert.deepEqual(seen, [...made].reverse());
  });
});

describe('openai SDK: conversations.items', () => {
  htest('every item type round-trips exactly, in order, with ids and statuses', async () => {
    const c = await alice.conversations.create();
    const added = await alice.conversations.items.create(c.id, { items: ITEMS.slice(0, 7) });
    const added2 = await alice.conversations.items.create(c.id, { items: ITEMS.slice(7) });
    assert.equal(added.object, 'list');
    assert.equal(added.has_more, false);
    const all = [...added.data, ...added2.data];
    assert.equal(all.length, ITEMS.length);
    assert.equal(added.first_id, added.data[0].id);
    assert.equal(added.last_id, added.data[6].id);
    for (const [i, item] of all.entries()) {
      const want = expected(ITEMS[i]);
      if (want.type === 'reasoning') delete want.encrypted_content; // only with include
      assert.deepEqual(withoutId(item), withoutId(want), `item ${i} (${want.type})`);
      if (ITEMS[i].id) assert.equal(item.id, ITEMS[i].id, 'a client id is kept');
      else assert.match(item.id, /^[a-z]+_[0-9a-f]{32}$/);
    }
    assert.match(all[0].id, /^msg_/);
    assert.match(all[6].id, /^fc_/);
    // Listed in order, and each retrievable by its id.
    const asc = [];
    for await (const item of alice.conversations.items.list(c.id, { order: 'asc' })) asc.push(item);
    assert.deepEqual(asc, all);
    for (const item of all) {
      assert.deepEqual(await alice.conversations.items.retrieve(item.id, { conversation_id: c.id }), item);
    }
    // include[] gives the reasoning's encrypted_content back, and nothing else changes.
    const rs = all.findIndex((x) => x.type === 'reasoning');
    const withSecret = await alice.conversations.items.retrieve(all[rs].id,
      { conversation_id: c.id, include: ['reasoning.encrypted_content', 'message.output_text.logprobs'] });
    assert.equal(withSecret.encrypted_content, 'gAAAA-secret');
    const listed = await alice.conversations.items.list(c.id, { order: 'asc', include: ['reasoning.encrypted_content'] });
    assert.equal(listed.data[rs].encrypted_content, 'gAAAA-secret');
    await rejectsWith(() => alice.conversations.items.list(c.id, { include: ['no.such.field'] }),
      UnprocessableEntityError, 422, 'validation_error', 'include');
  });

  htest('/api and /v1/threads see the items as messages', async () => {
    const c = await alice.conversations.create({ items: ITEMS.slice(4, 9) });
    const uuid = c.id.slice(5).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const res = await request('GET', `/api/threads/${uuid}/messages?order=asc`, { headers: { authorization: `Bearer ${tokenOf(aliceSub)}` } });
    assert.equal(res.status, 200);
    const shown = res.json.data.map((m) => [m.role, m.content.text, m.tool_call_id, m.tool_calls]);
    assert.deepEqual(shown, [
      ['system', 'be brief', null, null],
      ['system', 'tools first', null, null],
      ['assistant', '', null, [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }]],
      ['tool', '{"temp":3}', 'call_abc', null],
      ['tool', 'as parts', 'call_def', null],
    ]);
    const v1 = await alice.beta.threads.messages.list(uuid, { order: 'asc' });
    assert.equal(v1.data.length, 5);
  });

  htest('a message written through /api is an item; changing its text there shows the new text', async () => {
    const c = await alice.conversations.create({ items: [{ role: 'user', content: 'first' }] });
    const uuid = c.id.slice(5).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const h = { authorization: `Bearer ${tokenOf(aliceSub)}`, 'content-type': 'application/json' };
    const made = await request('POST', `/api/threads/${uuid}/messages`, { headers: h, body: JSON.stringify({ role: 'assistant', content: 'from api' }) });
    assert.equal(made.status, 201);
    const page = await alice.conversations.items.list(c.id, { order: 'asc' });
    assert.deepEqual(withoutId(page.data[1]), {
      type: 'message', status: 'completed', role: 'assistant',
      content: [{ type: 'output_text', text: 'from api', annotations: [], logprobs: [] }],
    });
    assert.equal(page.data[1].id, `msg_${made.json.id.replaceAll('-', '')}`);
    const first = page.data[0];
    const mid = first.id.slice(4).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const patched = await request('PATCH', `/api/threads/${uuid}/messages/${mid}`, { headers: h, body: JSON.stringify({ content: 'edited' }) });
    assert.equal(patched.status, 200);
    const after = await alice.conversations.items.retrieve(first.id, { conversation_id: c.id });
    assert.deepEqual(after.content, [{ type: 'input_text', text: 'edited' }]);
  });

  htest('for await walks 300 items 7 at a time, each once, in both orders', async () => {
    const c = await alice.conversations.create();
    const ids = [];
    for (let i = 0; i < 300; i += 20) {
      const items = Array.from({ length: 20 }, (_, j) => ({ role: 'user', content: `m${i + j + 1}` }));
      ids.push(...(await alice.conversations.items.create(c.id, { items })).data.map((x) => x.id));
    }
    for (const order of ['asc', 'desc']) {
      const seen = [];
      let pages = 0;
      const first = await alice.conversations.items.list(c.id, { limit: 7, order });
      for await (const page of first.iterPages()) {
        pages++;
        assert.ok(page.data.length <= 7);
        seen.push(...page.data.map((x) => x.id));
      }
      assert.equal(pages, Math.ceil(300 / 7), `${order}: pages`);
      assert.deepEqual(seen, order === 'asc' ? ids : [...ids].reverse(), `${order}: every item once, in order`);
    }
    const dflt = await alice.conversations.items.list(c.id);
    assert.equal(dflt.data.length, 20, 'limit 20 by default');
    assert.equal(dflt.data[0].content[0].text, 'm300', 'newest first by default');
  });

  htest('delete an item answers the conversation', async () => {
    const c = await alice.conversations.create({ items: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] });
    const page = await alice.conversations.items.list(c.id, { order: 'asc' });
    const conv = await alice.conversations.items.delete(page.data[0].id, { conversation_id: c.id });
    assert.deepEqual(conv, await alice.conversations.retrieve(c.id));
    await rejectsWith(() => alice.conversations.items.retrieve(page.data[0].id, { conversation_id: c.id }), NotFoundError, 404, 'not_found');
    assert.deepEqual((await alice.conversations.items.list(c.id)).data.map((x) => x.id), [page.data[1].id]);
  });
});

describe('openai SDK: conversations errors', () => {
  htest('typed errors, and another user\'s conversation refused', async () => {
    const c = await alice.conversations.create({ items: [{ role: 'user', content: 'secret' }] });
    const item = (await alice.conversations.items.list(c.id)).data[0];
    await rejectsWith(() => bob.conversations.retrieve(c.id), PermissionDeniedError, 403, 'forbidden');
    await rejectsWith(() => bob.conversations.items.list(c.id), PermissionDeniedError, 403, 'forbidden');
    await rejectsWith(() => bob.conversations.items.retrieve(item.id, { conversation_id: c.id }), PermissionDeniedError, 403, 'forbidden');
    await rejectsWith(() => bob.conversations.items.create(c.id, { items: [{ role: 'user', content: 'x' }] }), PermissionDeniedError, 403, 'forbidden');
    await rejectsWith(() => bob.conversations.update(c.id, { metadata: { a: 'b' } }), PermissionDeniedError, 403, 'forbidden');
    await rejectsWith(() => bob.conversations.delete(c.id), PermissionDeniedError, 403, 'forbidden');
    await rejectsWith(() => bob.conversations.items.delete(item.id, { conversation_id: c.id }), PermissionDeniedError, 403, 'forbidden');
    await rejectsWith(() => clientOf('not-a-token').conversations.retrieve(c.id), AuthenticationError, 401, 'invalid_token');
    await rejectsWith(() => alice.conversations.retrieve('conv_123'), BadRequestError, 400, 'invalid_id');
    await rejectsWith(() => alice.conversations.retrieve(`conv_${'0'.repeat(32)}`), NotFoundError, 404, 'not_found');
    await rejectsWith(() => alice.conversations.items.retrieve('msg_nope', { conversation_id: c.id }), NotFoundError, 404, 'not_found');
    await rejectsWith(() => alice.conversations.items.create(c.id, { items: [] }), UnprocessableEntityError, 422, 'validation_error', 'items');
    const many = Array.from({ length: 21 }, () => ({ role: 'user', content: 'x' }));
    await rejectsWith(() => alice.conversations.create({ items: many }), UnprocessableEntityError, 422, 'validation_error', 'items');
    await rejectsWith(() => alice.conversations.items.create(c.id, { items: [{ role: 'tool', content: 'x' }] }),
      UnprocessableEntityError, 422, 'validation_error', 'items[0].role');
    await rejectsWith(() => alice.conversations.items.create(c.id, { items: [{ type: 'function_call', name: 'f', arguments: '{}' }] }),
      UnprocessableEntityError, 422, 'validation_error', 'items[0].call_id');
    const meta = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    await rejectsWith(() => alice.conversations.update(c.id, { metadata: meta }), UnprocessableEntityError, 422, 'validation_error', 'metadata');
    await rejectsWith(() => alice.conversations.items.list(c.id, { limit: 101 }), UnprocessableEntityError, 422, 'validation_error', 'limit');
  });

  htest('a 409 is not retried: x-should-retry: false', async () => {
    let calls = 0;
    const counting = clientOf(tokenOf(aliceSub), {
      fetch: (url, init) => { calls++; return fetch(url, init); },
    });
    const a = await counting.conversations.create({ items: [{ role: 'user', content: 'one' }] });
    const taken = (await counting.conversations.items.list(a.id)).data[0].id;
    const b = await counting.conversations.create();
    calls = 0;
    // An id of ours that names a message of another conversation.
    await rejectsWith(() => counting.conversations.items.create(b.id, { items: [{ id: taken, role: 'user', content: 'two' }] }),
      ConflictError, 409, 'conflict');
    assert.equal(calls, 1, 'the SDK did not retry the 409');
    calls = 0;
    await rejectsWith(() => counting.conversations.items.create(b.id, { items: [{ role: 'nobody', content: 'x' }] }),
      UnprocessableEntityError, 422, 'validation_error', 'items[0].role');
    assert.equal(calls, 1);
  });
});

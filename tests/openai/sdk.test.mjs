// threadstore's /v1 surface driven by the official openai npm package
// (pinned in package.json), as an application migrating from OpenAI's
// Assistants API would use it: baseURL = the mount point + /v1, a threadstore
// token as the API key. Every route, auto-pagination in both orders,
// metadata updates, deletes, and the SDK's typed errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import OpenAI, {
  AuthenticationError, BadRequestError, NotFoundError, PermissionDeniedError, UnprocessableEntityError,
} from 'openai';

import { BASE, needsHarness, request, signToken } from '../e2e/lib.mjs';

const NIL = '00000000-0000-0000-0000-000000000000';
const tag = Math.random().toString(36).slice(2, 10);
const tokenOf = (sub) => signToken({ sub });
// No retries: a failure must show as it happened, not after backoffs.
const clientOf = (apiKey) => new OpenAI({ baseURL: `${BASE}/v1`, apiKey, maxRetries: 0, timeout: 60000 });

const aliceSub = `sdk-alice-${tag}`;
const alice = needsHarness ? null : clientOf(tokenOf(aliceSub));
const bob = needsHarness ? null : clientOf(tokenOf(`sdk-bob-${tag}`));
const htest = (name, fn) => test(name, { skip: needsHarness }, fn);

// Asserts that fn rejects with the SDK's error class and OpenAI's fields.
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

// n messages "m1".."mn" through /api's batch (100 a request); their ids in order.
async function seed(tid, n) {
  const ids = [];
  for (let i = 0; i < n; i += 100) {
    const messages = [];
    for (let j = i; j < Math.min(n, i + 100); j++) messages.push({ role: j % 2 ? 'assistant' : 'user', content: `m${j + 1}` });
    const res = await request('POST', `/api/threads/${tid}/messages/batch`, {
      headers: { authorization: `Bearer ${tokenOf(aliceSub)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages }),
    });
    assert.equal(res.status, 201, res.text.slice(0, 200));
    ids.push(...res.json.data.map((m) => m.id));
  }
  return ids;
}

const textOf = (m) => (m.content[0].type === 'text' ? m.content[0].text.value : null);

describe('openai SDK: beta.threads', () => {
  htest('create with messages and metadata, retrieve, update, delete', async () => {
    const t = await alice.beta.threads.create({
      messages: [{ role: 'user', content: 'hello' }, { role: 'assistant', content: [{ type: 'text', text: 'hi' }] }],
      metadata: { app: 'sdk' },
    });
    assert.equal(t.object, 'thread');
    assert.deepEqual(t.metadata, { app: 'sdk' });
    assert.ok(Number.isInteger(t.created_at));
    const got = await alice.beta.threads.retrieve(t.id);
    assert.deepEqual(got, t);
    const upd = await alice.beta.threads.update(t.id, { metadata: { app: 'sdk2', v: '2' } });
    assert.deepEqual(upd.metadata, { app: 'sdk2', v: '2' });
    const api = await request('GET', `/api/threads/${t.id}`, { headers: { authorization: `Bearer ${tokenOf(aliceSub)}` } });
    assert.equal(api.json.owner_id, aliceSub);
    assert.equal(api.json.message_count, 2);
    const del = await alice.beta.threads.delete(t.id);
    assert.deepEqual(del, { id: t.id, object: 'thread.deleted', deleted: true });
    await rejectsWith(() => alice.beta.threads.retrieve(t.id), NotFoundError, 404, 'not_found');
  });
});

describe('openai SDK: beta.threads.messages', () => {
  htest('create, retrieve, update metadata, delete', async () => {
    const t = await alice.beta.threads.create();
    const m = await alice.beta.threads.messages.create(t.id, { role: 'user', content: 'question', metadata: { a: '1' } });
    assert.equal(m.object, 'thread.message');
    assert.equal(m.thread_id, t.id);
    assert.equal(m.status, 'completed');
    assert.equal(m.completed_at, m.created_at);
    assert.equal(textOf(m), 'question');
    const parts = await alice.beta.threads.messages.create(t.id, {
      role: 'assistant', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }],
    });
    assert.equal(textOf(parts), 'one\ntwo');
    assert.deepEqual(await alice.beta.threads.messages.retrieve(m.id, { thread_id: t.id }), m);
    const upd = await alice.beta.threads.messages.update(m.id, { thread_id: t.id, metadata: { b: '2' } });
    assert.deepEqual(upd.metadata, { b: '2' });
    assert.equal(textOf(upd), 'question');
    const del = await alice.beta.threads.messages.delete(m.id, { thread_id: t.id });
    assert.deepEqual(del, { id: m.id, object: 'thread.message.deleted', deleted: true });
    await rejectsWith(() => alice.beta.threads.messages.retrieve(m.id, { thread_id: t.id }), NotFoundError, 404, 'not_found');
    const page = await alice.beta.threads.messages.list(t.id);
    assert.deepEqual(page.data.map((x) => x.id), [parts.id]);
    assert.equal(page.has_more, false);
  });

  htest('for await walks 300 messages 7 at a time, each once, in both orders', async () => {
    const t = await alice.beta.threads.create();
    const ids = await seed(t.id, 300);
    for (const order of ['asc', 'desc']) {
      const seen = [];
      let pages = 0;
      const first = await alice.beta.threads.messages.list(t.id, { limit: 7, order });
      for await (const page of first.iterPages()) {
        pages++;
        assert.ok(page.data.length <= 7);
        seen.push(...page.data.map((m) => m.id));
      }
      assert.equal(pages, Math.ceil(300 / 7), `${order}: pages`);
      assert.deepEqual(seen, order === 'asc' ? ids : [...ids].reverse(), `${order}: every message once, in order`);
      const items = [];
      for await (const m of alice.beta.threads.messages.list(t.id, { limit: 7, order })) items.push(textOf(m));
      assert.equal(items.length, 300);
      assert.equal(items[0], order === 'asc' ? 'm1' : 'm300');
      assert.equal(new Set(items).size, 300);
    }
    const before = await alice.beta.threads.messages.list(t.id, { limit: 7, order: 'asc', before: ids[20] });
    assert.deepEqual(before.data.map((m) => m.id), ids.slice(13, 20));
    assert.equal(before.has_more, true);
    // for await from a before page: the SDK asks after=<last id> with the
    // same before, which is the (empty) range between them.
    const fromBefore = [];
    for await (const m of alice.beta.threads.messages.list(t.id, { limit: 7, order: 'asc', before: ids[20] })) {
      fromBefore.push(m.id);
    }
    assert.deepEqual(fromBefore, ids.slice(13, 20));
  });

  htest('typed errors: NotFound, PermissionDenied, Authentication, BadRequest, UnprocessableEntity', async () => {
    const t = await alice.beta.threads.create();
    await rejectsWith(() => alice.beta.threads.retrieve(NIL), NotFoundError, 404, 'not_found');
    await rejectsWith(() => alice.beta.threads.messages.retrieve(NIL, { thread_id: t.id }), NotFoundError, 404, 'not_found');
    await rejectsWith(() => bob.beta.threads.retrieve(t.id), PermissionDeniedError, 403, 'forbidden');
    await rejectsWith(() => bob.beta.threads.messages.create(t.id, { role: 'user', content: 'x' }),
      PermissionDeniedError, 403, 'forbidden');
    await rejectsWith(() => bob.beta.threads.delete(t.id), PermissionDeniedError, 403, 'forbidden');
    await rejectsWith(() => clientOf('not-a-token').beta.threads.retrieve(t.id), AuthenticationError, 401, 'invalid_token');
    await rejectsWith(() => clientOf(signToken({ sub: 'x' }, { secret: 'another-secret-of-at-least-32-bytes!!' }))
      .beta.threads.create(), AuthenticationError, 401, 'invalid_token');
    await rejectsWith(() => alice.beta.threads.retrieve('thread_abc123'), BadRequestError, 400, 'invalid_id');
    await rejectsWith(() => alice.beta.threads.messages.list('not-a-uuid'), BadRequestError, 400, 'invalid_id');
    await rejectsWith(() => alice.beta.threads.messages.create(t.id, { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }),
      UnprocessableEntityError, 422, 'validation_error', 'content');
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    await rejectsWith(() => alice.beta.threads.update(t.id, { metadata: many }), UnprocessableEntityError, 422, 'validation_error', 'metadata');
    await rejectsWith(() => alice.beta.threads.messages.list(t.id, { limit: 101 }), UnprocessableEntityError, 422, 'validation_error', 'limit');
    // Still the caller's thread after all that.
    assert.equal((await alice.beta.threads.retrieve(t.id)).id, t.id);
  });
});

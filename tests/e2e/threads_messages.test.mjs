// Threads, the access matrix and messages through nginx. The cases of the
// matrix are written from its table (API reference: The access matrix),
// not from the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  request, signToken, bearer, adminHeaders, assertError, assertValidation, assertJsonOk,
} from './lib.mjs';

const run = randomUUID().slice(0, 8);
const owner = `owner-${run}`;
const other = `other-${run}`;
const asOwner = bearer(signToken({ sub: owner }));
const asOther = bearer(signToken({ sub: other }));
const asAdmin = bearer(signToken({ sub: `admin-${run}`, role: 'admin' }));
const json = (h, body) => ({ headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const THREAD_KEYS = ['created_at', 'id', 'last_message_at', 'message_count', 'metadata', 'namespace',
  'object', 'owner_id', 'title', 'updated_at', 'visibility'];
const MESSAGE_KEYS = ['assistant_id', 'attachments', 'comparison_id', 'completion_tokens', 'content',
  'created_at', 'details', 'id', 'latency_ms', 'metadata', 'model', 'object', 'parent_message_id',
  'prompt_tokens', 'role', 'run_id', 'seq', 'source', 'thread_id', 'token_count', 'tool_call_id',
  'tool_calls', 'tool_name', 'updated_at'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function setSharing(on) {
  assertJsonOk(await request('PUT', '/api/settings', json(adminHeaders(), { public_sharing: on })));
}

async function newThread(fields = {}, who = asOwner) {
  return assertJsonOk(await request('POST', '/api/threads', json(who, fields)), 201, 'create thread');
}

test('creating a thread returns the thread object with Location under the mount', async () => {
  const res = await request('POST', '/api/threads', json(asOwner, {
    title: 'Trip 😀', visibility: 'unlisted', namespace: 'org/a:b', metadata: { k: 'v' } }));
  const t = assertJsonOk(res, 201, 'create');
  assert.deepEqual(Object.keys(t).sort(), THREAD_KEYS);
  assert.equal(t.owner_id, owner);
  assert.equal(t.title, 'Trip 😀');
  assert.equal(t.visibility, 'unlisted');
  assert.equal(t.message_count, 0);
  assert.equal(t.last_message_at, null);
  assert.match(t.created_at, ISO);
  assert.equal(new URL(res.headers.get('location'), 'http://x').pathname.endsWith(`/api/threads/${t.id}`), true);
  assert.ok(res.headers.get('location').startsWith('/chat/'), 'Location keeps the mount point');
});

test('a thread POST without a body makes a private untitled thread', async () => {
  const res = await request('POST', '/api/threads', { headers: asOwner });
  const t = assertJsonOk(res, 201);
  assert.equal(t.visibility, 'private');
  assert.equal(t.title, null);
  assert.equal(t.namespace, '');
});

test('a client thread id is idempotent for its owner and a conflict for anyone else', async () => {
  const id = randomUUID();
  const first = await newThread({ id, title: 'one' });
  const again = assertJsonOk(await request('POST', '/api/threads', json(asOwner, { id, title: 'two' })), 200);
  assert.deepEqual(again, first);
  assertError(await request('POST', '/api/threads', json(asOther, { id })), 409, 'CONFLICT');
  assertValidation(await request('POST', '/api/threads', json(asOwner, { id: '00000000-0000-0000-0000-000000000000' })),
    ['body', 'id']);
});

test('twenty racing creates with one client id: one 201, the rest 200', async () => {
  const id = randomUUID();
  const all = await Promise.all(Array.from({ length: 20 },
    () => request('POST', '/api/threads', json(asOwner, { id }))));
  const statuses = all.map((r) => r.status).sort();
  assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 200).length, 19, statuses.join(','));
});

test('thread field validation names the field', async () => {
  assertValidation(await request('POST', '/api/threads', json(asOwner, { owner_id: 'x' })), ['body', 'owner_id']);
  assertValidation(await request('POST', '/api/threads', json(asOwner, { message_count: 1 })), ['body', 'message_count']);
  assertValidation(await request('POST', '/api/threads', json(asOwner, { visibility: 'Public' })), ['body', 'visibility']);
  assertValidation(await request('POST', '/api/threads', json(asOwner, { namespace: 'a b' })), ['body', 'namespace']);
  assertValidation(await request('POST', '/api/threads', json(asOwner, { metadata: { n: 1 } })), ['body', 'metadata', 'n']);
  assertValidation(await request('POST', '/api/threads', json(asOwner, [])), ['body']);
  // 512 characters (emoji count as one) pass, 513 do not.
  assertJsonOk(await request('POST', '/api/threads', json(asOwner, { title: '😀'.repeat(512) })), 201);
  assertValidation(await request('POST', '/api/threads', json(asOwner, { title: '😀'.repeat(513) })), ['body', 'title']);
  const meta = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
  assertValidation(await request('POST', '/api/threads', json(asOwner, { metadata: meta })), ['body', 'metadata']);
});

test('patch changes only the listed fields and delete removes the thread', async () => {
  const t = await newThread({ title: 'x', metadata: { a: '1' } });
  const p = assertJsonOk(await request('PATCH', `/api/threads/${t.id}`, json(asOwner, { title: null, metadata: { b: '2' } })));
  assert.equal(p.title, null);
  assert.deepEqual(p.metadata, { b: '2' });
  assert.equal(p.visibility, 'private');
  assertValidation(await request('PATCH', `/api/threads/${t.id}`, json(asOwner, { owner_id: other })), ['body', 'owner_id']);
  assertError(await request('PATCH', `/api/threads/${t.id}`, json(asOther, { title: 'mine' })), 403, 'FORBIDDEN');
  assertError(await request('DELETE', `/api/threads/${t.id}`, { headers: asOther }), 403, 'FORBIDDEN');
  const del = await request('DELETE', `/api/threads/${t.id}`, { headers: asOwner });
  assert.equal(del.status, 204);
  assertError(await request('GET', `/api/threads/${t.id}`, { headers: asOwner }), 404, 'NOT_FOUND');
  assertError(await request('DELETE', `/api/threads/${t.id}`, { headers: asOwner }), 404, 'NOT_FOUND');
});

// The access matrix, row by row: [sharing, visibility, caller, status, code].
const MATRIX = [
  [true, 'public', 'anonymous', 200], [true, 'unlisted', 'anonymous', 200],
  [true, 'public', 'other', 200], [true, 'unlisted', 'other', 200],
  [true, 'private', 'anonymous', 401, 'UNAUTHORIZED'], [true, 'private', 'owner', 200],
  [true, 'private', 'other', 403, 'FORBIDDEN'],
  ...['public', 'unlisted', 'private'].flatMap((v) => [
    [false, v, 'anonymous', 401, 'UNAUTHORIZED'], [false, v, 'owner', 200], [false, v, 'other', 403, 'FORBIDDEN']]),
];

test('every row of the access matrix holds on the thread and its message routes', async () => {
  const threads = {};
  for (const v of ['public', 'unlisted', 'private']) {
    threads[v] = await newThread({ visibility: v });
    assertJsonOk(await request('POST', `/api/threads/${threads[v].id}/messages`,
      json(asOwner, { role: 'user', content: 'hi' })), 201);
  }
  const headersOf = { anonymous: {}, owner: asOwner, other: asOther };
  try {
    for (const [sharing, vis, caller, status, code] of MATRIX) {
      await setSharing(sharing);
      const id = threads[vis].id;
      const what = `sharing=${sharing} ${vis} ${caller}`;
      for (const path of [`/api/threads/${id}`, `/api/threads/${id}/messages`]) {
        const res = await request('GET', path, { headers: headersOf[caller] });
        if (status === 200) assertJsonOk(res, 200, `${what} ${path}`);
        else assertError(res, status, code, `${what} ${path}`);
      }
      // Writes need the owner whatever the row says about reads.
      const w = await request('POST', `/api/threads/${id}/messages`,
        json(headersOf[caller], { role: 'user', content: 'w' }));
      if (caller === 'owner') assertJsonOk(w, 201, `${what} write`);
      else assertError(w, caller === 'anonymous' ? 401 : 403, caller === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN', `${what} write`);
    }
    // An admin is just another user for threads.
    await setSharing(false);
    assertError(await request('GET', `/api/threads/${threads.private.id}`, { headers: asAdmin }), 403, 'FORBIDDEN');
  } finally {
    await setSharing(false);
  }
});

test('checks come in order: bad id, then bad token, then missing thread', async () => {
  const bad = { authorization: 'Bearer not.a.token' };
  assertError(await request('GET', '/api/threads/not-a-uuid', { headers: bad }), 400, 'INVALID_ID');
  assertError(await request('GET', `/api/threads/${randomUUID()}`, { headers: bad }), 401, 'INVALID_TOKEN');
  assertError(await request('GET', `/api/threads/${randomUUID()}`), 404, 'NOT_FOUND');
  assertError(await request('GET', '/api/threads/00000000-0000-0000-0000-000000000000', { headers: asOwner }), 404, 'NOT_FOUND');
});

test('the public directory lists public threads only, and only while sharing is on', async () => {
  const pub = await newThread({ visibility: 'public', namespace: `dir-${run}` });
  const unl = await newThread({ visibility: 'unlisted', namespace: `dir-${run}` });
  await setSharing(false);
  assertError(await request('GET', '/api/threads?scope=public'), 403, 'PUBLIC_SHARING_DISABLED');
  await setSharing(true);
  try {
    const list = assertJsonOk(await request('GET', `/api/threads?scope=public&namespace=dir-${run}`));
    assert.deepEqual(list.data.map((t) => t.id), [pub.id]);
    assert.ok(!list.data.some((t) => t.id === unl.id));
    // Another user's private thread is never a usable cursor.
    const priv = await newThread({}, asOther);
    assertValidation(await request('GET', `/api/threads?cursor=${priv.id}`, { headers: asOwner }), ['query', 'cursor']);
  } finally {
    await setSharing(false);
  }
  assertError(await request('GET', '/api/threads'), 401, 'UNAUTHORIZED');
  // A sub with a trailing space is another user (the collation would pad it).
  const padded = bearer(signToken({ sub: `${owner} ` }));
  const mine = assertJsonOk(await request('GET', '/api/threads?limit=200', { headers: padded }));
  assert.equal(mine.data.length, 0, 'a padded sub listed the owner\'s threads');
});

test('listing own threads walks every page exactly once in both orders', async () => {
  const ns = `walk-${run}`;
  const made = [];
  for (let i = 0; i < 7; i++) made.push((await newThread({ namespace: ns })).id);
  for (const order of ['asc', 'desc']) {
    const seen = [];
    let cursor = null;
    for (let guard = 0; guard < 10; guard++) {
      const q = `/api/threads?namespace=${ns}&limit=3&order=${order}${cursor ? `&cursor=${cursor}` : ''}`;
      const page = assertJsonOk(await request('GET', q, { headers: asOwner }));
      seen.push(...page.data.map((t) => t.id));
      assert.equal(page.first_id, page.data[0]?.id ?? null);
      if (!page.has_more) { assert.equal(page.next_cursor, null); break; }
      assert.equal(page.next_cursor, page.last_id);
      cursor = page.next_cursor;
    }
    assert.deepEqual(seen, order === 'asc' ? made : [...made].reverse(), order);
  }
  assertValidation(await request('GET', '/api/threads?limit=0', { headers: asOwner }), ['query', 'limit']);
  // A trailing space would match under the column's collation: refused.
  assertValidation(await request('GET', `/api/threads?namespace=${ns}%20`, { headers: asOwner }), ['query', 'namespace']);
  assertValidation(await request('GET', '/api/threads?limit=201', { headers: asOwner }), ['query', 'limit']);
  assertValidation(await request('GET', `/api/threads?after=${made[0]}&before=${made[1]}`, { headers: asOwner }), ['query', 'before']);
});

test('a message round-trips with every optional scalar null and counters follow', async () => {
  const t = await newThread();
  const text = 'héllo 😀 中文 שלום e\u0301';
  const res = await request('POST', `/api/threads/${t.id}/messages`, json(asOwner, {
    role: 'ASSISTANT', content: { text, citations: [{ chunk_id: 'c', quote: 'q', offset: 0, length: 1, extra: true }] },
    metadata: { m: 'x' }, token_count: 3 }));
  const m = assertJsonOk(res, 201);
  assert.deepEqual(Object.keys(m).sort(), MESSAGE_KEYS);
  assert.equal(m.role, 'assistant');
  assert.equal(m.seq, 1);
  assert.equal(m.content.text, text);
  assert.deepEqual(m.content.citations, [{ chunk_id: 'c', quote: 'q', offset: 0, length: 1, extra: true }]);
  assert.equal(m.content.is_error, false);
  assert.equal(m.run_id, null);
  assert.ok(res.headers.get('location').endsWith(`/api/threads/${t.id}/messages/${m.id}`));
  const after = assertJsonOk(await request('GET', `/api/threads/${t.id}`, { headers: asOwner }));
  assert.equal(after.message_count, 1);
  assert.equal(after.last_message_at, m.created_at);
  assertValidation(await request('POST', `/api/threads/${t.id}/messages`, json(asOwner, { role: 'user', content: 'x', seq: 9 })), ['body', 'seq']);
  assertValidation(await request('POST', `/api/threads/${t.id}/messages`, json(asOwner, { role: 'bot', content: 'x' })), ['body', 'role']);
  assertValidation(await request('POST', `/api/threads/${t.id}/messages`, json(asOwner, { role: 'user', content: 'x', token_count: -1 })), ['body', 'token_count']);
  assertValidation(await request('POST', `/api/threads/${t.id}/messages`, json(asOwner, { role: 'user', content: 'x', is_error: true })), ['body', 'is_error']);
  assertValidation(await request('POST', `/api/threads/${t.id}/messages`, json(asOwner, { role: 'user', content: 'a'.repeat(524289) })), ['body', 'content']);
  assertJsonOk(await request('POST', `/api/threads/${t.id}/messages`, json(asOwner, { role: 'user', content: 'a'.repeat(524288) })), 201);
  const del = await request('DELETE', `/api/threads/${t.id}/messages/${m.id}`, { headers: asOwner });
  assert.equal(del.status, 204);
  assert.equal(assertJsonOk(await request('GET', `/api/threads/${t.id}`, { headers: asOwner })).message_count, 1);
});

test('message_id idempotency: same content 200, other content or thread 409', async () => {
  const t = await newThread();
  const t2 = await newThread();
  const message_id = randomUUID();
  const first = assertJsonOk(await request('POST', `/api/threads/${t.id}/messages`, json(asOwner, { message_id, role: 'user', content: 'x' })), 201);
  const again = assertJsonOk(await request('POST', `/api/threads/${t.id}/messages`, json(asOwner, { message_id, role: 'USER', content: { text: 'x' } })), 200);
  assert.deepEqual(again, first);
  assertError(await request('POST', `/api/threads/${t.id}/messages`, json(asOwner, { message_id, role: 'user', content: 'y' })), 409, 'CONFLICT');
  assertError(await request('POST', `/api/threads/${t2.id}/messages`, json(asOwner, { message_id, role: 'user', content: 'x' })), 409, 'CONFLICT');
});

test('50 parallel creates get seq 1..50; 20 racing one message_id make one row', async () => {
  const t = await newThread();
  const all = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    request('POST', `/api/threads/${t.id}/messages`, json(asOwner, { role: 'user', content: `m${i}` }))));
  assert.deepEqual(all.map((r) => r.status), Array(50).fill(201));
  assert.deepEqual(all.map((r) => r.json.seq).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
  assert.equal(assertJsonOk(await request('GET', `/api/threads/${t.id}`, { headers: asOwner })).message_count, 50);
  const t2 = await newThread();
  const message_id = randomUUID();
  const race = await Promise.all(Array.from({ length: 20 }, () =>
    request('POST', `/api/threads/${t2.id}/messages`, json(asOwner, { message_id, role: 'user', content: 'same' }))));
  const st = race.map((r) => r.status);
  assert.equal(st.filter((s) => s === 201).length, 1, st.join(','));
  assert.equal(st.filter((s) => s === 200).length, 19, st.join(','));
  assert.equal(assertJsonOk(await request('GET', `/api/threads/${t2.id}/messages`, { headers: asOwner })).total, 1);
});

test('batch is all or nothing with contiguous seq; a page walk visits each message once', async () => {
  const t = await newThread();
  const bad = await request('POST', `/api/threads/${t.id}/messages/batch`, json(asOwner,
    { messages: [{ role: 'user', content: 'ok' }, { role: 'nope', content: 'x' }] }));
  assertValidation(bad, ['body', 'messages', 1, 'role']);
  assert.equal(assertJsonOk(await request('GET', `/api/threads/${t.id}`, { headers: asOwner })).message_count, 0);
  const ids = [];
  for (let b = 0; b < 3; b++) {
    const res = await request('POST', `/api/threads/${t.id}/messages/batch`, json(asOwner,
      { messages: Array.from({ length: 100 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `b${b}-${i}` })) }));
    const body = assertJsonOk(res, 201);
    assert.deepEqual(body.data.map((m) => m.seq), Array.from({ length: 100 }, (_, i) => b * 100 + i + 1));
    ids.push(...body.data.map((m) => m.id));
  }
  for (const order of ['asc', 'desc']) {
    const seen = [];
    let cursor = null;
    for (let guard = 0; guard < 100; guard++) {
      const page = assertJsonOk(await request('GET',
        `/api/threads/${t.id}/messages?order=${order}&limit=37${cursor ? `&cursor=${cursor}` : ''}`, { headers: asOwner }));
      assert.equal(page.total, 300);
      seen.push(...page.data.map((m) => m.id));
      if (!page.has_more) break;
      cursor = page.next_cursor;
    }
    assert.deepEqual(seen, order === 'asc' ? ids : [...ids].reverse(), order);
  }
  const users = assertJsonOk(await request('GET', `/api/threads/${t.id}/messages?role=user&limit=1`, { headers: asOwner }));
  assert.equal(users.total, 150);
  assertValidation(await request('GET', `/api/threads/${t.id}/messages?role=bot`, { headers: asOwner }), ['query', 'role']);
  assert.equal((await request('GET', `/api/threads/${t.id}/messages/batch`, { headers: asOwner })).status, 405);
  const clear = await request('DELETE', `/api/threads/${t.id}/messages`, { headers: asOwner });
  assert.equal(clear.status, 204);
  const next = assertJsonOk(await request('POST', `/api/threads/${t.id}/messages`, json(asOwner, { role: 'user', content: 'n' })), 201);
  assert.equal(next.seq, 301, 'numbering continues after a clear');
});

test('context keeps the newest messages that fit, oldest first', async () => {
  const t = await newThread();
  await request('POST', `/api/threads/${t.id}/messages/batch`, json(asOwner, { messages: [
    { role: 'system', content: 'sys', token_count: 2 },
    { role: 'user', content: 'one', token_count: 5 },
    { role: 'assistant', content: 'two', token_count: 4 },
    { role: 'user', content: 'abcdefgh' } ] }));  // 8 code points: cost 2
  const c = assertJsonOk(await request('POST', `/api/threads/${t.id}/messages/context`, json(asOwner, { max_tokens: 7 })));
  assert.deepEqual(c.messages.map((m) => m.content.text), ['two', 'abcdefgh']);
  assert.equal(c.total_tokens, 6);
  assert.equal(c.message_count, 2);
  assert.equal(c.truncated, true);
  const s = assertJsonOk(await request('POST', `/api/threads/${t.id}/messages/context`,
    json(asOwner, { max_tokens: 8, include_system: true })));
  assert.deepEqual(s.messages.map((m) => m.content.text), ['sys', 'two', 'abcdefgh']);
  assertValidation(await request('POST', `/api/threads/${t.id}/messages/context`, json(asOwner, { max_tokens: 0 })), ['body', 'max_tokens']);
});

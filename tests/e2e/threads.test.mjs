// The thread routes (API reference: tag threads; schema Thread) through
// nginx: create, read, change, delete, list. Every user of this file has a
// run-unique id, so other files and earlier runs cannot disturb the
// listings checked here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import {
  BASE, JSON_TYPE, assertError, assertJsonOk, assertValidation, needsHarness, request, sleep,
} from './lib.mjs';
import {
  ISO, NIL_UUID, assertPage, assertThread, createThread, json, rawJson, runTag, setSharing, user,
  walk, walkBack,
} from './threads_lib.mjs';

const run = runTag();
const alice = user(`thr-alice-${run}`);
const bob = user(`thr-bob-${run}`);
const admin = user(`thr-admin-${run}`, { admin: true });
const skip = needsHarness;

const post = (who, body) => request('POST', '/api/threads', json(who.h, body));
const patch = (who, id, body) => request('PATCH', `/api/threads/${id}`, json(who.h, body));
const get = (who, id) => request('GET', `/api/threads/${id}`, { headers: who.h });

// A 422 whose detail has a loc that starts with `prefix`.
function assertValidationUnder(res, prefix, what = '') {
  const body = assertError(res, 422, 'VALIDATION_ERROR', what);
  const ok = body.detail.some((d) => JSON.stringify(d.loc.slice(0, prefix.length)) === JSON.stringify(prefix));
  assert.ok(ok, `${what}: no loc under ${JSON.stringify(prefix)} in ${JSON.stringify(body.detail)}`);
  return body;
}

// A 422 whose loc is one of `locs`.
function assertValidationOneOf(res, locs, what = '') {
  const body = assertError(res, 422, 'VALIDATION_ERROR', what);
  const got = body.detail.map((d) => JSON.stringify(d.loc));
  assert.ok(locs.some((l) => got.includes(JSON.stringify(l))), `${what}: loc ${got} not one of ${JSON.stringify(locs)}`);
  return body;
}

before(async () => {
  if (!skip) await setSharing(admin, false);
});

after(async () => {
  if (!skip) await setSharing(admin, false);
});

// ---------------------------------------------------------------- create

test('create with every field answers 201, the thread object and Location under the mount', { skip }, async () => {
  const id = randomUUID();
  const started = Date.now();
  const res = await post(alice, {
    id: id.toUpperCase(), title: 'Trip 😀 e\u0301', visibility: 'unlisted', namespace: 'org/ws.1:app_x-Y',
    metadata: { k: 'v', emoji: '😀' },
  });
  const t = assertThread(assertJsonOk(res, 201, 'create'), {
    id, owner_id: alice.sub, title: 'Trip 😀 e\u0301', visibility: 'unlisted', namespace: 'org/ws.1:app_x-Y',
    metadata: { k: 'v', emoji: '😀' }, message_count: 0, last_message_at: null,
  }, 'create');
  assert.equal(t.updated_at, t.created_at, 'a new thread has updated_at = created_at');
  const created = Date.parse(t.created_at);
  assert.ok(Math.abs(created - started) < 60000, `created_at ${t.created_at} is not now (UTC)`);
  const loc = res.headers.get('location');
  assert.ok(loc, 'Location header missing on 201');
  assert.equal(new URL(loc, BASE).pathname, `/chat/api/threads/${id}`, `Location ${loc}`);
  // Location names the thread.
  const viaLoc = await request('GET', new URL(loc, BASE).pathname.slice('/chat'.length), { headers: alice.h });
  assert.deepEqual(assertJsonOk(viaLoc, 200, 'GET Location'), t);
});

test('create with an empty object gives the defaults', { skip }, async () => {
  const t = await createThread(alice, {});
  assertThread(t, { title: null, visibility: 'private', namespace: '', metadata: {}, message_count: 0,
    last_message_at: null });
});

test('create with no body and no Content-Type answers 201 with the defaults', { skip }, async () => {
  const res = await request('POST', '/api/threads', { headers: alice.h });
  const t = assertThread(assertJsonOk(res, 201, 'no body'), {
    owner_id: alice.sub, title: null, visibility: 'private', namespace: '', metadata: {} });
  assert.equal(new URL(res.headers.get('location'), BASE).pathname, `/chat/api/threads/${t.id}`);
});

test('create with Content-Length 0 counts as no body', { skip }, async () => {
  const res = await request('POST', '/api/threads', { headers: { ...alice.h, 'content-type': 'application/json' }, body: '' });
  assertThread(assertJsonOk(res, 201, 'empty body'), { visibility: 'private', title: null });
});

test('create accepts application/json with parameters and in any case', { skip }, async () => {
  const res = await request('POST', '/api/threads', {
    headers: { ...alice.h, 'content-type': 'Application/JSON; charset=UTF-8' }, body: '{"title":"ct"}' });
  assertThread(assertJsonOk(res, 201, 'media type case'), { title: 'ct' });
});

test('create with a body that is not JSON media answers 415', { skip }, async () => {
  const res = await request('POST', '/api/threads', {
    headers: { ...alice.h, 'content-type': 'text/plain' }, body: '{"title":"x"}' });
  assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'text/plain');
});

test('create with explicit null for every optional field means not set', { skip }, async () => {
  const t = await createThread(alice, { id: null, title: null, visibility: null, namespace: null, metadata: null });
  assertThread(t, { title: null, visibility: 'private', namespace: '', metadata: {} });
});

test('create anonymous is 401 UNAUTHORIZED', { skip }, async () => {
  const res = await request('POST', '/api/threads', json({}, { title: 'x' }));
  assertError(res, 401, 'UNAUTHORIZED');
  assert.match(res.headers.get('www-authenticate') || '', /^Bearer\b/);
});

test('an admin creates threads of their own like any user', { skip }, async () => {
  const t = await createThread(admin, { title: 'admin' });
  assert.equal(t.owner_id, admin.sub);
});

// ---------------------------------------------------------------- client ids

test('a client id: 201, repeated 200 unchanged, another user 409', { skip }, async () => {
  const id = randomUUID();
  const first = await createThread(alice, { id, title: 'one', visibility: 'public', metadata: { a: '1' } });
  assert.equal(first.id, id);
  for (const body of [{ id }, { id, title: 'two', visibility: 'private', namespace: 'x', metadata: {} },
    { id: id.toUpperCase() }]) {
    const again = await post(alice, body);
    assert.deepEqual(assertJsonOk(again, 200, `repeat ${JSON.stringify(body)}`), first,
      'a repeated create returns the stored thread unchanged');
  }
  assert.deepEqual(assertJsonOk(await get(alice, id), 200), first, 'the repeats changed nothing');
  const conflict = await post(bob, { id, title: 'bob' });
  assertError(conflict, 409, 'CONFLICT', 'other user');
  assert.ok(!conflict.text.includes('one'), 'a 409 leaks nothing of the thread');
  assert.deepEqual(assertJsonOk(await get(alice, id), 200), first, 'the conflict changed nothing');
});

test('a client id that is the nil UUID is 422 at body.id', { skip }, async () => {
  assertValidation(await post(alice, { id: NIL_UUID }), ['body', 'id'], 'nil');
});

test('a client id that is not a UUID is 422 at body.id', { skip }, async () => {
  for (const id of ['abc', '', `${randomUUID()}x`, randomUUID().replaceAll('-', '').slice(0, 31), 123, true,
    [], {}]) {
    assertValidation(await post(alice, { id }), ['body', 'id'], `id ${JSON.stringify(id)}`);
  }
});

test('twenty concurrent creates with one client id: exactly one 201, the rest 200', { skip }, async () => {
  const id = randomUUID();
  const all = await Promise.all(Array.from({ length: 20 }, (_, i) => post(alice, { id, title: `race ${i}` })));
  const statuses = all.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 200).length, 19, statuses.join(','));
  const winner = all.find((r) => r.status === 201).json;
  for (const r of all) assert.deepEqual(r.json, winner, 'every answer is the one stored thread');
  const list = assertPage(await request('GET', '/api/threads?limit=200', { headers: alice.h }));
  assert.equal(list.data.filter((t) => t.id === id).length, 1, 'one row');
});

// ---------------------------------------------------------------- validation

test('title: 512 code points (emoji count as one) pass, 513 are 422', { skip }, async () => {
  const t = await createThread(alice, { title: '😀'.repeat(512) });
  assert.equal(t.title, '😀'.repeat(512));
  assert.equal(assertJsonOk(await get(alice, t.id)).title, '😀'.repeat(512), 'stored without loss');
  assertValidation(await post(alice, { title: '😀'.repeat(513) }), ['body', 'title'], 'emoji 513');
  assertValidation(await post(alice, { title: 'a'.repeat(513) }), ['body', 'title'], 'ascii 513');
  assertThread(await createThread(alice, { title: 'é'.repeat(512) }), { title: 'é'.repeat(512) });
  assertThread(await createThread(alice, { title: '' }), { title: '' });
});

test('title of a wrong type is 422', { skip }, async () => {
  for (const title of [1, true, {}, ['x']]) {
    assertValidation(await post(alice, { title }), ['body', 'title'], `title ${JSON.stringify(title)}`);
  }
});

test('namespace: 255 code points pass, 256 and characters outside [A-Za-z0-9._:/-] are 422', { skip }, async () => {
  const ns255 = `${run}-`.padEnd(255, 'n');
  assertThread(await createThread(alice, { namespace: ns255 }), { namespace: ns255 });
  assertThread(await createThread(alice, { namespace: 'AZaz09._:/-' }), { namespace: 'AZaz09._:/-' });
  assertThread(await createThread(alice, { namespace: '' }), { namespace: '' });
  assertValidation(await post(alice, { namespace: 'n'.repeat(256) }), ['body', 'namespace'], '256');
  for (const ns of ['a b', 'a*', 'a%', 'é', 'a\\b', 'a?b', 'a#', 'org ', ' org', 'a\tb', 1, true, {}]) {
    assertValidation(await post(alice, { namespace: ns }), ['body', 'namespace'], `namespace ${JSON.stringify(ns)}`);
  }
});

test('visibility: the three lowercase values pass, anything else is 422', { skip }, async () => {
  for (const v of ['private', 'unlisted', 'public']) {
    assertThread(await createThread(alice, { visibility: v }), { visibility: v });
  }
  for (const v of ['Public', 'PRIVATE', 'Unlisted', 'secret', '', ' public', 0, 2, true, {}]) {
    assertValidation(await post(alice, { visibility: v }), ['body', 'visibility'], `visibility ${JSON.stringify(v)}`);
  }
});

test('metadata: 16 keys pass, 17 are 422', { skip }, async () => {
  const keys = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));
  assertThread(await createThread(alice, { metadata: keys(16) }), { metadata: keys(16) });
  assertValidationUnder(await post(alice, { metadata: keys(17) }), ['body', 'metadata'], '17 keys');
  assertThread(await createThread(alice, { metadata: {} }), { metadata: {} });
});

test('metadata keys: 64 code points pass, 65 are 422 naming the key', { skip }, async () => {
  const k64 = '😀'.repeat(64);
  const k65 = '😀'.repeat(65);
  assertThread(await createThread(alice, { metadata: { [k64]: 'v' } }), { metadata: { [k64]: 'v' } });
  assertThread(await createThread(alice, { metadata: { ['k'.repeat(64)]: 'v' } }), { metadata: { ['k'.repeat(64)]: 'v' } });
  assertValidation(await post(alice, { metadata: { [k65]: 'v' } }), ['body', 'metadata', k65], 'emoji key 65');
  assertValidation(await post(alice, { metadata: { ['k'.repeat(65)]: 'v' } }), ['body', 'metadata', 'k'.repeat(65)], 'key 65');
});

test('metadata values: 512 code points pass, 513 are 422 naming the key', { skip }, async () => {
  const v512 = '😀'.repeat(512);
  assertThread(await createThread(alice, { metadata: { k: v512 } }), { metadata: { k: v512 } });
  assertThread(await createThread(alice, { metadata: { k: '' } }), { metadata: { k: '' } });
  assertValidation(await post(alice, { metadata: { k: '😀'.repeat(513) } }), ['body', 'metadata', 'k'], 'emoji 513');
  assertValidation(await post(alice, { metadata: { ok: 'x', k: 'a'.repeat(513) } }), ['body', 'metadata', 'k'], 'ascii 513');
});

test('metadata values that are not strings are 422 at body.metadata.<key>', { skip }, async () => {
  for (const v of [1, 0, 1.5, true, false, null, {}, { a: 'b' }, [], ['x']]) {
    assertValidation(await post(alice, { metadata: { ok: 'x', k: v } }), ['body', 'metadata', 'k'],
      `metadata value ${JSON.stringify(v)}`);
  }
});

test('metadata that is not an object is 422 at body.metadata', { skip }, async () => {
  for (const m of [[], ['a'], 'x', 1, true]) {
    assertValidation(await post(alice, { metadata: m }), ['body', 'metadata'], `metadata ${JSON.stringify(m)}`);
  }
});

test('a string holding \\u0000 is 422, never stored', { skip }, async () => {
  assertValidation(await post(alice, { title: 'a\u0000b' }), ['body', 'title'], 'title');
  assertValidation(await post(alice, { metadata: { k: 'a\u0000' } }), ['body', 'metadata', 'k'], 'metadata value');
  // A key holding \u0000 is a string holding \u0000 too: 422, at the object that holds it.
  assertValidation(await post(alice, { metadata: { 'k\u0000': 'v' } }), ['body', 'metadata'], 'metadata key');
  assertValidation(await post(alice, { 'title\u0000': 'x' }), ['body'], 'top-level key');
  assertValidation(await post(alice, { namespace: 'a\u0000' }), ['body', 'namespace'], 'namespace');
  assertValidation(await request('POST', '/api/threads', rawJson(alice.h, '{"title":"\\u0000"}')), ['body', 'title'], 'raw');
});

test('unknown and read-only fields on create are 422 naming the field', { skip }, async () => {
  for (const f of ['owner_id', 'message_count', 'object', 'created_at', 'updated_at', 'last_message_at',
    'row_id', 'last_seq', 'nonsense', 'Title']) {
    assertValidation(await post(alice, { [f]: f === 'message_count' ? 0 : 'x' }), ['body', f], f);
  }
  // Also when it sits next to valid fields, and with a null value.
  assertValidation(await post(alice, { title: 't', owner_id: null }), ['body', 'owner_id'], 'owner_id null');
});

test('a body that is valid JSON but not an object is 422 at body', { skip }, async () => {
  for (const text of ['[]', '[{"title":"x"}]', '"x"', '1', 'true', 'null']) {
    assertValidation(await request('POST', '/api/threads', rawJson(alice.h, text)), ['body'], text);
  }
});

test('a malformed body on create is 400 INVALID_JSON', { skip }, async () => {
  for (const text of ['{', '{"title":"x",}', "{'title':'x'}", '{"title":"x"} x', '{"title":"a","title":"b"}']) {
    assertError(await request('POST', '/api/threads', rawJson(alice.h, text)), 400, 'INVALID_JSON', text);
  }
});

// ---------------------------------------------------------------- read

test('GET a thread answers the stored object, for any case of the id', { skip }, async () => {
  const t = await createThread(alice, { title: 'read me', metadata: { a: 'b' } });
  const res = await get(alice, t.id);
  assert.deepEqual(assertJsonOk(res, 200), t);
  assert.deepEqual(assertJsonOk(await get(alice, t.id.toUpperCase()), 200), t);
});

test('HEAD a thread answers the GET headers without a body', { skip }, async () => {
  const t = await createThread(alice, { title: 'head' });
  const g = await get(alice, t.id);
  const h = await request('HEAD', `/api/threads/${t.id}`, { headers: alice.h });
  assert.equal(h.status, 200);
  assert.equal(h.text, '');
  assert.equal(h.headers.get('content-type'), JSON_TYPE);
  assert.equal(h.headers.get('content-length'), g.headers.get('content-length'));
});

test('a missing thread and the nil UUID are 404, a non-UUID is 400 INVALID_ID', { skip }, async () => {
  assertError(await get(alice, randomUUID()), 404, 'NOT_FOUND', 'missing');
  assertError(await get(alice, NIL_UUID), 404, 'NOT_FOUND', 'nil');
  assertError(await get(alice, 'not-a-uuid'), 400, 'INVALID_ID', 'not a uuid');
  assertError(await get(alice, `${randomUUID()}0`), 400, 'INVALID_ID', 'too long');
});

// ---------------------------------------------------------------- patch

test('PATCH each field on its own changes only that field', { skip }, async () => {
  const t = await createThread(alice, { title: 'a', visibility: 'private', namespace: 'n1', metadata: { x: '1' } });
  const steps = [
    [{ title: 'b' }, { title: 'b' }],
    [{ visibility: 'public' }, { visibility: 'public' }],
    [{ visibility: 'unlisted' }, { visibility: 'unlisted' }],
    [{ namespace: 'n2/x' }, { namespace: 'n2/x' }],
    [{ namespace: '' }, { namespace: '' }],
    [{ metadata: { y: '2' } }, { metadata: { y: '2' } }],
    [{ title: null }, { title: null }],
    [{ title: '😀'.repeat(512) }, { title: '😀'.repeat(512) }],
  ];
  let cur = t;
  for (const [body, change] of steps) {
    const res = await patch(alice, t.id, body);
    const want = { ...cur, ...change };
    delete want.updated_at;
    const p = assertThread(assertJsonOk(res, 200, `PATCH ${JSON.stringify(body)}`), want, `PATCH ${JSON.stringify(body)}`);
    assert.deepEqual(assertJsonOk(await get(alice, t.id)), p, 'GET after PATCH');
    cur = p;
  }
});

test('PATCH metadata replaces the whole object', { skip }, async () => {
  const t = await createThread(alice, { metadata: { a: '1', b: '2' } });
  const p = assertJsonOk(await patch(alice, t.id, { metadata: { c: '3' } }));
  assert.deepEqual(p.metadata, { c: '3' });
  const e = assertJsonOk(await patch(alice, t.id, { metadata: {} }));
  assert.deepEqual(e.metadata, {});
});

test('PATCH with several fields changes them together', { skip }, async () => {
  const t = await createThread(alice);
  const p = assertJsonOk(await patch(alice, t.id, { title: 'all', visibility: 'public', namespace: 'p/q', metadata: { m: 'n' } }));
  assertThread(p, { id: t.id, title: 'all', visibility: 'public', namespace: 'p/q', metadata: { m: 'n' },
    created_at: t.created_at, owner_id: alice.sub });
});

test('PATCH changes updated_at and keeps created_at', { skip }, async () => {
  const t = await createThread(alice, { title: 'time' });
  await sleep(30);
  const p = assertJsonOk(await patch(alice, t.id, { title: 'time 2' }));
  assert.equal(p.created_at, t.created_at);
  assert.ok(p.updated_at > t.updated_at, `updated_at ${p.updated_at} not after ${t.updated_at}`);
  assert.ok(Math.abs(Date.parse(p.updated_at) - Date.now()) < 60000, `updated_at ${p.updated_at} is not now`);
});

test('PATCH {} answers 200 with the thread unchanged', { skip }, async () => {
  const t = await createThread(alice, { title: 'same', metadata: { a: 'b' } });
  await sleep(20);
  assert.deepEqual(assertJsonOk(await patch(alice, t.id, {}), 200, 'PATCH {}'), t);
  assert.deepEqual(assertJsonOk(await get(alice, t.id)), t);
});

test('PATCH without a body is 400 INVALID_JSON', { skip }, async () => {
  const t = await createThread(alice);
  assertError(await request('PATCH', `/api/threads/${t.id}`, { headers: alice.h }), 400, 'INVALID_JSON', 'no body');
  assertError(await request('PATCH', `/api/threads/${t.id}`, { headers: { ...alice.h, 'content-type': 'application/json' }, body: '' }),
    400, 'INVALID_JSON', 'empty body');
});

test('PATCH null for visibility, namespace or metadata is 422; the thread is unchanged', { skip }, async () => {
  const t = await createThread(alice, { title: 'keep', visibility: 'unlisted', namespace: 'k', metadata: { k: 'v' } });
  for (const f of ['visibility', 'namespace', 'metadata']) {
    assertValidation(await patch(alice, t.id, { [f]: null }), ['body', f], `${f}: null`);
    // A bad field next to a good one changes nothing either.
    assertValidation(await patch(alice, t.id, { title: 'changed', [f]: null }), ['body', f], `${f}: null with title`);
  }
  assert.deepEqual(assertJsonOk(await get(alice, t.id)), t);
});

test('PATCH validates like create', { skip }, async () => {
  const t = await createThread(alice);
  assertValidation(await patch(alice, t.id, { title: 'a'.repeat(513) }), ['body', 'title'], 'title 513');
  assertValidation(await patch(alice, t.id, { visibility: 'Public' }), ['body', 'visibility'], 'Public');
  assertValidation(await patch(alice, t.id, { namespace: 'a b' }), ['body', 'namespace'], 'namespace');
  assertValidation(await patch(alice, t.id, { metadata: { k: 1 } }), ['body', 'metadata', 'k'], 'metadata value');
  assertValidation(await patch(alice, t.id, { metadata: [] }), ['body', 'metadata'], 'metadata array');
  assertValidation(await request('PATCH', `/api/threads/${t.id}`, rawJson(alice.h, '[]')), ['body'], 'array body');
  assertValidation(await request('PATCH', `/api/threads/${t.id}`, rawJson(alice.h, 'null')), ['body'], 'null body');
  assert.deepEqual(assertJsonOk(await get(alice, t.id)), t);
});

test('PATCH of read-only and unknown fields, id included, is 422 naming the field', { skip }, async () => {
  const t = await createThread(alice);
  for (const f of ['id', 'owner_id', 'object', 'created_at', 'updated_at', 'message_count', 'last_message_at', 'nonsense']) {
    assertValidation(await patch(alice, t.id, { [f]: f === 'message_count' ? 1 : 'x' }), ['body', f], f);
  }
  assert.deepEqual(assertJsonOk(await get(alice, t.id)), t);
});

// ---------------------------------------------------------------- delete

test('DELETE answers 204; then GET, PATCH and DELETE are 404 and the listing forgets it', { skip }, async () => {
  const t = await createThread(alice, { title: 'doomed' });
  const del = await request('DELETE', `/api/threads/${t.id}`, { headers: alice.h });
  assert.equal(del.status, 204, del.text);
  assert.equal(del.text, '', '204 has no body');
  assertError(await get(alice, t.id), 404, 'NOT_FOUND', 'GET after delete');
  assertError(await patch(alice, t.id, { title: 'x' }), 404, 'NOT_FOUND', 'PATCH after delete');
  assertError(await request('DELETE', `/api/threads/${t.id}`, { headers: alice.h }), 404, 'NOT_FOUND', 'DELETE again');
  const ids = await walk('/api/threads?limit=200', alice.h);
  assert.ok(!ids.includes(t.id), 'deleted thread still listed');
});

test('a deleted thread id can be used again by anyone', { skip }, async () => {
  const t = await createThread(alice, { title: 'first life', visibility: 'public' });
  assert.equal((await request('DELETE', `/api/threads/${t.id}`, { headers: alice.h })).status, 204);
  const again = await post(alice, { id: t.id, title: 'second life' });
  assertThread(assertJsonOk(again, 201, 'reuse'), { id: t.id, title: 'second life', visibility: 'private' });
  assert.equal((await request('DELETE', `/api/threads/${t.id}`, { headers: alice.h })).status, 204);
  const bobs = await post(bob, { id: t.id });
  assertThread(assertJsonOk(bobs, 201, 'reuse by another user'), { id: t.id, owner_id: bob.sub });
});

// ---------------------------------------------------------------- listing

// Twenty-five threads of one user, made one after another: made[0] oldest.
const lister = user(`thr-lister-${run}`);
const made = [];
const VIS = ['private', 'unlisted', 'public'];

async function listing() {
  if (made.length === 0) {
    for (let i = 0; i < 25; i++) made.push((await createThread(lister, { title: `t${i}`, visibility: VIS[i % 3] })).id);
  }
  return made;
}
const list = (q, who = lister) => request('GET', `/api/threads${q}`, { headers: who.h });
const ids = (page) => page.data.map((t) => t.id);
const newestFirst = () => [...made].reverse();

test('the list is newest first by default, 20 a page, next_cursor = last_id', { skip }, async () => {
  await listing();
  const page = assertPage(await list(''), 'default');
  assert.deepEqual(ids(page), newestFirst().slice(0, 20));
  assert.equal(page.has_more, true);
  assert.equal(page.next_cursor, page.last_id);
  if ('total' in page) assert.equal(page.total, 25, 'total counts every matching thread');
  assert.deepEqual(ids(assertPage(await list('?order=desc'))), newestFirst().slice(0, 20), 'order=desc');
  for (const t of page.data) assert.equal(t.owner_id, lister.sub, 'only own threads');
});

test('order=asc lists oldest first', { skip }, async () => {
  await listing();
  const page = assertPage(await list('?order=asc'), 'asc');
  assert.deepEqual(ids(page), made.slice(0, 20));
  assert.equal(page.has_more, true);
});

test('limit takes 1 to 200', { skip }, async () => {
  await listing();
  const one = assertPage(await list('?limit=1'));
  assert.deepEqual(ids(one), [made[24]]);
  assert.equal(one.has_more, true);
  assert.equal(one.next_cursor, made[24]);
  const all = assertPage(await list('?limit=200'));
  assert.deepEqual(ids(all), newestFirst());
  assert.equal(all.has_more, false);
  assert.equal(all.next_cursor, null);
  const exact = assertPage(await list('?limit=25&order=asc'));
  assert.deepEqual(ids(exact), made);
  assert.equal(exact.has_more, false, 'limit = count: no more');
  assert.equal(exact.next_cursor, null);
  const less = assertPage(await list('?limit=24&order=asc'));
  assert.equal(less.has_more, true, 'limit = count - 1: more');
});

test('limit 0, 201, non-numbers and empty are 422 at query.limit', { skip }, async () => {
  for (const v of ['0', '201', 'abc', '', '-1', '1.5', '2147483648', '99999999999999999999', '1e2', '%201']) {
    assertValidation(await list(`?limit=${v}`), ['query', 'limit'], `limit=${v}`);
  }
});

test('order other than asc or desc, and empty, is 422 at query.order', { skip }, async () => {
  for (const v of ['', 'up', 'ascending', '1']) {
    assertValidation(await list(`?order=${v}`), ['query', 'order'], `order=${v}`);
  }
});

test('empty or non-UUID cursors are 422 naming the parameter', { skip }, async () => {
  for (const p of ['after', 'before', 'cursor']) {
    assertValidation(await list(`?${p}=`), ['query', p], `${p}=`);
    assertValidation(await list(`?${p}=not-a-uuid`), ['query', p], `${p}=not-a-uuid`);
  }
});

test('walking with next_cursor visits every thread once, in order, both orders', { skip }, async () => {
  await listing();
  for (const limit of [1, 4, 7, 25]) {
    assert.deepEqual(await walk(`/api/threads?limit=${limit}&order=asc`, lister.h), made, `asc limit ${limit}`);
    assert.deepEqual(await walk(`/api/threads?limit=${limit}`, lister.h), newestFirst(), `desc limit ${limit}`);
  }
  // after= is the same as cursor=.
  assert.deepEqual(await walk('/api/threads?limit=6&order=asc', lister.h, { param: 'after' }), made, 'asc after');
  assert.deepEqual(await walk('/api/threads?limit=6&order=desc', lister.h, { param: 'after' }), newestFirst(), 'desc after');
});

test('after a thread: the page that directly follows it in this order', { skip }, async () => {
  await listing();
  assert.deepEqual(ids(assertPage(await list(`?after=${made[10]}&limit=3&order=asc`))), made.slice(11, 14));
  assert.deepEqual(ids(assertPage(await list(`?after=${made[10]}&limit=3`))), [made[9], made[8], made[7]]);
  const end = assertPage(await list(`?after=${made[0]}`), 'after the oldest, desc');
  assert.deepEqual(end.data, []);
  assert.equal(end.has_more, false);
  assert.equal(end.next_cursor, null);
  assert.equal(end.first_id, null);
  assert.equal(end.last_id, null);
  const endAsc = assertPage(await list(`?cursor=${made[24]}&order=asc`), 'after the newest, asc');
  assert.deepEqual(endAsc.data, []);
  assert.equal(endAsc.has_more, false);
});

test('before pages: the page directly preceding, in list order; has_more looks further back', { skip }, async () => {
  await listing();
  const d = assertPage(await list(`?before=${made[10]}&limit=3`), 'desc before');
  assert.deepEqual(ids(d), [made[13], made[12], made[11]]);
  assert.equal(d.has_more, true);
  assert.equal(d.next_cursor, null, 'next_cursor is null on before pages');
  const a = assertPage(await list(`?before=${made[10]}&limit=3&order=asc`), 'asc before');
  assert.deepEqual(ids(a), [made[7], made[8], made[9]]);
  assert.equal(a.has_more, true);
  assert.equal(a.next_cursor, null);
  const edge = assertPage(await list(`?before=${made[3]}&limit=3&order=asc`), 'asc before, exactly the rest');
  assert.deepEqual(ids(edge), [made[0], made[1], made[2]]);
  assert.equal(edge.has_more, false);
  const none = assertPage(await list(`?before=${made[24]}`), 'before the newest, desc');
  assert.deepEqual(none.data, []);
  assert.equal(none.has_more, false);
  assert.equal(none.first_id, null);
  const noneAsc = assertPage(await list(`?before=${made[0]}&order=asc`), 'before the oldest, asc');
  assert.deepEqual(noneAsc.data, []);
  assert.equal(noneAsc.has_more, false);
});

test('walking back with before=first_id visits every earlier thread once', { skip }, async () => {
  await listing();
  const desc = await walkBack('/api/threads?limit=3', lister.h, made[10]);
  assert.deepEqual(desc.reverse().flat(), newestFirst().slice(0, 14), 'desc');
  const asc = await walkBack('/api/threads?limit=4&order=asc', lister.h, made[10]);
  assert.deepEqual(asc.reverse().flat(), made.slice(0, 10), 'asc');
});

test('two of after, before, cursor together are 422', { skip }, async () => {
  await listing();
  const [x, y] = [made[5], made[6]];
  for (const [p, q] of [['after', 'before'], ['after', 'cursor'], ['before', 'cursor']]) {
    assertValidationOneOf(await list(`?${p}=${x}&${q}=${y}`), [['query', p], ['query', q]], `${p}+${q}`);
  }
  assertValidationUnder(await list(`?after=${x}&before=${y}&cursor=${x}`), ['query'], 'all three');
});

test('a cursor naming another user\'s thread, a missing or a deleted thread is 422', { skip }, async () => {
  await listing();
  const bobs = await createThread(bob, { visibility: 'public' });
  const gone = await createThread(lister);
  assert.equal((await request('DELETE', `/api/threads/${gone.id}`, { headers: lister.h })).status, 204);
  for (const p of ['after', 'before', 'cursor']) {
    assertValidation(await list(`?${p}=${bobs.id}`), ['query', p], `${p}=another user's`);
    assertValidation(await list(`?${p}=${randomUUID()}`), ['query', p], `${p}=missing`);
    assertValidation(await list(`?${p}=${NIL_UUID}`), ['query', p], `${p}=nil`);
    assertValidation(await list(`?${p}=${gone.id}`), ['query', p], `${p}=deleted`);
  }
});

// Namespaces and visibility filters: a user of their own.
const filt = user(`thr-filter-${run}`);

test('namespace filters by exact match; namespace= matches the empty namespace', { skip }, async () => {
  const ns = `ns-${run}`;
  const a1 = await createThread(filt, { namespace: ns });
  const a2 = await createThread(filt, { namespace: ns, visibility: 'public' });
  await createThread(filt, { namespace: `${ns}/sub` });
  await createThread(filt, { namespace: `${ns}x` });
  await createThread(filt, { namespace: `NS-${run}` });
  await createThread(filt, { namespace: ns.slice(0, -1) });
  const e1 = await createThread(filt);
  const e2 = await createThread(filt, { namespace: '' });
  const q = (s) => request('GET', `/api/threads${s}`, { headers: filt.h });
  assert.deepEqual(ids(assertPage(await q(`?namespace=${ns}`))), [a2.id, a1.id]);
  assert.deepEqual(ids(assertPage(await q(`?namespace=${ns}&order=asc`))), [a1.id, a2.id]);
  assert.deepEqual(ids(assertPage(await q('?namespace='))), [e2.id, e1.id], 'namespace= matches ""');
  assert.deepEqual(ids(assertPage(await q(`?namespace=${encodeURIComponent(ns)}&limit=1`))), [a2.id]);
  const paged = await walk(`/api/threads?namespace=${ns}&limit=1`, filt.h);
  assert.deepEqual(paged, [a2.id, a1.id], 'walk within a namespace');
  const none = assertPage(await q('?namespace=nothing-here'));
  assert.deepEqual(none.data, []);
  // The last one wins when a parameter repeats.
  assert.deepEqual(ids(assertPage(await q(`?namespace=zzz&namespace=${ns}`))), [a2.id, a1.id], 'repeated: last wins');
});

test('a namespace filter with a wildcard, a trailing space or 256 points is 422', { skip }, async () => {
  for (const v of ['ns-%25', 'ns-*', 'ns-_', `ns-${run}%20`, 'n'.repeat(256)]) {
    const res = await request('GET', `/api/threads?namespace=${v}`, { headers: filt.h });
    if (v === 'ns-_') {
      // `_` is a namespace character: an exact match, never a LIKE wildcard.
      assert.deepEqual(assertPage(res, 'ns-_').data, []);
      continue;
    }
    assertValidation(res, ['query', 'namespace'], `namespace=${v}`);
  }
});

test('a cursor of one\'s own thread is valid whatever the filters', { skip }, async () => {
  const ns = `cur-${run}`;
  const x = await createThread(filt, { namespace: ns, visibility: 'private' });
  const outside = await createThread(filt, { namespace: `other-${run}`, visibility: 'public' });
  const y = await createThread(filt, { namespace: ns, visibility: 'private' });
  const page = assertPage(await request('GET', `/api/threads?namespace=${ns}&order=asc&after=${outside.id}`, { headers: filt.h }));
  assert.deepEqual(ids(page), [y.id]);
  const p2 = assertPage(await request('GET', `/api/threads?visibility=private&namespace=${ns}&before=${outside.id}&order=asc`, { headers: filt.h }));
  assert.deepEqual(ids(p2), [x.id]);
});

test('visibility filters by value; unknown values are 422', { skip }, async () => {
  const v = user(`thr-vis-${run}`);
  const byVis = { private: [], unlisted: [], public: [] };
  for (let i = 0; i < 6; i++) {
    const t = await createThread(v, { visibility: VIS[i % 3] });
    byVis[t.visibility].push(t.id);
  }
  for (const vis of VIS) {
    const page = assertPage(await request('GET', `/api/threads?visibility=${vis}&order=asc`, { headers: v.h }), vis);
    assert.deepEqual(ids(page), byVis[vis], vis);
  }
  for (const bad of ['', 'Public', 'PRIVATE', 'all', 'secret']) {
    assertValidation(await request('GET', `/api/threads?visibility=${bad}`, { headers: v.h }), ['query', 'visibility'], `visibility=${bad}`);
  }
});

test('an unknown scope is 422; unknown query parameters are ignored', { skip }, async () => {
  await listing();
  for (const s of ['', 'all', 'Public', 'own']) {
    assertValidation(await list(`?scope=${s}`), ['query', 'scope'], `scope=${s}`);
  }
  assert.deepEqual(ids(assertPage(await list('?frobnicate=1&limit=2'))), newestFirst().slice(0, 2));
});

test('HEAD of the list answers the GET headers without a body', { skip }, async () => {
  await listing();
  const g = await list('?limit=5');
  const h = await request('HEAD', '/api/threads?limit=5', { headers: lister.h });
  assert.equal(h.status, 200);
  assert.equal(h.text, '');
  assert.equal(h.headers.get('content-length'), g.headers.get('content-length'));
});

test('a list through nginx keeps the thread objects exactly as GET shows them', { skip }, async () => {
  await listing();
  const page = assertPage(await list('?limit=3'));
  for (const t of page.data) {
    assert.deepEqual(assertJsonOk(await get(lister, t.id)), t);
    assert.match(t.created_at, ISO);
  }
});

// ---------------------------------------------------------------- more edges

test('a namespace filter may be percent-encoded; / and : match as themselves', { skip }, async () => {
  const u = user(`thr-enc-${run}`);
  const ns = `org/ws.1:app_${run}`;
  const t = await createThread(u, { namespace: ns });
  await createThread(u, { namespace: `org/ws.1` });
  for (const q of [encodeURIComponent(ns), ns, ns.replace('/', '%2f')]) {
    const page = assertPage(await request('GET', `/api/threads?namespace=${q}`, { headers: u.h }), q);
    assert.deepEqual(ids(page), [t.id], `namespace=${q}`);
  }
});

test('a caller id of 255 bytes owns, reads and lists its threads', { skip }, async () => {
  const sub = `${run}-${'😀'.repeat(60)}${'x'.repeat(255 - 9 - 240)}`;
  assert.equal(Buffer.byteLength(sub), 255);
  const u = user(sub);
  const t = await createThread(u, { title: 'long sub' });
  assert.equal(t.owner_id, sub);
  assert.deepEqual(assertJsonOk(await get(u, t.id)), t);
  assert.deepEqual(ids(assertPage(await request('GET', '/api/threads', { headers: u.h }))), [t.id]);
});

test('the largest metadata (16 keys of 64 by values of 512 code points) round-trips', { skip }, async () => {
  const meta = {};
  for (let i = 0; i < 16; i++) meta[`${String(i).padStart(2, '0')}${'😀'.repeat(62)}`] = `${'😀'.repeat(511)}${i % 10}`;
  const t = await createThread(alice, { metadata: meta });
  assert.deepEqual(t.metadata, meta);
  assert.deepEqual(assertJsonOk(await get(alice, t.id)).metadata, meta);
  // Characters that JSON must escape, at the limit.
  const esc = {};
  for (let i = 0; i < 16; i++) esc[`${String(i).padStart(2, '0')}${'\u0001'.repeat(62)}`] = '"\\/\u0001\n'.repeat(102) + 'ab';
  const e = await createThread(alice, { metadata: esc });
  assert.deepEqual(assertJsonOk(await get(alice, e.id)).metadata, esc, 'escaped characters round-trip');
});

test('a title written with \\u escapes counts a surrogate pair as one code point', { skip }, async () => {
  const text = `{"title":"${'\\ud83d\\ude00'.repeat(512)}"}`;
  const res = await request('POST', '/api/threads', rawJson(alice.h, text));
  assertThread(assertJsonOk(res, 201, 'escaped 512'), { title: '😀'.repeat(512) });
  const over = `{"title":"${'\\ud83d\\ude00'.repeat(513)}"}`;
  assertValidation(await request('POST', '/api/threads', rawJson(alice.h, over)), ['body', 'title'], 'escaped 513');
});

test('thread routes answer 405 with Allow for methods they do not serve', { skip }, async () => {
  const t = await createThread(alice);
  for (const [m, path] of [['PUT', `/api/threads/${t.id}`], ['POST', `/api/threads/${t.id}`], ['PUT', '/api/threads'],
    ['DELETE', '/api/threads'], ['PATCH', '/api/threads']]) {
    const res = await request(m, path, json(alice.h, {}));
    assertError(res, 405, 'METHOD_NOT_ALLOWED', `${m} ${path}`);
    const allow = (res.headers.get('allow') || '').split(',').map((s) => s.trim()).sort();
    const want = path === '/api/threads' ? ['GET', 'HEAD', 'POST'] : ['DELETE', 'GET', 'HEAD', 'PATCH'];
    assert.deepEqual(allow, want, `${m} ${path}: Allow`);
  }
});

test('a deleted thread takes its messages along; its id and message ids can be used again', { skip }, async () => {
  const id = randomUUID();
  const mid = randomUUID();
  await createThread(alice, { id });
  assertJsonOk(await request('POST', `/api/threads/${id}/messages`, json(alice.h, { message_id: mid, role: 'user', content: 'old' })), 201);
  assert.equal(assertJsonOk(await get(alice, id)).message_count, 1);
  assert.equal((await request('DELETE', `/api/threads/${id}`, { headers: alice.h })).status, 204);
  assertError(await request('GET', `/api/threads/${id}/messages`, { headers: alice.h }), 404, 'NOT_FOUND', 'messages after delete');
  const again = await createThread(alice, { id });
  assertThread(again, { message_count: 0, last_message_at: null });
  const list = assertJsonOk(await request('GET', `/api/threads/${id}/messages`, { headers: alice.h }));
  assert.deepEqual(list.data, [], 'the old messages are gone');
  const m = assertJsonOk(await request('POST', `/api/threads/${id}/messages`, json(alice.h, { message_id: mid, role: 'user', content: 'new' })), 201, 'message id reused');
  assert.equal(m.content.text, 'new');
});

test('two users racing for one client id: one 201; the winner\'s repeats 200, the loser\'s 409', { skip }, async () => {
  const id = randomUUID();
  const reqs = [];
  for (let i = 0; i < 10; i++) reqs.push(post(alice, { id }), post(bob, { id }));
  const all = await Promise.all(reqs);
  const created = all.filter((r) => r.status === 201);
  assert.equal(created.length, 1, all.map((r) => r.status).join(','));
  const winner = created[0].json.owner_id;
  for (let i = 0; i < all.length; i++) {
    const who = i % 2 === 0 ? alice.sub : bob.sub;
    if (all[i] === created[0]) continue;
    if (who === winner) assert.equal(all[i].status, 200, `winner's repeat: ${all[i].text}`);
    else assertError(all[i], 409, 'CONFLICT', 'loser');
  }
});

test('Location on 201 follows the mount under Apache too', { skip: skip || (!process.env.TS_APACHE_URL && 'Apache not running') }, async () => {
  const res = await request('POST', '/api/threads', { ...json(alice.h, {}), base: process.env.TS_APACHE_URL });
  const t = assertJsonOk(res, 201, 'Apache create');
  assert.equal(new URL(res.headers.get('location'), process.env.TS_APACHE_URL).pathname, `/chat/api/threads/${t.id}`);
});

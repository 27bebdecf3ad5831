// Helpers of threads.test.mjs and access_matrix.test.mjs: users with their
// own tokens, thread creation, the thread object and the list envelope
// (API reference: schema Thread; schema ThreadList), the public_sharing
// flag, and page walks.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { assertJsonOk, bearer, request, signToken } from './lib.mjs';

// The keys of a thread object (API reference: schema Thread), sorted.
export const THREAD_KEYS = ['created_at', 'id', 'last_message_at', 'message_count', 'metadata',
  'namespace', 'object', 'owner_id', 'title', 'updated_at', 'visibility'];
// The keys of a list envelope, without `total`, which the thread list
// leaves out (API reference: schema ThreadList).
export const ENVELOPE_KEYS = ['data', 'first_id', 'has_more', 'last_id', 'next_cursor', 'object'];
// Native timestamps (API reference: schema Timestamp).
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
// Rendered ids: lowercase 8-4-4-4-12 (API reference: schema Uuid).
export const UUID_LC = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

// A per-file run tag, so that files and runs never share users or namespaces.
export const runTag = () => randomUUID().slice(0, 8);

// A user: { sub, h } where h holds the Authorization header.
export function user(sub, { admin = false } = {}) {
  return { sub, h: bearer(signToken(admin ? { sub, role: 'admin' } : { sub })) };
}

// Request options with a JSON body (any value, sent as JSON text).
export const json = (headers, body) => ({
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
// Request options with a raw JSON text body.
export const rawJson = (headers, text) => ({
  headers: { ...headers, 'content-type': 'application/json' },
  body: text,
});

// Asserts a thread object (API reference: schema Thread): exactly its
// keys, the types of every field, and the given expected values. Returns
// the thread.
export function assertThread(t, want = {}, what = '') {
  assert.ok(t && typeof t === 'object' && !Array.isArray(t), `${what}: not an object: ${JSON.stringify(t)}`);
  assert.deepEqual(Object.keys(t).sort(), THREAD_KEYS, `${what}: thread keys`);
  assert.match(t.id, UUID_LC, `${what}: id`);
  assert.equal(t.object, 'thread', `${what}: object`);
  assert.equal(typeof t.owner_id, 'string', `${what}: owner_id`);
  assert.ok(t.title === null || typeof t.title === 'string', `${what}: title type`);
  assert.ok(['private', 'unlisted', 'public'].includes(t.visibility), `${what}: visibility ${t.visibility}`);
  assert.equal(typeof t.namespace, 'string', `${what}: namespace`);
  assert.ok(t.metadata && typeof t.metadata === 'object' && !Array.isArray(t.metadata), `${what}: metadata`);
  assert.ok(Number.isInteger(t.message_count) && t.message_count >= 0, `${what}: message_count`);
  assert.ok(t.last_message_at === null || ISO.test(t.last_message_at), `${what}: last_message_at ${t.last_message_at}`);
  assert.match(t.created_at, ISO, `${what}: created_at`);
  assert.match(t.updated_at, ISO, `${what}: updated_at`);
  assert.ok(t.updated_at >= t.created_at, `${what}: updated_at ${t.updated_at} before created_at ${t.created_at}`);
  for (const [k, v] of Object.entries(want)) assert.deepEqual(t[k], v, `${what}: ${k}`);
  return t;
}

// Asserts a list envelope (a 200 JSON answer) and that every item is a
// thread object. Returns the body.
export function assertPage(res, what = '') {
  const page = assertJsonOk(res, 200, what);
  const keys = Object.keys(page).filter((k) => k !== 'total').sort();
  assert.deepEqual(keys, ENVELOPE_KEYS, `${what}: envelope keys ${Object.keys(page)}`);
  assert.equal(page.object, 'list', `${what}: object`);
  assert.ok(Array.isArray(page.data), `${what}: data`);
  for (const t of page.data) assertThread(t, {}, `${what}: item`);
  assert.equal(page.first_id, page.data.length ? page.data[0].id : null, `${what}: first_id`);
  assert.equal(page.last_id, page.data.length ? page.data[page.data.length - 1].id : null, `${what}: last_id`);
  assert.equal(typeof page.has_more, 'boolean', `${what}: has_more`);
  if ('total' in page) assert.ok(Number.isInteger(page.total) && page.total >= 0, `${what}: total`);
  return page;
}

// Creates a thread as `who`; asserts 201 and the object. Returns the thread.
export async function createThread(who, fields = {}) {
  const res = await request('POST', '/api/threads', json(who.h, fields));
  assertJsonOk(res, 201, `create ${JSON.stringify(fields).slice(0, 100)}`);
  return assertThread(res.json, { owner_id: who.sub }, 'created thread');
}

// Sets public_sharing with an admin token; asserts the answer.
export async function setSharing(admin, on) {
  const res = await request('PUT', '/api/settings', json(admin.h, { public_sharing: on }));
  const body = assertJsonOk(res, 200, `PUT /api/settings ${on}`);
  assert.equal(body.public_sharing, on, 'PUT /api/settings answers the new value');
}

// Walks a listing with next_cursor from `path` (which carries its query, and
// no cursor); returns the ids in the order seen. Every page is checked.
export async function walk(path, headers, { param = 'cursor', maxPages = 500 } = {}) {
  const seen = [];
  let cursor = null;
  for (let n = 0; n < maxPages; n++) {
    const sep = path.includes('?') ? '&' : '?';
    const url = cursor ? `${path}${sep}${param}=${cursor}` : path;
    const page = assertPage(await request('GET', url, { headers }), `GET ${url}`);
    seen.push(...page.data.map((t) => t.id));
    if (!page.has_more) {
      assert.equal(page.next_cursor, null, `GET ${url}: next_cursor on the last page`);
      return seen;
    }
    assert.ok(page.data.length > 0, `GET ${url}: has_more with an empty page`);
    assert.equal(page.next_cursor, page.last_id, `GET ${url}: next_cursor is last_id`);
    cursor = page.next_cursor;
  }
  assert.fail(`${path}: more than ${maxPages} pages`);
}

// Walks backwards with before=<first_id> from `before`; returns the ids of
// the pages in the order of the pages as fetched (each page in list order).
export async function walkBack(path, headers, before) {
  const pages = [];
  let cursor = before;
  for (let n = 0; n < 500; n++) {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${path}${sep}before=${cursor}`;
    const page = assertPage(await request('GET', url, { headers }), `GET ${url}`);
    assert.equal(page.next_cursor, null, `GET ${url}: next_cursor on a before page`);
    pages.push(page.data.map((t) => t.id));
    if (!page.has_more) return pages;
    assert.ok(page.data.length > 0, `GET ${url}: has_more with an empty page`);
    cursor = page.first_id;
  }
  assert.fail(`${path}: more than 500 pages back`);
}

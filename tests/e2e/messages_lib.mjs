// Helpers shared by the message tests (messages*.test.mjs): callers, threads,
// messages, and the shape every message object must have
// (API reference: schema Message).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test, after } from 'node:test';
import { request, signToken, bearer, adminHeaders, assertJsonOk, needsHarness } from './lib.mjs';

export const MESSAGE_KEYS = ['assistant_id', 'attachments', 'comparison_id', 'completion_tokens', 'content',
  'created_at', 'details', 'id', 'latency_ms', 'metadata', 'model', 'object', 'parent_message_id',
  'prompt_tokens', 'role', 'run_id', 'seq', 'source', 'thread_id', 'token_count', 'tool_call_id',
  'tool_calls', 'tool_name', 'updated_at'];
export const CONTENT_KEYS = ['citations', 'is_error', 'references', 'text'];
export const LIST_KEYS = ['data', 'first_id', 'has_more', 'last_id', 'next_cursor', 'object', 'total'];
export const CONTEXT_KEYS = ['message_count', 'messages', 'object', 'total_tokens', 'truncated'];
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const NIL = '00000000-0000-0000-0000-000000000000';
const STRING_FIELDS = ['run_id', 'assistant_id', 'model', 'source', 'tool_call_id', 'tool_name', 'comparison_id'];
const INT_FIELDS = ['token_count', 'prompt_tokens', 'completion_tokens', 'latency_ms'];

// A test that needs scripts/test's environment (skipped without it).
export function htest(name, fn) {
  return test(name, { skip: needsHarness }, fn);
}

// public_sharing is global: every file leaves it off when it ends.
export function leaveSharingOff() {
  after(async () => {
    if (!needsHarness) await setSharing(false);
  });
}

// A caller: its user id and its Authorization header. Each test file makes
// its own, with a unique id, so files never see each other's threads.
export function caller(prefix, claims = {}) {
  const sub = `${prefix}-${randomUUID().slice(0, 8)}`;
  return { sub, headers: needsHarness ? {} : bearer(signToken({ sub, ...claims })) };
}
export const ANON = { sub: null, headers: {} };

// Request options for a JSON body.
export function json(headers, body) {
  return { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export const threadPath = (tid) => `/api/threads/${tid}`;
export const msgsPath = (tid) => `/api/threads/${tid}/messages`;
export const msgPath = (tid, mid) => `/api/threads/${tid}/messages/${mid}`;

// public_sharing is global: the files set it where it matters and leave it off.
export async function setSharing(on) {
  const res = await request('PUT', '/api/settings', json(adminHeaders(), { public_sharing: on }));
  assertJsonOk(res, 200, `set public_sharing ${on}`);
  assert.equal(res.json.public_sharing, on);
}

export async function newThread(who, fields = {}) {
  return assertJsonOk(await request('POST', '/api/threads', json(who.headers, fields)), 201, 'create thread');
}

export async function getThread(who, tid) {
  return assertJsonOk(await request('GET', threadPath(tid), { headers: who.headers }), 200, 'get thread');
}

// Creates one message; asserts the status (201 by default) and the shape.
export async function createMessage(who, tid, body, status = 201) {
  const res = await request('POST', msgsPath(tid), json(who.headers, body));
  const m = assertJsonOk(res, status, `create message ${JSON.stringify(body).slice(0, 120)}`);
  assertMessage(m);
  return m;
}

// Creates a batch; returns the data array (201 asserted).
export async function createBatch(who, tid, messages) {
  const res = await request('POST', `${msgsPath(tid)}/batch`, json(who.headers, { messages }));
  const b = assertJsonOk(res, 201, `batch of ${messages.length}`);
  assert.deepEqual(Object.keys(b).sort(), ['data', 'object']);
  assert.equal(b.object, 'list');
  assert.equal(res.headers.get('location'), null, 'a batch has no Location');
  for (const m of b.data) assertMessage(m);
  return b.data;
}

// n plain messages in one batch (or several of at most 100).
export async function fillThread(who, tid, n, make = (i) => ({ role: 'user', content: `m${i}` })) {
  const out = [];
  for (let i = 0; i < n; i += 100) {
    const items = [];
    for (let j = i; j < Math.min(n, i + 100); j++) items.push(make(j));
    out.push(...await createBatch(who, tid, items));
  }
  return out;
}

// Asserts a message object (API reference: schema Message): exactly its
// keys, each of its type.
export function assertMessage(m, what = '') {
  const ctx = `${what} ${JSON.stringify(m).slice(0, 300)}`;
  assert.ok(m && typeof m === 'object' && !Array.isArray(m), `message is not an object: ${ctx}`);
  assert.deepEqual(Object.keys(m).sort(), MESSAGE_KEYS, `message keys: ${ctx}`);
  assert.match(m.id, UUID, `id: ${ctx}`);
  assert.equal(m.object, 'thread.message', ctx);
  assert.match(m.thread_id, UUID, `thread_id: ${ctx}`);
  assert.ok(Number.isInteger(m.seq) && m.seq >= 1, `seq: ${ctx}`);
  assert.ok(['user', 'assistant', 'system', 'tool'].includes(m.role), `role: ${ctx}`);
  assert.deepEqual(Object.keys(m.content).sort(), CONTENT_KEYS, `content keys: ${ctx}`);
  assert.equal(typeof m.content.text, 'string', ctx);
  assert.ok(Array.isArray(m.content.citations), ctx);
  assert.ok(Array.isArray(m.content.references), ctx);
  assert.equal(typeof m.content.is_error, 'boolean', ctx);
  assert.ok(m.metadata && typeof m.metadata === 'object' && !Array.isArray(m.metadata), `metadata: ${ctx}`);
  assert.ok(Array.isArray(m.attachments), `attachments: ${ctx}`);
  assert.ok(m.parent_message_id === null || UUID.test(m.parent_message_id), `parent_message_id: ${ctx}`);
  for (const f of STRING_FIELDS) assert.ok(m[f] === null || typeof m[f] === 'string', `${f}: ${ctx}`);
  for (const f of INT_FIELDS) assert.ok(m[f] === null || (Number.isInteger(m[f]) && m[f] >= 0), `${f}: ${ctx}`);
  assert.ok(m.tool_calls === null || Array.isArray(m.tool_calls), `tool_calls: ${ctx}`);
  assert.match(m.created_at, ISO, `created_at: ${ctx}`);
  assert.match(m.updated_at, ISO, `updated_at: ${ctx}`);
  return m;
}

// Asserts the list envelope (API reference: schema MessageList); returns
// the body.
export function assertList(res, what = '') {
  const b = assertJsonOk(res, 200, what);
  assert.deepEqual(Object.keys(b).sort(), LIST_KEYS, `${what}: list keys ${res.text.slice(0, 200)}`);
  assert.equal(b.object, 'list');
  assert.ok(Array.isArray(b.data));
  for (const m of b.data) assertMessage(m, what);
  assert.equal(typeof b.has_more, 'boolean');
  assert.ok(Number.isInteger(b.total) && b.total >= 0, `${what}: total ${b.total}`);
  assert.equal(b.first_id, b.data.length ? b.data[0].id : null, `${what}: first_id`);
  assert.equal(b.last_id, b.data.length ? b.data[b.data.length - 1].id : null, `${what}: last_id`);
  return b;
}

// GET .../messages with the given query (an object or a string).
export async function list(who, tid, query = {}) {
  const qs = typeof query === 'string' ? query : new URLSearchParams(query).toString();
  const res = await request('GET', `${msgsPath(tid)}${qs ? `?${qs}` : ''}`, { headers: who.headers });
  return res;
}

export async function listOk(who, tid, query = {}, what = '') {
  return assertList(await list(who, tid, query), `${what} ${JSON.stringify(query)}`);
}

// Walks every page with next_cursor; between pages calls between(pageIndex).
// Returns the ids in the order visited.
export async function walk(who, tid, { order, limit, extra = {}, between } = {}) {
  const ids = [];
  let cursor = null;
  for (let page = 0; page < 10000; page++) {
    const q = { limit: String(limit), ...extra };
    if (order) q.order = order;
    if (cursor) q.cursor = cursor;
    const b = await listOk(who, tid, q, `walk page ${page}`);
    ids.push(...b.data.map((m) => m.id));
    if (b.has_more) {
      assert.equal(b.next_cursor, b.last_id, 'next_cursor is last_id while has_more');
      assert.ok(b.data.length === limit, 'a page with more after it is full');
    } else {
      assert.equal(b.next_cursor, null, 'next_cursor is null on the last page');
    }
    if (!b.has_more) return ids;
    cursor = b.next_cursor;
    if (between) await between(page);
  }
  assert.fail('walk did not end');
}

// POST .../messages/context.
export async function context(who, tid, body) {
  return request('POST', `${msgsPath(tid)}/context`, json(who.headers, body));
}

export function assertContext(res, what = '') {
  const b = assertJsonOk(res, 200, what);
  assert.deepEqual(Object.keys(b).sort(), CONTEXT_KEYS, `${what}: context keys`);
  assert.equal(b.object, 'thread.context');
  for (const m of b.messages) assertMessage(m, what);
  assert.equal(b.message_count, b.messages.length, `${what}: message_count is the number returned`);
  assert.equal(typeof b.truncated, 'boolean');
  return b;
}

// A character count in code points (what the contract counts).
export const codePoints = (s) => [...s].length;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Helpers of the /v1 tests (v1.test.mjs, tests/openai): OpenAI's object
// shapes (API reference: Objects) and OpenAI's error body
// (API reference: schema OpenAIError), asserted exactly.
import assert from 'node:assert/strict';

import { JSON_TYPE, SANE_ID } from './lib.mjs';

export const V1_THREAD_KEYS = ['created_at', 'id', 'metadata', 'object', 'tool_resources'];
export const V1_MESSAGE_KEYS = ['assistant_id', 'attachments', 'completed_at', 'content', 'created_at', 'id',
  'incomplete_at', 'incomplete_details', 'metadata', 'object', 'role', 'run_id', 'status', 'thread_id'];
export const V1_LIST_KEYS = ['data', 'first_id', 'has_more', 'last_id', 'object'];
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Unix seconds within a minute of now (the test machine's clock is the server's).
export function assertRecentSeconds(v, what) {
  assert.ok(Number.isInteger(v), `${what}: not an integer: ${v}`);
  assert.ok(Math.abs(v - Date.now() / 1000) < 120, `${what}: ${v} is not close to now`);
}

export function assertV1Thread(t, want = {}, what = 'thread') {
  assert.deepEqual(Object.keys(t).sort(), V1_THREAD_KEYS, `${what}: keys of ${JSON.stringify(t)}`);
  assert.match(t.id, UUID, `${what}: id`);
  assert.equal(t.object, 'thread');
  assertRecentSeconds(t.created_at, `${what}: created_at`);
  assert.deepEqual(t.tool_resources, {});
  assert.ok(t.metadata && typeof t.metadata === 'object' && !Array.isArray(t.metadata), `${what}: metadata`);
  for (const [k, v] of Object.entries(want)) assert.deepEqual(t[k], v, `${what}: ${k}`);
  return t;
}

// A message object; want.text is the one text part's value.
export function assertV1Message(m, want = {}, what = 'message') {
  assert.deepEqual(Object.keys(m).sort(), V1_MESSAGE_KEYS, `${what}: keys of ${JSON.stringify(m).slice(0, 300)}`);
  assert.match(m.id, UUID, `${what}: id`);
  assert.match(m.thread_id, UUID, `${what}: thread_id`);
  assert.equal(m.object, 'thread.message');
  assertRecentSeconds(m.created_at, `${what}: created_at`);
  assert.equal(m.completed_at, m.created_at, `${what}: completed_at equals created_at`);
  assert.equal(m.status, 'completed');
  assert.equal(m.incomplete_details, null);
  assert.equal(m.incomplete_at, null);
  assert.ok(['user', 'assistant', 'system', 'tool'].includes(m.role), `${what}: role ${m.role}`);
  assert.ok(Array.isArray(m.content) && m.content.length === 1, `${what}: content is one part`);
  assert.deepEqual(Object.keys(m.content[0]).sort(), ['text', 'type']);
  assert.equal(m.content[0].type, 'text');
  assert.deepEqual(Object.keys(m.content[0].text).sort(), ['annotations', 'value']);
  assert.deepEqual(m.content[0].text.annotations, []);
  assert.equal(typeof m.content[0].text.value, 'string');
  assert.ok(Array.isArray(m.attachments), `${what}: attachments`);
  assert.ok(m.metadata && typeof m.metadata === 'object' && !Array.isArray(m.metadata), `${what}: metadata`);
  const { text, ...rest } = want;
  if (text !== undefined) assert.equal(m.content[0].text.value, text, `${what}: text`);
  for (const [k, v] of Object.entries(rest)) assert.deepEqual(m[k], v, `${what}: ${k}`);
  return m;
}

// The list envelope: exactly OpenAI's keys, ids matching data. Returns data.
export function assertV1List(l, what = 'list') {
  assert.deepEqual(Object.keys(l).sort(), V1_LIST_KEYS, `${what}: keys`);
  assert.equal(l.object, 'list');
  assert.equal(typeof l.has_more, 'boolean');
  for (const m of l.data) assertV1Message(m, {}, `${what} item`);
  assert.equal(l.first_id, l.data.length ? l.data[0].id : null, `${what}: first_id`);
  assert.equal(l.last_id, l.data.length ? l.data[l.data.length - 1].id : null, `${what}: last_id`);
  return l.data;
}

// OpenAI's error answer: the status, exactly {"error": {message, type,
// param, code}}, the JSON content type, and X-Request-Id in the header.
export function assertV1Error(res, status, type, code, param = null, what = '') {
  const ctx = `${what} -> ${res.status} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, status, `status: ${ctx}`);
  assert.equal(res.headers.get('content-type'), JSON_TYPE, `content type: ${ctx}`);
  assert.deepEqual(Object.keys(res.json || {}), ['error'], `body keys: ${ctx}`);
  const e = res.json.error;
  assert.deepEqual(Object.keys(e).sort(), ['code', 'message', 'param', 'type'], `error keys: ${ctx}`);
  assert.equal(e.type, type, `type: ${ctx}`);
  assert.equal(e.code, code, `code: ${ctx}`);
  assert.equal(e.param, param, `param: ${ctx}`);
  assert.ok(typeof e.message === 'string' && e.message.length > 0, `message: ${ctx}`);
  assert.ok(SANE_ID.test(res.headers.get('x-request-id') || ''), `X-Request-Id: ${ctx}`);
  return e;
}

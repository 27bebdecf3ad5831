// X-Request-Id (API reference: Requests and responses): a sane caller id
// (at most 64 of [A-Za-z0-9._-]) is echoed, anything else is replaced by a
// generated sane one, and an error body's request_id equals the header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';

import { SANE_ID, assertError, env, needsHarness, request, sleep } from './lib.mjs';

const withId = (id) => request('GET', '/api/health', { headers: { 'x-request-id': id } });

test('a sane caller X-Request-Id is echoed unchanged', { skip: needsHarness }, async () => {
  for (const id of ['abc-123', 'A.b_c-9', 'x', '0123456789'.repeat(6) + 'abcd']) {
    const res = await withId(id);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), id, `id of ${id.length} chars not echoed`);
  }
});

test('a 65-character X-Request-Id is replaced by a generated sane one',
  { skip: needsHarness }, async () => {
    const id = 'a'.repeat(65);
    const res = await withId(id);
    const got = res.headers.get('x-request-id');
    assert.notEqual(got, id);
    assert.match(got || '', SANE_ID);
  });

test('an X-Request-Id with a space or other characters outside [A-Za-z0-9._-] is replaced',
  { skip: needsHarness }, async () => {
    for (const id of ['abc def', 'abc/def', 'abc"def', 'äbc', 'a;b']) {
      const res = await withId(id);
      const got = res.headers.get('x-request-id');
      assert.notEqual(got, id, `insane id ${JSON.stringify(id)} was echoed`);
      assert.match(got || '', SANE_ID, `replacement for ${JSON.stringify(id)} is not sane`);
    }
  });

test('without X-Request-Id every response gets a new sane id', { skip: needsHarness }, async () => {
  const a = (await request('GET', '/api/health')).headers.get('x-request-id');
  const b = (await request('GET', '/api/health')).headers.get('x-request-id');
  assert.match(a || '', SANE_ID);
  assert.match(b || '', SANE_ID);
  assert.notEqual(a, b, 'two requests got the same generated id');
});

test('an error body carries request_id equal to the X-Request-Id header (caller id and generated id)',
  { skip: needsHarness }, async () => {
    const mine = await request('GET', '/api/no-such-route', { headers: { 'x-request-id': 'e2e-err-1' } });
    assertError(mine, 404, 'NOT_FOUND');
    assert.equal(mine.json.request_id, 'e2e-err-1');
    const insane = await request('GET', '/api/no-such-route', { headers: { 'x-request-id': 'bad id' } });
    assertError(insane, 404, 'NOT_FOUND');
    assert.notEqual(insane.json.request_id, 'bad id');
  });

test('the request id appears in the program log line for that request',
  { skip: needsHarness || (!env.TS_LOG_FILE && 'needs TS_LOG_FILE') }, async () => {
    assert.ok(existsSync(env.TS_LOG_FILE), `${env.TS_LOG_FILE} does not exist`);
    const id = `e2e-log-${Date.now()}`;
    const res = await withId(id);
    assert.equal(res.status, 200);
    let log = '';
    for (let i = 0; i < 40 && !log.includes(id); i++) {
      await sleep(50);
      log = readFileSync(env.TS_LOG_FILE, 'utf8');
    }
    assert.ok(log.includes(id), `request id ${id} not found in ${env.TS_LOG_FILE}`);
  });

// GET/HEAD /api/health through nginx (API reference: /api/health):
// 200 {"status":"ok"} while the database answers, never needs
// authentication, ignores Authorization.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { JSON_TYPE, SANE_ID, needsHarness, request } from './lib.mjs';

test('health answers 200 {"status":"ok"} with the JSON content type and an X-Request-Id',
  { skip: needsHarness }, async () => {
    const res = await request('GET', '/api/health');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { status: 'ok' });
    assert.equal(res.headers.get('content-type'), JSON_TYPE);
    assert.match(res.headers.get('x-request-id') || '', SANE_ID);
  });

test('health ignores a garbage Authorization header (no 401 from a bad token)',
  { skip: needsHarness }, async () => {
    for (const value of ['Bearer garbage', 'Bearer a.b.c', 'Basic xyz', 'Bearer', '!!!']) {
      const res = await request('GET', '/api/health', { headers: { authorization: value } });
      assert.equal(res.status, 200, `Authorization: ${value} -> ${res.status} ${res.text}`);
      assert.deepEqual(res.json, { status: 'ok' });
    }
  });

test('HEAD /api/health answers 200 with the GET headers and no body',
  { skip: needsHarness }, async () => {
    const get = await request('GET', '/api/health');
    const head = await request('HEAD', '/api/health');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(head.headers.get('content-type'), JSON_TYPE);
    assert.equal(head.headers.get('content-length'), get.headers.get('content-length'));
    assert.match(head.headers.get('x-request-id') || '', SANE_ID);
  });

test('health is the same under a query string (unknown query parameters are ignored)',
  { skip: needsHarness }, async () => {
    const res = await request('GET', '/api/health?x=1&y=');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { status: 'ok' });
  });

// Size limits (API reference: Limits): body over 1 MiB is 413, query over
// 8 KiB is 414, answered by threadstore itself (nginx's own limits are set
// above them). Nothing here changes the setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { adminHeaders, assertError, needsHarness, request } from './lib.mjs';

const MiB = 1024 * 1024;

test('a PUT body of 1 MiB + 1 byte answers 413 PAYLOAD_TOO_LARGE (in JSON, from threadstore)',
  { skip: needsHarness }, async () => {
    const body = `{"public_sharing": true}${' '.repeat(MiB + 1 - 24)}`;
    assert.equal(Buffer.byteLength(body), MiB + 1);
    const res = await request('PUT', '/api/settings', {
      headers: { ...adminHeaders(), 'content-type': 'application/json' }, body,
    });
    assertError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

test('a PUT body of 4 MiB answers 413 PAYLOAD_TOO_LARGE, not a web server error page',
  { skip: needsHarness }, async () => {
    const res = await request('PUT', '/api/settings', {
      headers: { ...adminHeaders(), 'content-type': 'application/json' }, body: 'x'.repeat(4 * MiB),
    });
    assertError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

test('a body over the limit is 413 before authentication of the caller (anonymous)',
  { skip: needsHarness }, async () => {
    const res = await request('PUT', '/api/settings', {
      headers: { 'content-type': 'application/json' }, body: ' '.repeat(MiB + 1),
    });
    assertError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

const query = (n) => `q=${'x'.repeat(n - 2)}`;

test('a query string of exactly 8192 bytes is accepted', { skip: needsHarness }, async () => {
  assert.equal(query(8192).length, 8192);
  const res = await request('GET', `/api/settings?${query(8192)}`);
  assert.equal(res.status, 200, res.text.slice(0, 200));
  assert.equal(typeof res.json.public_sharing, 'boolean');
});

test('a query string of 8193 bytes answers 414 URI_TOO_LONG', { skip: needsHarness }, async () => {
  assertError(await request('GET', `/api/settings?${query(8193)}`), 414, 'URI_TOO_LONG');
});

test('a query string of 20000 bytes answers 414 URI_TOO_LONG from threadstore, not the web server',
  { skip: needsHarness }, async () => {
    assertError(await request('GET', `/api/health?${query(20000)}`), 414, 'URI_TOO_LONG');
  });

test('414 comes before authentication: a bad token with a long query is 414',
  { skip: needsHarness }, async () => {
    const res = await request('GET', `/api/settings?${query(8193)}`, { headers: { authorization: 'Bearer bad' } });
    assertError(res, 414, 'URI_TOO_LONG');
  });

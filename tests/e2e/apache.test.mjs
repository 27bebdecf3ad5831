// Smoke test through Apache with mod_proxy_fcgi (scripts/test starts it on
// TS_APACHE_URL, mounted under /chat on the same threadstore socket): the
// mount, PATH_INFO, Authorization and error bodies arrive intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  APACHE, JSON_TYPE, SANE_ID, assertError, assertJsonOk, cliToken, needsHarness, request,
} from './lib.mjs';

const skip = needsHarness || (!APACHE && 'needs TS_APACHE_URL (Apache started by scripts/test)');
const get = (path, headers = {}) => request('GET', path, { headers, base: APACHE });

test('Apache: GET /chat/api/health answers 200 {"status":"ok"} in JSON', { skip }, async () => {
  const res = await get('/api/health');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { status: 'ok' });
  assert.equal(res.headers.get('content-type'), JSON_TYPE);
  assert.match(res.headers.get('x-request-id') || '', SANE_ID);
});

test('Apache: GET /chat/api/settings answers 200 with a boolean public_sharing', { skip }, async () => {
  const res = await get('/api/settings');
  const body = assertJsonOk(res, 200, 'settings via Apache');
  assert.deepEqual(Object.keys(body), ['public_sharing']);
  assert.equal(typeof body.public_sharing, 'boolean');
});

test('Apache: an unknown route answers threadstore\'s 404 NOT_FOUND JSON body, not Apache\'s page',
  { skip }, async () => {
    assertError(await get('/api/nope'), 404, 'NOT_FOUND');
  });

test('Apache: the Authorization header reaches threadstore (a bad token is 401 INVALID_TOKEN)',
  { skip }, async () => {
    const res = await get('/api/settings', { authorization: 'Bearer not-a-jwt' });
    assertError(res, 401, 'INVALID_TOKEN');
    assert.match(res.headers.get('www-authenticate') || '', /invalid_token/);
  });

test('Apache: a valid token is accepted (Authorization passed unchanged)', { skip }, async () => {
  const res = await get('/api/settings', { authorization: `Bearer ${cliToken('alice')}` });
  assertJsonOk(res, 200, 'token via Apache');
});

test('Apache: a caller X-Request-Id is echoed', { skip }, async () => {
  const res = await get('/api/health', { 'x-request-id': 'apache-e2e-1' });
  assert.equal(res.headers.get('x-request-id'), 'apache-e2e-1');
});

test('Apache: DELETE /chat/api/settings answers threadstore\'s 405 with Allow', { skip }, async () => {
  const res = await request('DELETE', '/api/settings', { base: APACHE });
  assertError(res, 405, 'METHOD_NOT_ALLOWED');
  assert.equal(res.headers.get('allow'), 'GET, HEAD, PUT');
});

test('Apache: a query string over 8 KiB is threadstore\'s 414 URI_TOO_LONG', { skip }, async () => {
  assertError(await get(`/api/settings?q=${'x'.repeat(9000)}`), 414, 'URI_TOO_LONG');
});

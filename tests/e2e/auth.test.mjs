// Authentication on the settings routes
// (API reference: Authentication; Errors; Order of checks). None of these
// tests changes the settings: every PUT here is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  assertError, assertJsonOk, bearer, cliToken, needsHarness, request, signToken,
} from './lib.mjs';

const BODY = JSON.stringify({ public_sharing: false });
const put = (headers) => request('PUT', '/api/settings', {
  headers: { 'content-type': 'application/json', ...headers }, body: BODY,
});

function assertInvalidToken(res, what) {
  assertError(res, 401, 'INVALID_TOKEN', what);
  const wa = res.headers.get('www-authenticate') || '';
  assert.match(wa, /^Bearer\b/i, `${what}: WWW-Authenticate is ${JSON.stringify(wa)}`);
  assert.match(wa, /error="invalid_token"/, `${what}: WWW-Authenticate is ${JSON.stringify(wa)}`);
}

test('anonymous PUT /api/settings answers 401 UNAUTHORIZED with WWW-Authenticate: Bearer',
  { skip: needsHarness }, async () => {
    const res = await put({});
    assertError(res, 401, 'UNAUTHORIZED');
    const wa = res.headers.get('www-authenticate') || '';
    assert.match(wa, /^Bearer\b/i, `WWW-Authenticate is ${JSON.stringify(wa)}`);
    assert.doesNotMatch(wa, /invalid_token/, 'a missing token is not an invalid one');
  });

test('PUT /api/settings by a non-admin answers 403 FORBIDDEN', { skip: needsHarness }, async () => {
  assertError(await put(bearer(cliToken('alice'))), 403, 'FORBIDDEN');
});

test('PUT /api/settings with a role claim other than admin answers 403 FORBIDDEN',
  { skip: needsHarness }, async () => {
    assertError(await put(bearer(signToken({ sub: 'bob', role: 'user' }))), 403, 'FORBIDDEN');
    assertError(await put(bearer(signToken({ sub: 'bob', role: 'Admin' }))), 403, 'FORBIDDEN');
  });

test('a garbage bearer token answers 401 INVALID_TOKEN with error="invalid_token" on PUT',
  { skip: needsHarness }, async () => {
    assertInvalidToken(await put({ authorization: 'Bearer not-a-jwt' }), 'PUT garbage token');
  });

test('a bad token on GET /api/settings (open to anyone) is still 401 INVALID_TOKEN, never anonymous',
  { skip: needsHarness }, async () => {
    const res = await request('GET', '/api/settings', { headers: { authorization: 'Bearer a.b.c' } });
    assertInvalidToken(res, 'GET a.b.c');
  });

test('Authorization with another scheme ("Basic xyz") answers 401 INVALID_TOKEN',
  { skip: needsHarness }, async () => {
    assertInvalidToken(await request('GET', '/api/settings', { headers: { authorization: 'Basic xyz' } }), 'GET Basic');
    assertInvalidToken(await put({ authorization: 'Basic xyz' }), 'PUT Basic');
  });

test('"Bearer" with an empty token answers 401 INVALID_TOKEN', { skip: needsHarness }, async () => {
  assertInvalidToken(await request('GET', '/api/settings', { headers: { authorization: 'Bearer ' } }), 'Bearer + space');
  assertInvalidToken(await request('GET', '/api/settings', { headers: { authorization: 'Bearer' } }), 'Bearer alone');
});

test('a token signed with another secret answers 401 INVALID_TOKEN', { skip: needsHarness }, async () => {
  const token = signToken({ sub: 'mallory', role: 'admin' }, { secret: 'x'.repeat(64) });
  assertInvalidToken(await put(bearer(token)), 'wrong secret');
});

test('an expired token (beyond the leeway) answers 401 INVALID_TOKEN', { skip: needsHarness }, async () => {
  const now = Math.floor(Date.now() / 1000);
  const token = signToken({ sub: 'alice', iat: now - 7200, exp: now - 3600 });
  assertInvalidToken(await request('GET', '/api/settings', { headers: bearer(token) }), 'expired');
});

test('a token without exp answers 401 INVALID_TOKEN', { skip: needsHarness }, async () => {
  const token = signToken({ sub: 'alice', exp: undefined });
  assertInvalidToken(await request('GET', '/api/settings', { headers: bearer(token) }), 'no exp');
});

test('an alg "none" token answers 401 INVALID_TOKEN', { skip: needsHarness }, async () => {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'alice', role: 'admin', exp: now + 600 })}.`;
  assertInvalidToken(await put(bearer(token)), 'alg none');
});

test('a token with an empty sub answers 401 INVALID_TOKEN', { skip: needsHarness }, async () => {
  assertInvalidToken(await request('GET', '/api/settings', { headers: bearer(signToken({ sub: '' })) }), 'empty sub');
});

test('a valid token signed with the configured secret is accepted on GET /api/settings',
  { skip: needsHarness }, async () => {
    const res = await request('GET', '/api/settings', { headers: bearer(signToken({ sub: 'alice' })) });
    const body = assertJsonOk(res, 200, 'node-signed token');
    assert.equal(typeof body.public_sharing, 'boolean');
  });

test('the Bearer scheme name is case-insensitive', { skip: needsHarness }, async () => {
  const token = cliToken('alice');
  for (const scheme of ['bearer', 'BEARER']) {
    const res = await request('GET', '/api/settings', { headers: { authorization: `${scheme} ${token}` } });
    assertJsonOk(res, 200, `scheme ${scheme}`);
  }
});


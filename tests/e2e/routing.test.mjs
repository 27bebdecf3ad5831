// Routing (API reference: Requests and responses): unknown routes are 404
// NOT_FOUND with the error body (API reference: schema Error), a known
// route with another method is 405 with Allow (HEAD wherever GET).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { assertError, needsHarness, request } from './lib.mjs';

test('an unknown route answers 404 NOT_FOUND with the JSON error body',
  { skip: needsHarness }, async () => {
    for (const path of ['/api/nope', '/api', '/api/', '/', '/api/health/x', '/api/settingsx', '/v2/health']) {
      assertError(await request('GET', path), 404, 'NOT_FOUND', `GET ${path}`);
    }
  });

test('an unknown route answers 404 whatever the method (POST, PUT, DELETE)',
  { skip: needsHarness }, async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      assertError(await request(method, '/api/nope'), 404, 'NOT_FOUND', `${method} /api/nope`);
    }
  });

test('DELETE /api/settings answers 405 METHOD_NOT_ALLOWED with Allow: GET, HEAD, PUT',
  { skip: needsHarness }, async () => {
    const res = await request('DELETE', '/api/settings');
    assertError(res, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(res.headers.get('allow'), 'GET, HEAD, PUT');
  });

test('POST and PATCH /api/settings answer 405 with Allow: GET, HEAD, PUT',
  { skip: needsHarness }, async () => {
    for (const method of ['POST', 'PATCH']) {
      const res = await request(method, '/api/settings', {
        headers: { 'content-type': 'application/json' }, body: '{}',
      });
      assertError(res, 405, 'METHOD_NOT_ALLOWED', `${method} /api/settings`);
      assert.equal(res.headers.get('allow'), 'GET, HEAD, PUT');
    }
  });

test('POST and DELETE /api/health answer 405 with Allow: GET, HEAD',
  { skip: needsHarness }, async () => {
    for (const method of ['POST', 'DELETE']) {
      const res = await request(method, '/api/health');
      assertError(res, 405, 'METHOD_NOT_ALLOWED', `${method} /api/health`);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
    }
  });

test('405 comes before authentication: a bad token on DELETE /api/settings is still 405',
  { skip: needsHarness }, async () => {
    const res = await request('DELETE', '/api/settings', { headers: { authorization: 'Bearer bad' } });
    assertError(res, 405, 'METHOD_NOT_ALLOWED');
  });

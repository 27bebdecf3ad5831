// Requests sent straight to threadstore's FastCGI socket with cgi-fcgi
// (libfcgi-bin), past the web server, which would never send them: a body
// that disagrees with CONTENT_LENGTH, a 400 (API reference: Errors), and
// HEAD without a body.
// The workers must keep serving afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  JSON_TYPE, SANE_ID, adminHeaders, childrenOf, env, fcgiParams, fcgiRequest, findCgiFcgi,
  masterPid, needsHarness, request, sleep,
} from './lib.mjs';

const skip = needsHarness
  || (!env.TS_FCGI_SOCKET && 'needs TS_FCGI_SOCKET')
  || (!env.TS_MASTER_PIDFILE && 'needs TS_MASTER_PIDFILE')
  || (!findCgiFcgi() && 'needs cgi-fcgi (apt-get install libfcgi-bin)');

function assertFcgiError(res, status, what) {
  assert.equal(res.status, status, `${what}: status ${res.status} ${res.body.toString().slice(0, 300)}`);
  assert.equal(res.headers['content-type'], JSON_TYPE, `${what}: content type`);
  assert.ok(res.json, `${what}: body is not JSON`);
  assert.deepEqual(Object.keys(res.json).sort(), ['code', 'error', 'request_id'], `${what}: body keys`);
  assert.equal(res.json.request_id, res.headers['x-request-id'], `${what}: request_id`);
  return res.json;
}

function putParams(contentLength) {
  const auth = adminHeaders().authorization;
  return fcgiParams('PUT', '/api/settings', {
    CONTENT_TYPE: 'application/json',
    CONTENT_LENGTH: String(contentLength),
    HTTP_AUTHORIZATION: auth,
  });
}

async function workersNow() {
  const master = masterPid();
  for (let i = 0; i < 50; i++) {
    const c = childrenOf(master);
    if (c.length === 2) return c;
    await sleep(100);
  }
  return childrenOf(master);
}

test('a body shorter than CONTENT_LENGTH answers 400 and no worker dies',
  { skip }, async () => {
    const before = await workersNow();
    assert.equal(before.length, 2, `expected 2 workers, found ${before.length}`);
    const body = Buffer.from('{"public_sharing": true}');
    // Twice per worker, so that both workers see it.
    for (let i = 0; i < 4; i++) {
      const res = fcgiRequest(putParams(body.length + 100), body);
      assertFcgiError(res, 400, `short body ${i}`);
    }
    for (let i = 0; i < 10; i++) {
      const h = await request('GET', '/api/health');
      assert.equal(h.status, 200, `health ${i} after the short bodies: ${h.status}`);
    }
    assert.deepEqual(await workersNow(), before, 'a worker was replaced: it died on the short body');
  });

test('a body longer than CONTENT_LENGTH answers 400 and no worker dies',
  { skip }, async () => {
    const before = await workersNow();
    const body = Buffer.from('{"public_sharing": true}   ');
    for (let i = 0; i < 4; i++) {
      const res = fcgiRequest(putParams(5), body);
      assertFcgiError(res, 400, `long body ${i}`);
    }
    for (let i = 0; i < 10; i++) {
      assert.equal((await request('GET', '/api/health')).status, 200, `health ${i}`);
    }
    assert.deepEqual(await workersNow(), before, 'a worker was replaced');
  });

test('a mismatched Content-Length never changes the setting', { skip }, async () => {
  const before = (await request('GET', '/api/settings')).json.public_sharing;
  const want = JSON.stringify({ public_sharing: !before });
  fcgiRequest(putParams(want.length + 50), Buffer.from(want));
  fcgiRequest(putParams(3), Buffer.from(want));
  assert.equal((await request('GET', '/api/settings')).json.public_sharing, before);
});

test('a matching CONTENT_LENGTH over raw FastCGI is served normally (control for the 400s)',
  { skip }, async () => {
    const res = fcgiRequest(fcgiParams('GET', '/api/health'));
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { status: 'ok' });
    assert.match(res.headers['x-request-id'] || '', SANE_ID);
  });

test('a PUT with no CONTENT_LENGTH and no body answers at once (400 INVALID_JSON), no hang',
  { skip }, async () => {
    const params = putParams(0);
    delete params.CONTENT_LENGTH;
    const t0 = Date.now();
    const res = fcgiRequest(params);
    assert.ok(Date.now() - t0 < 5000, 'the worker waited for a body that never came');
    assert.equal(assertFcgiError(res, 400, 'no body').code, 'INVALID_JSON');
  });

test('a non-numeric or negative CONTENT_LENGTH answers 400 and the worker keeps serving',
  { skip }, async () => {
    for (const cl of ['abc', '-1', '1e3', '99999999999999999999999']) {
      // No body bytes: cgi-fcgi itself reads stdin only as CONTENT_LENGTH says.
      const res = fcgiRequest(putParams(cl));
      assert.ok([400, 413].includes(res.status), `CONTENT_LENGTH ${cl}: ${res.status}`);
      assert.ok(res.json && typeof res.json.code === 'string', `CONTENT_LENGTH ${cl}: no JSON error body`);
    }
    assert.equal((await request('GET', '/api/health')).status, 200);
  });

test('HEAD over raw FastCGI sends the GET headers, Content-Length included, and no body bytes',
  { skip }, async () => {
    const get = fcgiRequest(fcgiParams('GET', '/api/settings'));
    const head = fcgiRequest(fcgiParams('HEAD', '/api/settings'));
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0, `HEAD sent ${head.body.length} body bytes`);
    assert.equal(head.headers['content-type'], JSON_TYPE);
    assert.equal(head.headers['content-length'], get.headers['content-length']);
    assert.equal(Number(get.headers['content-length']), get.body.length);
  });

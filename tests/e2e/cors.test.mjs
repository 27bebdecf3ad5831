// CORS through nginx (API reference: CORS): scripts/test configures
// cors_origins = https://app.example http://localhost:5173. A preflight of a
// listed origin gets the route's methods; a request of a listed origin gets
// its origin back; any other origin gets no CORS header at all. "*" is
// checked by running the program as CGI with its own configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { APACHE, assertError, env, needsHarness, request, runCli, userHeaders } from './lib.mjs';

const APP = 'https://app.example';
const EVIL = 'https://app.example.evil.test';

const preflight = (path, origin, method, extra = {}) => request('OPTIONS', path, {
  headers: {
    origin, 'access-control-request-method': method,
    'access-control-request-headers': 'authorization, content-type', ...extra,
  },
});

test('a preflight of a listed origin answers 204 with the route\'s methods and the headers a client sends',
  { skip: needsHarness }, async () => {
    const res = await preflight('/api/threads', APP, 'POST');
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.equal(res.headers.get('access-control-allow-origin'), APP);
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET, HEAD, POST');
    const allowed = res.headers.get('access-control-allow-headers').toLowerCase().split(/,\s*/);
    for (const h of ['authorization', 'content-type', 'idempotency-key', 'openai-beta', 'x-stainless-retry-count'])
      assert.ok(allowed.includes(h), `${h} is not in Access-Control-Allow-Headers: ${allowed}`);
    assert.equal(res.headers.get('access-control-max-age'), '600');
    assert.equal(res.headers.get('vary'), 'Origin');
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
    assert.equal(res.headers.get('allow'), 'GET, HEAD, POST');
  });

test('a preflight works on every surface, placeholders included', { skip: needsHarness }, async () => {
  const id = '0190a0b0-0000-7000-8000-000000000001';
  for (const [path, method, methods] of [
    [`/api/threads/${id}/messages/${id}`, 'PATCH', 'GET, HEAD, PATCH, DELETE'],
    [`/v1/threads/${id}/messages`, 'POST', 'GET, HEAD, POST'],
    [`/v1/conversations/${id}/items`, 'GET', 'GET, HEAD, POST'],
    [`/arena/api/threads/${id}/messages`, 'POST', 'GET, HEAD, POST'],
    [`/ks/v1/threads/${id}/messages`, 'GET', 'GET, HEAD, POST'],
    [`/v1/orgs/o/workspaces/w/namespaces/n/threads/${id}/messages`, 'DELETE', 'GET, HEAD, POST, DELETE'],
  ]) {
    const res = await preflight(path, 'http://localhost:5173', method);
    assert.equal(res.status, 204, `${path}: ${res.status} ${res.text}`);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:5173', path);
    assert.equal(res.headers.get('access-control-allow-methods'), methods, path);
  }
});

test('a preflight for a method the route does not serve gets no Access-Control-Allow-Methods',
  { skip: needsHarness }, async () => {
    const res = await preflight('/api/settings', APP, 'DELETE');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-methods'), null);
    assert.equal(res.headers.get('access-control-allow-headers'), null);
    assert.equal(res.headers.get('allow'), 'GET, HEAD, PUT');
  });

test('a preflight of an unlisted origin gets no CORS header, so the browser blocks the call',
  { skip: needsHarness }, async () => {
    for (const origin of [EVIL, 'http://app.example', 'https://app.example:8443', 'null']) {
      const res = await preflight('/api/threads', origin, 'POST');
      assert.equal(res.status, 204, origin);
      for (const h of ['access-control-allow-origin', 'access-control-allow-methods',
        'access-control-allow-headers', 'access-control-max-age'])
        assert.equal(res.headers.get(h), null, `${origin}: ${h} is ${res.headers.get(h)}`);
      assert.equal(res.headers.get('vary'), 'Origin');
    }
  });

test('OPTIONS on a path that is no route is 404; OPTIONS needs no token', { skip: needsHarness }, async () => {
  assertError(await preflight('/api/nothing-here', APP, 'GET'), 404, 'NOT_FOUND');
  const plain = await request('OPTIONS', '/api/health');
  assert.equal(plain.status, 204);
  assert.equal(plain.headers.get('allow'), 'GET, HEAD');
  assert.equal(plain.headers.get('access-control-allow-origin'), null);
});

test('a request of a listed origin gets its origin, Vary and the exposed headers, errors too',
  { skip: needsHarness }, async () => {
    const ok = await request('POST', '/api/threads', {
      headers: { ...userHeaders(), origin: APP, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'cors' }),
    });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.headers.get('access-control-allow-origin'), APP);
    assert.equal(ok.headers.get('vary'), 'Origin');
    const exposed = ok.headers.get('access-control-expose-headers').split(/,\s*/);
    for (const h of ['X-Request-Id', 'Location', 'Retry-After'])
      assert.ok(exposed.includes(h), `${h} is not exposed: ${exposed}`);
    assert.equal(ok.headers.get('access-control-allow-credentials'), null);

    const denied = await request('GET', '/api/threads', { headers: { origin: APP } });
    assertError(denied, 401, 'UNAUTHORIZED');
    assert.equal(denied.headers.get('access-control-allow-origin'), APP, 'a page cannot read the 401');
  });

test('a request of an unlisted origin, or none, gets Vary: Origin and no other CORS header',
  { skip: needsHarness }, async () => {
    for (const headers of [{ origin: EVIL }, {}]) {
      const res = await request('GET', '/api/health', { headers });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      assert.equal(res.headers.get('access-control-expose-headers'), null);
      assert.equal(res.headers.get('vary'), 'Origin');
    }
  });

test('Apache (mod_proxy_fcgi) passes a preflight and its answer through unchanged',
  { skip: needsHarness || (!APACHE && 'needs TS_APACHE_URL (Apache started by scripts/test)') }, async () => {
    const res = await request('OPTIONS', '/api/threads', {
      base: APACHE, headers: { origin: APP, 'access-control-request-method': 'POST' },
    });
    assert.equal(res.status, 204, res.text);
    assert.equal(res.headers.get('access-control-allow-origin'), APP);
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET, HEAD, POST');
    assert.match(res.headers.get('access-control-allow-headers'), /Authorization/);
  });

// The program as CGI with the test configuration changed by edit(text).
function cgi(edit, method, pathInfo, headers) {
  const dir = mkdtempSync(join(tmpdir(), 'ts-cors-'));
  try {
    const path = join(dir, 'threadstore.conf');
    writeFileSync(path, edit(readFileSync(env.TS_CONFIG, 'utf8')), { mode: 0o600 });
    const r = runCli([], {
      THREADSTORE_CONFIG: path, GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: method,
      SCRIPT_NAME: '/chat', PATH_INFO: pathInfo, REQUEST_URI: `/chat${pathInfo}`, QUERY_STRING: '',
      ...headers,
    });
    const [head] = r.stdout.split('\r\n\r\n');
    return { status: r.status, stderr: r.stderr, head: `${head}\r\n` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const withOrigins = (value) => (text) => text.replace(/^cors_origins\s*=.*$/m, `cors_origins = ${value}`);

test('cors_origins = * answers * to any origin, never with credentials and never an echoed origin',
  { skip: needsHarness }, () => {
    const pre = cgi(withOrigins('*'), 'OPTIONS', '/api/threads',
      { HTTP_ORIGIN: EVIL, HTTP_ACCESS_CONTROL_REQUEST_METHOD: 'GET' });
    assert.equal(pre.status, 0, pre.stderr);
    assert.match(pre.head, /^Status: 204 /);
    assert.match(pre.head, /\r\nAccess-Control-Allow-Origin: \*\r\n/);
    assert.match(pre.head, /\r\nAccess-Control-Allow-Methods: GET, HEAD, POST\r\n/);
    assert.doesNotMatch(pre.head, /Credentials|Vary/i);
    const get = cgi(withOrigins('*'), 'GET', '/api/health', { HTTP_ORIGIN: EVIL });
    assert.match(get.head, /^Status: 200 /);
    assert.match(get.head, /\r\nAccess-Control-Allow-Origin: \*\r\n/);
    assert.doesNotMatch(get.head, new RegExp(EVIL.replace(/\./g, '\\.')));
  });

test('without cors_origins no CORS header is sent, whatever the Origin', { skip: needsHarness }, () => {
  const pre = cgi((text) => text.replace(/^cors_origins\s*=.*\n/m, ''), 'OPTIONS', '/api/threads',
    { HTTP_ORIGIN: APP, HTTP_ACCESS_CONTROL_REQUEST_METHOD: 'GET' });
  assert.match(pre.head, /^Status: 204 /, pre.stderr);
  assert.doesNotMatch(pre.head, /Access-Control|Vary/i);
});

test('check-config refuses an origin with a path, a * beside origins, or an upper-case host',
  { skip: needsHarness }, () => {
    for (const value of ['https://app.example/', '* https://app.example', 'https://App.example', 'app.example']) {
      const dir = mkdtempSync(join(tmpdir(), 'ts-cors-'));
      try {
        const path = join(dir, 'threadstore.conf');
        writeFileSync(path, withOrigins(value)(readFileSync(env.TS_CONFIG, 'utf8')), { mode: 0o600 });
        const r = runCli(['check-config', '--config', path]);
        assert.equal(r.status, 2, `${value} was accepted`);
        assert.match(r.stderr, /cors_origins/, r.stderr);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

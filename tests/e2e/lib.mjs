// Helpers of the end-to-end tests: the harness environment (set by
// scripts/test), HTTP requests through the web server, tokens, raw FastCGI
// requests with cgi-fcgi, and the assertions every error answer must pass.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

export const env = process.env;
export const BASE = env.TS_BASE_URL;
export const APACHE = env.TS_APACHE_URL;

// The skip reason for a test that needs scripts/test's environment, or false.
export const needsHarness = !(BASE && env.TS_BIN && env.TS_CONFIG && env.TS_JWT_SECRET)
  && 'needs the environment of scripts/test (TS_BASE_URL, TS_BIN, TS_CONFIG, TS_JWT_SECRET)';

export const JSON_TYPE = 'application/json; charset=utf-8';
// A sane request id: at most 64 of [A-Za-z0-9._-]
// (API reference: Requests and responses).
export const SANE_ID = /^[A-Za-z0-9._-]{1,64}$/;

// One HTTP request; returns status, headers, the body as text and as JSON
// (undefined when it does not parse).
export async function request(method, path, { headers = {}, body, base = BASE } = {}) {
  const res = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// A token minted by the program itself (`threadstore token`).
const tokenCache = new Map();
export function cliToken(sub, { admin = false } = {}) {
  const key = `${sub}/${admin}`;
  if (!tokenCache.has(key)) {
    const args = ['token', '--config', env.TS_CONFIG, '--sub', sub];
    if (admin) args.push('--admin');
    tokenCache.set(key, execFileSync(env.TS_BIN, args, { encoding: 'utf8' }).trim());
  }
  return tokenCache.get(key);
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

// A JWT signed here with HS256 (or the given secret / header), for the cases
// the program would never mint.
export function signToken(claims, { secret = env.TS_JWT_SECRET, header = { alg: 'HS256', typ: 'JWT' } } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iat: now, exp: now + 3600, ...claims };
  const head = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = createHmac('sha256', secret).update(head).digest();
  return `${head}.${b64url(sig)}`;
}

export const bearer = (token) => ({ authorization: `Bearer ${token}` });
export const adminHeaders = () => bearer(cliToken('e2e-admin', { admin: true }));
export const userHeaders = () => bearer(cliToken('alice'));

// Asserts the error answer (API reference: Errors; schema Error): status,
// code, JSON content type, exactly the keys error/code/request_id (plus
// detail for 422), and request_id equal to the X-Request-Id header.
// Returns the body.
export function assertError(res, status, code, what = '') {
  const ctx = `${what} -> ${res.status} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, status, `status: ${ctx}`);
  assert.equal(res.headers.get('content-type'), JSON_TYPE, `content type: ${ctx}`);
  assert.ok(res.json && typeof res.json === 'object' && !Array.isArray(res.json), `body is not a JSON object: ${ctx}`);
  assert.equal(res.json.code, code, `code: ${ctx}`);
  const keys = Object.keys(res.json).sort();
  const want = code === 'VALIDATION_ERROR'
    ? ['code', 'detail', 'error', 'request_id'] : ['code', 'error', 'request_id'];
  assert.deepEqual(keys, want, `body keys: ${ctx}`);
  assert.equal(typeof res.json.error, 'string', `error is not a string: ${ctx}`);
  assert.ok(res.json.error.length > 0, `error message is empty: ${ctx}`);
  const rid = res.headers.get('x-request-id');
  assert.ok(rid && SANE_ID.test(rid), `X-Request-Id missing or insane: ${rid}`);
  assert.equal(res.json.request_id, rid, `request_id differs from X-Request-Id: ${ctx}`);
  if (code === 'VALIDATION_ERROR') {
    assert.ok(Array.isArray(res.json.detail) && res.json.detail.length > 0, `detail is not a non-empty array: ${ctx}`);
    for (const d of res.json.detail) {
      assert.ok(Array.isArray(d.loc), `detail item without loc: ${ctx}`);
      assert.equal(typeof d.msg, 'string', `detail item without msg: ${ctx}`);
      assert.equal(typeof d.type, 'string', `detail item without type: ${ctx}`);
    }
  }
  return res.json;
}

// Asserts a 422 whose detail names exactly this loc (among its items).
export function assertValidation(res, loc, what = '') {
  const body = assertError(res, 422, 'VALIDATION_ERROR', what);
  const locs = body.detail.map((d) => JSON.stringify(d.loc));
  assert.ok(locs.includes(JSON.stringify(loc)),
    `${what}: expected loc ${JSON.stringify(loc)} in detail, got ${locs.join(' ')}`);
  return body;
}

export function assertJsonOk(res, status = 200, what = '') {
  assert.equal(res.status, status, `${what}: status ${res.status} ${res.text.slice(0, 300)}`);
  assert.equal(res.headers.get('content-type'), JSON_TYPE, `${what}: content type`);
  assert.ok(SANE_ID.test(res.headers.get('x-request-id') || ''), `${what}: X-Request-Id missing or insane`);
  return res.json;
}

// ---------------------------------------------------------------- FastCGI

export function findCgiFcgi() {
  for (const p of ['/usr/bin/cgi-fcgi', '/usr/local/bin/cgi-fcgi']) {
    if (existsSync(p)) return p;
  }
  return null;
}

// One request sent straight to threadstore's FastCGI socket with cgi-fcgi
// (libfcgi-bin), bypassing the web server: params are exactly `params`, the
// body is `stdin` (which may disagree with CONTENT_LENGTH). Returns the
// parsed CGI response: status, headers (lowercase names), body (Buffer).
export function fcgiRequest(params, stdin = Buffer.alloc(0)) {
  const bin = findCgiFcgi();
  const r = spawnSync(bin, ['-bind', '-connect', env.TS_FCGI_SOCKET], {
    env: { GATEWAY_INTERFACE: 'CGI/1.1', SERVER_PROTOCOL: 'HTTP/1.1', ...params },
    input: stdin,
    timeout: 10000,
  });
  // EPIPE: cgi-fcgi stopped reading stdin early (it reads at most what
  // CONTENT_LENGTH says when that is not a number); its answer still counts.
  if (r.error && r.error.code !== 'EPIPE') assert.fail(`cgi-fcgi failed: ${r.error}`);
  const out = r.stdout;
  const sep = out.indexOf('\r\n\r\n');
  assert.ok(sep >= 0, `no header end in the FastCGI answer (exit ${r.status}): ${out.toString().slice(0, 300)} ${r.stderr}`);
  const headers = {};
  for (const line of out.subarray(0, sep).toString('latin1').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const status = Number.parseInt((headers.status || '200').split(' ')[0], 10);
  const body = out.subarray(sep + 4);
  let json;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status, headers, body, json };
}

// The CGI parameters nginx sends for a request under the /chat mount.
export function fcgiParams(method, pathInfo, extra = {}) {
  return {
    REQUEST_METHOD: method,
    SCRIPT_NAME: '/chat',
    PATH_INFO: pathInfo,
    REQUEST_URI: `/chat${pathInfo}`,
    DOCUMENT_URI: `/chat${pathInfo}`,
    QUERY_STRING: '',
    SERVER_NAME: 'localhost',
    SERVER_PORT: '18080',
    REMOTE_ADDR: '127.0.0.1',
    ...extra,
  };
}

// ---------------------------------------------------------------- processes

export function masterPid() {
  return Number.parseInt(readFileSync(env.TS_MASTER_PIDFILE, 'utf8').trim(), 10);
}

// Live children of pid (zombies excluded), from /proc/*/stat.
export function childrenOf(pid) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue;
    }
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === pid && state !== 'Z' && state !== 'X') out.push(Number(d));
  }
  return out.sort((a, b) => a - b);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Runs the threadstore command; returns { status, stdout, stderr }.
export function runCli(args, extraEnv = {}) {
  const r = spawnSync(env.TS_BIN, args, { encoding: 'utf8', env: { ...env, ...extraEnv }, timeout: 30000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

// The web server protects the program: slow clients on one address do not
// starve another, a burst over the per-address rate gets the API's JSON 429,
// and nginx's and Apache's own errors (threadstore down) are the API's JSON.
// The slow connections go to the suite's shared nginx (TS_BASE_URL, written
// by scripts/lib.sh); the rest to private nginx and Apache instances, from
// scripts/lib.sh with small limits or from the shipped examples, on free
// loopback ports, stopped at the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';

import { assertError, env, request } from './lib.mjs';
import {
  Stack, getFrom, missing, scratchDir, startExampleNginx, startLibApache, startLibNginx,
  waitFor, webServerUp,
} from './edge_lib.mjs';

const stack = new Stack();
const srv = {};
let setUp = false;

// Slow clients held open at once (more than the 2 x 512 connections the
// test nginx used to allow, which then dropped some), and the answer time
// allowed meanwhile.
const SLOW_CLIENTS = 1500;
const PROMPT_MS = 2000;

before(async () => {
  if (missing()) return;
  const dir = scratchDir(stack, 'ts-edge-lim-');
  const dead = path.join(dir, 'nobody-listens.sock');
  const sub = (name) => {
    const d = path.join(dir, name);
    fs.mkdirSync(d, { mode: 0o711 });
    return d;
  };
  // 4 requests at once, 5 a second with a burst of 5, on the real threadstore.
  srv.tight = await startLibNginx(stack, sub('tight'), { sock: env.TS_FCGI_SOCKET, limits: ['4', '5r/s', '5'] });
  srv.deadLib = await startLibNginx(stack, sub('dead-lib'), { sock: dead });
  srv.deadExample = await startExampleNginx(stack, sub('dead-example'), { sock: dead });
  srv.deadApache = await startLibApache(stack, sub('dead-apache'), { sock: dead });
  for (const s of Object.values(srv)) await webServerUp(s.base);
  setUp = true;
});

after(() => stack.unwind());

function ready() {
  const why = missing();
  assert.ok(!why, `cannot run: ${why}`);
  assert.ok(setUp, 'set-up failed (see the before hook)');
}

// Opens one connection from 127.0.0.1 that sends one byte of a request and
// stalls; resolves with the socket once connected.
function slowClient(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1' });
    s.on('error', () => {});
    s.resume();
    s.once('connect', () => {
      s.write('G');
      resolve(s);
    });
    s.once('error', reject);
  });
}

test(`${SLOW_CLIENTS} stalled connections from 127.0.0.1 do not starve a client on 127.0.0.2`, async (t) => {
  ready();
  const port = Number(new URL(env.TS_BASE_URL).port);
  const mount = new URL(env.TS_BASE_URL).pathname.replace(/\/$/, '');
  const slow = [];
  try {
    for (let i = 0; i < SLOW_CLIENTS; i += 50) {
      slow.push(...await Promise.all(Array.from({ length: Math.min(50, SLOW_CLIENTS - i) }, () => slowClient(port))));
    }
    assert.equal(slow.length, SLOW_CLIENTS);
    await new Promise((r) => setTimeout(r, 200));
    const times = [];
    for (let i = 0; i < 10; i++) {
      const res = await getFrom('127.0.0.2', port, `${mount}/api/health`, 10000);
      assert.equal(res.status, 200, `health from 127.0.0.2: ${res.status} ${res.body}`);
      times.push(res.ms);
    }
    const open = slow.filter((s) => !s.destroyed && s.readyState === 'open').length;
    t.diagnostic(`${open} of ${SLOW_CLIENTS} slow connections open; /api/health from 127.0.0.2: `
      + `max ${Math.max(...times).toFixed(1)} ms, all ${times.map((x) => x.toFixed(1)).join(' ')}`);
    assert.equal(open, SLOW_CLIENTS, 'slow connections were closed before the check: it proved nothing');
    assert.ok(Math.max(...times) < PROMPT_MS, `127.0.0.2 waited ${Math.max(...times)} ms`);
  } finally {
    for (const s of slow) s.destroy();
  }
});

test('a burst over the per-address rate gets the JSON 429 RATE_LIMITED with Retry-After', async () => {
  ready();
  const res = await Promise.all(Array.from({ length: 40 },
    (_, i) => request('GET', '/api/health', { base: srv.tight.base, headers: { 'x-request-id': `burst-${i}` } })));
  const limited = res.filter((r) => r.status === 429);
  const ok = res.filter((r) => r.status === 200);
  assert.ok(ok.length >= 1, `nothing got through: ${res.map((r) => r.status).join(' ')}`);
  assert.ok(limited.length >= 40 - 4 - 5 - 5, `too few 429s: ${res.map((r) => r.status).join(' ')}`);
  assert.equal(ok.length + limited.length, 40, `other answers: ${res.map((r) => r.status).join(' ')}`);
  for (const r of limited) {
    assertError(r, 429, 'RATE_LIMITED', 'burst');
    assert.equal(r.headers.get('retry-after'), '1');
    assert.match(r.json.request_id, /^burst-\d+$/, 'the caller\'s request id is kept');
  }
});

test('an over-long header is nginx\'s 400, as the JSON BAD_REQUEST with nginx\'s request id', async () => {
  ready();
  const res = await request('GET', '/api/health', { base: srv.tight.base, headers: { 'x-big': 'a'.repeat(40000) } });
  const body = assertError(res, 400, 'BAD_REQUEST', 'big header');
  assert.match(body.request_id, /^[0-9a-f]{32}$/);
});

for (const [name, key] of [['nginx from scripts/lib.sh', 'deadLib'], ['nginx from the example', 'deadExample']]) {
  test(`${name}, threadstore down: nginx's 502 becomes the JSON 503 SERVICE_UNAVAILABLE with Retry-After`, async () => {
    ready();
    for (const p of ['/api/health', '/api/threads']) {
      const res = await request('GET', p, { base: srv[key].base, headers: { 'x-request-id': 'down-1' } });
      const body = assertError(res, 503, 'SERVICE_UNAVAILABLE', `${name} ${p}`);
      assert.equal(res.headers.get('retry-after'), '1');
      assert.equal(body.request_id, 'down-1');
    }
    const post = await request('POST', '/api/threads', { base: srv[key].base, headers: { 'content-type': 'application/json' }, body: '{}' });
    assertError(post, 503, 'SERVICE_UNAVAILABLE', `${name} POST`);
  });
}

test('Apache from scripts/lib.sh, threadstore down: its 503 is the JSON SERVICE_UNAVAILABLE with Retry-After', async () => {
  ready();
  for (const p of ['/api/health', '/api/threads']) {
    const res = await request('GET', p, { base: srv.deadApache.base });
    const body = assertError(res, 503, 'SERVICE_UNAVAILABLE', `Apache ${p}`);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.match(body.request_id, /^[0-9a-f]{32}$/, 'md5 of UNIQUE_ID');
    assert.notEqual(body.request_id, 'd41d8cd98f00b204e9800998ecf8427e', 'mod_unique_id is not loaded');
  }
});

test('slow connections that never finish their header are dropped by nginx (client_header_timeout)', async () => {
  ready();
  const s = await slowClient(srv.tight.port);
  const closed = await waitFor(() => s.destroyed || s.readyState === 'closed' || s.readableEnded, 15000, 200);
  s.destroy();
  assert.ok(closed, 'a stalled connection was still open after 15 s');
});

// The per-request deadline, request_timeout, 5 s by default
// (API reference: Limits), against the shared server: work that outlives
// it is stopped and answered 503 SERVICE_UNAVAILABLE with Retry-After,
// leaving nothing half-written; a worker stuck where no deadline reaches
// is killed and replaced by the master
// after the deadline plus TS_DEADLINE_GRACE_SECONDS, while the other workers
// go on serving.
//
// A second client, the mariadb command-line tool over the test server's
// socket, holds the locks the requests wait on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

import * as fcgi from './fcgi_client.mjs';
import { request, assertError, assertJsonOk, userHeaders } from './lib.mjs';

const env = process.env;
const socket = env.TS_MYSQL_SOCKET;
const dbName = env.TS_DB_NAME;
// include/ts_limits.h: TS_DEFAULT_REQUEST_TIMEOUT_SECONDS, TS_DEADLINE_GRACE_SECONDS.
const DEFAULT_TIMEOUT_S = 5;
const GRACE_S = 2;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hex = (uuid) => uuid.replace(/-/g, '');
const owner = userHeaders;
const withJson = (body) => ({
  headers: { ...owner(), 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

// The harness this file needs, asserted: a test that cannot run fails.
function assertHarness() {
  for (const k of ['TS_BASE_URL', 'TS_CONFIG', 'TS_MYSQL_SOCKET', 'TS_DB_NAME', 'TS_FCGI_SOCKET',
    'TS_MASTER_PIDFILE', 'TS_LOG_FILE', 'TS_JWT_SECRET', 'TS_BIN']) {
    assert.ok(env[k], `${k} comes from scripts/test`);
  }
}

// request_timeout of the shared server, from its configuration.
function requestTimeout() {
  const m = fs.readFileSync(env.TS_CONFIG, 'utf8').match(/^\s*request_timeout\s*=\s*(\d+)\s*$/m);
  return m ? Number(m[1]) : DEFAULT_TIMEOUT_S;
}

// One long-lived session of the mariadb tool: statements go to its stdin, and
// a marker selected after each one tells when it has finished.
class Session {
  constructor() {
    this.out = '';
    this.err = '';
    this.n = 0;
    this.p = spawn('mariadb', ['--no-defaults', '-uroot', '-S', socket, '-N', '-B', '--unbuffered', '--force', dbName]);
    this.p.stdout.setEncoding('utf8').on('data', (d) => { this.out += d; });
    this.p.stderr.setEncoding('utf8').on('data', (d) => { this.err += d; });
  }

  run(sqlText, timeoutMs = 20000) {
    const marker = `done-${++this.n}`;
    this.p.stdin.write(`${sqlText};\nSELECT '${marker}';\n`);
    return (async () => {
      for (let waited = 0; !this.out.includes(marker); waited += 20) {
        if (waited > timeoutMs) throw new Error(`the session did not finish ${sqlText}: ${this.err}`);
        await sleep(20);
      }
      assert.equal(this.err, '', `the side session failed: ${sqlText}`);
    })();
  }

  async close() {
    this.p.stdin.end();
    await new Promise((r) => this.p.on('close', r));
  }
}

// Runs fn while `side` holds the locks `lock` takes in an open transaction.
async function whileLocked(lock, fn) {
  const side = new Session();
  try {
    await side.run('START TRANSACTION');
    await side.run(lock);
    return await fn();
  } finally {
    await side.run('ROLLBACK').catch(() => {});
    await side.close();
  }
}

// Asserts a deadline answer that took `ms`: 503 with Retry-After, from the
// worker itself (not a worker killed at deadline + grace).
function assertDeadline503(res, ms, timeoutS, what) {
  assertError(res, 503, 'SERVICE_UNAVAILABLE', what);
  assert.equal(res.headers.get('retry-after'), '1', `${what}: Retry-After`);
  assert.ok(ms >= timeoutS * 1000 - 250, `${what}: answered after ${ms} ms, before the ${timeoutS} s deadline`);
  assert.ok(ms < (timeoutS + GRACE_S) * 1000, `${what}: answered after ${ms} ms, past deadline + grace`);
}

test('a message create waiting on a lock past the deadline is 503 with Retry-After and writes nothing',
  async (t) => {
    assertHarness();
    const timeoutS = requestTimeout();
    const thread = assertJsonOk(await request('POST', '/api/threads', withJson({})), 201, 'create thread');
    const path = `/api/threads/${thread.id}/messages`;
    // A gap lock where the first message goes: the create takes the thread's
    // counter (its UPDATE succeeds) and then waits to insert, so the
    // rollback must undo a statement that did run.
    const lock = `SELECT seq FROM messages WHERE thread_id = UNHEX('${hex(thread.id)}') AND seq > 0 FOR UPDATE`;
    const { res, ms } = await whileLocked(lock, async () => {
      const t0 = Date.now();
      const r = await request('POST', path, withJson({ role: 'user', content: 'too late' }));
      return { res: r, ms: Date.now() - t0 };
    });
    t.diagnostic(`503 after ${ms} ms (request_timeout ${timeoutS} s)`);
    assertDeadline503(res, ms, timeoutS, 'create behind a gap lock');

    const after = assertJsonOk(await request('GET', `/api/threads/${thread.id}`, { headers: owner() }), 200);
    assert.equal(after.message_count, 0, 'the timed-out create left a message counted');
    const page = assertJsonOk(await request('GET', path, { headers: owner() }), 200);
    assert.deepEqual(page.data, [], 'the timed-out create left a message');
    // The counter's UPDATE was rolled back too: the next message is seq 1.
    const next = assertJsonOk(await request('POST', path, withJson({ role: 'user', content: 'in time' })), 201);
    assert.equal(next.seq, 1);
  });

test('a thread update waiting on the row lock past the deadline is 503 and changes nothing',
  async (t) => {
    assertHarness();
    const timeoutS = requestTimeout();
    const thread = assertJsonOk(await request('POST', '/api/threads', withJson({ title: 'before' })), 201);
    const lock = `SELECT id FROM threads WHERE id = UNHEX('${hex(thread.id)}') FOR UPDATE`;
    const { res, ms } = await whileLocked(lock, async () => {
      const t0 = Date.now();
      const r = await request('PATCH', `/api/threads/${thread.id}`, withJson({ title: 'after' }));
      return { res: r, ms: Date.now() - t0 };
    });
    t.diagnostic(`503 after ${ms} ms (request_timeout ${timeoutS} s)`);
    assertDeadline503(res, ms, timeoutS, 'update behind a row lock');
    const now = assertJsonOk(await request('GET', `/api/threads/${thread.id}`, { headers: owner() }), 200);
    assert.equal(now.title, 'before');
  });

// Live children of pid (zombies excluded), from /proc/*/stat.
function childrenOf(pid) {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue;
    }
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === pid && state !== 'Z' && state !== 'X') out.push(Number(d));
  }
  return out.sort((a, b) => a - b);
}

// p's value, or null after ms (the timer is cleared either way, so it does
// not keep the test process alive).
function within(p, ms) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function waitFor(fn, timeoutMs, stepMs = 50) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v || Date.now() >= end) return v;
    await sleep(stepMs);
  }
}

test('a FastCGI client that never finishes its body: the master replaces that worker after deadline + grace, and the others serve meanwhile',
  async (t) => {
    assertHarness();
    const timeoutS = requestTimeout();
    const master = Number(fs.readFileSync(env.TS_MASTER_PIDFILE, 'utf8').trim());
    const before = await waitFor(() => childrenOf(master).length >= 2 && childrenOf(master), 5000);
    assert.ok(before, 'expected at least 2 workers');
    const logStart = fs.statSync(env.TS_LOG_FILE).size;

    // A whole request head announcing 100 bytes of body, then 10 of them.
    const params = fcgi.cgiParams({
      method: 'POST',
      uri: '/api/threads',
      headers: { ...owner(), 'content-type': 'application/json' },
      body: 'x'.repeat(100),
    });
    const head = Buffer.concat([
      fcgi.beginRequest(1),
      fcgi.stream(fcgi.FCGI.PARAMS, 1, Buffer.concat(
        Object.entries(params).map(([k, v]) => fcgi.nameValue(k, v)))),
      fcgi.record(fcgi.FCGI.STDIN, 1, Buffer.from('{"title": ')),
    ]);
    const sock = net.createConnection({ path: env.TS_FCGI_SOCKET });
    const closed = new Promise((resolve) => {
      sock.on('close', () => resolve(Date.now()));
      sock.on('error', () => {});
    });
    await new Promise((resolve) => sock.on('connect', resolve));
    const t0 = Date.now();
    sock.write(head);

    // Meanwhile the other workers answer, at least until the kill.
    const limitMs = (timeoutS + GRACE_S) * 1000;
    let served = 0;
    while (Date.now() - t0 < limitMs - 500) {
      const r = await request('GET', '/api/health');
      assert.equal(r.status, 200, `health while a worker is held, at ${Date.now() - t0} ms`);
      served++;
      await sleep(200);
    }
    const at = await within(closed, limitMs + 3000);
    sock.destroy();
    assert.ok(at, `the held connection was still open ${limitMs + 3000} ms later`);
    const ms = at - t0;
    t.diagnostic(`held worker replaced after ${ms} ms (deadline ${timeoutS} s + grace ${GRACE_S} s); `
      + `${served} other requests answered meanwhile`);
    assert.ok(ms >= limitMs - 100, `killed after ${ms} ms, before deadline + grace`);
    assert.ok(ms <= limitMs + 1500, `killed after ${ms} ms, well past deadline + grace`);

    const log = fs.readFileSync(env.TS_LOG_FILE, 'utf8').slice(logStart);
    const m = log.match(/worker (\d+) has been on one request for [\d.]+ s \(request_timeout \d+ s \+ \d+ s\): killing it/);
    assert.ok(m, `no kill line in the log:\n${log.slice(-2000)}`);
    const victim = Number(m[1]);
    assert.ok(before.includes(victim), `killed ${victim}, not one of the workers ${before}`);
    assert.doesNotMatch(log, /pausing \d+ s before starting more/, 'the kill pulled the crash-loop brake');
    const back = await waitFor(() => {
      const c = childrenOf(master);
      return c.length === before.length && !c.includes(victim);
    }, 3000);
    assert.ok(back, `workers not back to ${before.length} (have ${childrenOf(master)}, killed ${victim})`);
    assert.equal((await request('GET', '/api/health')).status, 200);
  });

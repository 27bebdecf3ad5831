// The per-request deadline (§11 Bounds: request_timeout, 5 s by default)
// against the shared server: work that outlives it is stopped and answered
// 503 SERVICE_UNAVAILABLE with Retry-After, leaving nothing half-written.
//
// A second client, the mariadb command-line tool over the test server's
// socket, holds the locks the requests wait on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';

import { request, assertError, assertJsonOk, userHeaders } from './lib.mjs';

const env = process.env;
const socket = env.TS_MYSQL_SOCKET;
const dbName = env.TS_DB_NAME;
// include/limits.h: TS_DEFAULT_REQUEST_TIMEOUT_SECONDS, TS_DEADLINE_GRACE_SECONDS.
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
  for (const k of ['TS_BASE_URL', 'TS_CONFIG', 'TS_MYSQL_SOCKET', 'TS_DB_NAME', 'TS_JWT_SECRET', 'TS_BIN']) {
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

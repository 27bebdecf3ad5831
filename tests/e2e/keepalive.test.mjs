// FastCGI keep-alive (nginx's fastcgi_keep_conn, README: Keep-alive between
// nginx and threadstore): a worker answers request after request on a
// connection the web server keeps open, reads and drops a body it left
// unread so the next request starts clean, serves more kept connections than
// there are workers, and, when it retires (max_requests, SIGHUP), never
// closes a connection the web server may be sending a request on: it is
// replaced at once and answers on its kept connections until they close.
// The last test drives the shared nginx (which keeps connections, as
// conf/nginx.conf.example does) with POSTs while every worker is replaced.
// Runs under scripts/test.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as fcgi from './fcgi_client.mjs';
import { bearer, cliToken, request } from './lib.mjs';
import { sleep, waitFor, childrenOf, masterPid, startServer } from './workers_lib.mjs';

const env = process.env;

function needHarness() {
  for (const k of ['TS_BASE_URL', 'TS_BIN', 'TS_CONFIG', 'TS_MASTER_PIDFILE']) {
    assert.ok(env[k], `${k} is not set: run this file under scripts/test`);
  }
}

// The pids that wrote access lines for path, in order, from a private server's log.
function accessPids(srv, pathPart) {
  return [...srv.stderr.matchAll(/pid=(\d+) level=info access method=\w+ path="([^"]*)"/g)]
    .filter((m) => m[2].includes(pathPart)).map((m) => Number(m[1]));
}

function keep(t, srv) {
  const c = new fcgi.KeptConnection(srv.sock);
  t.after(() => c.close());
  return c;
}

test('a kept connection answers request after request and stays open', async (t) => {
  needHarness();
  const srv = await startServer(t, { workers: 1 });
  const c = keep(t, srv);
  for (let i = 0; i < 5; i++) {
    const r = await c.request({ uri: `${srv.base}/api/health` });
    assert.ok(r.ok, `request ${i} on the kept connection: ${r.error}`);
    assert.equal(r.status, 200);
    const nf = await c.request({ uri: `${srv.base}/api/no-such-route` });
    assert.equal(nf.status, 404, `request ${i}: a 404 on the kept connection`);
  }
  await sleep(300);
  assert.equal(c.closed, false, 'the worker closed a connection the web server keeps');
});

test('a body left unread on a kept connection is read and dropped: the next request is answered',
  async (t) => {
    needHarness();
    const srv = await startServer(t, { workers: 1 });
    const c = keep(t, srv);
    // Over max_body_bytes (1 MiB): answered 413 before the body is read.
    const big = await c.request({ method: 'POST', uri: `${srv.base}/api/threads`,
      headers: { 'content-type': 'application/json', ...bearer(cliToken('alice')) },
      body: `{"title":"${'x'.repeat(2 * 1024 * 1024)}"}`, timeoutMs: 10000 });
    assert.equal(big.status, 413, `2 MiB body: ${big.status} ${big.error}`);
    const after413 = await c.request({ uri: `${srv.base}/api/health` });
    assert.equal(after413.status, 200, `after the 413: ${after413.status} ${after413.error}`);
    // Refused before the body is looked at: no token.
    const anon = await c.request({ method: 'POST', uri: `${srv.base}/api/threads`,
      headers: { 'content-type': 'application/json' }, body: `{"title":"${'y'.repeat(200000)}"}` });
    assert.equal(anon.status, 401);
    const after401 = await c.request({ uri: `${srv.base}/api/health` });
    assert.equal(after401.status, 200, `after the 401: ${after401.status} ${after401.error}`);
    assert.equal(c.closed, false);
  });

test('more kept connections than workers: every one is answered and new connections still are',
  async (t) => {
    needHarness();
    const srv = await startServer(t, { workers: 2 });
    const conns = Array.from({ length: 12 }, () => keep(t, srv));
    for (let round = 0; round < 3; round++) {
      const rs = await Promise.all(conns.map((c) => c.request({ uri: `${srv.base}/api/health` })));
      rs.forEach((r, i) => assert.equal(r.status, 200, `round ${round}, connection ${i}: ${r.error}`));
    }
    // Twelve connections held idle by two workers: a new one is not starved.
    const t0 = Date.now();
    const fresh = await fcgi.request(srv.sock, { uri: `${srv.base}/api/health`, timeoutMs: 2000 });
    assert.equal(fresh.status, 200, `a new connection beside 12 kept ones: ${fresh.error}`);
    assert.ok(Date.now() - t0 < 1000, `a new connection waited ${Date.now() - t0} ms`);
    assert.ok(conns.every((c) => !c.closed), 'a kept connection was closed by a worker');
  });

test('a worker retiring after max_requests is replaced at once and answers on its kept connections until they close',
  async (t) => {
    needHarness();
    const srv = await startServer(t, { workers: 1, server: { max_requests: 3 } });
    const [old] = childrenOf(srv.child.pid);
    const a = keep(t, srv);
    const b = keep(t, srv);
    assert.equal((await a.request({ uri: `${srv.base}/api/health?n=a1` })).status, 200);
    assert.equal((await b.request({ uri: `${srv.base}/api/health?n=b1` })).status, 200);
    assert.equal((await a.request({ uri: `${srv.base}/api/health?n=a2` })).status, 200);
    // Its third request retired it: a successor runs beside it.
    const two = await waitFor(() => childrenOf(srv.child.pid).length === 2, 2000);
    assert.ok(two, `no successor beside the retiring worker: ${childrenOf(srv.child.pid)}`);
    // The kept connections are still answered, by the retiring worker.
    for (const [c, n] of [[a, 'a3'], [b, 'b2'], [a, 'a4']]) {
      const r = await c.request({ uri: `${srv.base}/api/health?n=${n}` });
      assert.equal(r.status, 200, `${n} on a kept connection of the retiring worker: ${r.error}`);
    }
    // A new connection goes to the successor.
    const fresh = await fcgi.request(srv.sock, { uri: `${srv.base}/api/health?n=fresh` });
    assert.equal(fresh.status, 200);
    await waitFor(() => accessPids(srv, '/api/health').length >= 7, 2000);
    const pids = accessPids(srv, '/api/health');
    assert.deepEqual(pids.slice(0, 6), Array(6).fill(old), `who answered: ${pids}`);
    assert.notEqual(pids[6], old, 'the retiring worker accepted a new connection');
    assert.equal(a.closed || b.closed, false, 'the retiring worker closed a kept connection');
    // The web server closes them: the retiring worker exits.
    a.close();
    b.close();
    const gone = await waitFor(() => !childrenOf(srv.child.pid).includes(old), 2000);
    assert.ok(gone, 'the retiring worker did not exit once its connections closed');
    assert.equal(childrenOf(srv.child.pid).length, 1);
    assert.doesNotMatch(srv.stderr, /level=(warn|error)/, srv.stderr);
  });

test('SIGHUP: workers holding kept connections keep answering on them, and new workers take new connections',
  async (t) => {
    needHarness();
    const srv = await startServer(t, { workers: 2 });
    const before = childrenOf(srv.child.pid);
    const conns = Array.from({ length: 4 }, () => keep(t, srv));
    for (const c of conns) assert.equal((await c.request({ uri: `${srv.base}/api/health` })).status, 200);
    srv.child.kill('SIGHUP');
    const fresh = await waitFor(() => {
      const now = childrenOf(srv.child.pid);
      return now.filter((p) => !before.includes(p)).length === 2;
    }, 3000);
    assert.ok(fresh, `no successors after SIGHUP: ${before} -> ${childrenOf(srv.child.pid)}`);
    for (const c of conns) {
      const r = await c.request({ uri: `${srv.base}/api/health` });
      assert.equal(r.status, 200, `a kept connection after SIGHUP: ${r.error}`);
    }
    for (const c of conns) c.close();
    const done = await waitFor(() => childrenOf(srv.child.pid).every((p) => !before.includes(p)), 3000);
    assert.ok(done, `old workers still there: ${childrenOf(srv.child.pid)} (before: ${before})`);
    assert.equal(childrenOf(srv.child.pid).length, 2);
  });

test('SIGTERM closes kept connections and stops the master within 2 s', async (t) => {
  needHarness();
  const srv = await startServer(t, { workers: 2 });
  const conns = Array.from({ length: 3 }, () => keep(t, srv));
  for (const c of conns) assert.equal((await c.request({ uri: `${srv.base}/api/health` })).status, 200);
  srv.child.kill('SIGTERM');
  const ex = await Promise.race([srv.exit, sleep(2000).then(() => null)]);
  assert.ok(ex, 'the master did not exit within 2 s');
  assert.equal(ex.code, 0);
  assert.ok(await waitFor(() => conns.every((c) => c.closed), 1000), 'a kept connection stayed open');
});

test('through nginx with kept connections: POSTs while every worker is replaced twice all succeed',
  async () => {
    needHarness();
    const master = masterPid();
    const token = cliToken('keepalive-e2e');
    const threads = [];
    for (let i = 0; i < 16; i++) {
      const r = await request('POST', '/api/threads', {
        headers: { 'content-type': 'application/json', ...bearer(token) },
        body: JSON.stringify({ title: `keepalive ${i}` }) });
      assert.equal(r.status, 201);
      threads.push(r.json.id);
    }
    let stop = false;
    const statuses = new Map();
    const count = (s) => statuses.set(s, (statuses.get(s) || 0) + 1);
    const client = async (id) => {
      while (!stop) {
        const r = await request('POST', `/api/threads/${id}/messages`, {
          headers: { 'content-type': 'application/json', ...bearer(token) },
          body: JSON.stringify({ role: 'user', content: 'hello' }) });
        count(r.status);
        // Paced: at most 16 x 50 requests a second, under the harness's
        // nginx rate (1000r/s, burst 2000) on any machine; unpaced, a fast
        // machine made 1,900 creates a second and met it (429s).
        await sleep(20);
      }
    };
    const running = threads.map(client);
    await sleep(500);
    const first = childrenOf(master);
    process.kill(master, 'SIGHUP');
    await sleep(1000);
    process.kill(master, 'SIGHUP');
    await sleep(1000);
    stop = true;
    await Promise.all(running);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    assert.deepEqual([...statuses.keys()], [201], `statuses: ${JSON.stringify([...statuses])}`);
    assert.ok(total > 100, `only ${total} requests`);
    const now = await waitFor(() => {
      const c = childrenOf(master);
      return c.length === first.length && c.every((p) => !first.includes(p)) && c;
    }, 35000);
    assert.ok(now, `workers not all replaced: ${first} -> ${childrenOf(master)}`);
  });

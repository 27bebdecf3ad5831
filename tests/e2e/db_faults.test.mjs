// Database faults through nginx: MariaDB stopped and started again, and the
// workers' connections killed between requests. threadstore itself is never
// restarted; service must come back on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';

const base = process.env.TS_BASE_URL;
const socket = process.env.TS_MYSQL_SOCKET;
const pidfile = process.env.TS_MYSQL_PIDFILE;
const dbUser = process.env.TS_DB_USER;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sql(query) {
  return execFileSync('mariadb', ['--no-defaults', '-uroot', '-S', socket, '-N', '-B', '-e', query],
    { encoding: 'utf8' }).trim();
}

async function health() {
  const res = await fetch(`${base}/api/health`);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

function mysqlAlive() {
  if (!existsSync(pidfile)) return false;
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  try { process.kill(pid, 0); return true; } catch { return false; }
}

async function stopMariaDB() {
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 300 && mysqlAlive(); i++) await sleep(100);
  assert.equal(mysqlAlive(), false, 'MariaDB did not stop within 30 s');
}

async function startMariaDB() {
  execSync(process.env.TS_MYSQL_START, { stdio: 'inherit', shell: '/bin/bash' });
  for (let i = 0; i < 300; i++) {
    try { sql('SELECT 1'); return; } catch { await sleep(100); }
  }
  assert.fail('MariaDB did not come back within 30 s');
}

test('a killed database connection costs no request: the next one reconnects', async () => {
  // Make sure every worker has a connection open, then kill them all.
  for (let i = 0; i < 10; i++) assert.equal((await health()).status, 200);
  const ids = sql(`SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '${dbUser}'`)
    .split('\n').filter(Boolean);
  assert.ok(ids.length >= 1, 'expected the workers to hold connections');
  for (const id of ids) sql(`KILL ${id}`);
  for (let i = 0; i < 10; i++) {
    const h = await health();
    assert.equal(h.status, 200, `request ${i} after KILL failed`);
    const s = await fetch(`${base}/api/settings`);
    assert.equal(s.status, 200, `settings request ${i} after KILL failed`);
  }
});

// Thread creates are not marked repeatable: only a statement that provably
// never reached the server may run again. A connection killed while idle is
// found dead before anything is sent on it, so the first write of every
// worker after the KILL still succeeds.
test('writes right after the connections were killed succeed: a statement never sent runs on a new connection', async () => {
  assert.ok(base && socket && dbUser, 'TS_BASE_URL, TS_MYSQL_SOCKET and TS_DB_USER come from scripts/test');
  const token = execFileSync(process.env.TS_BIN, ['token', '--config', process.env.TS_CONFIG, '--sub', 'db-faults'],
    { encoding: 'utf8' }).trim();
  const create = async () => {
    const res = await fetch(`${base}/api/threads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    return { status: res.status, text: await res.text() };
  };
  for (let round = 0; round < 3; round++) {
    // Every worker opens its connection (and prepares the INSERT)...
    for (let i = 0; i < 10; i++) assert.equal((await create()).status, 201);
    const ids = sql(`SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '${dbUser}'`)
      .split('\n').filter(Boolean);
    assert.ok(ids.length >= 1, 'expected the workers to hold connections');
    // ...then loses it; the very next requests are writes.
    for (const id of ids) sql(`KILL ${id}`);
    for (let i = 0; i < 10; i++) {
      const r = await create();
      assert.equal(r.status, 201, `round ${round}, create ${i} after KILL: ${r.status} ${r.text}`);
    }
  }
});

// Over TCP a statement sent on a connection the server has closed without
// a parting error (a crash, a network drop) is written into the socket all
// the same and lost (2013): whether it ran is unknown, so a create is not
// run again. (A KILL or wait_timeout leaves an error to read, and a unix
// socket fails the send at once: either way the statement runs again on a
// new connection.) So a worker watches its idle connection in the poll it
// waits in and closes it the moment the server hangs up; the next write
// goes to a new connection. A proxy in between plays the server hanging up.
test('over TCP, a connection the server drops while idle is closed before the next write, which succeeds', async (t) => {
  const net = await import('node:net');
  const { startServer } = await import('./workers_lib.mjs');
  const fcgi = await import('./fcgi_client.mjs');
  assert.ok(process.env.TS_MYSQL_PORT, 'TS_MYSQL_PORT comes from scripts/test');
  const open = new Set();
  let opened = 0;
  const proxy = net.createServer((client) => {
    const server = net.connect(Number(process.env.TS_MYSQL_PORT), '127.0.0.1');
    const pair = { client, server };
    opened++;
    open.add(pair);
    for (const [a, b] of [[client, server], [server, client]]) {
      a.on('error', () => {});
      a.pipe(b);
      a.on('close', () => { b.destroy(); open.delete(pair); });
    }
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(() => { for (const p of open) p.client.destroy(); proxy.close(); });
  const srv = await startServer(t, { workers: 1,
    database: { socket: null, host: '127.0.0.1', port: proxy.address().port } });
  const token = execFileSync(process.env.TS_BIN, ['token', '--config', process.env.TS_CONFIG, '--sub', 'db-faults-tcp'],
    { encoding: 'utf8' }).trim();
  const create = () => fcgi.request(srv.sock, { method: 'POST', uri: `${srv.base}/api/threads`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
  for (let round = 0; round < 3; round++) {
    assert.equal((await create()).status, 201, `round ${round}: the create before the hang-up`);
    assert.equal(open.size, 1, `round ${round}: the worker's one connection`);
    const before = opened;
    // The server's side goes away with no parting word: FIN, then nothing.
    for (const p of open) { p.server.destroy(); p.client.end(); }
    await sleep(200);
    const r = await create();
    assert.equal(r.status, 201, `round ${round}: the create after the hang-up: ${r.status} ${r.body}`);
    assert.equal(opened, before + 1, `round ${round}: on a new connection`);
  }
  assert.match(srv.stderr, /the server closed the idle connection/);
});

test('MariaDB down gives 503 SERVICE_UNAVAILABLE with Retry-After; back up gives 200 within a second', async () => {
  assert.equal((await health()).status, 200);
  await stopMariaDB();
  try {
    const h = await health();
    assert.equal(h.status, 503);
    assert.deepEqual(h.body, { status: 'unavailable' });
    assert.equal(h.headers.get('retry-after'), '1');

    const s = await fetch(`${base}/api/settings`);
    assert.equal(s.status, 503);
    assert.equal(s.headers.get('retry-after'), '1');
    const body = await s.json();
    assert.equal(body.code, 'SERVICE_UNAVAILABLE');
    assert.equal(body.request_id, s.headers.get('x-request-id'));
    assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'request_id']);
  } finally {
    await startMariaDB();
  }
  // Back within a second of the server answering, without restarting threadstore.
  const deadline = Date.now() + 1000;
  let last;
  do {
    last = await health();
    if (last.status === 200) break;
    await sleep(50);
  } while (Date.now() < deadline);
  assert.equal(last.status, 200, 'service did not resume within 1 s of MariaDB answering');
  for (let i = 0; i < 10; i++) {
    assert.equal((await fetch(`${base}/api/settings`)).status, 200);
  }
  // Writes too, on whichever worker still holds a connection from before
  // the restart (tests/e2e/deadlock.test.mjs's first create once got a 503).
  const token = execFileSync(process.env.TS_BIN, ['token', '--config', process.env.TS_CONFIG, '--sub', 'db-faults'],
    { encoding: 'utf8' }).trim();
  for (let i = 0; i < 10; i++) {
    const res = await fetch(`${base}/api/threads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(res.status, 201, `create ${i} after the restart: ${await res.text()}`);
  }
});

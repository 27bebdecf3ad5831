// A real deadlock (MariaDB error 1213) in the middle of a message create,
// through nginx: the create must be retried whole, so the client gets its 201
// and the thread's counters stay right (issue 4: a client never sees a
// deadlock; on Galera a write conflict surfaces as this same error).
//
// A second client, the mariadb command-line tool over the test server's
// socket, makes the cycle: it holds a gap lock where the new message goes
// while the create holds the thread row, then asks for the thread row. InnoDB
// rolls back the lighter transaction, which is the create, because the other
// client has changed 200 rows first.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { request } from './lib.mjs';
import { caller, json, msgsPath, newThread, getThread, createBatch, listOk, htest } from './messages_lib.mjs';

const socket = process.env.TS_MYSQL_SOCKET;
const dbName = process.env.TS_DB_NAME;
const owner = caller('deadlock-owner');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sql(query) {
  return execFileSync('mariadb', ['--no-defaults', '-uroot', '-S', socket, '-N', '-B', dbName, '-e', query],
    { encoding: 'utf8' }).trim();
}

const hex = (uuid) => uuid.replace(/-/g, '');

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

  // Sends sql; the returned promise settles when the session has run it.
  run(sqlText, timeoutMs = 20000) {
    const marker = `done-${++this.n}`;
    this.p.stdin.write(`${sqlText};\nSELECT '${marker}';\n`);
    return (async () => {
      for (let waited = 0; !this.out.includes(marker); waited += 20) {
        if (waited > timeoutMs) throw new Error(`the session did not finish ${sqlText}: ${this.err}`);
        await sleep(20);
      }
    })();
  }

  async close() {
    this.p.stdin.end();
    await new Promise((r) => this.p.on('close', r));
  }
}

function deadlocks() {
  return Number(sql("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'").split(/\s+/)[1]);
}

htest('a create that InnoDB picks as a deadlock victim is retried whole: 201, seq 1, counters right', async () => {
  assert.ok(socket && dbName, 'TS_MYSQL_SOCKET and TS_DB_NAME come from scripts/test');
  const target = await newThread(owner);
  const ballast = await newThread(owner);
  for (let i = 0; i < 2; i++) {
    await createBatch(owner, ballast.id, Array.from({ length: 100 }, (_, k) => ({ role: 'user', content: `b${i}-${k}` })));
  }
  const before = deadlocks();
  const side = new Session();
  try {
    await side.run('START TRANSACTION');
    // Heavier than any create: 200 changed rows.
    await side.run(`UPDATE messages SET metadata = '{"side":"x"}' WHERE thread_id = UNHEX('${hex(ballast.id)}')`);
    // A gap lock over the place of the target thread's first message.
    await side.run(`SELECT seq FROM messages WHERE thread_id = UNHEX('${hex(target.id)}') AND seq > 0 FOR UPDATE`);

    const create = request('POST', msgsPath(target.id), json(owner.headers, { role: 'user', content: 'survivor' }));
    await sleep(1000); // the create now holds the thread row and waits to insert
    // The cycle: the side session wants the thread row the create holds.
    const lockThread = side.run(`SELECT id FROM threads WHERE id = UNHEX('${hex(target.id)}') FOR UPDATE`);
    await lockThread;
    assert.equal(side.err, '', 'the side session was not the victim');
    await side.run('COMMIT');

    const res = await create;
    assert.equal(res.status, 201, `the client never sees the deadlock: ${res.text}`);
    assert.equal(res.json.seq, 1);
  } finally {
    await side.close();
  }
  assert.ok(deadlocks() > before, 'InnoDB reported a deadlock');
  const t = await getThread(owner, target.id);
  assert.equal(t.message_count, 1);
  const page = await listOk(owner, target.id);
  assert.deepEqual(page.data.map((m) => [m.seq, m.content.text]), [[1, 'survivor']]);
});

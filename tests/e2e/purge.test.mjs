// Deleting a thread and clearing its messages cost the same at any thread
// size (API reference: Limits): the request marks the messages
// dead and answers; workers delete them between requests, a chunk at a time
// (src/purge.c). Until then no read shows them, their message_ids can be
// used again, and a thread made with a deleted thread's id numbers its
// messages on after them.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { before } from 'node:test';
import { request, env } from './lib.mjs';
import {
  caller, json, msgsPath, threadPath, newThread, createMessage, getThread, htest,
} from './messages_lib.mjs';

const socket = env.TS_MYSQL_SOCKET;
const dbName = env.TS_DB_NAME;
const N = 300000;
const owner = caller('purge-owner');

function sql(query) {
  return execFileSync('mariadb', ['--no-defaults', '-uroot', '-S', socket, '-N', '-B', dbName, '-e', query],
    { encoding: 'utf8' }).trim();
}

// The fixture's long statements run without blocking the event loop: a
// blocked loop misses nginx closing an idle keep-alive connection
// (keepalive_timeout 30 s), and the next request, sent on that dead socket,
// fails with "fetch failed" instead of reaching the server.
const run = promisify(execFile);
async function sqlLong(query) {
  await run('mariadb', ['--no-defaults', '-uroot', '-S', socket, '-N', '-B', dbName, '-e', query],
    { maxBuffer: 1 << 20 });
}

const hex = (uuid) => uuid.replace(/-/g, '');
// The id the fixture gives message seq of thread tid, as a UUID.
function seededId(tid, seq) {
  const h = sql(`SELECT LOWER(MD5(CONCAT('${hex(tid)}', ${seq})))`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// N user messages written with SQL into the caller's new thread (moving its
// page_version, as every write by hand must: docs/design.md, The page cache).
async function bigThread(fields = {}) {
  const t = await newThread(owner, fields);
  const id = `UNHEX('${hex(t.id)}')`;
  await sqlLong(`INSERT INTO messages (thread_id, seq, id, role, content_text, metadata, created_at, updated_at)
       SELECT ${id}, seq, UNHEX(MD5(CONCAT('${hex(t.id)}', seq))), 0, CONCAT('m', seq), '{}',
              TIMESTAMPADD(SECOND, seq, '2026-01-01'), TIMESTAMPADD(SECOND, seq, '2026-01-01')
       FROM seq_1_to_${N}`);
  await sqlLong(`UPDATE threads SET last_seq = ${N}, message_count = ${N}, user_count = ${N},
       last_message_at = TIMESTAMPADD(SECOND, ${N}, '2026-01-01'), page_version = page_version + 1
       WHERE id = ${id}`);
  return t;
}

const stored = (tid) => Number(sql(`SELECT COUNT(*) FROM messages WHERE thread_id = UNHEX('${hex(tid)}')`));

async function purged(tid, through, what) {
  const t0 = Date.now();
  while (Date.now() - t0 < 180000) {
    const left = Number(sql(`SELECT COUNT(*) FROM messages WHERE thread_id = UNHEX('${hex(tid)}') AND seq <= ${through}`));
    const marks = Number(sql(`SELECT COUNT(*) FROM message_purges WHERE thread_id = UNHEX('${hex(tid)}')`));
    if (left === 0 && marks === 0) {
      console.log(`# ${what}: ${through} dead messages purged in ${Date.now() - t0} ms`);
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`${what}: the dead messages were not purged within 180 s`);
}

let cleared;
let deleted;
before(async () => {
  if (!socket) return;
  cleared = await bigThread();
  deleted = await bigThread({ id: undefined });
});

htest(`clearing ${N} messages answers at once and leaves the deleting to the purge`, async () => {
  const res = await request('DELETE', msgsPath(cleared.id), { headers: owner.headers });
  assert.equal(res.status, 204, res.text);
  assert.ok(stored(cleared.id) > N / 2, 'the request itself did not delete the messages');
  const list = await request('GET', `${msgsPath(cleared.id)}?limit=5`, { headers: owner.headers });
  assert.equal(list.json.data.length, 0);
  assert.equal(list.json.total, 0);
  for (const q of ['role=user', 'created_after=2026-01-01T00:00:00Z', `offset=10`]) {
    const r = await request('GET', `${msgsPath(cleared.id)}?${q}`, { headers: owner.headers });
    assert.equal(r.json.data.length, 0, `${q}: no cleared message shows`);
  }
  const ctx = await request('POST', `${msgsPath(cleared.id)}/context`, json(owner.headers, { max_tokens: 1000 }));
  assert.equal(ctx.json.message_count, 0);
  const old = seededId(cleared.id, 7);
  assert.equal((await request('GET', `${msgsPath(cleared.id)}/${old}`, { headers: owner.headers })).status, 404);
  assert.equal((await request('GET', `${msgsPath(cleared.id)}?after=${old}`, { headers: owner.headers })).status, 422,
    'a cleared message is no cursor');
  const m = await createMessage(owner, cleared.id, { role: 'user', content: 'after the clear' });
  assert.equal(m.seq, N + 1, 'numbering continues after the old last seq');
  const again = await createMessage(owner, cleared.id, { role: 'user', content: 'an old id', message_id: old });
  assert.equal(again.id, old, 'a cleared message_id can be used again at once');
  const t = await getThread(owner, cleared.id);
  assert.equal(t.message_count, 2);
  await purged(cleared.id, N, 'clear');
  assert.equal(stored(cleared.id), 2, 'the two new messages survive the purge');
});

htest(`deleting a thread of ${N} messages answers at once; its id can be used again`, async () => {
  const res = await request('DELETE', threadPath(deleted.id), { headers: owner.headers });
  assert.equal(res.status, 204, res.text);
  assert.ok(stored(deleted.id) > N / 2, 'the request itself did not delete the messages');
  assert.equal((await request('GET', threadPath(deleted.id), { headers: owner.headers })).status, 404);
  const again = await newThread(owner, { id: deleted.id });
  assert.equal(again.message_count, 0);
  const list = await request('GET', `${msgsPath(deleted.id)}?limit=5`, { headers: owner.headers });
  assert.equal(list.json.data.length, 0, 'the old messages do not show in the new thread');
  const m = await createMessage(owner, deleted.id, { role: 'user', content: 'new life' });
  assert.ok(m.seq > N, `the new thread numbers on after the dead messages (seq ${m.seq})`);
  const other = await newThread(owner);
  const reused = await createMessage(owner, other.id, { role: 'user', content: 'x', message_id: seededId(deleted.id, 3) });
  assert.equal(reused.thread_id, other.id, 'a deleted thread\'s message_id can be used again elsewhere');
  await purged(deleted.id, N, 'delete');
  const after = await request('GET', `${msgsPath(deleted.id)}?limit=5`, { headers: owner.headers });
  assert.deepEqual(after.json.data.map((x) => x.id), [m.id], 'the new thread keeps its message');
});

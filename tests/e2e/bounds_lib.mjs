// The million-message fixture every bounds test reads (bounds.test.mjs and
// each surface's bounds_<surface>.test.mjs): a public thread BIG of N
// messages and, when asked, THREADS public threads of MANY_OWNER, written
// with SQL and kept (building them through the API would take an hour).
// Also MariaDB's own counters of the rows a request reads (Handler_read_*,
// global: nothing else runs while a file of the suite runs).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { env } from './lib.mjs';

export const socket = env.TS_MYSQL_SOCKET;
export const dbName = env.TS_DB_NAME;
export const BIG = 'b0b0b0b0-0000-4000-8000-000000000001';
export const BIG_HEX = BIG.replace(/-/g, '');
export const BIG_OWNER = 'bounds-big-owner';
export const MANY_OWNER = 'bounds-many-owner';
export const N = 1000000;
export const THREADS = 100000;
export const T0 = '2026-01-01 00:00:00.000';
// What one request may read besides its page: the thread, the flag, a cursor,
// the time bounds, a few index probes per role branch.
export const SLACK = 40;

export function sql(query) {
  return execFileSync('mariadb', ['--no-defaults', '-uroot', '-S', socket, '-N', '-B', dbName, '-e', query],
    { encoding: 'utf8', maxBuffer: 1 << 20 }).trim();
}

const READS = ['Handler_read_first', 'Handler_read_key', 'Handler_read_last', 'Handler_read_next',
  'Handler_read_prev'];

export function rowsRead() {
  const lines = sql(`SHOW GLOBAL STATUS WHERE Variable_name IN (${READS.map((r) => `'${r}'`).join(', ')})`);
  const total = lines.split('\n').reduce((n, l) => n + Number(l.split('\t')[1]), 0);
  assert.ok(Number.isFinite(total) && lines.split('\n').length === READS.length, `status: ${lines}`);
  return total;
}

// The rows MariaDB read to answer one request.
export async function measured(fn) {
  const before = rowsRead();
  const res = await fn();
  return { res, rows: rowsRead() - before };
}

// Message seq s: a system message every 100,000 (10 in all), else user and
// assistant in turn; every 1,000th belongs to run "run-a"; created one second
// after the one before it. No tool messages.
export function buildFixture({ many = true } = {}) {
  if (many && sql(`SELECT COUNT(*) FROM threads WHERE owner_id = '${MANY_OWNER}'`) === '0') {
    sql(`INSERT INTO threads (id, owner_id, title, visibility, namespace, metadata, created_at, updated_at)
         SELECT UNHEX(MD5(CONCAT('bounds-thread', seq))), '${MANY_OWNER}', NULL, 2, 'many', '{}', '${T0}', '${T0}'
         FROM seq_1_to_${THREADS}`);
  }
  if (sql(`SELECT COUNT(*) FROM threads WHERE id = UNHEX('${BIG_HEX}')`) === '1') return;
  sql(`INSERT INTO threads (id, owner_id, title, visibility, namespace, metadata, created_at, updated_at)
       VALUES (UNHEX('${BIG_HEX}'), '${BIG_OWNER}', 'a million messages', 2, 'big', '{}', '${T0}', '${T0}')`);
  sql(`INSERT INTO messages (thread_id, seq, id, role, content_text, metadata, run_id, created_at, updated_at)
       SELECT UNHEX('${BIG_HEX}'), seq, UNHEX(MD5(CONCAT('bounds', seq))),
              IF(seq % 100000 = 1, 2, seq % 2), CONCAT('message ', seq), '{}',
              IF(seq % 1000 = 0, 'run-a', NULL),
              TIMESTAMPADD(SECOND, seq, '${T0}'), TIMESTAMPADD(SECOND, seq, '${T0}')
       FROM seq_1_to_${N}`);
  sql(`UPDATE threads SET last_seq = ${N}, message_count = ${N},
         user_count = (SELECT COUNT(*) FROM messages WHERE thread_id = UNHEX('${BIG_HEX}') AND role = 0),
         assistant_count = (SELECT COUNT(*) FROM messages WHERE thread_id = UNHEX('${BIG_HEX}') AND role = 1),
         system_count = 10, tool_count = 0,
         last_message_at = TIMESTAMPADD(SECOND, ${N}, '${T0}'), page_version = page_version + 1
       WHERE id = UNHEX('${BIG_HEX}')`);
}


// The JSON of a 200 answer (the status checked, with the body when not).
export function listBody(res, what) {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.json;
}

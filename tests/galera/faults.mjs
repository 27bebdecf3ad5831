// threadstore on a 3-node Galera cluster under faults (tests/galera/run.sh
// starts the cluster and two threadstore instances, A and B, each first on
// another node). Clients drive idempotent creates and batches through both
// over FastCGI, retrying the same request (same message ids) on any error
// as a careful client does, through the other instance, and plain creates
// (no message_id: one statement each, src/message_store.c) into threads of
// their own, which cannot be retried safely and are not; meanwhile node 2
// is killed with SIGKILL and restarted, then node 1 is stopped with
// SIGSTOP for a while and let go on. Afterwards every node is checked with
// SQL. Exits non-zero on any broken invariant; writes its figures to
// $TS_GALERA_STATE/results.txt.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, existsSync } from 'node:fs';
import { request } from '../e2e/fcgi_client.mjs';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run tests/galera/run.sh)`);
  return v;
};
const DIR = env('TS_GALERA_DIR');
const STATE = env('TS_GALERA_STATE');
const DB = env('TS_GALERA_DB');
const CLIENT = env('TS_MYSQL_CLIENT');
const BIN = env('TS_BIN');
const LOAD_MS = Number(env('TS_GALERA_LOAD_SECONDS')) * 1000;
// "galera": instances A and B, each first on another node, and the node
// faults; "haproxy": instance C through HAProxy, and the writer killed.
const MODE = process.env.TS_GALERA_MODE ?? 'galera';
const HAPROXY = MODE === 'haproxy';
const INSTANCES = (HAPROXY ? ['c'] : ['a', 'b']).map((i) => `${STATE}/ts-${i}/ts.sock`);
const THREADS = HAPROXY ? 3 : 6;
// Threads of the plain creates, each written through both instances.
const PLAIN_THREADS = 2;
const CLIENTS = HAPROXY ? 4 : 8;
// A client gives up on one request after this long: the service was down.
const GIVE_UP_MS = 60000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const failures = [];
const fail = (msg) => { failures.push(msg); console.error(`galera: FAIL: ${msg}`); };
const figures = [];
const figure = (line) => { figures.push(line); console.log(`galera: ${line}`); };

// The final check reads every message of the run in one answer: ~70 bytes
// a row, tens of thousands of rows on a quiet machine, past execFileSync's
// default 1 MiB (ENOBUFS). 64 MiB still bounds a runaway.
const SQL_MAX_OUTPUT = 64 * 1024 * 1024;

function sql(n, query, db = DB) {
  return execFileSync(CLIENT, ['--no-defaults', '-S', `${DIR}/node${n}/mysqld.sock`, '-uroot', '-N', '-B',
    ...(db ? [db] : []), '-e', query],
  // stderr is piped, not inherited: a node being polled while it is down
  // would print a line a try; a thrown error's message still carries it.
  { encoding: 'utf8', timeout: 30000, maxBuffer: SQL_MAX_OUTPUT, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function state(n) {
  try { return sql(n, "SHOW STATUS LIKE 'wsrep_local_state_comment'", '').split('\t')[1]; } catch { return 'down'; }
}

function clusterSize(n) {
  try { return Number(sql(n, "SHOW STATUS LIKE 'wsrep_cluster_size'", '').split('\t')[1]); } catch { return 0; }
}

function pidOf(n) {
  const f = `${DIR}/node${n}/mysqld.pid`;
  return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : 0;
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

function status(n, name) {
  try { return sql(n, `SHOW STATUS LIKE '${name}'`, '').split('\t')[1]; } catch { return null; }
}

// Whether node n is back for real: Synced, in the same view of 3 as the
// others (a node let go on after SIGSTOP still says Synced in its old view
// for a moment), and a causal read through the group answers.
function rejoined(n) {
  const views = [1, 2, 3].map((k) => status(k, 'wsrep_cluster_conf_id'));
  if (state(n) !== 'Synced' || clusterSize(n) !== 3 || views.some((v) => v === null || v !== views[0])) return false;
  try { sql(n, 'SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM threads'); return true; } catch { return false; }
}

// Waits until node n has rejoined; the milliseconds it took.
async function waitSynced(n, limitMs = 120000) {
  const t0 = now();
  while (now() - t0 < limitMs) {
    if (rejoined(n)) return now() - t0;
    await sleep(100);
  }
  throw new Error(`node ${n} did not rejoin the cluster of 3 within ${limitMs} ms`);
}

const token = execFileSync(BIN, ['token', '--config', `${STATE}/ts-${HAPROXY ? 'c' : 'a'}/threadstore.conf`, '--sub', 'galera'],
  { encoding: 'utf8' }).trim();
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

const stats = { requests: 0, retries: 0, statuses: {}, creates: 0, batches: 0, races: 0, raceBoth201: 0,
  walks: 0, walkPages: 0, plain: 0, plainUnknown: 0 };

// Sends one request until it is answered 200 or 201, the same request each
// time, through the other instance after a failure. Any other 4xx fails.
async function retrying(uri, body, first) {
  const t0 = now();
  for (let attempt = 0; ; attempt++) {
    const target = INSTANCES[(first + attempt) % INSTANCES.length];
    const method = body === null ? 'GET' : 'POST';
    stats.requests++;
    const r = await request(target, { method, uri, headers: body === null ? { authorization: headers.authorization }
      : headers, body, timeoutMs: 15000 });
    const key = r.ok ? String(r.status) : `no answer (${r.error ?? 'closed'})`;
    stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
    if (r.ok && (r.status === 200 || r.status === 201)) return { status: r.status, json: r.json() };
    if (r.ok && r.status >= 400 && r.status < 500) {
      throw new Error(`${uri}: ${r.status} ${r.body.toString('utf8').slice(0, 200)}`);
    }
    if (now() - t0 > GIVE_UP_MS) throw new Error(`${uri}: no 2xx within ${GIVE_UP_MS} ms (last ${key})`);
    stats.retries++;
    await sleep(Math.min(50 * 2 ** attempt, 1000));
  }
}

// message id -> { tid, seq }: every message a client saw acknowledged.
const acked = new Map();

let lastAck = 0;
let longestGap = 0;

function ack(tid, m) {
  const t = now();
  if (lastAck > 0) longestGap = Math.max(longestGap, t - lastAck);
  lastAck = t;
  const prev = acked.get(m.id);
  if (prev && (prev.tid !== tid || prev.seq !== m.seq)) {
    fail(`message ${m.id} acknowledged twice with different places: ${prev.seq} and ${m.seq}`);
  }
  acked.set(m.id, { tid, seq: m.seq });
}

const item = (id) => ({ role: 'user', content: `galera ${id}`, message_id: id });

async function createOne(tid, first) {
  const id = randomUUID();
  const r = await retrying(`/api/threads/${tid}/messages`, JSON.stringify(item(id)), first);
  if (r.json.id !== id) fail(`create answered id ${r.json.id} for ${id}`);
  ack(tid, r.json);
  stats.creates++;
}

async function createBatch(tid, first) {
  const items = Array.from({ length: 2 + Math.floor(Math.random() * 4) }, () => item(randomUUID()));
  const r = await retrying(`/api/threads/${tid}/messages/batch`, JSON.stringify({ messages: items }), first);
  const got = r.json.data.map((m) => m.id);
  if (got.join() !== items.map((i) => i.message_id).join()) fail(`batch answered ${got} for its items`);
  const seqs = r.json.data.map((m) => m.seq);
  for (let i = 1; i < seqs.length; i++) {
    if (seqs[i] !== seqs[i - 1] + 1) fail(`a batch's seqs are not contiguous: ${seqs}`);
  }
  for (const m of r.json.data) ack(tid, m);
  stats.batches++;
}

// message id -> { tid, seq }: every plain create answered 201.
const plainAcked = new Map();

// A create with no message_id, sent once: the one-statement create. With no
// answer, or a 5xx, its outcome is unknown (stored once or not at all), and
// a client that cannot tell must not send it again.
async function createPlain(tid, first) {
  const content = `plain ${randomUUID()}`;
  stats.requests++;
  const r = await request(INSTANCES[first % INSTANCES.length], { method: 'POST',
    uri: `/api/threads/${tid}/messages`, headers, body: JSON.stringify({ role: 'user', content }), timeoutMs: 15000 });
  const key = r.ok ? String(r.status) : `no answer (${r.error ?? 'closed'})`;
  stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
  if (r.ok && r.status === 201) {
    const m = r.json();
    if (m.content.text !== content) fail(`plain create answered ${m.content.text} for ${content}`);
    if (lastAck > 0) longestGap = Math.max(longestGap, now() - lastAck);
    lastAck = now();
    plainAcked.set(m.id, { tid, seq: m.seq });
    stats.plain++;
    return;
  }
  if (r.ok && r.status >= 400 && r.status < 500) fail(`plain create: ${r.status} ${r.body.toString('utf8').slice(0, 200)}`);
  stats.plainUnknown++;
  await sleep(50);
}

// One message id sent through both instances at once (two nodes): at most
// one 201, and both answers name the same seq.
async function race(tid) {
  const id = randomUUID();
  const body = JSON.stringify(item(id));
  const rs = await Promise.all([0, 1].map((first) => retrying(`/api/threads/${tid}/messages`, body, first)));
  const created = rs.filter((r) => r.status === 201).length;
  if (created > 1) { stats.raceBoth201++; fail(`racing creates of ${id}: ${created} answers 201`); }
  if (rs[0].json.seq !== rs[1].json.seq) fail(`racing creates of ${id}: seqs ${rs[0].json.seq} and ${rs[1].json.seq}`);
  ack(tid, rs[0].json);
  stats.races++;
}

// Keyset walks while the writes go on: a thread oldest first, 50 a page,
// each page through the other instance (so each cursor is read on another
// node than the page that gave it). Seqs must come 1, 2, 3 ... each once.
async function walker(threads, until) {
  let k = 0;
  while (now() < until) {
    const tid = threads[k % threads.length];
    let cursor = null;
    let expect = 1;
    for (let page = 0; ; page++) {
      const q = `order=asc&limit=50${cursor ? `&cursor=${cursor}` : ''}`;
      const r = await retrying(`/api/threads/${tid}/messages?${q}`, null, page % 2);
      for (const m of r.json.data) {
        if (m.seq !== expect) fail(`a keyset walk of ${tid} saw seq ${m.seq} where ${expect} was next`);
        expect = m.seq + 1;
      }
      stats.walkPages++;
      if (!r.json.has_more) break;
      cursor = r.json.next_cursor;
    }
    stats.walks++;
    k++;
  }
}

async function client(c, threads, plainThreads, until) {
  let k = 0;
  while (now() < until) {
    const tid = threads[(c + k) % threads.length];
    const dice = Math.random();
    if (dice < 0.45) await createOne(tid, (c + k) % 2);
    else if (dice < 0.65) await createPlain(plainThreads[(c + k) % plainThreads.length], (c + k) % 2);
    else if (dice < 0.9) await createBatch(tid, (c + k) % 2);
    else if (!HAPROXY) await race(tid);
    else await createOne(tid, 0);
    k++;
  }
}

// The faults, while the clients run: SIGKILL node 2 and restart it, then
// SIGSTOP node 1 for 8 s. Instance B prefers node 2, A node 1.
async function faults() {
  await sleep(6000);
  const p2 = pidOf(2);
  process.kill(p2, 'SIGKILL');
  for (let i = 0; i < 100 && alive(p2); i++) await sleep(50);
  figure('fault 1: node 2 (instance B\'s first) killed with SIGKILL');
  await sleep(4000);
  execFileSync('bash', [`${DIR}/node2/start.sh`]);
  const rejoin = await waitSynced(2);
  const log = readFileSync(`${DIR}/node2/mysqld.log`, 'utf8');
  const since = log.slice(log.lastIndexOf('Starting MariaDB'));
  // The rsync method's script runs either way; it says which it did.
  const ist = since.match(/Receiving IST: (\d+) writesets/);
  const how = /rsync SST completed/.test(since) ? 'SST (a full copy)' : ist ? `IST of ${ist[1]} write sets` : 'IST';
  figure(`node 2 restarted: Synced again after ${(rejoin / 1000).toFixed(1)} s (by ${how})`);
  await sleep(3000);
  const p1 = pidOf(1);
  process.kill(p1, 'SIGSTOP');
  figure('fault 2: node 1 (instance A\'s first) stopped with SIGSTOP for 8 s');
  let stalledFrom = now();
  for (let i = 0; i < 80; i++) {
    await sleep(100);
    if (clusterSize(2) === 2 && stalledFrom > 0) {
      figure(`nodes 2 and 3 went on as a cluster of 2 after ${((now() - stalledFrom) / 1000).toFixed(1)} s`);
      stalledFrom = 0;
    }
  }
  process.kill(p1, 'SIGCONT');
  const back = await waitSynced(1);
  figure(`node 1 continued: Synced in a cluster of 3 again after ${(back / 1000).toFixed(1)} s`);
}

// The node HAProxy sends threadstore's connections to now.
function writerNode() {
  const pw = readFileSync(`${STATE}/db.password`, 'utf8').trim();
  return execFileSync(CLIENT, ['--no-defaults', '-h', '127.0.0.1', '-P', env('TS_HAPROXY_PORT'), '-u',
    env('TS_GALERA_USER'), `-p${pw}`, '-N', '-B', '-e', 'SELECT @@wsrep_node_name'],
  { encoding: 'utf8', timeout: 10000 }).trim();
}

// HAProxy: node 1, the writer, is killed with SIGKILL; the backup takes
// over; node 1 is restarted and rejoins.
async function haproxyFaults() {
  const before = writerNode();
  if (before !== 'node1') fail(`HAProxy sends connections to ${before}, not node1`);
  await sleep(4000);
  const p1 = pidOf(1);
  process.kill(p1, 'SIGKILL');
  const killed = now();
  for (let i = 0; i < 100 && alive(p1); i++) await sleep(50);
  const acksBefore = acked.size;
  while (acked.size === acksBefore && now() - killed < 30000) await sleep(20);
  figure(`haproxy: node 1 (the writer) killed with SIGKILL; the next create was acknowledged `
    + `${((now() - killed) / 1000).toFixed(1)} s later`);
  const after = writerNode();
  if (after === 'node1') fail('HAProxy still sends connections to the killed node1');
  figure(`haproxy: connections now go to ${after}`);
  await sleep(2000);
  execFileSync('bash', [`${DIR}/node1/start.sh`]);
  const rejoin = await waitSynced(1);
  figure(`haproxy: node 1 restarted, Synced again after ${(rejoin / 1000).toFixed(1)} s`);
}

async function main() {
  const threads = [];
  for (let i = 0; i < THREADS; i++) {
    const r = await retrying('/api/threads', JSON.stringify({ title: `galera ${i}` }), i % 2);
    threads.push(r.json.id);
  }
  const plainThreads = [];
  for (let i = 0; i < PLAIN_THREADS; i++) {
    const r = await retrying('/api/threads', JSON.stringify({ title: `galera plain ${i}` }), i % 2);
    plainThreads.push(r.json.id);
  }
  const t0 = now();
  const until = t0 + LOAD_MS;
  const results = await Promise.allSettled([
    HAPROXY ? haproxyFaults() : faults(),
    ...Array.from({ length: CLIENTS }, (_, c) => client(c, threads, plainThreads, until)),
    ...(HAPROXY ? [] : [walker(threads, until)]),
  ]);
  for (const r of results) if (r.status === 'rejected') fail(String(r.reason?.stack ?? r.reason));
  const seconds = (now() - t0) / 1000;
  for (const n of [1, 2, 3]) await waitSynced(n, 60000).catch((e) => fail(e.message));
  figure(`load: ${seconds.toFixed(0)} s, ${CLIENTS} clients over ${INSTANCES.length} instance(s), `
    + `${THREADS} threads; longest time without an acknowledged write: ${(longestGap / 1000).toFixed(1)} s`);
  figure(`acknowledged: ${acked.size} messages (${stats.creates} creates, ${stats.batches} batches, `
    + `${stats.races} racing pairs through both instances); plain creates: ${stats.plain} acknowledged, `
    + `${stats.plainUnknown} unanswered`);
  if (!HAPROXY) figure(`keyset walks during the writes: ${stats.walks} (${stats.walkPages} pages), each seq once`);
  figure(`requests: ${stats.requests}, retried by the clients: ${stats.retries}; answers: `
    + Object.entries(stats.statuses).map(([k, v]) => `${k}: ${v}`).join(', '));
  check(threads, plainThreads);
  const failovers = (HAPROXY ? ['c'] : ['a', 'b']).map((i) => {
    const log = readFileSync(`${STATE}/ts-${i}/threadstore.log`, 'utf8');
    return `${i}: ${(log.match(/not the first address/g) ?? []).length}`;
  });
  figure(`connections threadstore opened to a fallback node: ${failovers.join(', ')}`);
  // Write conflicts between nodes, which threadstore runs again (1213).
  const sum = (name) => [1, 2, 3].reduce((t, n) => t + Number(status(n, name) ?? 0), 0);
  figure(`Galera since the nodes last started: ${sum('wsrep_local_cert_failures')} certification failures, `
    + `${sum('wsrep_local_bf_aborts')} local transactions aborted by replicated ones`);
  appendFileSync(`${STATE}/results.txt`, figures.map((f) => `${MODE}: ${f}\n`).join(''));
  if (failures.length > 0) {
    console.error(`galera: ${failures.length} failures`);
    process.exit(1);
  }
  console.log('galera: every invariant holds on every node');
}

const hex = (uuid) => uuid.replace(/-/g, '');
const idList = (tids) => tids.map((t) => `UNHEX('${hex(t)}')`).join(', ');

// The messages of these threads on every node, read after it caught up
// (wsrep_sync_wait), which must be the same rows: id -> { tid, seq }.
function storedRows(tids) {
  const rowsOf = (n) => sql(n, 'SET SESSION wsrep_sync_wait = 1; '
    + `SELECT LOWER(HEX(id)), LOWER(HEX(thread_id)), seq FROM messages WHERE thread_id IN (${idList(tids)}) `
    + 'ORDER BY thread_id, seq');
  const dumps = [1, 2, 3].map(rowsOf);
  if (dumps[1] !== dumps[0] || dumps[2] !== dumps[0]) fail('the nodes do not hold the same messages');
  const rows = new Map();
  for (const line of dumps[0].split('\n').filter(Boolean)) {
    const [id, tid, seq] = line.split('\t');
    if (rows.has(id)) fail(`message ${id} stored twice`);
    rows.set(id, { tid, seq: Number(seq) });
  }
  return rows;
}

// Every message of map answered, stored once at its seq; the number missing.
function checkAcked(rows, map) {
  let missing = 0;
  for (const [id, a] of map) {
    const r = rows.get(hex(id));
    if (!r) { missing++; fail(`acknowledged message ${id} is missing`); continue; }
    if (r.tid !== hex(a.tid) || r.seq !== a.seq) fail(`message ${id} is at ${r.seq}, acknowledged at ${a.seq}`);
  }
  return missing;
}

// Every node: the same rows; every acknowledged message once, at its seq;
// nothing unacknowledged (a client retries until it is answered), but for
// plain creates, one a request at most of those left unanswered; no text
// stored twice (a plain create run again would be); seqs 1..n with no gap;
// counters.
function check(threads, plainThreads) {
  const rows = storedRows(threads);
  const missing = checkAcked(rows, acked);
  const unacked = rows.size - (acked.size - missing);
  if (unacked !== 0) fail(`${unacked} stored messages were never acknowledged`);
  const plainRows = storedRows(plainThreads);
  const plainMissing = checkAcked(plainRows, plainAcked);
  const plainExtra = plainRows.size - (plainAcked.size - plainMissing);
  if (plainExtra > stats.plainUnknown) {
    fail(`${plainExtra} plain creates stored unacknowledged, more than the ${stats.plainUnknown} unanswered`);
  }
  const ours = idList(threads.concat(plainThreads));
  const dup = sql(1, `SELECT content_text, COUNT(*) FROM messages WHERE thread_id IN (${ours}) `
    + 'GROUP BY content_text HAVING COUNT(*) > 1');
  if (dup !== '') fail(`the same message stored twice: ${dup.split('\n').slice(0, 3)}`);
  for (const n of [1, 2, 3]) {
    const bad = sql(n, 'SET SESSION wsrep_sync_wait = 1; SELECT LOWER(HEX(t.id)), t.last_seq, t.message_count, '
      + 't.user_count, COUNT(m.seq), COALESCE(MIN(m.seq), 0), COALESCE(MAX(m.seq), 0) FROM threads t '
      + `LEFT JOIN messages m ON m.thread_id = t.id WHERE t.id IN (${ours}) GROUP BY t.id `
      + 'HAVING NOT (t.last_seq = COUNT(m.seq) AND t.message_count = COUNT(m.seq) '
      + 'AND t.user_count = COUNT(m.seq) AND COALESCE(MIN(m.seq), 1) = 1 AND COALESCE(MAX(m.seq), 0) = COUNT(m.seq))');
    if (bad !== '') fail(`node ${n}: a thread's seqs have gaps or its counters are wrong: ${bad}`);
    const count = Number(sql(n, `SELECT COUNT(*) FROM threads WHERE id IN (${ours})`));
    if (count !== threads.length + plainThreads.length) {
      fail(`node ${n} has ${count} threads, not ${threads.length + plainThreads.length}`);
    }
  }
  figure(`checked on 3 nodes: ${rows.size} messages, the same rows everywhere, each acknowledged one once `
    + `at its seq, ${missing} missing, seqs gap-free, message_count right`);
  figure(`plain creates: ${plainRows.size} stored, each acknowledged one once at its seq, ${plainMissing} missing, `
    + `${plainExtra} of ${stats.plainUnknown} unanswered stored`);
}

main().catch((e) => { console.error(e); process.exit(1); });

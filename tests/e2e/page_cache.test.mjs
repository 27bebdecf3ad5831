// The pages a worker keeps (docs/design.md: The page cache)
// (API reference: Choices where the contract is silent): a page read again
// is served from the worker's copy only while
// the thread's row_id and page_version are unchanged, and access is decided
// on the thread's row read for that request. Every change a page can show
// is seen at once by every worker: each test reads a page often enough that
// both of the shared server's workers keep it, changes the thread one way,
// and reads it again as often, every answer the changed one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request, assertError } from './lib.mjs';
import {
  caller, json, msgsPath, msgPath, threadPath, setSharing, newThread, fillThread, list, assertList,
  htest, leaveSharingOff, ANON,
} from './messages_lib.mjs';

const env = process.env;
const owner = caller('pagecache-owner');
// Reads per look: with 2 workers and nginx's kept connections, enough that
// each worker answers some (each keeps the page from its first answer).
const READS = 12;

leaveSharingOff();

function sql(query) {
  return execFileSync('mariadb', ['--no-defaults', '-uroot', '-S', env.TS_MYSQL_SOCKET, '-N', '-B',
    env.TS_DB_NAME, '-e', query], { encoding: 'utf8' }).trim();
}

// The index rows MariaDB has read so far (global; the suite runs one file at a time).
function rowsRead() {
  const lines = sql("SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_read_next', 'Handler_read_prev')");
  return lines.split('\n').reduce((n, l) => n + Number(l.split('\t')[1]), 0);
}

// READS answers of the same page, each checked by check(res).
async function readMany(who, tid, query, check) {
  for (let i = 0; i < READS; i++) check(await list(who, tid, query), i);
}

const ids = (b) => b.data.map((m) => m.id);

async function threadOf(n, fields = {}) {
  const t = await newThread(owner, fields);
  return { t, ms: await fillThread(owner, t.id, n) };
}

htest('a page read again is not read again from the messages while the thread is unchanged', async () => {
  const { t } = await threadOf(20);
  await readMany(owner, t.id, {}, (res) => assert.equal(assertList(res).data.length, 20));
  const before = rowsRead();
  await readMany(owner, t.id, {}, (res) => assert.equal(assertList(res).data.length, 20));
  const read = rowsRead() - before;
  // Without the kept pages each answer reads its 20 messages and more: 240+.
  assert.ok(read < 60, `${READS} answers of a kept page read ${read} index rows`);
});

htest('a new message is on the next page every worker serves', async () => {
  const { t } = await threadOf(5);
  await readMany(owner, t.id, {}, (res) => assert.equal(assertList(res).total, 5));
  const [m] = await fillThread(owner, t.id, 1);
  await readMany(owner, t.id, {}, (res, i) => {
    const b = assertList(res);
    assert.equal(b.total, 6, `answer ${i}`);
    assert.equal(b.data[0].id, m.id, `answer ${i}: the new message first`);
  });
});

htest('a message changed by PATCH, and one deleted, are seen at once', async () => {
  const { t, ms } = await threadOf(4);
  await readMany(owner, t.id, { order: 'asc' }, (res) => assert.deepEqual(ids(assertList(res)), ms.map((m) => m.id)));
  const res = await request('PATCH', msgPath(t.id, ms[1].id), json(owner.headers, { metadata: { seen: 'now' } }));
  assert.equal(res.status, 200, res.text);
  await readMany(owner, t.id, { order: 'asc' }, (r, i) => {
    assert.deepEqual(assertList(r).data[1].metadata, { seen: 'now' }, `answer ${i}`);
  });
  assert.equal((await request('DELETE', msgPath(t.id, ms[2].id), { headers: owner.headers })).status, 204);
  await readMany(owner, t.id, { order: 'asc' }, (r, i) => {
    assert.deepEqual(ids(assertList(r)), [ms[0].id, ms[1].id, ms[3].id], `answer ${i}`);
  });
});

htest('a cleared thread is empty at once, and a cursor into a deleted message is a 422 at once', async () => {
  const { t, ms } = await threadOf(6);
  const cursor = { after: ms[1].id, order: 'asc' };
  await readMany(owner, t.id, cursor, (res) => assert.equal(assertList(res).data.length, 4));
  assert.equal((await request('DELETE', msgPath(t.id, ms[1].id), { headers: owner.headers })).status, 204);
  await readMany(owner, t.id, cursor, (res, i) => assert.equal(res.status, 422, `answer ${i}: ${res.text}`));
  await readMany(owner, t.id, {}, (res) => assert.equal(assertList(res).data.length, 5));
  assert.equal((await request('DELETE', msgsPath(t.id), { headers: owner.headers })).status < 300, true);
  await readMany(owner, t.id, {}, (res, i) => {
    const b = assertList(res);
    assert.deepEqual(b.data, [], `answer ${i}`);
    assert.equal(b.total, 0);
  });
});

htest('a thread made private, and sharing turned off, refuse anonymous readers at once', async () => {
  await setSharing(true);
  const { t } = await threadOf(3, { visibility: 'public' });
  await readMany(ANON, t.id, {}, (res) => assert.equal(assertList(res).data.length, 3));
  await setSharing(false);
  await readMany(ANON, t.id, {}, (res, i) => assert.ok([401, 403].includes(res.status), `answer ${i}: ${res.status}`));
  await setSharing(true);
  await readMany(ANON, t.id, {}, (res) => assert.equal(assertList(res).data.length, 3));
  const res = await request('PATCH', threadPath(t.id), json(owner.headers, { visibility: 'private' }));
  assert.equal(res.status, 200, res.text);
  await readMany(ANON, t.id, {}, (r, i) => assertError(r, 401, 'UNAUTHORIZED', `answer ${i}`));
  // The owner still reads it; another user never gets the owner's kept page.
  await readMany(owner, t.id, {}, (r) => assert.equal(assertList(r).data.length, 3));
  const other = caller('pagecache-other');
  await readMany(other, t.id, {}, (r, i) => assert.ok(r.status >= 400, `answer ${i}: ${r.status}`));
  await setSharing(false);
});

htest('a thread deleted and made again with the same id, as often changed, is the new thread', async () => {
  const id = randomUUID();
  const first = await newThread(owner, { id });
  await fillThread(owner, first.id, 3, (i) => ({ role: 'user', content: `old ${i}` }));
  await readMany(owner, id, {}, (res) => assert.equal(assertList(res).data[0].content.text, 'old 2'));
  // No read in between: the kept pages are checked only by the next read.
  assert.equal((await request('DELETE', threadPath(id), { headers: owner.headers })).status, 204);
  await newThread(owner, { id });
  // The same writes as before: the same page_version, another row_id.
  await fillThread(owner, id, 3, (i) => ({ role: 'user', content: `new ${i}` }));
  await readMany(owner, id, {}, (res, i) => assert.equal(assertList(res).data[0].content.text, 'new 2', `answer ${i}`));
  assert.equal((await request('DELETE', threadPath(id), { headers: owner.headers })).status, 204);
  await readMany(owner, id, {}, (res, i) => assertError(res, 404, 'NOT_FOUND', `answer ${i}`));
});

htest('a change written by hand with page_version moved is seen at once (the rule for operators)', async () => {
  const { t, ms } = await threadOf(2);
  await readMany(owner, t.id, { order: 'asc' }, (res) => assert.equal(assertList(res).data[0].content.text, 'm0'));
  const hex = t.id.replace(/-/g, '');
  sql(`UPDATE messages SET content_text = 'by hand' WHERE thread_id = UNHEX('${hex}') AND id = UNHEX('${ms[0].id.replace(/-/g, '')}');
       UPDATE threads SET page_version = page_version + 1 WHERE id = UNHEX('${hex}')`);
  await readMany(owner, t.id, { order: 'asc' }, (res, i) => {
    assert.equal(assertList(res).data[0].content.text, 'by hand', `answer ${i}`);
  });
});

htest('a missing or refused thread is answered from its row alone, and lets readers in once that changes', async () => {
  await setSharing(true);
  const id = randomUUID();
  await readMany(owner, id, {}, (res, i) => assertError(res, 404, 'NOT_FOUND', `answer ${i}`));
  await newThread(owner, { id, visibility: 'private' });
  await fillThread(owner, id, 2);
  await readMany(owner, id, {}, (res, i) => assert.equal(assertList(res).data.length, 2, `answer ${i}`));
  await readMany(ANON, id, {}, (res, i) => assertError(res, 401, 'UNAUTHORIZED', `answer ${i}`));
  const res = await request('PATCH', threadPath(id), json(owner.headers, { visibility: 'public' }));
  assert.equal(res.status, 200, res.text);
  await readMany(ANON, id, {}, (r, i) => assert.equal(assertList(r).data.length, 2, `answer ${i}`));
  await setSharing(false);
  await readMany(ANON, id, {}, (r, i) => assert.ok([401, 403].includes(r.status), `answer ${i}: ${r.status}`));
});

htest('with page_cache = off every answer reads its page from the messages', async (t) => {
  const { startServer } = await import('./workers_lib.mjs');
  const fcgi = await import('./fcgi_client.mjs');
  const { t: th } = await threadOf(20);
  const srv = await startServer(t, { workers: 1, server: { page_cache: 'off' } });
  const get = async () => {
    const r = await fcgi.request(srv.sock, { uri: `${srv.base}${msgsPath(th.id)}`, headers: owner.headers });
    assert.equal(r.status, 200, r.error);
    assert.equal(r.json().data.length, 20);
  };
  await get();
  const before = rowsRead();
  for (let i = 0; i < READS; i++) await get();
  const read = rowsRead() - before;
  assert.ok(read >= READS * 20, `${READS} answers without kept pages read only ${read} index rows`);
});

htest('PATCHes of one thread at once queue on its row: none deadlocks, every one is seen', async () => {
  const { t, ms } = await threadOf(6);
  const deadlocks = () => Number(sql("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'").split('\t')[1]);
  const before = deadlocks();
  const res = await Promise.all(Array.from({ length: 48 }, (_, i) =>
    request('PATCH', msgPath(t.id, ms[i % 6].id), json(owner.headers, { metadata: { n: String(i) } }))));
  res.forEach((r, i) => assert.equal(r.status, 200, `PATCH ${i}: ${r.text}`));
  assert.equal(deadlocks() - before, 0, 'PATCHes of one thread deadlocked');
  await readMany(owner, t.id, { order: 'asc' }, (r, i) => {
    assert.deepEqual(assertList(r).data.map((m) => Number(m.metadata.n) % 6), [0, 1, 2, 3, 4, 5], `answer ${i}`);
  });
});

// Asks for one kept page every way in pairs, in turn, through the shared
// server, and compares every answer byte for byte (headers too) with the
// same request to a private server that keeps nothing. Each pair names one
// kept page (thread, cursor, direction, LIMIT, caller) and shows it
// differently, so each worker keeps the page with one body and is asked
// for the other. Then, after a change, the new page, never a kept body.
async function keptBodies(t, tid, path, pairs) {
  const { startServer } = await import('./workers_lib.mjs');
  const fcgi = await import('./fcgi_client.mjs');
  const srv = await startServer(t, { workers: 1, server: { page_cache: 'off' } });
  const qs = (query) => { const q = new URLSearchParams(query).toString(); return q ? `?${q}` : ''; };
  const afresh = async (query) => {
    const r = await fcgi.request(srv.sock, { uri: `${srv.base}${path}${qs(query)}`, headers: owner.headers });
    assert.equal(r.status, 200, r.error);
    return r.body.toString('utf8');
  };
  const kept = (query) => request('GET', `${path}${qs(query)}`, { headers: owner.headers });
  // The headers too, but for the ones that differ on every answer.
  const headersOf = (res) => [...res.headers].filter(([k]) => !['date', 'x-request-id'].includes(k));
  for (const pair of pairs) {
    const want = await Promise.all(pair.map(afresh));
    const wantHeaders = [];
    assert.notEqual(want[0], want[1], `${JSON.stringify(pair)}: the two ways differ`);
    for (let i = 0; i < READS; i++) {
      for (const [j, query] of pair.entries()) {
        const res = await kept(query);
        assert.equal(res.status, 200, res.text);
        assert.equal(res.text, want[j], `answer ${i} of ${path}${qs(query)}`);
        wantHeaders[j] ??= headersOf(res);
        assert.deepEqual(headersOf(res), wantHeaders[j], `headers of answer ${i} of ${path}${qs(query)}`);
      }
    }
  }
  // The newest messages, kept with their body, then a message added.
  for (let i = 0; i < READS; i++) assert.equal((await kept({})).status, 200);
  const text = `added-${randomUUID()}`;
  await fillThread(owner, tid, 1, () => ({ role: 'user', content: text }));
  const now = await afresh({});
  assert.ok(now.includes(text), 'the new message is on the page');
  for (let i = 0; i < READS; i++) assert.equal((await kept({})).text, now, `answer ${i} after a change`);
}

htest('a kept page asked every way it can be is answered byte for byte as a page read afresh (/api)', async (t) => {
  const th = await newThread(owner);
  const ms = await fillThread(owner, th.id, 9, (i) => ({ role: 'assistant', content: `m${i}`, details: { step: i } }));
  const c = ms[4].id;
  // Details or not, the order shown, the cursor's kind.
  await keptBodies(t, th.id, msgsPath(th.id), [
    [{}, { with_details: 'false' }],
    [{ order: 'asc', after: c, limit: '3' }, { order: 'desc', before: c, limit: '3' }],
    [{ order: 'desc', after: c, limit: '2' }, { order: 'asc', before: c, limit: '2' }],
  ]);
});

htest('a kept page is answered byte for byte as a page read afresh (OpenAI\'s /v1 threads)', async (t) => {
  const th = await newThread(owner);
  const ms = await fillThread(owner, th.id, 9, (i) => ({ role: 'assistant', content: `m${i}` }));
  const c = ms[4].id;
  // The order shown, the cursor's kind.
  await keptBodies(t, th.id, `/v1/threads/${th.id}/messages`, [
    [{ order: 'asc', after: c, limit: '3' }, { order: 'desc', before: c, limit: '3' }],
    [{ order: 'desc', after: c, limit: '2' }, { order: 'asc', before: c, limit: '2' }],
  ]);
});

htest('a kept page is answered byte for byte as a page read afresh (OpenAI\'s Conversations)', async (t) => {
  const th = await newThread(owner);
  await fillThread(owner, th.id, 4, (i) => ({ role: 'user', content: `m${i}` }));
  const res = await request('POST', `/v1/conversations/${th.id}/items`, json(owner.headers,
    { items: [{ type: 'reasoning', id: 'rs_kept', summary: [], encrypted_content: 'sealed' }] }));
  assert.equal(res.status, 200, res.text);
  await fillThread(owner, th.id, 2, (i) => ({ role: 'assistant', content: `a${i}` }));
  // The fields include adds.
  await keptBodies(t, th.id, `/v1/conversations/${th.id}/items`, [
    [{}, { 'include[]': 'reasoning.encrypted_content' }],
    [{ order: 'asc', limit: '5' }, { order: 'asc', limit: '5', include: 'reasoning.encrypted_content' }],
  ]);
});

htest('a kept page is answered byte for byte as a page read afresh (the knowledge-base surface)', async (t) => {
  const th = await newThread(owner);
  await fillThread(owner, th.id, 9, (i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}`, details: { step: i } }));
  // Details or not, at both orders (limit, offset and total are in the envelope).
  await keptBodies(t, th.id, `/ks/v1/threads/${th.id}/messages`, [
    [{}, { with_details: 'false' }],
    [{ sort_dir: 'ASC', limit: '3' }, { sort_dir: 'ASC', limit: '3', with_details: 'false' }],
  ]);
});

htest('a kept page is answered byte for byte as a page read afresh (the arena surface)', async (t) => {
  const th = await newThread(owner);
  const ms = await fillThread(owner, th.id, 8, (i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` }));
  // Turns a page, from the start and from a cursor (each its own kept page).
  await keptBodies(t, th.id, `/arena/api/threads/${th.id}/messages`, [
    [{ limit: '1' }, { limit: '2' }],
    [{ limit: '1', cursor: ms[1].id }, { limit: '2', cursor: ms[1].id }],
  ]);
});

// The one arena page whose body is not kept: the response cap cuts its
// first read inside the first turn, and the list reads on to complete it.
htest('an arena page cut inside its first turn is answered as read afresh, again and after a change', async (t) => {
  const { startServer } = await import('./workers_lib.mjs');
  const fcgi = await import('./fcgi_client.mjs');
  const cap = { max_response_bytes: '65536' };
  const keeps = await startServer(t, { workers: 1, server: cap });
  const afresh = await startServer(t, { workers: 1, server: { ...cap, page_cache: 'off' } });
  const th = await newThread(owner);
  const big = (k) => `${k}-${'x'.repeat(30000)}`;
  const turn = (k) => ({
    prompt_text: big(`p${k}`), model1_id: 'model-1', model2_id: 'model-2',
    model1_response: big(`a${k}`), model2_response: big(`b${k}`), model1_time_ms: 1, model2_time_ms: 2,
  });
  const write = async (k) => {
    const res = await request('POST', `/arena/api/threads/${th.id}/messages`, json(owner.headers, turn(k)));
    assert.equal(res.status, 201, res.text);
  };
  await write(0);
  await write(1);
  const ask = async (srv) => {
    const r = await fcgi.request(srv.sock, { uri: `${srv.base}/arena/api/threads/${th.id}/messages?limit=2`,
      headers: owner.headers });
    assert.equal(r.status, 200, r.error);
    return r.body.toString('utf8');
  };
  let want = await ask(afresh);
  const b = JSON.parse(want);
  // The cap let one turn through, whole (three messages of 30 KB each).
  assert.equal(b.items.length, 1, want.slice(0, 300));
  assert.equal(b.items[0].model2_response, big('b0'));
  assert.equal(b.has_more, true);
  for (let i = 0; i < READS; i++) assert.equal(await ask(keeps), want, `answer ${i}`);
  // A change the page shows: the thread cleared, a new first turn written.
  const cleared = await request('DELETE', msgsPath(th.id), { headers: owner.headers });
  assert.ok(cleared.status >= 200 && cleared.status < 300, cleared.text);
  await write(2);
  want = await ask(afresh);
  assert.equal(JSON.parse(want).items[0].model1_response, big('a2'));
  for (let i = 0; i < READS; i++) assert.equal(await ask(keeps), want, `answer ${i} after a change`);
});

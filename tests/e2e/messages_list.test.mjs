// The message list (API reference: GET /api/threads/{thread_id}/messages)
// and the conversation context
// (API reference: POST /api/threads/{thread_id}/messages/context) through
// nginx: paging, cursors, filters, totals, walks while messages are added,
// and the context's token budget.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request, assertError, assertValidation } from './lib.mjs';
import {
  caller, json, msgsPath, msgPath, setSharing, newThread, getThread, createMessage, createBatch, fillThread,
  list, listOk, walk, context, assertContext, sleep, NIL,
  htest, leaveSharingOff,
} from './messages_lib.mjs';

const owner = caller('msglist-owner');
const ids = (b) => b.data.map((m) => m.id);
const seqs = (b) => b.data.map((m) => m.seq);
const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

leaveSharingOff();

// One thread of ten messages, seq 1..10, shared by the paging tests.
let ten;
let tenMsgs;
async function tenThread() {
  if (!ten) {
    ten = await newThread(owner);
    tenMsgs = await fillThread(owner, ten.id, 10);
  }
  return { t: ten, ms: tenMsgs };
}

htest('list: the envelope, default order desc and default limit 20, total of the whole thread', async () => {
  await setSharing(false);
  const t = await newThread(owner);
  const empty = await listOk(owner, t.id);
  assert.deepEqual(empty.data, []);
  assert.equal(empty.first_id, null);
  assert.equal(empty.last_id, null);
  assert.equal(empty.has_more, false);
  assert.equal(empty.next_cursor, null);
  assert.equal(empty.total, 0);
  const ms = await fillThread(owner, t.id, 25);
  const b = await listOk(owner, t.id);
  assert.equal(b.data.length, 20, 'default limit 20');
  assert.deepEqual(seqs(b), range(6, 25).reverse(), 'newest first by default');
  assert.equal(b.has_more, true);
  assert.equal(b.next_cursor, b.last_id);
  assert.equal(b.total, 25);
  assert.deepEqual(b.data[0], ms[24], 'list items are the stored objects');
  const asc = await listOk(owner, t.id, { order: 'asc' });
  assert.deepEqual(seqs(asc), range(1, 20));
  const desc = await listOk(owner, t.id, { order: 'desc' });
  assert.deepEqual(seqs(desc), seqs(b));
});

htest('list: limit takes 1..200; 0, 201, empty and non-numbers are 422', async () => {
  const { t } = await tenThread();
  assert.deepEqual(seqs(await listOk(owner, t.id, { limit: '1' })), [10]);
  const all = await listOk(owner, t.id, { limit: '200' });
  assert.equal(all.data.length, 10);
  assert.equal(all.has_more, false);
  assert.equal(all.next_cursor, null);
  const exact = await listOk(owner, t.id, { limit: '10' });
  assert.equal(exact.has_more, false, 'a page that ends exactly at the last message has no more');
  assert.equal(exact.next_cursor, null);
  for (const v of ['0', '201', '', '-1', '1.5', 'abc', '1e1', ' 5', '99999999999999999999']) {
    assertValidation(await list(owner, t.id, `limit=${encodeURIComponent(v)}`), ['query', 'limit'], `limit=${v}`);
  }
  for (const v of ['', 'up', 'ascending']) {
    assertValidation(await list(owner, t.id, `order=${v}`), ['query', 'order'], `order=${v}`);
  }
  // A repeated parameter: the last one wins; unknown parameters are ignored.
  assert.deepEqual(seqs(await listOk(owner, t.id, 'limit=0&limit=2&bogus=1')), [10, 9]);
});

htest('list: after and cursor give the page that follows, in both orders', async () => {
  const { t, ms } = await tenThread();
  const id = (seq) => ms[seq - 1].id;
  let b = await listOk(owner, t.id, { order: 'asc', after: id(3), limit: '4' });
  assert.deepEqual(seqs(b), [4, 5, 6, 7]);
  assert.equal(b.has_more, true);
  assert.equal(b.next_cursor, id(7));
  b = await listOk(owner, t.id, { order: 'asc', cursor: id(7), limit: '4' });
  assert.deepEqual(seqs(b), [8, 9, 10]);
  assert.equal(b.has_more, false);
  assert.equal(b.next_cursor, null);
  b = await listOk(owner, t.id, { order: 'desc', after: id(8), limit: '3' });
  assert.deepEqual(seqs(b), [7, 6, 5]);
  assert.equal(b.has_more, true);
  b = await listOk(owner, t.id, { after: id(3), limit: '5' });
  assert.deepEqual(seqs(b), [2, 1], 'default order desc');
  assert.equal(b.has_more, false);
  b = await listOk(owner, t.id, { order: 'asc', after: id(10) });
  assert.deepEqual(b.data, [], 'after the last message');
  assert.equal(b.first_id, null);
  assert.equal(b.has_more, false);
  assert.equal(b.total, 10, 'total ignores paging');
  b = await listOk(owner, t.id, { order: 'asc', after: id(3).toUpperCase(), limit: '1' });
  assert.deepEqual(seqs(b), [4], 'an upper-case cursor');
});

htest('list: before pages come in the requested order, has_more looks further back, next_cursor is null', async () => {
  const { t, ms } = await tenThread();
  const id = (seq) => ms[seq - 1].id;
  // asc: the page just before seq 8 is 5,6,7; more (1..4) precede it.
  let b = await listOk(owner, t.id, { order: 'asc', before: id(8), limit: '3' });
  assert.deepEqual(seqs(b), [5, 6, 7]);
  assert.equal(b.has_more, true);
  assert.equal(b.next_cursor, null, 'no next_cursor on a before page');
  assert.equal(b.total, 10);
  // Paging further back with before=<first_id>.
  b = await listOk(owner, t.id, { order: 'asc', before: b.first_id, limit: '3' });
  assert.deepEqual(seqs(b), [2, 3, 4]);
  assert.equal(b.has_more, true);
  b = await listOk(owner, t.id, { order: 'asc', before: b.first_id, limit: '3' });
  assert.deepEqual(seqs(b), [1]);
  assert.equal(b.has_more, false);
  assert.equal(b.next_cursor, null);
  // Exactly the rest: no more.
  b = await listOk(owner, t.id, { order: 'asc', before: id(4), limit: '3' });
  assert.deepEqual(seqs(b), [1, 2, 3]);
  assert.equal(b.has_more, false);
  // desc: what precedes seq 3 in newest-first order is the newer messages 4, 5, ... nearest last.
  b = await listOk(owner, t.id, { order: 'desc', before: id(3), limit: '3' });
  assert.deepEqual(seqs(b), [6, 5, 4]);
  assert.equal(b.has_more, true);
  assert.equal(b.next_cursor, null);
  b = await listOk(owner, t.id, { before: b.first_id, limit: '3' });
  assert.deepEqual(seqs(b), [9, 8, 7]);
  b = await listOk(owner, t.id, { before: b.first_id, limit: '3' });
  assert.deepEqual(seqs(b), [10]);
  assert.equal(b.has_more, false);
  b = await listOk(owner, t.id, { order: 'asc', before: id(1) });
  assert.deepEqual(b.data, []);
  assert.equal(b.has_more, false);
});

htest('list: cursors that do not name a message of this thread, or two at once, are 422', async () => {
  const { t, ms } = await tenThread();
  const other = await newThread(owner);
  const foreign = await createMessage(owner, other.id, { role: 'user', content: 'elsewhere' });
  for (const p of ['after', 'before', 'cursor']) {
    assertValidation(await list(owner, t.id, { [p]: foreign.id }), ['query', p], `${p}: another thread's message`);
    assertValidation(await list(owner, t.id, { [p]: randomUUID() }), ['query', p], `${p}: no such message`);
    assertValidation(await list(owner, t.id, { [p]: NIL }), ['query', p], `${p}: nil`);
    assertValidation(await list(owner, t.id, { [p]: 'not-a-uuid' }), ['query', p], `${p}: not a UUID`);
    assertValidation(await list(owner, t.id, `${p}=`), ['query', p], `${p}: empty`);
    assertValidation(await list(owner, t.id, { [p]: t.id }), ['query', p], `${p}: the thread's own id`);
  }
  const a = ms[2].id;
  const b = ms[5].id;
  for (const q of [{ after: a, before: b }, { after: a, cursor: b }, { before: a, cursor: b },
    { after: a, before: b, cursor: a }, { after: a, cursor: a }]) {
    assertError(await list(owner, t.id, q), 422, 'VALIDATION_ERROR', JSON.stringify(q));
  }
  // A cursor naming a message that was deleted is a 422.
  const t2 = await newThread(owner);
  const [m1, m2] = await createBatch(owner, t2.id, [{ role: 'user', content: '1' }, { role: 'user', content: '2' }]);
  assert.equal((await request('DELETE', msgPath(t2.id, m1.id), { headers: owner.headers })).status, 204);
  assertValidation(await list(owner, t2.id, { cursor: m1.id }), ['query', 'cursor']);
  assert.deepEqual(seqs(await listOk(owner, t2.id, { order: 'asc' })), [m2.seq]);
  // A cursor must name an item of the thread whatever the filters: a filtered-out message is fine.
  const t3 = await newThread(owner);
  const [u1, a1, u2] = await createBatch(owner, t3.id, [{ role: 'user', content: 'u1' },
    { role: 'assistant', content: 'a1' }, { role: 'user', content: 'u2' }]);
  const f = await listOk(owner, t3.id, { role: 'user', order: 'asc', after: a1.id });
  assert.deepEqual(ids(f), [u2.id]);
  assert.equal(f.total, 2);
  assert.ok(u1);
});

htest('walking ~300 messages with next_cursor visits each exactly once, in order, both orders', async () => {
  const t = await newThread(owner);
  const ms = await fillThread(owner, t.id, 301, (i) => ({ role: ['user', 'assistant'][i % 2], content: `w${i}` }));
  assert.deepEqual(ms.map((m) => m.seq), range(1, 301));
  const want = ms.map((m) => m.id);
  assert.deepEqual(await walk(owner, t.id, { order: 'asc', limit: 1 }), want, 'asc, limit 1');
  for (const limit of [7, 50, 200]) {
    assert.deepEqual(await walk(owner, t.id, { order: 'asc', limit }), want, `asc, limit ${limit}`);
    assert.deepEqual(await walk(owner, t.id, { order: 'desc', limit }), [...want].reverse(), `desc, limit ${limit}`);
    assert.deepEqual(await walk(owner, t.id, { limit }), [...want].reverse(), `default order, limit ${limit}`);
  }
  // A filtered walk visits exactly the matching messages.
  const users = ms.filter((m) => m.role === 'user').map((m) => m.id);
  assert.deepEqual(await walk(owner, t.id, { order: 'asc', limit: 13, extra: { role: 'user' } }), users);
  assert.deepEqual(await walk(owner, t.id, { order: 'desc', limit: 13, extra: { role: 'user' } }), [...users].reverse());
  // Walking back with before pages from the end also covers everything once.
  const back = [];
  let b = await listOk(owner, t.id, { order: 'asc', before: ms[300].id, limit: '37' });
  back.unshift(ms[300].id);
  for (;;) {
    back.unshift(...ids(b));
    if (!b.has_more) break;
    b = await listOk(owner, t.id, { order: 'asc', before: b.first_id, limit: '37' });
  }
  assert.deepEqual(back, want, 'before pages back to the start');
});

htest('a walk while messages are being added still visits each exactly once (asc: new ones at the end)', async () => {
  const t = await newThread(owner);
  const initial = await fillThread(owner, t.id, 60);
  const added = [];
  const between = async (page) => {
    // Two appends between every page, one of them a batch.
    added.push(await createMessage(owner, t.id, { role: 'assistant', content: `added ${page}` }));
    added.push(...await createBatch(owner, t.id, [{ role: 'user', content: `batch ${page}` }]));
  };
  const seen = await walk(owner, t.id, { order: 'asc', limit: 9, between });
  const all = [...initial, ...added].sort((a, b) => a.seq - b.seq).map((m) => m.id);
  assert.equal(new Set(seen).size, seen.length, 'no message twice');
  // Every message that existed when the walk reached the end was visited, in seq order.
  assert.deepEqual(seen, all.slice(0, seen.length));
  assert.ok(seen.length >= initial.length + 2, 'the asc walk reached the additions');
  for (const m of initial) assert.ok(seen.includes(m.id));

  // Newest first: additions are newer than the start, so the walk sees each original once and stops.
  const t2 = await newThread(owner);
  const initial2 = await fillThread(owner, t2.id, 45);
  const between2 = async () => {
    await createMessage(owner, t2.id, { role: 'user', content: 'late' });
  };
  const seen2 = await walk(owner, t2.id, { order: 'desc', limit: 8, between: between2 });
  assert.deepEqual(seen2, initial2.map((m) => m.id).reverse());
});

htest('created_after and created_before are strict, take RFC 3339 with any offset', async () => {
  const t = await newThread(owner);
  const ms = [];
  for (let i = 0; i < 4; i++) {
    ms.push(await createMessage(owner, t.id, { role: 'user', content: `t${i}` }));
    await sleep(25);
  }
  for (let i = 1; i < 4; i++) assert.ok(ms[i].created_at > ms[i - 1].created_at, 'distinct creation times');
  const at = (i) => ms[i].created_at;
  // Strictly after / before the exact time of a message.
  let b = await listOk(owner, t.id, { order: 'asc', created_after: at(1) });
  assert.deepEqual(seqs(b), [3, 4]);
  assert.equal(b.total, 2, 'total counts the filtered messages');
  b = await listOk(owner, t.id, { order: 'asc', created_before: at(2) });
  assert.deepEqual(seqs(b), [1, 2]);
  b = await listOk(owner, t.id, { order: 'asc', created_after: at(0), created_before: at(3) });
  assert.deepEqual(seqs(b), [2, 3]);
  assert.equal(b.total, 2);
  b = await listOk(owner, t.id, { created_after: at(1), created_before: at(2) });
  assert.deepEqual(b.data, []);
  assert.equal(b.total, 0);
  // The same instants written with other offsets.
  const shift = (iso, hours, minutes = 0) => {
    const d = new Date(Date.parse(iso) + (hours * 60 + minutes) * 60000);
    const sign = hours < 0 || minutes < 0 ? '-' : '+';
    const hh = String(Math.abs(hours)).padStart(2, '0');
    const mm = String(Math.abs(minutes)).padStart(2, '0');
    return `${d.toISOString().slice(0, 23)}${sign}${hh}:${mm}`;
  };
  for (const [h, m] of [[2, 0], [-5, 0], [5, 30], [0, 0], [-9, -30], [14, 0]]) {
    b = await listOk(owner, t.id, { order: 'asc', created_after: shift(at(1), h, m) });
    assert.deepEqual(seqs(b), [3, 4], `created_after ${shift(at(1), h, m)}`);
    b = await listOk(owner, t.id, { order: 'asc', created_before: shift(at(2), h, m) });
    assert.deepEqual(seqs(b), [1, 2], `created_before ${shift(at(2), h, m)}`);
  }
  // Without fractions, with more digits: the instant is what counts.
  b = await listOk(owner, t.id, { order: 'asc', created_after: `${at(1).slice(0, 23)}0001Z` });
  assert.deepEqual(seqs(b), [3, 4], 'a tenth of a millisecond after message 2');
  b = await listOk(owner, t.id, { order: 'asc', created_before: `${at(1).slice(0, 23)}0001Z` });
  assert.deepEqual(seqs(b), [1, 2], 'a tenth of a millisecond after message 2 (before)');
  b = await listOk(owner, t.id, { order: 'asc', created_before: `${at(1).slice(0, 23)}0000Z` });
  assert.deepEqual(seqs(b), [1], 'the same instant with more zeros');
  // Far away bounds.
  assert.deepEqual(seqs(await listOk(owner, t.id, { order: 'asc', created_after: '1970-01-01T00:00:00Z' })), [1, 2, 3, 4]);
  assert.deepEqual(seqs(await listOk(owner, t.id, { created_after: '2999-12-31T23:59:59.999Z' })), []);
  // Not timestamps.
  for (const v of ['', 'yesterday', '2024-13-01T00:00:00Z', '2024-01-01T25:00:00Z', '2024-01-01T00:00:00',
    '2024-01-01T00:00:00+02', '1700000000', '2024-01-01T00:00:00+2:00']) {
    assertValidation(await list(owner, t.id, { created_after: v }), ['query', 'created_after'], `created_after=${v}`);
    assertValidation(await list(owner, t.id, { created_before: v }), ['query', 'created_before'], `created_before=${v}`);
  }
});

htest('offset skips within the filtered, ordered list, after a cursor; 0..100000', async () => {
  const { t, ms } = await tenThread();
  assert.deepEqual(seqs(await listOk(owner, t.id, { order: 'asc', offset: '0', limit: '3' })), [1, 2, 3]);
  let b = await listOk(owner, t.id, { order: 'asc', offset: '4', limit: '3' });
  assert.deepEqual(seqs(b), [5, 6, 7]);
  assert.equal(b.has_more, true);
  assert.equal(b.total, 10, 'total ignores offset');
  b = await listOk(owner, t.id, { order: 'asc', offset: '7', limit: '3' });
  assert.deepEqual(seqs(b), [8, 9, 10]);
  assert.equal(b.has_more, false);
  assert.deepEqual(seqs(await listOk(owner, t.id, { offset: '2', limit: '2' })), [8, 7]);
  assert.deepEqual(seqs(await listOk(owner, t.id, { order: 'asc', after: ms[1].id, offset: '3', limit: '2' })), [6, 7],
    'offset after a cursor');
  assert.deepEqual((await listOk(owner, t.id, { offset: '100000' })).data, []);
  for (const v of ['-1', '100001', '', 'x', '1.0']) {
    assertValidation(await list(owner, t.id, `offset=${v}`), ['query', 'offset'], `offset=${v}`);
  }
});

htest('role filter: a comma list of roles; unknown or empty roles are 422; total counts matches', async () => {
  const t = await newThread(owner);
  const ms = await createBatch(owner, t.id, ['user', 'assistant', 'system', 'tool', 'user', 'assistant', 'user']
    .map((role, i) => ({ role, content: `r${i}` })));
  let b = await listOk(owner, t.id, { role: 'user', order: 'asc' });
  assert.deepEqual(seqs(b), [1, 5, 7]);
  assert.equal(b.total, 3);
  b = await listOk(owner, t.id, { role: 'user,assistant', order: 'asc', limit: '2' });
  assert.deepEqual(seqs(b), [1, 2]);
  assert.equal(b.total, 5, 'total ignores the limit');
  assert.equal(b.has_more, true);
  b = await listOk(owner, t.id, { role: 'user,assistant', order: 'asc', cursor: b.next_cursor, limit: '2' });
  assert.deepEqual(seqs(b), [5, 6]);
  b = await listOk(owner, t.id, { role: 'system,tool' });
  assert.deepEqual(seqs(b), [4, 3]);
  assert.equal(b.total, 2);
  b = await listOk(owner, t.id, { role: 'user,assistant,system,tool' });
  assert.equal(b.total, 7);
  for (const v of ['', 'bogus', 'user,bogus', 'user,', ',user', 'user,,tool', 'users']) {
    assertValidation(await list(owner, t.id, `role=${encodeURIComponent(v)}`), ['query', 'role'], `role=${v}`);
  }
  assert.equal(ms.length, 7);
});

htest('run_id filter: exact match; run_id= matches only the empty string; total counts matches', async () => {
  const t = await newThread(owner);
  await createBatch(owner, t.id, [
    { role: 'user', content: 'a', run_id: 'run-1' },
    { role: 'assistant', content: 'b', run_id: 'run-1' },
    { role: 'user', content: 'c', run_id: 'run-2' },
    { role: 'user', content: 'd', run_id: '' },
    { role: 'user', content: 'e' },
    { role: 'user', content: 'f', run_id: 'RUN-1' },
  ]);
  let b = await listOk(owner, t.id, { run_id: 'run-1', order: 'asc' });
  assert.deepEqual(seqs(b), [1, 2], 'exact, case-sensitive');
  assert.equal(b.total, 2);
  b = await listOk(owner, t.id, 'run_id=');
  assert.deepEqual(seqs(b), [4], 'empty matches the empty string, not unset');
  assert.equal(b.total, 1);
  b = await listOk(owner, t.id, { run_id: 'nope' });
  assert.deepEqual(b.data, []);
  assert.equal(b.total, 0);
  b = await listOk(owner, t.id, { run_id: 'run-1', role: 'assistant' });
  assert.deepEqual(seqs(b), [2]);
  assert.equal(b.total, 1);
  b = await listOk(owner, t.id, { run_id: 'run-1', limit: '1' });
  assert.equal(b.total, 2);
  assert.equal(b.has_more, true);
  assert.equal((await listOk(owner, t.id)).total, 6);
});

htest('run_id filter: trailing spaces are part of the value (run-1 does not match "run-1 ")', async () => {
  const t = await newThread(owner);
  await createBatch(owner, t.id, [
    { role: 'user', content: 'a', run_id: 'run-1' },
    { role: 'user', content: 'b', run_id: 'run-1 ' },
    { role: 'user', content: 'c', run_id: ' ' },
    { role: 'user', content: 'd', run_id: '' },
  ]);
  // The stored values keep their spaces.
  const all = await listOk(owner, t.id, { order: 'asc' });
  assert.deepEqual(all.data.map((m) => m.run_id), ['run-1', 'run-1 ', ' ', '']);
  let b = await listOk(owner, t.id, { run_id: 'run-1', order: 'asc' });
  assert.deepEqual(seqs(b), [1], 'run_id=run-1');
  assert.equal(b.total, 1);
  b = await listOk(owner, t.id, { run_id: 'run-1 ', order: 'asc' });
  assert.deepEqual(seqs(b), [2], 'run_id=run-1%20');
  b = await listOk(owner, t.id, 'run_id=&order=asc');
  assert.deepEqual(seqs(b), [4], 'run_id= (empty)');
  assert.equal(b.total, 1);
  b = await listOk(owner, t.id, 'run_id=%20&order=asc');
  assert.deepEqual(seqs(b), [3], 'run_id=%20');
});

// The database layer keeps each statement's fetch buffers from one request
// to the next and reads rows as they come: a value longer than any before
// it, right after a short one and before one, must still come back whole.
htest('list and one message: each message comes back as it was written, long after short and short after long', async () => {
  const t = await newThread(owner);
  const bodies = [
    { role: 'user', content: 'a' },
    {
      role: 'assistant', content: '😀'.repeat(131072), details: { blob: 'é'.repeat(200000) },
      metadata: { k: 'v'.repeat(512), l: 'w'.repeat(512) }, run_id: 'r'.repeat(255), token_count: 2147483647, latency_ms: 0,
    },
    { role: 'user', content: 'b', run_id: '', model: '', metadata: {} },
    { role: 'system', content: 'x'.repeat(5000), details: { n: null }, prompt_tokens: 1 },
  ];
  const made = [];
  for (const body of bodies) made.push(await createMessage(owner, t.id, body));
  const one = async (m) => {
    const res = await request('GET', msgPath(t.id, m.id), { headers: owner.headers });
    assert.equal(res.status, 200, res.text.slice(0, 200));
    assert.deepEqual(res.json, m);
  };
  await one(made[0]);
  await one(made[1]);
  await one(made[2]);
  await one(made[1]);
  assert.deepEqual((await listOk(owner, t.id, { order: 'asc', limit: 1 })).data, made.slice(0, 1));
  assert.deepEqual((await listOk(owner, t.id, { order: 'asc' })).data, made);
  assert.deepEqual((await listOk(owner, t.id, { order: 'desc' })).data, [...made].reverse());
  assert.deepEqual((await listOk(owner, t.id, { order: 'asc' })).data, made);
});

htest('list with_details=false renders details null; other values are 422', async () => {
  const t = await newThread(owner);
  const [m] = await createBatch(owner, t.id, [{ role: 'assistant', content: 'x', details: { steps: [1] } }]);
  assert.deepEqual((await listOk(owner, t.id)).data[0].details, { steps: [1] });
  assert.deepEqual((await listOk(owner, t.id, { with_details: 'true' })).data[0], m);
  const slim = (await listOk(owner, t.id, { with_details: 'false' })).data[0];
  assert.equal(slim.details, null);
  assert.deepEqual({ ...slim, details: m.details }, m);
  for (const v of ['', 'yes', '0', 'FALSE']) {
    assertValidation(await list(owner, t.id, `with_details=${v}`), ['query', 'with_details'], v);
  }
});

htest('list of a missing thread is 404, a bad thread id 400; HEAD answers like GET', async () => {
  assertError(await list(owner, randomUUID()), 404, 'NOT_FOUND');
  assertError(await list(owner, NIL), 404, 'NOT_FOUND');
  assertError(await list(owner, 'nope'), 400, 'INVALID_ID');
  // Thread checks come before query checks.
  assertError(await list(owner, randomUUID(), { limit: '0' }), 404, 'NOT_FOUND');
  const { t } = await tenThread();
  const get = await list(owner, t.id, { limit: '3' });
  const head = await request('HEAD', `${msgsPath(t.id)}?limit=3`, { headers: owner.headers });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(get.text)));
});

// ---------------------------------------------------------------- context

// Builds a thread from [role, token_count or text] pairs.
async function contextThread(spec) {
  const t = await newThread(owner);
  const ms = await createBatch(owner, t.id, spec.map(([role, cost]) => (typeof cost === 'number'
    ? { role, content: `cost ${cost}`, token_count: cost } : { role, content: cost })));
  return { t, ms };
}
const ctxSeqs = (c) => c.messages.map((m) => m.seq);

htest('context: max_tokens 1..10,000,000; 0, 10000001, non-integers and unknown fields are 422', async () => {
  const { t } = await contextThread([['user', 1]]);
  for (const v of [0, 10000001, -1, 1.5, '5', true, null, [], 2147483648]) {
    assertValidation(await context(owner, t.id, { max_tokens: v }), ['body', 'max_tokens'], JSON.stringify(v));
  }
  assertValidation(await context(owner, t.id, {}), ['body', 'max_tokens'], 'missing');
  assertValidation(await context(owner, t.id, { max_tokens: 5, include_system: 'yes' }), ['body', 'include_system']);
  assertValidation(await context(owner, t.id, { max_tokens: 5, include_system: 1 }), ['body', 'include_system']);
  assertValidation(await context(owner, t.id, { max_tokens: 5, extra: 1 }), ['body', 'extra']);
  assertValidation(await context(owner, t.id, [5]), ['body']);
  assertError(await request('POST', `${msgsPath(t.id)}/context`, { headers: { ...owner.headers, 'content-type': 'application/json' } }),
    400, 'INVALID_JSON', 'no body');
  let c = assertContext(await context(owner, t.id, { max_tokens: 1 }));
  assert.deepEqual(ctxSeqs(c), [1]);
  c = assertContext(await context(owner, t.id, { max_tokens: 10000000, include_system: false }));
  assert.deepEqual(ctxSeqs(c), [1]);
  assert.equal(c.truncated, false);
  const empty = await newThread(owner);
  c = assertContext(await context(owner, empty.id, { max_tokens: 100 }));
  assert.deepEqual(c, { object: 'thread.context', messages: [], total_tokens: 0, message_count: 0, truncated: false });
  assertError(await context(owner, randomUUID(), { max_tokens: 5 }), 404, 'NOT_FOUND');
});

htest('context: the cost is token_count when set, else ceil(code points / 4)', async () => {
  const t = await newThread(owner);
  const texts = ['', 'a', 'abcd', 'abcde', '😀😀😀😀😀', '中文中文中文中文中', 'e\u0301e\u0301e\u0301'];
  const want = [0, 1, 1, 2, 2, 3, 2];
  for (let i = 0; i < texts.length; i++) {
    await createMessage(owner, t.id, { role: 'user', content: texts[i] });
    const c = assertContext(await context(owner, t.id, { max_tokens: 10000000 }));
    assert.equal(c.messages.length, i + 1);
    assert.equal(c.total_tokens, want.slice(0, i + 1).reduce((a, b) => a + b, 0), `text ${JSON.stringify(texts[i])}`);
  }
  // token_count wins over the text, 0 included.
  const t2 = await newThread(owner);
  await createMessage(owner, t2.id, { role: 'user', content: 'a'.repeat(400), token_count: 3 });
  await createMessage(owner, t2.id, { role: 'user', content: 'a'.repeat(400), token_count: 0 });
  const c = assertContext(await context(owner, t2.id, { max_tokens: 3 }));
  assert.deepEqual(ctxSeqs(c), [1, 2]);
  assert.equal(c.total_tokens, 3);
  assert.equal(c.truncated, false);
  // Exactly one emoji of 4 bytes costs 1, not 1 per byte.
  const t3 = await newThread(owner);
  await createMessage(owner, t3.id, { role: 'user', content: '😀😀😀😀' });
  assert.equal(assertContext(await context(owner, t3.id, { max_tokens: 1 })).message_count, 1);
});

htest('context: the newest messages that fit, oldest first, stopping at the first that does not fit', async () => {
  // seq:          1   2   3   4    5   6
  const { t, ms } = await contextThread([['user', 5], ['assistant', 1], ['user', 1], ['assistant', 10], ['user', 1], ['assistant', 1]]);
  let c = assertContext(await context(owner, t.id, { max_tokens: 3 }));
  assert.deepEqual(ctxSeqs(c), [5, 6], 'a contiguous tail; the older cheap ones are not taken past seq 4');
  assert.equal(c.total_tokens, 2);
  assert.equal(c.message_count, 2);
  assert.equal(c.truncated, true);
  assert.deepEqual(c.messages[1], ms[5], 'the stored objects');
  c = assertContext(await context(owner, t.id, { max_tokens: 12 }));
  assert.deepEqual(ctxSeqs(c), [4, 5, 6]);
  assert.equal(c.total_tokens, 12, 'a budget met exactly');
  assert.equal(c.truncated, true);
  c = assertContext(await context(owner, t.id, { max_tokens: 19 }));
  assert.deepEqual(ctxSeqs(c), [1, 2, 3, 4, 5, 6]);
  assert.equal(c.total_tokens, 19);
  assert.equal(c.truncated, false);
  c = assertContext(await context(owner, t.id, { max_tokens: 18 }));
  assert.deepEqual(ctxSeqs(c), [2, 3, 4, 5, 6]);
  assert.equal(c.truncated, true);
  // The newest alone is too big: nothing, truncated.
  const big = await contextThread([['user', 1], ['assistant', 50]]);
  c = assertContext(await context(owner, big.t.id, { max_tokens: 49 }));
  assert.deepEqual(c.messages, []);
  assert.equal(c.total_tokens, 0);
  assert.equal(c.message_count, 0);
  assert.equal(c.truncated, true);
});

htest('context: include_system takes system messages first (newest first), the rest of the budget to the tail', async () => {
  // seq:           1          2        3          4        5          6        7
  const { t } = await contextThread([['system', 2], ['user', 3], ['system', 4], ['user', 1], ['assistant', 1],
    ['user', 1], ['assistant', 1]]);
  // Without it, system messages are ordinary members of the tail.
  let c = assertContext(await context(owner, t.id, { max_tokens: 6 }));
  assert.deepEqual(ctxSeqs(c), [4, 5, 6, 7]);
  c = assertContext(await context(owner, t.id, { max_tokens: 8 }));
  assert.deepEqual(ctxSeqs(c), [3, 4, 5, 6, 7]);
  // With it: systems 3 and 1 (6 tokens), then 2 tokens for the tail: 6 and 7.
  c = assertContext(await context(owner, t.id, { max_tokens: 8, include_system: true }));
  assert.deepEqual(ctxSeqs(c), [1, 3, 6, 7], 'output in seq order');
  assert.equal(c.total_tokens, 8);
  assert.equal(c.message_count, 4);
  assert.equal(c.truncated, true);
  // Systems stop at the first that does not fit: 3 (4 tokens) fits in 5, 1 (2 tokens) does not.
  c = assertContext(await context(owner, t.id, { max_tokens: 5, include_system: true }));
  assert.deepEqual(ctxSeqs(c), [3, 7]);
  assert.equal(c.total_tokens, 5);
  assert.equal(c.truncated, true);
  // The newest system alone does not fit: no system; the tail still gets the budget.
  c = assertContext(await context(owner, t.id, { max_tokens: 3, include_system: true }));
  assert.deepEqual(ctxSeqs(c), [5, 6, 7]);
  assert.equal(c.truncated, true);
  // Everything fits.
  c = assertContext(await context(owner, t.id, { max_tokens: 13, include_system: true }));
  assert.deepEqual(ctxSeqs(c), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(c.total_tokens, 13);
  assert.equal(c.truncated, false);
  // The non-system messages taken are a contiguous tail of the non-system messages.
  c = assertContext(await context(owner, t.id, { max_tokens: 10, include_system: true }));
  assert.deepEqual(ctxSeqs(c), [1, 3, 4, 5, 6, 7]);
  assert.equal(c.truncated, true);
});

htest('context over more than one page of messages: the newest that fit, in seq order', async () => {
  const t = await newThread(owner);
  await fillThread(owner, t.id, 130, (i) => ({ role: i % 3 === 0 ? 'system' : 'user', content: `p${i}`, token_count: 1 }));
  let c = assertContext(await context(owner, t.id, { max_tokens: 120 }));
  assert.deepEqual(ctxSeqs(c), range(11, 130));
  assert.equal(c.total_tokens, 120);
  assert.equal(c.truncated, true);
  c = assertContext(await context(owner, t.id, { max_tokens: 130 }));
  assert.deepEqual(ctxSeqs(c), range(1, 130));
  assert.equal(c.truncated, false);
  c = assertContext(await context(owner, t.id, { max_tokens: 50, include_system: true }));
  const systems = range(1, 130).filter((s) => (s - 1) % 3 === 0);
  assert.equal(systems.length, 44);
  const tail = range(1, 130).filter((s) => (s - 1) % 3 !== 0).slice(-6);
  assert.deepEqual(ctxSeqs(c), [...systems, ...tail].sort((a, b) => a - b));
  assert.equal(c.total_tokens, 50);
  assert.equal((await getThread(owner, t.id)).message_count, 130);
});

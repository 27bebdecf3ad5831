// Concurrent writes to one thread, seq (API reference: schema Message) and
// idempotency (API reference: POST /api/threads/{thread_id}/messages):
// seq numbers are unique and gap-free, racing repeats of one message_id
// create one row, and the thread's counters stay true.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request, assertError, assertJsonOk } from './lib.mjs';
import {
  caller, json, msgsPath, msgPath, setSharing, newThread, getThread, createMessage, fillThread,
  assertMessage, listOk, walk,
  htest, leaveSharingOff,
} from './messages_lib.mjs';

const owner = caller('msgconc-owner');
const post = (tid, body) => request('POST', msgsPath(tid), json(owner.headers, body));
const postBatch = (tid, messages) => request('POST', `${msgsPath(tid)}/batch`, json(owner.headers, { messages }));
const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

leaveSharingOff();

htest('50 parallel creates on one thread: all 201, seq exactly 1..50, message_count 50', async () => {
  await setSharing(false);
  const t = await newThread(owner);
  const all = await Promise.all(Array.from({ length: 50 }, (_, i) => post(t.id, { role: 'user', content: `p${i}` })));
  const statuses = all.map((r) => r.status);
  assert.deepEqual(statuses.filter((s) => s !== 201), [], `statuses: ${statuses.join(',')}`);
  const ms = all.map((r) => assertMessage(r.json));
  assert.deepEqual(ms.map((m) => m.seq).sort((a, b) => a - b), range(1, 50), 'no seq shared, none skipped');
  assert.equal(new Set(ms.map((m) => m.id)).size, 50);
  const th = await getThread(owner, t.id);
  assert.equal(th.message_count, 50);
  const newest = ms.reduce((a, b) => (a.seq > b.seq ? a : b));
  assert.equal(th.last_message_at, newest.created_at, 'last_message_at is the newest message\'s');
  const l = await listOk(owner, t.id, { order: 'asc', limit: '200' });
  assert.equal(l.total, 50);
  assert.deepEqual(l.data.map((m) => m.seq), range(1, 50));
  // Each listed message is the one its create returned.
  const bySeq = new Map(ms.map((m) => [m.seq, m]));
  for (const m of l.data) assert.deepEqual(m, bySeq.get(m.seq));
  // Timestamps never go backwards as seq grows.
  for (let i = 1; i < l.data.length; i++) assert.ok(l.data[i].created_at >= l.data[i - 1].created_at);
});

htest('20 parallel creates with one message_id: exactly one 201, the rest 200 with that message, one row', async () => {
  const t = await newThread(owner);
  const id = randomUUID();
  const body = { message_id: id, role: 'assistant', content: { text: 'only once', references: ['r'] } };
  const all = await Promise.all(Array.from({ length: 20 }, () => post(t.id, body)));
  const statuses = all.map((r) => r.status).sort();
  assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 200).length, 19, statuses.join(','));
  const first = all.find((r) => r.status === 201).json;
  for (const r of all) assert.deepEqual(assertMessage(r.json), first, 'every answer is the stored message');
  assert.equal(first.id, id);
  assert.equal(first.seq, 1);
  const l = await listOk(owner, t.id);
  assert.equal(l.total, 1);
  assert.equal(l.data.length, 1);
  assert.equal((await getThread(owner, t.id)).message_count, 1);
  // The next message takes seq 2: the repeats used no numbers.
  assert.equal((await createMessage(owner, t.id, { role: 'user', content: 'next' })).seq, 2);
});

htest('racing repeats of one message_id with different content: one 201, the others 409, one row', async () => {
  const t = await newThread(owner);
  const id = randomUUID();
  const all = await Promise.all(Array.from({ length: 12 }, (_, i) => post(t.id,
    { message_id: id, role: 'user', content: `version ${i % 2}` })));
  const created = all.filter((r) => r.status === 201);
  assert.equal(created.length, 1, all.map((r) => r.status).join(','));
  const winner = created[0].json.content.text;
  for (const r of all) {
    if (r.status === 201) continue;
    if (r.json.code === 'CONFLICT') {
      assertError(r, 409, 'CONFLICT');
    } else {
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.content.text, winner, 'a 200 only for the same content');
    }
  }
  assert.equal(all.filter((r) => r.status === 409).length, 6, 'the other version is a conflict every time');
  assert.equal((await listOk(owner, t.id)).total, 1);
});

htest('one message_id raced into two threads: one thread gets it, the other only 409s', async () => {
  const a = await newThread(owner);
  const b = await newThread(owner);
  const id = randomUUID();
  const body = { message_id: id, role: 'user', content: 'contested' };
  const all = await Promise.all(Array.from({ length: 16 }, (_, i) => post(i % 2 ? a.id : b.id, body)));
  const created = all.filter((r) => r.status === 201);
  assert.equal(created.length, 1, all.map((r) => r.status).join(','));
  const home = created[0].json.thread_id;
  all.forEach((r, i) => {
    const tid = i % 2 ? a.id : b.id;
    if (tid === home) {
      assert.ok([200, 201].includes(r.status), `home thread: ${r.status} ${r.text.slice(0, 200)}`);
    } else {
      assertError(r, 409, 'CONFLICT', 'the other thread');
    }
  });
  const ca = (await getThread(owner, a.id)).message_count;
  const cb = (await getThread(owner, b.id)).message_count;
  assert.deepEqual([ca, cb].sort(), [0, 1]);
});

htest('parallel batches: every batch gets contiguous seq, together exactly 1..100', async () => {
  const t = await newThread(owner);
  const all = await Promise.all(Array.from({ length: 10 }, (_, b) => postBatch(t.id,
    Array.from({ length: 10 }, (__, i) => ({ role: 'user', content: `b${b}-${i}` })))));
  const seqs = [];
  for (const [b, r] of all.entries()) {
    const body = assertJsonOk(r, 201, `batch ${b}`);
    const s = body.data.map((m) => m.seq);
    assert.deepEqual(s, range(s[0], s[0] + 9), `batch ${b} is contiguous and in order`);
    assert.deepEqual(body.data.map((m) => m.content.text), range(0, 9).map((i) => `b${b}-${i}`));
    seqs.push(...s);
  }
  assert.deepEqual(seqs.sort((x, y) => x - y), range(1, 100));
  assert.equal((await getThread(owner, t.id)).message_count, 100);
  assert.equal((await walk(owner, t.id, { order: 'asc', limit: 17 })).length, 100);
});

htest('parallel batches repeating one existing item: it stays one row, each batch returns it', async () => {
  const t = await newThread(owner);
  const shared = randomUUID();
  const all = await Promise.all(Array.from({ length: 8 }, (_, b) => postBatch(t.id, [
    { message_id: shared, role: 'user', content: 'shared' },
    { role: 'assistant', content: `own ${b}` },
  ])));
  const sharedSeen = new Set();
  for (const r of all) {
    const body = assertJsonOk(r, 201, 'batch');
    assert.equal(body.data[0].id, shared);
    sharedSeen.add(JSON.stringify(body.data[0]));
  }
  assert.equal(sharedSeen.size, 1, 'every batch returns the same stored item');
  const l = await listOk(owner, t.id, { order: 'asc', limit: '200' });
  assert.equal(l.total, 9);
  assert.deepEqual(l.data.map((m) => m.seq), range(1, 9));
});

htest('parallel deletes and creates keep message_count equal to the messages that remain', async () => {
  const t = await newThread(owner);
  const ms = await fillThread(owner, t.id, 30);
  const ops = [];
  for (let i = 0; i < 30; i += 2) {
    ops.push(request('DELETE', msgPath(t.id, ms[i].id), { headers: owner.headers }));
    ops.push(post(t.id, { role: 'assistant', content: `new ${i}` }));
  }
  // The same message deleted twice at once: one 204, one 404.
  ops.push(request('DELETE', msgPath(t.id, ms[1].id), { headers: owner.headers }));
  ops.push(request('DELETE', msgPath(t.id, ms[1].id), { headers: owner.headers }));
  const res = await Promise.all(ops);
  const last2 = res.slice(-2).map((r) => r.status).sort();
  assert.deepEqual(last2, [204, 404], 'a double delete');
  for (const r of res.slice(0, -2)) assert.ok([201, 204].includes(r.status), `${r.status} ${r.text.slice(0, 200)}`);
  const l = await listOk(owner, t.id, { limit: '200' });
  const th = await getThread(owner, t.id);
  assert.equal(l.total, 30 - 15 - 1 + 15);
  assert.equal(l.data.length, l.total);
  assert.equal(th.message_count, l.total, 'message_count equals what remains');
  assert.equal(th.last_message_at, l.data[0].created_at, 'last_message_at is the newest remaining');
  assert.equal(new Set(l.data.map((m) => m.seq)).size, l.total);
  assert.ok(Math.max(...l.data.map((m) => m.seq)) === 45, 'numbers are never reused');
});

htest('a clear racing creates: afterwards the counter equals the rows, and seq never repeats', async () => {
  const t = await newThread(owner);
  await fillThread(owner, t.id, 20);
  const ops = [request('DELETE', msgsPath(t.id), { headers: owner.headers })];
  for (let i = 0; i < 20; i++) ops.push(post(t.id, { role: 'user', content: `c${i}` }));
  const res = await Promise.all(ops);
  assert.equal(res[0].status, 204);
  const created = res.slice(1).map((r) => assertJsonOk(r, 201, 'create').seq);
  assert.deepEqual([...created].sort((a, b) => a - b), range(21, 40), 'numbering continued past the old last seq');
  const l = await listOk(owner, t.id, { limit: '200' });
  assert.equal((await getThread(owner, t.id)).message_count, l.total);
  assert.ok(l.data.every((m) => m.seq > 20), 'no message of before the clear remains');
});

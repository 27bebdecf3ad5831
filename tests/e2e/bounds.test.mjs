// Bounded work (API reference: Limits): on a public thread of
// 1,000,000 messages and 100,000 public threads, every list, filter, cursor,
// context and directory request reads at most the rows it returns, plus its
// offset, plus a small constant. MariaDB's own counters of index reads
// (Handler_read_*, global: nothing else runs while a file of this suite runs)
// are read around each request, so a full scan coming back fails here. A
// filtered page counts each row twice: once in its index range, once when
// the page's rows are read by primary key.
//
// The fixture is written with SQL (a million messages through the API would
// take an hour) and kept: the sanitizer pass of the suite finds it in place.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, after } from 'node:test';
import { request, bearer, signToken } from './lib.mjs';
import {
  socket, BIG, BIG_HEX, MANY_OWNER, N, SLACK, sql, measured, buildFixture, listBody,
} from './bounds_lib.mjs';
import {
  ANON, caller, json, msgsPath, newThread, createMessage, setSharing, leaveSharingOff, htest, assertMessage,
} from './messages_lib.mjs';

const anon = (path) => () => request('GET', path, { headers: ANON.headers });
const page = (query) => anon(`${msgsPath(BIG)}?${query}`);
const many = { sub: MANY_OWNER, headers: bearer(signToken({ sub: MANY_OWNER, exp: Math.floor(Date.now() / 1000) + 3600 })) };

let firstId;
let deepId;
before(async () => {
  if (!socket) return;
  const t = Date.now();
  buildFixture();
  console.log(`# fixture ready in ${Date.now() - t} ms`);
  await setSharing(true);
  firstId = listBody(await page('limit=1')(), 'newest').data[0].id;
  deepId = listBody(await page('limit=1&order=asc&offset=100')(), 'deep').data[0].id;
});
leaveSharingOff();
// The 100,000 public threads would make every later walk of the public
// directory 500 pages long: they go when this file ends (the big thread,
// one public thread, stays for the sanitizer pass).
after(() => {
  if (socket) sql(`DELETE FROM threads WHERE owner_id = '${MANY_OWNER}'`);
});

// Each case: the request, the most rows it may read, and what its answer must say.
const cases = [
  ['first page', () => page('limit=20'), 20, (b) => assert.equal(b.total, N)],
  ['a page 999,900 deep by cursor', () => page(`limit=20&cursor=${deepId}`), 20,
    (b) => assert.equal(b.data.length, 20)],
  ['role=tool, which no message has', () => page('role=tool'), 4,
    (b) => { assert.equal(b.data.length, 0); assert.equal(b.total, 0); }],
  ['role=tool from a deep cursor, ascending', () => page(`role=tool&order=asc&after=${firstId}`), 4,
    (b) => assert.equal(b.data.length, 0)],
  ['role=system,user, 200 a page', () => page('role=system,user&limit=200'), 2 * 201 + 201,
    (b) => { assert.equal(b.data.length, 200); assert.equal(b.total, N / 2 + 10); }],
  ['role=system ascending: ten in a million', () => page('role=system&order=asc&limit=200'), 10 + 10,
    (b) => { assert.equal(b.data.length, 10); assert.equal(b.total, 10); }],
  ['created_before early in the thread', () => page('created_before=2026-01-01T00:01:40Z'), 20 + 100,
    (b) => { assert.equal(b.total, 99); assert.equal(b.data[0].seq, 99); }],
  ['created_after late, ascending', () => page('created_after=2026-01-12T13:45:00Z&order=asc'), 20 + 100,
    (b) => { assert.equal(b.total, 100); assert.equal(b.data[0].seq, N - 99); }],
  ['created_after early: total past 10,000 is null', () => page('created_after=2026-01-01T00:00:10Z'), 20 + 10001,
    (b) => { assert.equal(b.total, null); assert.equal(b.data[0].seq, N); }],
  ['run_id=run-a', () => page('run_id=run-a&limit=50'), 1000 + 51 + 51,
    (b) => { assert.equal(b.total, 1000); assert.ok(b.data.every((m) => m.run_id === 'run-a')); }],
  ['run_id nobody used, with a role', () => page('run_id=nomatch&role=tool,user'), 4,
    (b) => assert.equal(b.data.length, 0)],
  ['offset 5,000 with a role', () => page('role=user&offset=5000&limit=20'), 5021 + 21,
    (b) => assert.equal(b.data.length, 20)],
  ['/v1 list with run_id nobody used', () => anon(`/v1/threads/${BIG}/messages?run_id=nomatch&order=asc`), 4,
    (b) => assert.equal(b.data.length, 0)],
  ['/v1 list from a cursor', () => anon(`/v1/threads/${BIG}/messages?limit=100&after=${deepId}`), 101,
    (b) => assert.equal(b.data.length, 100)],
  // The Conversations surface reads through the same operations: the same
  // bounds, with OpenAI's ids (conv_ and msg_ + 32 hex) as cursors.
  ['/v1/conversations items, first page', () => anon(`/v1/conversations/conv_${BIG_HEX}/items`), 21,
    (b) => { assert.equal(b.data.length, 20); assert.equal(b.data[0].content[0].text, `message ${N}`); }],
  ['/v1/conversations items after an item 999,900 deep, 100 ascending',
    () => anon(`/v1/conversations/conv_${BIG_HEX}/items?limit=100&order=asc&after=msg_${deepId.replace(/-/g, '')}`), 101,
    (b) => { assert.equal(b.data.length, 100); assert.equal(b.has_more, true); }],
  ['/v1/conversations one item 999,900 deep',
    () => anon(`/v1/conversations/conv_${BIG_HEX}/items/msg_${deepId.replace(/-/g, '')}`), 2,
    (b) => assert.equal(b.id, `msg_${deepId.replace(/-/g, '')}`)],
  ['/v1/conversations list of 100,000 conversations, 100 a page',
    () => () => request('GET', '/v1/conversations?limit=100', { headers: many.headers }), 101,
    (b) => { assert.equal(b.data.length, 100); assert.equal(b.has_more, true); }],
  ['public directory, a namespace nobody used', () => anon('/api/threads?scope=public&namespace=nomatch'), 0,
    (b) => assert.equal(b.data.length, 0)],
  ['public directory, visibility=unlisted', () => anon('/api/threads?scope=public&visibility=unlisted'), 0,
    (b) => assert.equal(b.data.length, 0)],
  ['public directory, first page', () => anon('/api/threads?scope=public&limit=50'), 51,
    (b) => assert.equal(b.data.length, 50)],
  ['own list of 100,000 threads, a namespace not among them',
    () => () => request('GET', '/api/threads?namespace=nomatch', { headers: many.headers }), 0,
    (b) => assert.equal(b.data.length, 0)],
  ['own list of 100,000 threads, visibility=private',
    () => () => request('GET', '/api/threads?visibility=private', { headers: many.headers }), 0,
    (b) => assert.equal(b.data.length, 0)],
];

for (const [name, make, most, check] of cases) {
  htest(`bounded at 1,000,000 messages: ${name} reads at most ${most} rows + ${SLACK}`, async () => {
    const { res, rows } = await measured(make());
    check(listBody(res, name));
    console.log(`# ${name}: ${rows} rows read`);
    assert.ok(rows <= most + SLACK, `${name}: read ${rows} rows (at most ${most + SLACK})`);
  });
}

htest('context with max_tokens 10,000,000 stops at max_messages (default 1,000) and reads one page more', async () => {
  const { res, rows } = await measured(() => request('POST', `${msgsPath(BIG)}/context`,
    json({}, { max_tokens: 10000000 })));
  const b = listBody(res, 'context');
  assert.equal(b.message_count, 1000);
  assert.equal(b.truncated, true);
  assert.equal(b.messages[999].seq, N, 'the newest last');
  assert.ok(rows <= 1001 + SLACK, `read ${rows} rows`);
});

htest('context with include_system and max_messages 10 takes the ten system messages', async () => {
  const { res, rows } = await measured(() => request('POST', `${msgsPath(BIG)}/context`,
    json({}, { max_tokens: 10000000, include_system: true, max_messages: 10 })));
  const b = listBody(res, 'context');
  assert.equal(b.message_count, 10);
  assert.ok(b.messages.every((m) => m.role === 'system'));
  assert.equal(b.truncated, true);
  assert.ok(rows <= 11 + 1 + SLACK, `read ${rows} rows`);
});

htest('max_messages outside 1 to 10,000 is a 422 naming it', async () => {
  for (const v of [0, 10001, 'ten', true]) {
    const res = await request('POST', `${msgsPath(BIG)}/context`, json({}, { max_tokens: 5, max_messages: v }));
    assert.equal(res.status, 422, `max_messages ${JSON.stringify(v)}`);
    assert.deepEqual(res.json.detail[0].loc, ['body', 'max_messages']);
  }
});

// The response cap (8 MiB by default): messages whose details are ~900 KB.
htest('a page stops before the message that would pass the 8 MiB cap, and a walk still sees every message once', async () => {
  const owner = caller('bounds-cap');
  const t = await newThread(owner);
  const details = { blob: 'x'.repeat(900 * 1024) };
  const made = [];
  for (let i = 0; i < 12; i++) made.push((await createMessage(owner, t.id, { role: 'user', content: `big ${i}`, details })).id);
  const seen = [];
  let cursor = null;
  for (let n = 0; n < 20; n++) {
    const res = await request('GET', `${msgsPath(t.id)}?order=asc&limit=20${cursor ? `&cursor=${cursor}` : ''}`,
      { headers: owner.headers });
    const b = listBody(res, `cap page ${n}`);
    assert.ok(Buffer.byteLength(res.text) <= 8 * 1024 * 1024, `page ${n} is ${Buffer.byteLength(res.text)} bytes`);
    assert.ok(b.data.length >= 1);
    for (const m of b.data) assertMessage(m);
    seen.push(...b.data.map((m) => m.id));
    if (!b.has_more) break;
    assert.equal(b.next_cursor, b.last_id);
    if (n === 0) assert.ok(b.data.length < 12, 'the first page was cut');
    cursor = b.next_cursor;
  }
  assert.deepEqual(seen, made, 'every message once, in order');
  const before = await request('GET', `${msgsPath(t.id)}?order=asc&limit=20&before=${made[11]}`, { headers: owner.headers });
  const bb = listBody(before, 'before page');
  assert.ok(bb.data.length < 11 && bb.has_more, 'a before page is cut too and says more precede it');
  assert.equal(bb.data[bb.data.length - 1].id, made[10], 'it keeps the messages nearest its cursor');
  const ctx = listBody(await request('POST', `${msgsPath(t.id)}/context`, json(owner.headers, { max_tokens: 1000000 })),
    'context');
  assert.ok(ctx.message_count >= 1 && ctx.message_count < 12 && ctx.truncated, 'the context stops at the cap');
  assert.equal(ctx.messages[ctx.messages.length - 1].id, made[11]);
  const one = listBody(await request('GET', `${msgsPath(t.id)}?limit=20&with_details=false`, { headers: owner.headers }),
    'without details');
  assert.equal(one.data.length, 12, 'without details the page is small and whole');
});

// While clients keep the most expensive legal requests running, others are
// still served: the workers are never all held for long.
htest('health and a plain page answer promptly while 8 clients loop the most expensive requests', async () => {
  const expensive = [
    () => request('POST', `${msgsPath(BIG)}/context`, json({}, { max_tokens: 10000000 })),
    page('created_after=2026-01-01T00:00:10Z&limit=200'),
    page('role=system,tool&limit=200'),
    page('run_id=run-a&limit=200'),
  ];
  let stop = false;
  let done = 0;
  const loops = Array.from({ length: 8 }, async (_, i) => {
    for (let k = i; !stop; k++) {
      const res = await expensive[k % expensive.length]();
      assert.equal(res.status, 200, `expensive request ${k % expensive.length}: ${res.status}`);
      done++;
    }
  });
  const times = [];
  const t0 = Date.now();
  while (Date.now() - t0 < 5000) {
    for (const path of ['/api/health', `${msgsPath(BIG)}?limit=20`]) {
      const s = Date.now();
      const res = await request('GET', path);
      assert.equal(res.status, 200);
      times.push(Date.now() - s);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  stop = true;
  await Promise.all(loops);
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`# ${done} expensive requests; others answered in median ${median} ms, worst ${times[times.length - 1]} ms`);
  assert.ok(done >= 8, 'the expensive loops ran');
  assert.ok(median < 500, `median ${median} ms`);
  assert.ok(times[times.length - 1] < 3000, `worst ${times[times.length - 1]} ms`);
});

htest('a batch answer stops at the 8 MiB cap with has_more when repeated items come back with large details', async () => {
  const owner = caller('bounds-batch');
  const t = await newThread(owner);
  const details = { blob: 'y'.repeat(900 * 1024) };
  const items = [];
  for (let i = 0; i < 10; i++) {
    const message_id = randomUUID();
    await createMessage(owner, t.id, { role: 'user', content: `b${i}`, message_id, details });
    items.push({ role: 'user', content: `b${i}`, message_id });
  }
  const res = await request('POST', `${msgsPath(t.id)}/batch`, json(owner.headers, { messages: items }));
  assert.equal(res.status, 201, res.text.slice(0, 200));
  assert.ok(Buffer.byteLength(res.text) <= 8 * 1024 * 1024, `${Buffer.byteLength(res.text)} bytes`);
  assert.equal(res.json.has_more, true);
  assert.ok(res.json.data.length >= 1 && res.json.data.length < 10);
  assert.deepEqual(res.json.data.map((m) => m.id), items.slice(0, res.json.data.length).map((m) => m.message_id));
  const small = await request('POST', `${msgsPath(t.id)}/batch`, json(owner.headers, { messages: [{ role: 'user', content: 'small' }] }));
  assert.deepEqual(Object.keys(small.json).sort(), ['data', 'object'], 'an answer under the cap has no has_more');
});

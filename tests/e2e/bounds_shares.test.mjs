// Bounded work of share links (API reference: tag shares) on the public
// thread of 1,000,000 messages (bounds_lib.mjs): making a link, reading the
// thread and a page of it through a live link and a snapshot, at the start
// and 900,000 messages deep, the HTML page, and the copy-on-write a change
// of a message a snapshot shows costs. MariaDB's read counters are read
// around each request, as the other bounds tests do. The big thread is
// left as it was: the message changed is changed back, and the links made
// here are revoked when the file ends.
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { request, bearer, signToken } from './lib.mjs';
import { socket, BIG, BIG_OWNER, N, SLACK, measured, buildFixture, listBody, sql } from './bounds_lib.mjs';
import { ANON, htest, json, setSharing, leaveSharingOff, msgPath } from './messages_lib.mjs';

const big = { sub: BIG_OWNER, headers: bearer(signToken({ sub: BIG_OWNER, exp: Math.floor(Date.now() / 1000) + 3600 })) };
const links = {};
let deepSeq;

async function make(mode) {
  const res = await request('POST', `/api/threads/${BIG}/shares`, json(big.headers, { mode }));
  assert.equal(res.status, 201, res.text);
  return res.json;
}

before(async () => {
  if (!socket) return;
  buildFixture({ many: false });
  await setSharing(true);
  links.live = await make('live');
  links.snapshot = await make('snapshot');
  deepSeq = 900000;
});
leaveSharingOff();
after(async () => {
  if (!socket) return;
  for (const s of Object.values(links)) await request('DELETE', `/api/shares/${s.id}`, { headers: big.headers });
});

const get = (path) => () => request('GET', path, { headers: ANON.headers });
const api = (mode, rest = '') => get(`/api/shared/${links[mode].token}${rest}`);

// [name, request, most rows besides SLACK, check]
const cases = [
  ['make a snapshot link (the thread locked, the links counted)', () => () => request('POST',
    `/api/threads/${BIG}/shares`, json(big.headers, { mode: 'snapshot' })), 20, (res) => {
    assert.equal(res.status, 201);
    links.extra = res.json;
  }],
  ['the thread through a live link', () => api('live'), 0,
    (res) => assert.equal(listBody(res, 'thread').message_count, N)],
  ['the first page of 20 through a live link', () => api('live', '/messages'), 21, (res) => {
    const b = listBody(res, 'live page');
    assert.equal(b.data[0].content.text, 'message 1');
    assert.equal(b.total, N);
  }],
  ['200 messages 900,000 deep through a live link', () => api('live', `/messages?limit=200&after=${deepSeq}`), 201,
    (res) => assert.equal(listBody(res, 'deep').data[0].seq, deepSeq + 1)],
  ['the last page, descending, through a snapshot', () => api('snapshot', '/messages?order=desc&limit=200'), 2 * 201,
    (res) => assert.equal(listBody(res, 'snap desc').data[0].seq, N)],
  ['200 messages 900,000 deep through a snapshot', () => api('snapshot', `/messages?limit=200&after=${deepSeq}`),
    2 * 201, (res) => assert.equal(listBody(res, 'snap deep').data[199].seq, deepSeq + 200)],
  ['the HTML page of a snapshot, 50 messages deep in the thread', () => get(`/s/${links.snapshot.token}?after=${deepSeq}`),
    2 * 51, (res) => {
      assert.equal(res.status, 200);
      assert.ok(res.text.includes(`message ${deepSeq + 50}`) && !res.text.includes(`message ${deepSeq + 51}<`));
    }],
  ['a change of a message two snapshots show (copy-on-write)', () => () => request('PATCH',
    msgPath(BIG, idOf(deepSeq + 1)), json(big.headers, { content: 'changed for the bounds test' })), 20,
  (res) => assert.equal(res.status, 200, res.text)],
  ['the snapshot page again: the saved version, not the change', () => api('snapshot', `/messages?limit=200&after=${deepSeq}`),
    2 * 201, (res) => assert.equal(listBody(res, 'snap saved').data[0].content.text, `message ${deepSeq + 1}`)],
];

// The fixture's id of message seq s (UNHEX(MD5(CONCAT('bounds', seq)))).
function idOf(s) {
  return sql(`SELECT LOWER(INSERT(INSERT(INSERT(INSERT(MD5(CONCAT('bounds', ${s})), 9, 0, '-'), 14, 0, '-'), 19, 0, '-'), 24, 0, '-'))`);
}

for (const [name, make, most, check] of cases) {
  htest(`shares bounded at 1,000,000 messages: ${name} reads at most ${most} rows + ${SLACK}`, async () => {
    const { res, rows } = await measured(make());
    check(res);
    console.log(`# shares ${name}: ${rows} rows read`);
    assert.ok(rows <= most + SLACK, `${name}: read ${rows} rows (at most ${most + SLACK})`);
  });
}

htest('shares bounds: the big thread is left as it was', async () => {
  const res = await request('PATCH', msgPath(BIG, idOf(deepSeq + 1)), json(big.headers, { content: `message ${deepSeq + 1}` }));
  assert.equal(res.status, 200, res.text);
  const live = listBody(await api('live', `/messages?limit=1&after=${deepSeq}`)(), 'restored');
  assert.equal(live.data[0].content.text, `message ${deepSeq + 1}`);
});

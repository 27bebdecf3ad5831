// Bounded work on the Knowledge Stack surface (/ks/v1): on the public
// thread of 1,000,000 messages (bounds_lib.mjs), each list and read reads
// at most the rows it returns, plus its offset, plus a small constant,
// whatever the page asks: limit, offset, the before cursor (in both SDKs'
// datetime forms), role, sort_dir. total is the thread's count from its
// counters, never a count of the rows before the cursor. The cursor is
// turned into a seq bound by a few index probes, so a page before it is a
// plain range; a role-filtered page counts each row twice: once in its
// index range, once by primary key.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before } from 'node:test';
import { request } from './lib.mjs';
import { socket, BIG, N, SLACK, measured, buildFixture, listBody } from './bounds_lib.mjs';
import { ANON, htest, setSharing, leaveSharingOff } from './messages_lib.mjs';

const path = `/ks/v1/threads/${BIG}/messages`;
const page = (query) => () => request('GET', `${path}?${query}`, { headers: ANON.headers });
// The fixture's message seq s: id MD5('bounds' + s), created T0 + s seconds.
const idOf = (seq) => createHash('md5').update(`bounds${seq}`).digest('hex')
  .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
const at = (seq) => new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString();
const q = encodeURIComponent;

before(async () => {
  if (!socket) return;
  buildFixture({ many: false });
  await setSharing(true);
});
leaveSharingOff();

const seqs = (b) => b.items.map((m) => m.sequence);

// Each case: the request, the most rows it may read, and what its answer must say.
const cases = [
  ['first page', page(''), 20,
    (b) => { assert.equal(b.total, N); assert.equal(b.items.length, 20); assert.equal(b.items[0].sequence, N); }],
  ['100 a page, without details', page('limit=100&with_details=false'), 100,
    (b) => { assert.equal(b.items.length, 100); assert.ok(b.items.every((m) => m.details === null)); }],
  ['oldest first', page('sort_dir=ASC&limit=100'), 100, (b) => assert.deepEqual(seqs(b).slice(0, 3), [1, 2, 3])],
  ['before the newest (TypeScript\'s toISOString)', page(`before=${q(at(N))}`), 21,
    (b) => { assert.equal(b.items[0].sequence, N - 1); assert.equal(b.total, N); }],
  ['before half way (Python\'s %z form)', page(`before=${q(at(500000).replace('Z', '000+0000'))}`), 21,
    (b) => { assert.equal(b.items[0].sequence, 499999); assert.equal(b.items.length, 20); }],
  ['before early in the thread', page(`before=${q(at(100))}&limit=100`), 100,
    (b) => { assert.deepEqual([b.items[0].sequence, b.items.length], [99, 99]); assert.equal(b.total, N); }],
  ['before half way, oldest first', page(`before=${q(at(500000))}&sort_dir=ASC`), 21,
    (b) => assert.deepEqual(seqs(b).slice(0, 2), [1, 2])],
  ['before half way, 100 a page, offset 1,000', page(`before=${q(at(500000))}&limit=100&offset=1000`), 1101,
    (b) => assert.equal(b.items[0].sequence, 498999)],
  ['role=SYSTEM: ten in a million', page('role=SYSTEM&limit=100'), 10 + 10,
    (b) => { assert.equal(b.items.length, 10); assert.equal(b.total, 10); }],
  ['role=ASSISTANT (assistant and tool), 100 a page', page('role=ASSISTANT&limit=100'), 2 * 101 + 101,
    (b) => { assert.equal(b.items.length, 100); assert.ok(b.items.every((m) => m.role === 'ASSISTANT')); }],
  ['role=USER before half way, oldest first', page(`role=USER&sort_dir=ASC&before=${q(at(500000))}`), 2 * 21 + 21,
    (b) => assert.ok(b.items.every((m) => m.role === 'USER'))],
  ['offset 5,000', page('offset=5000&limit=20'), 5021 + 21,
    (b) => { assert.equal(b.items[0].sequence, N - 5000); assert.equal(b.offset, 5000); }],
  ['one message 999,900 deep', () => request('GET', `${path}/${idOf(100)}`, { headers: ANON.headers }), 2,
    (b) => assert.equal(b.sequence, 100)],
];

for (const [name, make, most, check] of cases) {
  htest(`/ks at 1,000,000 messages: ${name} reads at most ${most} rows + ${SLACK}`, async () => {
    const { res, rows } = await measured(make);
    check(listBody(res, name));
    console.log(`# /ks ${name}: ${rows} rows read`);
    assert.ok(rows <= most + SLACK, `${name}: read ${rows} rows (at most ${most + SLACK})`);
  });
}

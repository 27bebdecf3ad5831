// Bounded work on the arena surface: on the public thread of 1,000,000
// messages (bounds_lib.mjs: a system message every 100,000, else a user
// prompt and a single-model answer in turn), a page of N turns reads one
// /api page of at most 3N + 1 messages, plus the peek beyond it, plus a
// small constant, however deep its cursor.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before } from 'node:test';
import { request } from './lib.mjs';
import { socket, BIG, N, SLACK, measured, buildFixture, listBody } from './bounds_lib.mjs';
import { ANON, htest, leaveSharingOff, setSharing } from './messages_lib.mjs';

// The fixture's id of message seq s (UNHEX(MD5(CONCAT('bounds', seq)))).
const idOf = (s) => createHash('md5').update(`bounds${s}`).digest('hex')
  .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
const page = (query) => () => request('GET', `/arena/api/threads/${BIG}/messages${query ? `?${query}` : ''}`,
  { headers: ANON.headers });
// The messages a page of `turns` may read: its window of 3 * turns + 1 and the peek.
const window = (turns) => 3 * turns + 2;

before(async () => {
  if (!socket) return;
  buildFixture({ many: false });
  await setSharing(true);
});
leaveSharingOff();

const cases = [
  ['first page (50 turns by default)', page(''), window(50), (b) => {
    assert.equal(b.items.length, 50);
    assert.equal(b.items[0].prompt_text, 'message 2', 'the system message at seq 1 is no turn');
    assert.equal(b.items[0].model1_response, 'message 3');
    assert.equal(b.has_more, true);
    assert.equal(b.next_cursor, idOf(101));
  }],
  ['one turn', page('limit=1'), window(1), (b) => {
    assert.equal(b.items.length, 1);
    assert.equal(b.next_cursor, idOf(3));
  }],
  ['50 turns from a cursor 900,000 deep', page(`cursor=${idOf(900001)}`), window(50), (b) => {
    assert.equal(b.items.length, 50);
    assert.equal(b.items[0].prompt_text, 'message 900002');
    assert.equal(b.items[49].model1_response, 'message 900101');
  }],
  ['the last turns, at the thread\'s end', page(`cursor=${idOf(N - 3)}`), window(50), (b) => {
    assert.deepEqual(b.items.map((t) => t.prompt_text), [`message ${N - 2}`, `message ${N}`]);
    assert.equal(b.items[1].model1_response, null, 'the newest prompt has no answer yet');
    assert.equal(b.has_more, false);
    assert.equal(b.next_cursor, null);
  }],
];

for (const [name, make, most, check] of cases) {
  htest(`arena bounded at 1,000,000 messages: ${name} reads at most ${most} rows + ${SLACK}`, async () => {
    const { res, rows } = await measured(make);
    check(listBody(res, name));
    console.log(`# arena ${name}: ${rows} rows read`);
    assert.ok(rows <= most + SLACK, `${name}: read ${rows} rows (at most ${most + SLACK})`);
  });
}

// Bounded work on the agent platform's routes (the contract's "Bounds"): the
// million-message thread of bounds_lib.mjs, put for this file into an agent
// namespace (its namespace is restored after), read through each list route,
// with and without the app segment. Each request may read its page, plus
// SLACK (the thread, the flag, a cursor); the context its messages plus one
// page (TS_CONTEXT_PAGE). The context takes system messages first by
// default (include_system true); its other messages are then a filtered
// range (every role but system), whose rows MariaDB counts twice (the
// index range, then the row), as for /api's filtered pages: that bound is
// twice the messages plus a page.
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { request } from './lib.mjs';
import { socket, BIG, N, SLACK, sql, measured, buildFixture, listBody } from './bounds_lib.mjs';
import { ANON, json, setSharing, leaveSharingOff, htest } from './messages_lib.mjs';

const CONTEXT_PAGE = 50;
const WITH_APP = '/v1/orgs/bounds/workspaces/ws/apps/app/namespaces/big';
const WITHOUT_APP = '/v1/orgs/bounds/workspaces/ws/namespaces/big';
let saved;

const setNamespace = (ns) => sql(`UPDATE threads SET namespace = '${ns}', page_version = page_version + 1
  WHERE id = UNHEX('${BIG.replace(/-/g, '')}')`);

before(async () => {
  if (!socket) return;
  buildFixture({ many: false });
  saved = sql(`SELECT namespace FROM threads WHERE id = UNHEX('${BIG.replace(/-/g, '')}')`);
  await setSharing(true);
});
leaveSharingOff();
after(() => {
  if (socket && saved !== undefined) setNamespace(saved);
});

let deepId;
const list = (prefix, q) => () => request('GET', `${prefix}/threads/${BIG}/messages${q ? `?${q}` : ''}`, { headers: ANON.headers });
const context = (prefix, body) => () => request('POST', `${prefix}/threads/${BIG}/messages/context`, json(ANON.headers, body));

const cases = [
  ['list, first page (50, oldest first)', (pfx) => list(pfx, ''), 50,
    (b) => { assert.equal(b.total, N); assert.equal(b.messages.length, 50); assert.equal(b.messages[0].content, 'message 1'); }],
  ['list, 200 newest first', (pfx) => list(pfx, 'ascending=false&limit=200'), 200,
    (b) => { assert.equal(b.messages.length, 200); assert.equal(b.messages[0].content, `message ${N}`); }],
  ['list, 200 from a cursor 800,000 deep', (pfx) => list(pfx, `limit=200&cursor=${deepId}`), 200,
    (b) => { assert.equal(b.messages.length, 200); assert.ok(b.has_more); }],
  ['list, 200 newest first from a cursor', (pfx) => list(pfx, `ascending=false&limit=200&cursor=${deepId}`), 200,
    (b) => assert.equal(b.messages.length, 200)],
  ['context, max_messages 100 (system first, the default)', (pfx) => context(pfx, { max_messages: 100 }),
    2 * (100 + CONTEXT_PAGE + 1),
    (b) => { assert.equal(b.message_count, 100); assert.ok(b.truncated); assert.equal(b.messages[0].role, 'system'); }],
  ['context, max_messages 1000 without system first', (pfx) => context(pfx, { max_messages: 1000, include_system: false }),
    1000 + CONTEXT_PAGE,
    (b) => { assert.equal(b.message_count, 1000); assert.equal(b.messages[999].content, `message ${N}`); }],
  ['context, a budget of 500 tokens', (pfx) => context(pfx, { max_tokens: 500, include_system: false }), 500 / 3 + CONTEXT_PAGE,
    (b) => { assert.ok(b.message_count > 0); assert.ok(b.truncated); }],
];

for (const [form, prefix, ns] of [['with the app', WITH_APP, 'bounds/ws/app/big'], ['without the app', WITHOUT_APP, 'bounds/ws/big']]) {
  for (const [name, make, page, check] of cases) {
    htest(`agent ${form}: ${name} reads at most its page plus ${SLACK}`, async () => {
      setNamespace(ns);
      if (deepId === undefined) {
        const hex = sql(`SELECT LOWER(HEX(id)) FROM messages WHERE thread_id = UNHEX('${BIG.replace(/-/g, '')}') AND seq = 200000`);
        deepId = hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
      }
      const { res, rows } = await measured(make(prefix));
      const b = listBody(res, name);
      check(b);
      console.log(`# agent ${form}, ${name}: ${rows} rows read (bound ${Math.ceil(page) + SLACK})`);
      assert.ok(rows <= page + SLACK, `${name}: ${rows} rows read`);
    });
  }
}

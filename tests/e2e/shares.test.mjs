// Share links through nginx (API reference: tag shares): who may make, list
// and revoke them; what a link's holder reads, in every visibility, with
// public_sharing on and off, live and snapshot; that expired, revoked and
// unknown links and links of deleted threads answer one and the same 404;
// that a snapshot keeps showing what it showed, whatever happens to the
// thread afterwards; and that a link never writes.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  APACHE, env, request, assertError, assertJsonOk, assertValidation, bearer, needsHarness,
} from './lib.mjs';
import {
  ANON, caller, json, htest, newThread, createMessage, createBatch, setSharing, leaveSharingOff, msgPath, msgsPath,
  threadPath, sleep, UUID,
} from './messages_lib.mjs';
import {
  SHARED_THREAD_KEYS, SHARE_KEYS, makeShare, sharedPath, pagePath, sharedMessages, sharedTexts, revoke,
  withoutRequestId,
} from './shares_lib.mjs';

const owner = caller('share-owner');
const other = caller('share-other');
const VISIBILITIES = ['private', 'unlisted', 'public'];

function sql(query) {
  return execFileSync('mariadb', ['--no-defaults', '-uroot', '-S', env.TS_MYSQL_SOCKET, '-N', '-B', env.TS_DB_NAME,
    '-e', query], { encoding: 'utf8' }).trim();
}

// A thread of the owner's with three messages.
async function sharedThread(visibility = 'private') {
  const t = await newThread(owner, { title: `shared ${visibility}`, visibility });
  const msgs = await createBatch(owner, t.id, [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'first question' },
    { role: 'assistant', content: 'first answer' },
  ]);
  return { t, msgs };
}

before(async () => {
  if (!needsHarness) await setSharing(true);
});
leaveSharingOff();

// ------------------------------------------------------------ the owner's routes

htest('shares: the owner makes live and snapshot links; the token is answered once', async () => {
  const { t } = await sharedThread();
  const live = await makeShare(owner, t.id, { mode: 'live' });
  const snap = await makeShare(owner, t.id, { mode: 'snapshot', expires_at: new Date(Date.now() + 3600e3).toISOString() });
  assert.equal(live.mode, 'live');
  assert.equal(snap.mode, 'snapshot');
  assert.equal(live.thread_id, t.id);
  assert.notEqual(live.token, snap.token);
  assert.ok(snap.expires_at > new Date().toISOString());
  // The listings never show a token or a url.
  for (const path of [`/api/threads/${t.id}/shares`, '/api/shares']) {
    const b = assertJsonOk(await request('GET', path, { headers: owner.headers }), 200, path);
    assert.equal(b.object, 'list');
    for (const s of b.data) assert.deepEqual(Object.keys(s).sort(), SHARE_KEYS);
    assert.ok(b.data.some((s) => s.id === live.id) && b.data.some((s) => s.id === snap.id), path);
    assert.ok(!JSON.stringify(b).includes(live.token));
  }
  // Newest first, by default; the thread's listing has only its links.
  const own = assertJsonOk(await request('GET', `/api/threads/${t.id}/shares`, { headers: owner.headers }), 200);
  assert.deepEqual(own.data.map((s) => s.id), [snap.id, live.id]);
  // Paging with after/before like the other listings.
  const p1 = assertJsonOk(await request('GET', `/api/threads/${t.id}/shares?limit=1`, { headers: owner.headers }));
  assert.equal(p1.has_more, true);
  const p2 = assertJsonOk(await request('GET', `/api/threads/${t.id}/shares?limit=1&cursor=${p1.next_cursor}`,
    { headers: owner.headers }));
  assert.deepEqual(p2.data.map((s) => s.id), [live.id]);
  assert.equal(p2.has_more, false);
  // The database keeps no token: only its hash.
  const stored = sql(`SELECT HEX(token_hash) FROM shares WHERE id = UNHEX('${live.id.replace(/-/g, '')}')`);
  assert.match(stored, /^[0-9A-F]{64}$/);
  assert.equal(sql(`SELECT COUNT(*) FROM shares WHERE token_hash = '${live.token}'`), '0');
});

htest('shares: making a link is the owner\'s: 404 no thread, 401 anonymous, 403 another user', async () => {
  const { t } = await sharedThread('public');
  const body = { mode: 'live' };
  assertError(await request('POST', `/api/threads/${randomUUID()}/shares`, json(owner.headers, body)), 404, 'NOT_FOUND');
  assertError(await request('POST', `/api/threads/${t.id}/shares`, json({}, body)), 401, 'UNAUTHORIZED');
  assertError(await request('POST', `/api/threads/${t.id}/shares`, json(other.headers, body)), 403, 'FORBIDDEN');
  // The thread and the caller come before the body's 422.
  assertError(await request('POST', `/api/threads/${t.id}/shares`, json(other.headers, { mode: 'x' })), 403, 'FORBIDDEN');
  assertError(await request('POST', `/api/threads/${t.id}/shares`, { headers: owner.headers }), 400, 'INVALID_JSON');
  assertError(await request('POST', '/api/threads/not-a-uuid/shares', json(owner.headers, body)), 400, 'INVALID_ID');
  for (const path of [`/api/threads/${t.id}/shares`]) {
    assertError(await request('GET', path, { headers: {} }), 401, 'UNAUTHORIZED');
    assertError(await request('GET', path, { headers: other.headers }), 403, 'FORBIDDEN');
  }
  assertError(await request('GET', '/api/shares', { headers: {} }), 401, 'UNAUTHORIZED');
  // Another user's listing of their own links does not show the owner's.
  const mine = assertJsonOk(await request('GET', '/api/shares', { headers: other.headers }));
  assert.ok(mine.data.every((s) => s.thread_id !== t.id));
});

htest('shares: the create body: mode required, expires_at in the future and within 366 days, nothing else', async () => {
  const { t } = await sharedThread();
  const bad = [
    [{}, ['body', 'mode']],
    [{ mode: 'frozen' }, ['body', 'mode']],
    [{ mode: null }, ['body', 'mode']],
    [{ mode: 'live', expires_at: 'tomorrow' }, ['body', 'expires_at']],
    [{ mode: 'live', expires_at: 12 }, ['body', 'expires_at']],
    [{ mode: 'live', expires_at: new Date(Date.now() - 1000).toISOString() }, ['body', 'expires_at']],
    [{ mode: 'live', expires_at: new Date(Date.now() + 367 * 86400e3).toISOString() }, ['body', 'expires_at']],
    [{ mode: 'live', token: 'mine' }, ['body', 'token']],
    [[], ['body']],
  ];
  for (const [body, loc] of bad) {
    assertValidation(await request('POST', `/api/threads/${t.id}/shares`, json(owner.headers, body)), loc,
      JSON.stringify(body));
  }
  const s = await makeShare(owner, t.id, { mode: 'snapshot', expires_at: null });
  assert.equal(s.expires_at, null);
  // Cursors of the listings must name a link of that listing.
  const { t: t2 } = await sharedThread();
  assertValidation(await request('GET', `/api/threads/${t2.id}/shares?after=${s.id}`, { headers: owner.headers }),
    ['query', 'after']);
  assertValidation(await request('GET', `/api/shares?after=${s.id}`, { headers: other.headers }), ['query', 'after']);
});

htest('shares: at most 20 links of a thread are not revoked; revoking one makes room', async () => {
  const { t } = await sharedThread();
  const made = [];
  for (let i = 0; i < 20; i++) made.push(await makeShare(owner, t.id, { mode: i % 2 ? 'snapshot' : 'live' }));
  assertError(await request('POST', `/api/threads/${t.id}/shares`, json(owner.headers, { mode: 'live' })), 409, 'CONFLICT');
  await revoke(owner, made[0].id);
  await makeShare(owner, t.id, { mode: 'live' });
});

htest('shares: revoking is the owner\'s, at once, and stays done', async () => {
  const { t } = await sharedThread();
  const s = await makeShare(owner, t.id);
  assertJsonOk(await request('GET', sharedPath(s.token)), 200);
  assertError(await request('DELETE', `/api/shares/${s.id}`, {}), 401, 'UNAUTHORIZED');
  assertError(await request('DELETE', `/api/shares/${s.id}`, { headers: other.headers }), 403, 'FORBIDDEN');
  assertError(await request('DELETE', `/api/shares/${randomUUID()}`, { headers: owner.headers }), 404, 'NOT_FOUND');
  assertError(await request('DELETE', '/api/shares/nope', { headers: owner.headers }), 400, 'INVALID_ID');
  await revoke(owner, s.id);
  // The very next request: gone.
  assertError(await request('GET', sharedPath(s.token)), 404, 'NOT_FOUND');
  assert.equal((await request('GET', pagePath(s.token))).status, 404);
  await revoke(owner, s.id);
  const listed = assertJsonOk(await request('GET', `/api/threads/${t.id}/shares`, { headers: owner.headers }));
  assert.match(listed.data.find((x) => x.id === s.id).revoked_at, /Z$/);
});

// ------------------------------------------------------------ reading through a link

// What the link's reader gets: [sharing, caller] -> status. The thread's
// visibility never matters (API reference: tag shares).
const READ_TABLE = [
  [true, 'owner', 200], [true, 'other', 200], [true, 'anonymous', 200],
  [false, 'owner', 200], [false, 'other', 403], [false, 'anonymous', 403],
];
const WHO = { owner, other, anonymous: ANON };

htest('shares: a link reads its thread whatever the visibility, while sharing is on; off, only the owner', async () => {
  const links = [];
  for (const v of VISIBILITIES) {
    const { t } = await sharedThread(v);
    for (const mode of ['live', 'snapshot']) links.push({ v, mode, s: await makeShare(owner, t.id, { mode }) });
  }
  try {
    for (const [sharing, who, status] of READ_TABLE) {
      await setSharing(sharing);
      for (const { v, mode, s } of links) {
        const what = `sharing ${sharing}, ${who}, ${v}, ${mode}`;
        for (const path of [sharedPath(s.token), sharedPath(s.token, '/messages'), pagePath(s.token)]) {
          const res = await request('GET', path, { headers: WHO[who].headers });
          assert.equal(res.status, status, `${what} ${path}: ${res.text.slice(0, 200)}`);
          if (path.startsWith('/api') && status === 403) assertError(res, 403, 'PUBLIC_SHARING_DISABLED', what);
        }
        if (status !== 200) continue;
        const th = assertJsonOk(await request('GET', sharedPath(s.token), { headers: WHO[who].headers }));
        assert.deepEqual(Object.keys(th).sort(), SHARED_THREAD_KEYS, what);
        assert.equal(th.object, 'shared.thread');
        assert.equal(th.mode, mode);
        assert.equal(th.title, `shared ${v}`);
        assert.equal(th.message_count, 3);
        // Nothing of the owner, nor the thread's id, reaches the reader.
        const page = assertJsonOk(await sharedMessages(s.token, '', WHO[who].headers));
        const all = JSON.stringify(th) + JSON.stringify(page) + (await request('GET', pagePath(s.token))).text;
        assert.ok(!all.includes(owner.sub), `${what}: the owner's id shows`);
        assert.ok(!all.includes(s.thread_id), `${what}: the thread's id shows`);
      }
    }
  } finally {
    await setSharing(true);
  }
});

htest('shares: a page of shared messages is the list envelope, paged by seq, oldest first', async () => {
  const t = await newThread(owner, { title: 'paged' });
  await createBatch(owner, t.id, Array.from({ length: 25 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` })));
  const s = await makeShare(owner, t.id, { mode: 'snapshot' });
  const p1 = assertJsonOk(await sharedMessages(s.token, 'limit=10'));
  assert.deepEqual(Object.keys(p1).sort(), ['data', 'first_id', 'has_more', 'last_id', 'next_cursor', 'object', 'total']);
  assert.equal(p1.total, 25);
  assert.deepEqual(p1.data.map((m) => m.content.text), Array.from({ length: 10 }, (_, i) => `m${i}`));
  assert.equal(p1.next_cursor, String(p1.data[9].seq));
  for (const m of p1.data) {
    assert.equal(m.object, 'shared.message');
    assert.equal(m.thread_id, undefined);
    assert.match(m.id, UUID);
  }
  const p3 = assertJsonOk(await sharedMessages(s.token, `limit=10&after=${p1.data[9].seq + 10}`));
  assert.deepEqual(p3.data.map((m) => m.content.text), ['m20', 'm21', 'm22', 'm23', 'm24']);
  assert.equal(p3.has_more, false);
  assert.equal(p3.next_cursor, null);
  const back = assertJsonOk(await sharedMessages(s.token, `limit=3&before=${p3.data[0].seq}`));
  assert.deepEqual(back.data.map((m) => m.content.text), ['m17', 'm18', 'm19']);
  assert.equal(back.has_more, true);
  const desc = assertJsonOk(await sharedMessages(s.token, 'limit=2&order=desc'));
  assert.deepEqual(desc.data.map((m) => m.content.text), ['m24', 'm23']);
  for (const [q, loc] of [['limit=0', 'limit'], ['limit=201', 'limit'], ['after=x', 'after'], ['cursor=-1', 'cursor'],
    ['order=up', 'order'], ['after=1&before=3', 'before']]) {
    assertValidation(await sharedMessages(s.token, q), ['query', loc], q);
  }
  // The link first: a bad query on a dead link is its 404.
  assertError(await sharedMessages('A'.repeat(43), 'limit=0'), 404, 'NOT_FOUND');
});

// ------------------------------------------------------------ snapshot and live

htest('shares: a snapshot shows the messages as they were when made; a live link shows them as they are', async () => {
  const { t, msgs } = await sharedThread();
  const snap = await makeShare(owner, t.id, { mode: 'snapshot' });
  const live = await makeShare(owner, t.id, { mode: 'live' });
  const before1 = ['be brief', 'first question', 'first answer'];
  assert.deepEqual(await sharedTexts(snap.token), before1);
  // Change one (twice), delete another, add a new one, retitle the thread.
  for (const text of ['edited once', 'edited twice']) {
    assertJsonOk(await request('PATCH', msgPath(t.id, msgs[1].id), json(owner.headers, { content: text })));
  }
  assert.equal((await request('DELETE', msgPath(t.id, msgs[2].id), { headers: owner.headers })).status, 204);
  await createMessage(owner, t.id, { role: 'user', content: 'a later question' });
  assertJsonOk(await request('PATCH', threadPath(t.id), json(owner.headers, { title: 'renamed' })));
  assert.deepEqual(await sharedTexts(snap.token), before1);
  assert.deepEqual(await sharedTexts(live.token), ['be brief', 'edited twice', 'a later question']);
  const st = assertJsonOk(await request('GET', sharedPath(snap.token)));
  assert.equal(st.title, 'shared private');
  assert.equal(st.message_count, 3);
  const lt = assertJsonOk(await request('GET', sharedPath(live.token)));
  assert.equal(lt.title, 'renamed');
  assert.equal(lt.message_count, 3);
  // A second snapshot, made now, shows the thread as it is now; the first
  // still shows it as it was.
  const snap2 = await makeShare(owner, t.id, { mode: 'snapshot' });
  assertJsonOk(await request('PATCH', msgPath(t.id, msgs[0].id), json(owner.headers, { content: 'be long' })));
  assert.deepEqual(await sharedTexts(snap2.token), ['be brief', 'edited twice', 'a later question']);
  assert.deepEqual(await sharedTexts(snap.token), before1);
  // The page shows the same.
  const html = (await request('GET', pagePath(snap.token))).text;
  assert.ok(html.includes('first answer') && !html.includes('edited'), 'the page shows the snapshot');
  // Clearing the thread: the live link shows nothing, the snapshots keep
  // their messages, and the purge leaves the rows they show alone.
  assert.equal((await request('DELETE', msgsPath(t.id), { headers: owner.headers })).status, 204);
  assert.deepEqual(await sharedTexts(live.token), []);
  assert.deepEqual(await sharedTexts(snap.token), before1);
  assert.deepEqual(await sharedTexts(snap2.token), ['be brief', 'edited twice', 'a later question']);
  await sleep(2500);  // the workers' purge looks every second
  const hex = t.id.replace(/-/g, '');
  assert.equal(sql(`SELECT COUNT(*) FROM message_purges WHERE thread_id = UNHEX('${hex}')`), '1', 'the purge waits');
  assert.deepEqual(await sharedTexts(snap.token), before1);
  // Once the snapshots are revoked, the purge goes on (their saved
  // versions too).
  await revoke(owner, snap.id);
  await revoke(owner, snap2.id);
  for (let i = 0; i < 50 && sql(`SELECT COUNT(*) FROM messages WHERE thread_id = UNHEX('${hex}')`) !== '0'; i++) {
    await sleep(200);
  }
  assert.equal(sql(`SELECT COUNT(*) FROM messages WHERE thread_id = UNHEX('${hex}')`), '0', 'purged after revoke');
  const shareRows = sql(`SELECT GROUP_CONCAT(row_id) FROM shares WHERE id IN (UNHEX('${snap.id.replace(/-/g, '')}'),
    UNHEX('${snap2.id.replace(/-/g, '')}'))`);
  for (let i = 0; i < 50 && sql(`SELECT COUNT(*) FROM share_versions WHERE share_row_id IN (${shareRows})`) !== '0'; i++) {
    await sleep(200);
  }
  assert.equal(sql(`SELECT COUNT(*) FROM share_versions WHERE share_row_id IN (${shareRows})`), '0');
});

htest('shares: a message_id used again after a clear keeps the snapshot\'s copy', async () => {
  const t = await newThread(owner, {});
  const mid = randomUUID();
  await createMessage(owner, t.id, { role: 'user', content: 'original', message_id: mid });
  const snap = await makeShare(owner, t.id, { mode: 'snapshot' });
  assert.equal((await request('DELETE', msgsPath(t.id), { headers: owner.headers })).status, 204);
  await createMessage(owner, t.id, { role: 'user', content: 'reused id', message_id: mid });
  assert.deepEqual(await sharedTexts(snap.token), ['original']);
});

// ------------------------------------------------------------ links that do not work

htest('shares: expired, revoked, unknown and malformed links, and links of deleted threads, are one 404', async () => {
  const { t } = await sharedThread('public');
  const expiring = await makeShare(owner, t.id, { mode: 'live', expires_at: new Date(Date.now() + 3600e3).toISOString() });
  const revoked = await makeShare(owner, t.id, { mode: 'snapshot' });
  const { t: doomed } = await sharedThread('public');
  const orphan = await makeShare(owner, doomed.id, { mode: 'snapshot' });
  assertJsonOk(await request('GET', sharedPath(expiring.token)), 200);
  await revoke(owner, revoked.id);
  assert.equal((await request('DELETE', threadPath(doomed.id), { headers: owner.headers })).status, 204);
  // A thread made again with the deleted one's id is another thread.
  await newThread(owner, { id: doomed.id, visibility: 'public' });
  // Its time comes: moved to a second ago by the database's clock, which
  // decides (a real wait would race a loaded machine).
  sql(`UPDATE shares SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = UNHEX('${expiring.id.replace(/-/g, '')}')`);
  const dead = {
    expired: expiring.token,
    revoked: revoked.token,
    'deleted thread': orphan.token,
    unknown: `${revoked.token.slice(0, 20)}${revoked.token[20] === 'A' ? 'B' : 'A'}${revoked.token.slice(21)}`,
    'non-canonical': `${revoked.token.slice(0, 42)}B`,
    short: revoked.token.slice(0, 42),
    long: `${revoked.token}A`,
    'bad characters': `${revoked.token.slice(0, 42)}.`,
  };
  const bodies = { api: new Set(), messages: new Set(), page: new Set() };
  for (const [what, token] of Object.entries(dead)) {
    for (const who of [owner, other, ANON]) {
      const a = await request('GET', sharedPath(token), { headers: who.headers });
      assertError(a, 404, 'NOT_FOUND', what);
      bodies.api.add(withoutRequestId(a.text));
      const m = await sharedMessages(token, 'limit=5', who.headers);
      assertError(m, 404, 'NOT_FOUND', what);
      bodies.messages.add(withoutRequestId(m.text));
      const p = await request('GET', pagePath(token), { headers: who.headers });
      assert.equal(p.status, 404, what);
      bodies.page.add(p.text);
    }
  }
  for (const [k, set] of Object.entries(bodies)) assert.equal(set.size, 1, `${k}: one body for every dead link`);
  // The listing still knows them.
  const listed = assertJsonOk(await request('GET', '/api/shares?limit=200', { headers: owner.headers }));
  assert.match(listed.data.find((x) => x.id === orphan.id).revoked_at, /Z$/, 'deleting the thread revoked its link');
  assert.equal(listed.data.find((x) => x.id === expiring.id).revoked_at, null);
});

htest('shares: a link never writes, and is no credential', async () => {
  const { t, msgs } = await sharedThread('private');
  const s = await makeShare(owner, t.id, { mode: 'live' });
  for (const [method, path] of [['POST', sharedPath(s.token)], ['PATCH', sharedPath(s.token)],
    ['DELETE', sharedPath(s.token)], ['POST', sharedPath(s.token, '/messages')], ['DELETE', sharedPath(s.token, '/messages')],
    ['POST', pagePath(s.token)], ['DELETE', pagePath(s.token)]]) {
    const res = await request(method, path, json({}, { role: 'user', content: 'injected' }));
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
  }
  // As a bearer token it is refused, as any token that is not a JWT.
  for (const path of [msgsPath(t.id), threadPath(t.id)]) {
    assertError(await request('GET', path, { headers: bearer(s.token) }), 401, 'INVALID_TOKEN');
  }
  assertError(await request('POST', msgsPath(t.id), json(bearer(s.token), { role: 'user', content: 'x' })), 401,
    'INVALID_TOKEN');
  // The thread is still private to everyone else, link or no link.
  assertError(await request('GET', threadPath(t.id), { headers: other.headers }), 403, 'FORBIDDEN');
  assertError(await request('GET', msgPath(t.id, msgs[0].id), {}), 401, 'UNAUTHORIZED');
  assert.deepEqual(await sharedTexts(s.token), ['be brief', 'first question', 'first answer']);
});

htest('shares: the page carries its security headers, and a HEAD is the GET without a body', async () => {
  const { t } = await sharedThread();
  const s = await makeShare(owner, t.id, { mode: 'live' });
  for (const token of [s.token, 'nope']) {
    const res = await request('GET', pagePath(token));
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(res.headers.get('content-security-policy'),
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]{43}='; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    assert.ok(!/<script/i.test(res.text));
    const head = await request('HEAD', pagePath(token));
    assert.equal(head.status, res.status);
    assert.equal(head.text, '');
    assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(res.text)));
  }
  // The stylesheet's hash is the one the policy names.
  const res = await request('GET', pagePath(s.token));
  const css = res.text.match(/<style>([^<]*)<\/style>/)[1];
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256').update(css).digest('base64');
  assert.ok(res.headers.get('content-security-policy').includes(`'sha256-${hash}'`));
});

htest('shares: the page escapes every message and keeps line breaks and fenced code', async () => {
  const t = await newThread(owner, { title: 'Tags <b>&</b> "quotes"' });
  await createBatch(owner, t.id, [
    { role: 'user', content: '<script>alert(1)</script>\n<img src=x onerror=alert(2)>\n[x](javascript:alert(3))' },
    { role: 'assistant', content: 'Code:\n```html\n<a href="javascript:alert(4)">&amp;</a>\n```\nsee https://example.org/?a=1&b=<2>' },
  ]);
  const s = await makeShare(owner, t.id, { mode: 'snapshot' });
  const html = (await request('GET', pagePath(s.token))).text;
  assert.ok(!html.includes('<script>alert') && !html.includes('<img') && !html.includes('href="javascript'));
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;\n&lt;img src=x onerror=alert(2)&gt;'));
  assert.ok(html.includes('<title>Tags &lt;b&gt;&amp;&lt;/b&gt; &quot;quotes&quot;</title>'));
  assert.ok(html.includes('<meta property="og:description" content="&lt;script&gt;alert(1)&lt;/script&gt; &lt;img'));
  assert.ok(html.includes('<div class="lang">html</div><pre><code>&lt;a href=&quot;javascript:alert(4)&quot;&gt;&amp;amp;&lt;/a&gt;</code></pre>'));
  assert.ok(html.includes('<a href="https://example.org/?a=1&amp;b=" rel="nofollow noopener noreferrer ugc">'));
});

// As tests/e2e/apache.test.mjs: scripts/test records Apache as SKIPPED
// when its user cannot reach the socket.
test('shares: Apache serves the page under the mount point too, with threadstore\'s headers', {
  skip: needsHarness || (!APACHE && 'needs TS_APACHE_URL (Apache started by scripts/test)'),
}, async () => {
  const { t } = await sharedThread();
  const s = await makeShare(owner, t.id, { mode: 'live' });
  const ok = await request('GET', pagePath(s.token), { base: APACHE });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(ok.headers.get('content-security-policy'), /^default-src 'none'; style-src 'sha256-/);
  assert.equal(ok.headers.get('referrer-policy'), 'no-referrer');
  assert.ok(ok.text.includes('first question'));
  const dead = await request('GET', pagePath('A'.repeat(43)), { base: APACHE });
  assert.equal(dead.status, 404);
  assert.equal(dead.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(dead.text, (await request('GET', pagePath('A'.repeat(43)))).text);
  assertJsonOk(await request('GET', sharedPath(s.token), { base: APACHE }), 200);
});

htest('shares: no token reaches the access log, whatever path it came in', async () => {
  const { t } = await sharedThread();
  const s = await makeShare(owner, t.id, { mode: 'live' });
  const paths = [pagePath(s.token), sharedPath(s.token), sharedPath(s.token, '/messages?limit=1'),
    `${pagePath(s.token)}/extra`, `/api/shared/${s.token}/x/y`];
  const logStart = readFileSync(env.TS_LOG_FILE).length;
  for (const path of paths) await request('GET', path);
  // A worker's lines reach the log on the master's next turn (0.2 s): wait
  // for this test's own, then look at all of it.
  const ours = () => readFileSync(env.TS_LOG_FILE).subarray(logStart).toString('utf8');
  for (let i = 0; i < 40 && (ours().match(/ access method=GET /g) ?? []).length < paths.length; i++) {
    await sleep(50);
  }
  assert.ok((ours().match(/ access method=GET /g) ?? []).length >= paths.length, `the access lines did not arrive:\n${ours()}`);
  const log = readFileSync(env.TS_LOG_FILE, 'utf8');
  assert.ok(!log.includes(s.token), 'a token in the log');
  assert.ok(!log.includes(s.token.slice(0, 20)), 'part of a token in the log');
  assert.ok(log.includes('path="/s/{token}"') && log.includes('path="/api/shared/{token}/messages"'));
});

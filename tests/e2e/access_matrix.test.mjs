// The access matrix on the thread routes, through nginx. The read cases
// are generated from a table copied from the documentation
// (API reference: The access matrix), not from the code: if a case fails,
// the program disagrees with what it documents.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';

import {
  assertError, assertJsonOk, assertValidation, needsHarness, request, signToken,
} from './lib.mjs';
import {
  NIL_UUID, assertPage, assertThread, createThread, json, rawJson, runTag, setSharing, user, walk,
} from './threads_lib.mjs';

const run = runTag();
const owner = user(`acc-owner-${run}`);
const other = user(`acc-other-${run}`);
const admin = user(`acc-admin-${run}`, { admin: true });
const anonymous = { sub: null, h: {} };
const skip = needsHarness;
const CALLERS = { anonymous, owner, other, admin };
const VISIBILITIES = ['public', 'unlisted', 'private'];

// The read table of the access matrix, one line per row.
//   [public_sharing, visibility, caller, status]
// "public or unlisted" and "any" are expanded below.
const SPEC_TABLE = [
  ['on', 'public', 'anonymous', 200],
  ['on', 'unlisted', 'anonymous', 200],
  ['on', 'public or unlisted', 'another user', 200],
  ['on', 'private', 'anonymous', 401],
  ['on', 'private', 'owner', 200],
  ['on', 'private', 'another user', 403],
  ['off', 'any', 'anonymous', 401],
  ['off', 'any', 'owner', 200],
  ['off', 'any', 'another user', 403],
  // Step 4 of the matrix's order ("allowed, for anyone"): the owner of a
  // public or unlisted thread while sharing is on (the API contract's table
  // left this row implicit; the API reference's has it).
  ['on', 'public or unlisted', 'owner', 200],
];
const CODE = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN' };

// Expanded: [sharing (bool), visibility, caller name, status]. An admin who
// is not the owner is "another user": admins get no access to threads
// (API reference: The access matrix).
const CASES = SPEC_TABLE.flatMap(([flag, vis, caller, status]) => {
  const visList = vis === 'any' ? VISIBILITIES : vis === 'public or unlisted' ? ['public', 'unlisted'] : [vis];
  const callers = caller === 'another user' ? ['other', 'admin'] : [caller];
  return visList.flatMap((v) => callers.map((c) => [flag === 'on', v, c, status]));
});

// The threads the matrix reads, one per visibility, made once.
const threads = {};
async function matrixThreads() {
  if (!threads.public) {
    for (const v of VISIBILITIES) {
      threads[v] = await createThread(owner, { visibility: v, title: `matrix ${v}`, namespace: `acc-${run}` });
    }
  }
  return threads;
}

// Asserts the 401 for a missing authentication: code and WWW-Authenticate: Bearer.
function assertUnauthorized(res, what) {
  assertError(res, 401, 'UNAUTHORIZED', what);
  const wa = res.headers.get('www-authenticate') || '';
  assert.match(wa, /^Bearer\b/, `${what}: WWW-Authenticate is ${JSON.stringify(wa)}`);
  assert.doesNotMatch(wa, /invalid_token/, `${what}: no token was sent: ${JSON.stringify(wa)}`);
}

function assertInvalidToken(res, what) {
  assertError(res, 401, 'INVALID_TOKEN', what);
  const wa = res.headers.get('www-authenticate') || '';
  assert.match(wa, /^Bearer\b/, `${what}: WWW-Authenticate is ${JSON.stringify(wa)}`);
  assert.match(wa, /error="invalid_token"/, `${what}: WWW-Authenticate is ${JSON.stringify(wa)}`);
}

// Asserts a read or write answer: 200 (with `check`), 204, or the error.
function assertOutcome(res, status, what) {
  if (status === 401) assertUnauthorized(res, what);
  else if (status === 403) assertError(res, 403, 'FORBIDDEN', what);
  else if (status === 404) assertError(res, 404, 'NOT_FOUND', what);
  else if (status === 204) assert.equal(res.status, 204, `${what}: ${res.status} ${res.text}`);
  else assertJsonOk(res, status, what);
}

before(async () => {
  if (!skip) await setSharing(admin, false);
});

after(async () => {
  if (!skip) await setSharing(admin, false);
});

// ---------------------------------------------------------------- reads

for (const [sharing, vis, caller, status] of CASES) {
  const name = `GET /api/threads/{id}: sharing ${sharing ? 'on' : 'off'}, ${vis}, ${caller} -> ${status}${CODE[status] ? ` ${CODE[status]}` : ''}`;
  test(name, { skip }, async () => {
    const t = (await matrixThreads())[vis];
    await setSharing(admin, sharing);
    const who = CALLERS[caller];
    const res = await request('GET', `/api/threads/${t.id}`, { headers: who.h });
    assertOutcome(res, status, name);
    if (status === 200) assert.deepEqual(res.json, t, 'every reader sees the same thread object');
    const head = await request('HEAD', `/api/threads/${t.id}`, { headers: who.h });
    assert.equal(head.status, status, `HEAD: ${head.status}`);
    assert.equal(head.text, '', 'HEAD has no body');
    // The thread's messages follow the same row: the matrix decides "every
    // read of a thread or of its messages" (API reference: The access matrix).
    const msgs = await request('GET', `/api/threads/${t.id}/messages`, { headers: who.h });
    if (status === 200) assertJsonOk(msgs, 200, `${name}: messages`);
    else assertOutcome(msgs, status, `${name}: messages`);
  });
}

// ---------------------------------------------------------------- writes

for (const sharing of [true, false]) {
  for (const vis of VISIBILITIES) {
    test(`writes need the owner: sharing ${sharing ? 'on' : 'off'}, ${vis}: anonymous 401, other user and admin 403`, { skip }, async () => {
      const t = await createThread(owner, { visibility: vis, title: 'keep', metadata: { k: 'v' } });
      await setSharing(admin, sharing);
      for (const [caller, status] of [['anonymous', 401], ['other', 403], ['admin', 403]]) {
        const who = CALLERS[caller];
        const what = `sharing ${sharing} ${vis} ${caller}`;
        assertOutcome(await request('PATCH', `/api/threads/${t.id}`, json(who.h, { title: 'hijack' })), status, `PATCH ${what}`);
        assertOutcome(await request('PATCH', `/api/threads/${t.id}`, json(who.h, { visibility: 'public' })), status, `PATCH vis ${what}`);
        assertOutcome(await request('PATCH', `/api/threads/${t.id}`, json(who.h, {})), status, `PATCH {} ${what}`);
        assertOutcome(await request('DELETE', `/api/threads/${t.id}`, { headers: who.h }), status, `DELETE ${what}`);
        assertOutcome(await request('POST', `/api/threads/${t.id}/messages`, json(who.h, { role: 'user', content: 'x' })),
          status, `POST message ${what}`);
        assertOutcome(await request('DELETE', `/api/threads/${t.id}/messages`, { headers: who.h }), status, `clear messages ${what}`);
      }
      // Nothing changed; the owner still may write.
      assert.deepEqual(assertJsonOk(await request('GET', `/api/threads/${t.id}`, { headers: owner.h })), t, 'unchanged');
      const p = assertJsonOk(await request('PATCH', `/api/threads/${t.id}`, json(owner.h, { title: 'mine' })), 200, 'owner PATCH');
      assertThread(p, { id: t.id, title: 'mine', visibility: vis });
      const del = await request('DELETE', `/api/threads/${t.id}`, { headers: owner.h });
      assert.equal(del.status, 204, `owner DELETE: ${del.status} ${del.text}`);
      assert.ok(del.headers.get('x-request-id'), 'X-Request-Id on 204');
    });
  }
}

test('creating a thread needs a caller: anonymous 401 UNAUTHORIZED with WWW-Authenticate: Bearer', { skip }, async () => {
  assertUnauthorized(await request('POST', '/api/threads', json({}, {})), 'POST anonymous');
  assertUnauthorized(await request('POST', '/api/threads', {}), 'POST anonymous, no body');
  assertInvalidToken(await request('POST', '/api/threads', json({ authorization: 'Bearer x.y.z' }, {})), 'POST bad token');
});

// ---------------------------------------------------------------- order

test('decision order: a bad id is 400 INVALID_ID before a bad token', { skip }, async () => {
  const bad = { authorization: 'Bearer not.a.token' };
  for (const m of ['GET', 'PATCH', 'DELETE']) {
    const opts = m === 'PATCH' ? rawJson(bad, '{}') : { headers: bad };
    assertError(await request(m, '/api/threads/not-a-uuid', opts), 400, 'INVALID_ID', `${m} not-a-uuid, bad token`);
    assertError(await request(m, `/api/threads/${randomUUID().slice(0, 35)}`, opts), 400, 'INVALID_ID', `${m} short id`);
  }
  assertError(await request('GET', '/api/threads/not-a-uuid'), 400, 'INVALID_ID', 'anonymous');
});

test('decision order: a bad token is 401 INVALID_TOKEN before a missing thread, and never anonymous', { skip }, async () => {
  const t = await matrixThreads();
  await setSharing(admin, true);
  const tokens = {
    garbage: 'Bearer not.a.token',
    'wrong secret': `Bearer ${signToken({ sub: owner.sub }, { secret: 'not-the-secret' })}`,
    expired: `Bearer ${signToken({ sub: owner.sub, iat: 1000, exp: 2000 })}`,
    'empty bearer': 'Bearer ',
    'basic scheme': 'Basic dXNlcjpwYXNz',
  };
  for (const [what, authorization] of Object.entries(tokens)) {
    const h = { authorization };
    assertInvalidToken(await request('GET', `/api/threads/${randomUUID()}`, { headers: h }), `${what}: missing thread`);
    // A readable-by-anyone thread is still 401 for a bad token.
    assertInvalidToken(await request('GET', `/api/threads/${t.public.id}`, { headers: h }), `${what}: public thread`);
    assertInvalidToken(await request('GET', `/api/threads/${t.private.id}`, { headers: h }), `${what}: private thread`);
    assertInvalidToken(await request('DELETE', `/api/threads/${t.private.id}`, { headers: h }), `${what}: DELETE`);
    assertInvalidToken(await request('PATCH', `/api/threads/${randomUUID()}`, rawJson(h, '{}')), `${what}: PATCH missing`);
    assertInvalidToken(await request('GET', '/api/threads?scope=public', { headers: h }), `${what}: directory`);
    assertInvalidToken(await request('GET', '/api/threads', { headers: h }), `${what}: own listing`);
  }
  await setSharing(admin, false);
});

test('decision order: a missing thread is 404 for anyone, before 401 and 403, sharing on or off', { skip }, async () => {
  for (const sharing of [false, true]) {
    await setSharing(admin, sharing);
    for (const [caller, who] of Object.entries(CALLERS)) {
      for (const id of [randomUUID(), NIL_UUID, randomUUID().toUpperCase()]) {
        const what = `sharing ${sharing} ${caller} ${id}`;
        assertError(await request('GET', `/api/threads/${id}`, { headers: who.h }), 404, 'NOT_FOUND', `GET ${what}`);
        assertError(await request('PATCH', `/api/threads/${id}`, json(who.h, { title: 'x' })), 404, 'NOT_FOUND', `PATCH ${what}`);
        assertError(await request('DELETE', `/api/threads/${id}`, { headers: who.h }), 404, 'NOT_FOUND', `DELETE ${what}`);
      }
    }
  }
  await setSharing(admin, false);
});

test('decision order on PATCH: 400 INVALID_JSON and 415 before 403; 403 before 422; 404 before 422', { skip }, async () => {
  const t = (await matrixThreads()).private;
  await setSharing(admin, false);
  const url = `/api/threads/${t.id}`;
  assertError(await request('PATCH', url, rawJson(other.h, '{"title":')), 400, 'INVALID_JSON', 'malformed, other user');
  assertError(await request('PATCH', url, rawJson({}, '{"title":')), 400, 'INVALID_JSON', 'malformed, anonymous');
  assertError(await request('PATCH', url, { headers: other.h }), 400, 'INVALID_JSON', 'no body, other user');
  assertError(await request('PATCH', url, { headers: { ...other.h, 'content-type': 'text/plain' }, body: '{}' }),
    415, 'UNSUPPORTED_MEDIA_TYPE', 'text/plain, other user');
  assertError(await request('PATCH', url, json(other.h, { visibility: 'bogus', owner_id: 'x' })), 403, 'FORBIDDEN', 'invalid fields, other user');
  assertUnauthorized(await request('PATCH', url, json({}, { visibility: 'bogus' })), 'invalid fields, anonymous');
  assertError(await request('PATCH', `/api/threads/${randomUUID()}`, json(owner.h, { visibility: 'bogus' })), 404, 'NOT_FOUND', 'invalid fields, missing thread');
  assertValidation(await request('PATCH', url, json(owner.h, { visibility: 'bogus' })), ['body', 'visibility'], 'owner');
  assert.deepEqual(assertJsonOk(await request('GET', url, { headers: owner.h })), t, 'unchanged');
});

test('decision order: a body over the limit is 413 before the thread is looked up', { skip }, async () => {
  const big = JSON.stringify({ title: 'x'.repeat(1024 * 1024 + 10) });
  assertError(await request('PATCH', `/api/threads/${randomUUID()}`, rawJson({}, big)), 413, 'PAYLOAD_TOO_LARGE', 'anonymous, missing');
  assertError(await request('PATCH', `/api/threads/${(await matrixThreads()).private.id}`, rawJson(other.h, big)),
    413, 'PAYLOAD_TOO_LARGE', 'other user');
});

// ---------------------------------------------------------------- listings

test('GET /api/threads anonymous is 401 UNAUTHORIZED, sharing on or off', { skip }, async () => {
  for (const sharing of [false, true]) {
    await setSharing(admin, sharing);
    assertUnauthorized(await request('GET', '/api/threads'), `sharing ${sharing}`);
    assertUnauthorized(await request('GET', '/api/threads?visibility=public'), `visibility=public, sharing ${sharing}`);
    assertUnauthorized(await request('GET', `/api/threads?namespace=acc-${run}`), `namespace, sharing ${sharing}`);
    // A scope other than public asks for the own listing.
    assertUnauthorized(await request('GET', '/api/threads?scope=private'), `scope=private, sharing ${sharing}`);
  }
  await setSharing(admin, false);
});

test('scope=public is 403 PUBLIC_SHARING_DISABLED while sharing is off, for everyone', { skip }, async () => {
  await matrixThreads();
  await setSharing(admin, false);
  for (const [caller, who] of Object.entries(CALLERS)) {
    for (const q of ['', '&limit=0', '&order=sideways', `&namespace=acc-${run}`, `&cursor=${threads.public.id}`]) {
      assertError(await request('GET', `/api/threads?scope=public${q}`, { headers: who.h }), 403,
        'PUBLIC_SHARING_DISABLED', `${caller} ${q}`);
    }
  }
});

test('scope=public lists public threads only, never unlisted or private, for everyone', { skip }, async () => {
  const t = await matrixThreads();
  await setSharing(admin, true);
  try {
    for (const [caller, who] of Object.entries(CALLERS)) {
      const page = assertPage(await request('GET', `/api/threads?scope=public&namespace=acc-${run}`, { headers: who.h }), caller);
      assert.deepEqual(page.data, [t.public], `${caller}: the directory of the namespace`);
      const all = await walk('/api/threads?scope=public&limit=200', who.h);
      assert.ok(all.includes(t.public.id), `${caller}: the public thread is in the full directory`);
      assert.ok(!all.includes(t.unlisted.id), `${caller}: an unlisted thread is in the directory`);
      assert.ok(!all.includes(t.private.id), `${caller}: a private thread is in the directory`);
      assert.equal(new Set(all).size, all.length, `${caller}: a thread listed twice`);
      for (const vis of ['private', 'unlisted']) {
        const f = assertPage(await request('GET', `/api/threads?scope=public&visibility=${vis}`, { headers: who.h }), `${caller} visibility=${vis}`);
        assert.deepEqual(f.data, [], `${caller}: scope=public&visibility=${vis} lists something`);
      }
      const pub = assertPage(await request('GET', `/api/threads?scope=public&visibility=public&namespace=acc-${run}`, { headers: who.h }));
      assert.deepEqual(pub.data, [t.public]);
    }
    // Every item of the directory is public.
    const page = assertPage(await request('GET', '/api/threads?scope=public&limit=200', { headers: other.h }));
    for (const item of page.data) assert.equal(item.visibility, 'public', `directory item ${item.id}`);
  } finally {
    await setSharing(admin, false);
  }
});

test('scope=public cursors must name a public thread: unlisted, private and missing ones are 422', { skip }, async () => {
  const t = await matrixThreads();
  await setSharing(admin, true);
  try {
    for (const p of ['after', 'before', 'cursor']) {
      for (const who of [owner, other, anonymous]) {
        for (const id of [t.unlisted.id, t.private.id, randomUUID()]) {
          assertValidation(await request('GET', `/api/threads?scope=public&${p}=${id}`, { headers: who.h }),
            ['query', p], `${p}=${id} as ${who.sub}`);
        }
        assertPage(await request('GET', `/api/threads?scope=public&${p}=${t.public.id}`, { headers: who.h }), `${p}=public`);
      }
    }
  } finally {
    await setSharing(admin, false);
  }
});

test('the directory follows visibility changes and deletes at once', { skip }, async () => {
  const ns = `acc-dir-${run}`;
  const t = await createThread(owner, { visibility: 'public', namespace: ns });
  await setSharing(admin, true);
  try {
    const dir = async () => assertPage(await request('GET', `/api/threads?scope=public&namespace=${ns}`)).data.map((x) => x.id);
    assert.deepEqual(await dir(), [t.id]);
    assertJsonOk(await request('PATCH', `/api/threads/${t.id}`, json(owner.h, { visibility: 'unlisted' })));
    assert.deepEqual(await dir(), [], 'unlisted: gone from the directory');
    assertJsonOk(await request('PATCH', `/api/threads/${t.id}`, json(owner.h, { visibility: 'public' })));
    assert.deepEqual(await dir(), [t.id], 'public again');
    assertJsonOk(await request('PATCH', `/api/threads/${t.id}`, json(owner.h, { visibility: 'private' })));
    assert.deepEqual(await dir(), [], 'private: gone from the directory');
    assertError(await request('GET', `/api/threads/${t.id}`), 401, 'UNAUTHORIZED', 'private: anonymous');
    assertJsonOk(await request('PATCH', `/api/threads/${t.id}`, json(owner.h, { visibility: 'public' })));
    assert.equal((await request('DELETE', `/api/threads/${t.id}`, { headers: owner.h })).status, 204);
    assert.deepEqual(await dir(), [], 'deleted: gone from the directory');
  } finally {
    await setSharing(admin, false);
  }
});

test('an admin\'s own listing shows only the admin\'s threads', { skip }, async () => {
  await matrixThreads();
  const mine = await createThread(admin, { title: 'admin own' });
  const all = await walk('/api/threads?limit=200', admin.h);
  assert.deepEqual(all, [mine.id]);
  for (const vis of VISIBILITIES) {
    const page = assertPage(await request('GET', `/api/threads?visibility=${vis}&namespace=acc-${run}`, { headers: admin.h }));
    assert.deepEqual(page.data, [], `admin visibility=${vis}`);
  }
});

// ---------------------------------------------------------------- isolation

test('another user never reaches a private thread through any route, filter or cursor', { skip }, async () => {
  const ns = `acc-iso-${run}`;
  const secret = await createThread(owner, { visibility: 'private', title: 'SECRET-TITLE', namespace: ns, metadata: { s: 'SECRET-META' } });
  assertJsonOk(await request('POST', `/api/threads/${secret.id}/messages`, json(owner.h, { role: 'user', content: 'SECRET-TEXT' })), 201);
  const leaks = (res) => /SECRET-/.test(res.text);
  for (const sharing of [false, true]) {
    await setSharing(admin, sharing);
    for (const who of [other, admin]) {
      const what = `sharing ${sharing} ${who.sub}`;
      const h = who.h;
      const answers = [
        [await request('GET', `/api/threads/${secret.id}`, { headers: h }), 403],
        [await request('HEAD', `/api/threads/${secret.id}`, { headers: h }), 403],
        [await request('PATCH', `/api/threads/${secret.id}`, json(h, { visibility: 'public' })), 403],
        [await request('DELETE', `/api/threads/${secret.id}`, { headers: h }), 403],
        [await request('GET', `/api/threads/${secret.id}/messages`, { headers: h }), 403],
        [await request('POST', `/api/threads/${secret.id}/messages/context`, json(h, { max_tokens: 100 })), 403],
        [await request('POST', '/api/threads', json(h, { id: secret.id })), 409],
      ];
      for (const [res, status] of answers) {
        assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
        assert.ok(!leaks(res), `${what}: leak ${res.text.slice(0, 200)}`);
      }
      for (const q of ['?visibility=private', `?namespace=${ns}`, `?visibility=private&namespace=${ns}`, '?limit=200']) {
        const page = assertPage(await request('GET', `/api/threads${q}`, { headers: h }), `${what} ${q}`);
        assert.ok(!page.data.some((x) => x.id === secret.id), `${what}: listed by ${q}`);
        assert.ok(!leaks({ text: JSON.stringify(page) }), `${what}: leak by ${q}`);
      }
      for (const p of ['after', 'before', 'cursor']) {
        assertValidation(await request('GET', `/api/threads?${p}=${secret.id}`, { headers: h }), ['query', p], `${what} own ${p}`);
        if (sharing) {
          assertValidation(await request('GET', `/api/threads?scope=public&${p}=${secret.id}`, { headers: h }),
            ['query', p], `${what} directory ${p}`);
        }
      }
      if (sharing) {
        for (const q of ['', '&visibility=private', `&namespace=${ns}`]) {
          const page = assertPage(await request('GET', `/api/threads?scope=public${q}&limit=200`, { headers: h }));
          assert.ok(!page.data.some((x) => x.id === secret.id), `${what}: directory ${q}`);
        }
      }
    }
  }
  await setSharing(admin, false);
  // Still there and unchanged.
  assert.deepEqual(assertJsonOk(await request('GET', `/api/threads/${secret.id}`, { headers: owner.h })).title, 'SECRET-TITLE');
});

test('user ids differing only in case or trailing spaces are different users in every route', { skip }, async () => {
  // The owner column compares under a collation: "alice" must not own, list
  // or page through the threads of "alice " or "Alice": they are "another
  // user" (API reference: The access matrix).
  const base = `acc-pad-${run}`;
  const victim = user(base);
  const secret = await createThread(victim, { visibility: 'private', title: 'PAD-SECRET' });
  await setSharing(admin, false);
  for (const sub of [`${base} `, `${base}  `, base.toUpperCase(), ` ${base}`]) {
    const impostor = user(sub);
    const what = JSON.stringify(sub);
    assertError(await request('GET', `/api/threads/${secret.id}`, { headers: impostor.h }), 403, 'FORBIDDEN', `GET as ${what}`);
    assertError(await request('PATCH', `/api/threads/${secret.id}`, json(impostor.h, { title: 'x' })), 403, 'FORBIDDEN', `PATCH as ${what}`);
    assertError(await request('DELETE', `/api/threads/${secret.id}`, { headers: impostor.h }), 403, 'FORBIDDEN', `DELETE as ${what}`);
    assertError(await request('POST', '/api/threads', json(impostor.h, { id: secret.id })), 409, 'CONFLICT', `POST id as ${what}`);
    const own = await request('GET', '/api/threads?limit=200', { headers: impostor.h });
    const page = assertPage(own, `own listing as ${what}`);
    assert.deepEqual(page.data.map((x) => x.owner_id).filter((o) => o !== sub), [],
      `the own listing of ${what} shows threads of ${JSON.stringify([...new Set(page.data.map((x) => x.owner_id))])}`);
    assert.ok(!own.text.includes('PAD-SECRET'), `the own listing of ${what} leaks ${base}'s private thread`);
    const priv = assertPage(await request('GET', '/api/threads?visibility=private', { headers: impostor.h }));
    assert.ok(!priv.data.some((x) => x.id === secret.id), `visibility=private as ${what} lists ${base}'s private thread`);
    assertValidation(await request('GET', `/api/threads?cursor=${secret.id}`, { headers: impostor.h }), ['query', 'cursor'], `cursor as ${what}`);
  }
  // And the other way round: the impostor's threads are not the victim's.
  const padded = user(`${base} `);
  const theirs = await createThread(padded, { title: 'PADDED-OWN' });
  const v = await request('GET', '/api/threads?limit=200', { headers: victim.h });
  assert.deepEqual(assertPage(v).data.map((x) => x.id), [secret.id], `${base}'s listing shows ${JSON.stringify(`${base} `)}'s thread ${theirs.id}`);
});

// ---------------------------------------------------------------- the flag

test('turning sharing off takes effect at once for an unlisted thread, on every worker', { skip }, async () => {
  const t = await createThread(owner, { visibility: 'unlisted', title: 'flip' });
  const url = `/api/threads/${t.id}`;
  try {
    for (let round = 0; round < 3; round++) {
      await setSharing(admin, true);
      for (let i = 0; i < 8; i++) {
        assert.deepEqual(assertJsonOk(await request('GET', url), 200, `round ${round} on #${i}`), t);
        assertJsonOk(await request('GET', url, { headers: other.h }), 200, `round ${round} on, other #${i}`);
      }
      await setSharing(admin, false);
      // Sequential and concurrent requests right after the PUT, so that both
      // workers answer some of them.
      for (let i = 0; i < 8; i++) assertUnauthorized(await request('GET', url), `round ${round} off #${i}`);
      const burst = await Promise.all(Array.from({ length: 12 }, () => request('GET', url)));
      burst.forEach((r, i) => assertUnauthorized(r, `round ${round} off, burst #${i}`));
      const others = await Promise.all(Array.from({ length: 6 }, () => request('GET', url, { headers: other.h })));
      others.forEach((r, i) => assertError(r, 403, 'FORBIDDEN', `round ${round} off, other #${i}`));
      assertJsonOk(await request('GET', url, { headers: owner.h }), 200, 'owner');
      const dir = await Promise.all(Array.from({ length: 6 }, () => request('GET', '/api/threads?scope=public')));
      dir.forEach((r, i) => assertError(r, 403, 'PUBLIC_SHARING_DISABLED', `round ${round} directory #${i}`));
    }
  } finally {
    await setSharing(admin, false);
  }
});

test('a missing public_sharing row means off', { skip: skip || (!process.env.TS_MYSQL_SOCKET && 'needs TS_MYSQL_SOCKET') }, async () => {
  const t = await createThread(owner, { visibility: 'unlisted' });
  const p = await createThread(owner, { visibility: 'public', namespace: `acc-row-${run}` });
  await setSharing(admin, true);
  assertJsonOk(await request('GET', `/api/threads/${t.id}`), 200, 'sharing on');
  execFileSync('mariadb', ['--no-defaults', '-uroot', '-S', process.env.TS_MYSQL_SOCKET, process.env.TS_DB_NAME || 'threadstore_test',
    '-e', "DELETE FROM system_settings WHERE name = 'public_sharing'"], { encoding: 'utf8' });
  try {
    assertJsonOk(await request('GET', '/api/settings'), 200);
    assert.equal((await request('GET', '/api/settings')).json.public_sharing, false, 'GET /api/settings without the row');
    for (let i = 0; i < 4; i++) {
      assertUnauthorized(await request('GET', `/api/threads/${t.id}`), `unlisted, anonymous #${i}`);
      assertError(await request('GET', `/api/threads/${p.id}`, { headers: other.h }), 403, 'FORBIDDEN', `public, other #${i}`);
      assertError(await request('GET', '/api/threads?scope=public'), 403, 'PUBLIC_SHARING_DISABLED', `directory #${i}`);
    }
  } finally {
    await setSharing(admin, false);
  }
});

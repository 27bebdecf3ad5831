// The access matrix (API reference: The access matrix) on every message
// route, and the order of checks (API reference: Order of checks): route ->
// 400 INVALID_ID -> 401 INVALID_TOKEN -> ... -> 404 thread -> 401/403 ->
// 404 message -> 422 -> 409. Reads (list, one message, context)
// follow the table; writes (create, batch, patch, delete, clear) need the
// owner whatever the visibility and the flag. Written from the contract.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request, signToken, bearer, assertError, assertValidation, assertJsonOk } from './lib.mjs';
import {
  caller, ANON, json, msgsPath, msgPath, setSharing, newThread, getThread, createMessage, assertMessage,
  assertList, assertContext, NIL,
  htest, leaveSharingOff,
} from './messages_lib.mjs';

const owner = caller('msgmx-owner');
const other = caller('msgmx-other');
const admin = caller('msgmx-admin', { role: 'admin' });
const CALLERS = { anonymous: ANON, owner, other };
const VIS = ['public', 'unlisted', 'private'];

leaveSharingOff();

// The read routes: each returns the response.
const READS = {
  list: (who, tid, mid, q = '') => request('GET', `${msgsPath(tid)}${q}`, { headers: who.headers }),
  'get one': (who, tid, mid, q = '') => request('GET', `${msgPath(tid, mid)}${q}`, { headers: who.headers }),
  context: (who, tid, mid, q = '', body = { max_tokens: 1000 }) =>
    request('POST', `${msgsPath(tid)}/context${q}`, json(who.headers, body)),
};
// The write routes, with a valid body.
const WRITES = {
  create: (who, tid, mid, body = { role: 'user', content: 'w' }) => request('POST', msgsPath(tid), json(who.headers, body)),
  batch: (who, tid, mid, body = { messages: [{ role: 'user', content: 'w' }] }) =>
    request('POST', `${msgsPath(tid)}/batch`, json(who.headers, body)),
  patch: (who, tid, mid, body = { content: 'changed' }) => request('PATCH', msgPath(tid, mid), json(who.headers, body)),
  delete: (who, tid, mid) => request('DELETE', msgPath(tid, mid), { headers: who.headers }),
  clear: (who, tid) => request('DELETE', msgsPath(tid), { headers: who.headers }),
};
// The same writes with a body that would be a 422 (where the route has a body).
const BAD_BODY = {
  create: { role: 'nobody', seq: 1 },
  batch: { messages: [] },
  patch: { role: 'user' },
};

// The access matrix's read table: the expected result for (flag,
// visibility, caller).
function readExpect(flag, vis, who) {
  if (flag && (vis === 'public' || vis === 'unlisted')) return [200];
  if (who === 'anonymous') return [401, 'UNAUTHORIZED'];
  if (who === 'owner') return [200];
  return [403, 'FORBIDDEN'];
}
const writeExpect = (who) => ({ anonymous: [401, 'UNAUTHORIZED'], owner: [200], other: [403, 'FORBIDDEN'] }[who]);

function assertDenied(res, [status, code], what) {
  const body = assertError(res, status, code, what);
  if (status === 401) {
    assert.equal(res.headers.get('www-authenticate'), 'Bearer', `${what}: WWW-Authenticate`);
  }
  return body;
}

// Threads of each visibility, each with two messages; returns { vis: { t, m1, m2 } }.
async function seed() {
  const out = {};
  for (const vis of VIS) {
    const t = await newThread(owner, { visibility: vis });
    const m1 = await createMessage(owner, t.id, { role: 'user', content: 'one', details: { d: 1 } });
    const m2 = await createMessage(owner, t.id, { role: 'assistant', content: 'two' });
    out[vis] = { t, m1, m2 };
  }
  return out;
}

for (const flag of [true, false]) {
  htest(`reads with public_sharing ${flag ? 'on' : 'off'}: list, one message and context follow the access matrix`, async () => {
    const threads = await seed();
    await setSharing(flag);
    for (const vis of VIS) {
      const { t, m1, m2 } = threads[vis];
      for (const [whoName, who] of Object.entries(CALLERS)) {
        const want = readExpect(flag, vis, whoName);
        const what = `sharing ${flag}, ${vis}, ${whoName}`;
        const l = await READS.list(who, t.id);
        const g = await READS['get one'](who, t.id, m1.id);
        const c = await READS.context(who, t.id);
        const hl = await request('HEAD', msgsPath(t.id), { headers: who.headers });
        const hg = await request('HEAD', msgPath(t.id, m1.id), { headers: who.headers });
        assert.equal(hl.status, want[0], `${what}: HEAD list`);
        assert.equal(hg.status, want[0], `${what}: HEAD one`);
        if (want[0] === 200) {
          const lb = assertList(l, `${what}: list`);
          assert.deepEqual(lb.data.map((m) => m.id), [m2.id, m1.id]);
          assert.deepEqual(assertMessage(assertJsonOk(g, 200, `${what}: get one`)), m1);
          const cb = assertContext(c, `${what}: context`);
          assert.deepEqual(cb.messages.map((m) => m.id), [m1.id, m2.id]);
          // Allowed readers get a 404 for a message that is not there, a 422 for a bad query.
          assertError(await READS['get one'](who, t.id, randomUUID()), 404, 'NOT_FOUND', `${what}: no such message`);
          assertValidation(await READS.list(who, t.id, null, `?after=${randomUUID()}`), ['query', 'after'], `${what}: bad cursor`);
          assertValidation(await READS.list(who, t.id, null, '?limit=0'), ['query', 'limit'], `${what}: bad limit`);
          assertValidation(await READS.context(who, t.id, null, '', { max_tokens: 0 }), ['body', 'max_tokens'], `${what}: bad budget`);
        } else {
          assertDenied(l, want, `${what}: list`);
          assertDenied(g, want, `${what}: get one`);
          assertDenied(c, want, `${what}: context`);
          // Nothing leaks: a missing message, a bad cursor, a bad query or body are still 401/403.
          assertDenied(await READS['get one'](who, t.id, randomUUID()), want, `${what}: no such message`);
          assertDenied(await READS['get one'](who, t.id, NIL), want, `${what}: nil message`);
          assertDenied(await READS['get one'](who, t.id, m1.id, '?with_details=maybe'), want, `${what}: bad with_details`);
          assertDenied(await READS.list(who, t.id, null, `?after=${randomUUID()}`), want, `${what}: unknown cursor`);
          assertDenied(await READS.list(who, t.id, null, '?limit=0&role=x'), want, `${what}: bad query`);
          assertDenied(await READS.context(who, t.id, null, '', { max_tokens: 0 }), want, `${what}: bad budget`);
          assertDenied(await READS.context(who, t.id, null, '', { bogus: true }), want, `${what}: unknown field`);
        }
      }
    }
    await setSharing(false);
  });

  htest(`writes with public_sharing ${flag ? 'on' : 'off'}: owner only on every visibility; anonymous 401, others 403`, async () => {
    const threads = await seed();
    await setSharing(flag);
    for (const vis of VIS) {
      const { t, m1, m2 } = threads[vis];
      for (const whoName of ['anonymous', 'other']) {
        const who = CALLERS[whoName];
        const want = writeExpect(whoName);
        const what = `sharing ${flag}, ${vis}, ${whoName}`;
        for (const [name, fn] of Object.entries(WRITES)) {
          assertDenied(await fn(who, t.id, m1.id), want, `${what}: ${name}`);
          // Nothing about messages leaks to a writer who is not the owner.
          if (name === 'patch' || name === 'delete') {
            assertDenied(await fn(who, t.id, randomUUID()), want, `${what}: ${name} of no such message`);
          }
          if (BAD_BODY[name]) {
            assertDenied(await fn(who, t.id, m1.id, BAD_BODY[name]), want, `${what}: ${name} with a bad body`);
          }
        }
        // A client message_id that exists: still 401/403, not 200 or 409.
        assertDenied(await WRITES.create(who, t.id, null, { message_id: m1.id, role: 'user', content: 'one' }),
          want, `${what}: repeat of an existing message_id`);
        // A parent, there or not: still 401/403, never a 201, nor a 422 that tells whether it exists.
        for (const parent of [m1.id, randomUUID()]) {
          assertDenied(await WRITES.create(who, t.id, null, { role: 'user', content: 'p', parent_message_id: parent }),
            want, `${what}: create with a parent`);
          assertDenied(await WRITES.batch(who, t.id, null, { messages: [{ role: 'user', content: 'p', parent_message_id: parent }] }),
            want, `${what}: batch with a parent`);
        }
      }
      // Nothing was changed by them.
      const th = await getThread(owner, t.id);
      assert.equal(th.message_count, 2, `sharing ${flag}, ${vis}: count unchanged`);
      assert.deepEqual(assertJsonOk(await READS['get one'](owner, t.id, m1.id)), m1);
      // The owner may do all of it.
      const what = `sharing ${flag}, ${vis}, owner`;
      assertJsonOk(await WRITES.create(owner, t.id), 201, `${what}: create`);
      assertJsonOk(await WRITES.batch(owner, t.id), 201, `${what}: batch`);
      assert.equal(assertJsonOk(await WRITES.patch(owner, t.id, m1.id), 200, `${what}: patch`).content.text, 'changed');
      assert.equal((await WRITES.delete(owner, t.id, m2.id)).status, 204, `${what}: delete`);
      assert.equal((await getThread(owner, t.id)).message_count, 3);
      assert.equal((await WRITES.clear(owner, t.id)).status, 204, `${what}: clear`);
      assert.equal((await getThread(owner, t.id)).message_count, 0);
    }
    await setSharing(false);
  });
}

htest('a caller whose sub differs from the owner\'s only by a trailing space or case writes nothing', async () => {
  // The create's first statement is its owner check, made in SQL: it must
  // compare byte for byte as the C check does (utf8mb4_bin pads spaces).
  const t = await newThread(owner, { visibility: 'public' });
  const m = await createMessage(owner, t.id, { role: 'user', content: 'mine' });
  for (const sub of [`${owner.sub} `, owner.sub.toUpperCase()]) {
    const near = { sub, headers: bearer(signToken({ sub })) };
    assertDenied(await WRITES.create(near, t.id), [403, 'FORBIDDEN'], `create as "${sub}"`);
    assertDenied(await WRITES.create(near, t.id, null, { role: 'user', content: 'p', parent_message_id: m.id }),
      [403, 'FORBIDDEN'], `create with a parent as "${sub}"`);
    assertDenied(await WRITES.create(near, t.id, null, { message_id: m.id, role: 'user', content: 'mine' }),
      [403, 'FORBIDDEN'], `repeat as "${sub}"`);
    assertDenied(await WRITES.batch(near, t.id), [403, 'FORBIDDEN'], `batch as "${sub}"`);
  }
  assert.equal((await getThread(owner, t.id)).message_count, 1);
});

htest('an admin has no access to other users\' messages (admins manage settings only)', async () => {
  await setSharing(false);
  const t = await newThread(owner, { visibility: 'private' });
  const m = await createMessage(owner, t.id, { role: 'user', content: 'secret' });
  for (const [name, fn] of Object.entries(READS)) {
    assertDenied(await fn(admin, t.id, m.id), [403, 'FORBIDDEN'], `admin ${name}`);
  }
  for (const [name, fn] of Object.entries(WRITES)) {
    assertDenied(await fn(admin, t.id, m.id), [403, 'FORBIDDEN'], `admin ${name}`);
  }
  assert.equal((await getThread(owner, t.id)).message_count, 1);
});

htest('a missing thread is 404 for everyone on every message route, before 401/403', async () => {
  await setSharing(true);
  for (const tid of [randomUUID(), NIL, randomUUID().toUpperCase()]) {
    for (const [whoName, who] of Object.entries({ ...CALLERS, admin })) {
      for (const [name, fn] of Object.entries({ ...READS, ...WRITES })) {
        assertError(await fn(who, tid, randomUUID()), 404, 'NOT_FOUND', `${whoName} ${name} ${tid}`);
      }
      // Even with a body that would be a 422.
      for (const [name, body] of Object.entries(BAD_BODY)) {
        assertError(await WRITES[name](who, tid, randomUUID(), body), 404, 'NOT_FOUND', `${whoName} ${name} bad body`);
      }
      assertError(await READS.list(who, tid, null, '?limit=0'), 404, 'NOT_FOUND', `${whoName} list bad query`);
      const head = await request('HEAD', msgsPath(tid), { headers: who.headers });
      assert.equal(head.status, 404);
    }
  }
  // A deleted thread is missing too: its messages are gone with it.
  const t = await newThread(owner, { visibility: 'public' });
  const m = await createMessage(owner, t.id, { role: 'user', content: 'x' });
  assert.equal((await request('DELETE', `/api/threads/${t.id}`, { headers: owner.headers })).status, 204);
  for (const [name, fn] of Object.entries({ ...READS, ...WRITES })) {
    assertError(await fn(owner, t.id, m.id), 404, 'NOT_FOUND', `deleted thread: ${name}`);
    assertError(await fn(ANON, t.id, m.id), 404, 'NOT_FOUND', `deleted thread, anonymous: ${name}`);
  }
  await setSharing(false);
});

htest('decision order: bad id 400 before bad token 401 before missing thread 404 before 401/403', async () => {
  await setSharing(true);
  const pub = await newThread(owner, { visibility: 'public' });
  const m = await createMessage(owner, pub.id, { role: 'user', content: 'x' });
  const badTokens = {
    garbage: { authorization: 'Bearer not.a.jwt' },
    expired: bearer(signToken({ sub: owner.sub, exp: Math.floor(Date.now() / 1000) - 3600 })),
    'wrong key': bearer(signToken({ sub: owner.sub }, { secret: 'x'.repeat(40) })),
    'empty bearer': { authorization: 'Bearer ' },
    'other scheme': { authorization: 'Basic dXNlcjpwYXNz' },
  };
  const routes = { ...READS, ...WRITES };
  for (const [tokName, headers] of Object.entries(badTokens)) {
    const bad = { headers };
    for (const [name, fn] of Object.entries(routes)) {
      const what = `${tokName} token, ${name}`;
      // A bad thread id wins over the bad token.
      assertError(await fn(bad, 'not-a-uuid', m.id), 400, 'INVALID_ID', `${what}: bad thread id`);
      if (['get one', 'patch', 'delete'].includes(name)) {
        // A bad message id too, even on a thread that does not exist.
        assertError(await fn(bad, randomUUID(), 'zzz'), 400, 'INVALID_ID', `${what}: bad message id`);
        assertError(await fn(bad, pub.id, `${m.id}x`), 400, 'INVALID_ID', `${what}: bad message id`);
      }
      // The bad token wins over a missing thread, and is never anonymous, even where anyone may read.
      const r1 = await fn(bad, randomUUID(), m.id);
      assertError(r1, 401, 'INVALID_TOKEN', `${what}: missing thread`);
      assert.equal(r1.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
      assertError(await fn(bad, pub.id, m.id), 401, 'INVALID_TOKEN', `${what}: public thread, sharing on`);
    }
  }
  // Missing thread (404) before anonymous (401) and other (403); then the thread's own rules.
  for (const [name, fn] of Object.entries(WRITES)) {
    assertError(await fn(ANON, randomUUID(), m.id), 404, 'NOT_FOUND', `anonymous ${name} missing thread`);
    assertError(await fn(other, randomUUID(), m.id), 404, 'NOT_FOUND', `other ${name} missing thread`);
    assertDenied(await fn(ANON, pub.id, m.id), [401, 'UNAUTHORIZED'], `anonymous ${name}`);
    assertDenied(await fn(other, pub.id, m.id), [403, 'FORBIDDEN'], `other ${name}`);
  }
  // 403 before 404 message before 422 before 409, for the owner and for others.
  assertDenied(await WRITES.patch(other, pub.id, randomUUID(), { role: 'x' }), [403, 'FORBIDDEN'], 'other: 403 first');
  assertError(await WRITES.patch(owner, pub.id, randomUUID(), { role: 'x' }), 404, 'NOT_FOUND', 'owner: 404 message first');
  assertValidation(await WRITES.patch(owner, pub.id, m.id, { role: 'x' }), ['body', 'role'], 'owner: then 422');
  const elsewhere = await newThread(owner);
  const foreign = await createMessage(owner, elsewhere.id, { role: 'user', content: 'f' });
  assertValidation(await WRITES.create(owner, pub.id, null, { message_id: foreign.id, role: 'user', content: 'f', bogus: 1 }),
    ['body', 'bogus'], '422 before 409');
  assertError(await WRITES.create(owner, pub.id, null, { message_id: foreign.id, role: 'user', content: 'f' }), 409, 'CONFLICT');
  // Readers who may read (sharing on, public): 404 message before 422 query.
  assertError(await READS['get one'](ANON, pub.id, randomUUID(), '?with_details=maybe'), 404, 'NOT_FOUND');
  // Invalid JSON (400) comes before the thread and the caller: even anonymous on a missing thread.
  for (const path of [msgsPath(randomUUID()), `${msgsPath(pub.id)}/batch`, `${msgsPath(pub.id)}/context`]) {
    assertError(await request('POST', path, { headers: { 'content-type': 'application/json' }, body: '{"role":' }),
      400, 'INVALID_JSON', `anonymous bad JSON ${path}`);
  }
  assertError(await request('PATCH', msgPath(pub.id, randomUUID()), { headers: { ...other.headers, 'content-type': 'application/json' },
    body: '[1,]' }), 400, 'INVALID_JSON', 'other, bad JSON, patch');
  // But a bad token comes before the JSON.
  assertError(await request('POST', msgsPath(pub.id), { headers: { ...badTokens.garbage, 'content-type': 'application/json' },
    body: '{' }), 401, 'INVALID_TOKEN', 'bad token before bad JSON');
  // A route that is not there is 404 whatever the caller; a method that is not served 405 first.
  assertError(await request('GET', `${msgsPath(pub.id)}/${m.id}/extra`, { headers: badTokens.garbage }), 404, 'NOT_FOUND');
  assertError(await request('PUT', msgPath('not-a-uuid', m.id), { headers: badTokens.garbage }), 405, 'METHOD_NOT_ALLOWED');
  assert.equal((await getThread(owner, pub.id)).message_count, 1);
  await setSharing(false);
});

htest('the sharing flag is read on every request: turning it off closes shared threads at once', async () => {
  const t = await newThread(owner, { visibility: 'unlisted' });
  const m = await createMessage(owner, t.id, { role: 'user', content: 'x' });
  await setSharing(true);
  assertJsonOk(await READS['get one'](ANON, t.id, m.id), 200, 'on');
  assertJsonOk(await READS.list(other, t.id), 200, 'on');
  await setSharing(false);
  // Several requests, so both workers answer.
  for (let i = 0; i < 6; i++) {
    assertDenied(await READS['get one'](ANON, t.id, m.id), [401, 'UNAUTHORIZED'], `off ${i}`);
    assertDenied(await READS.list(other, t.id), [403, 'FORBIDDEN'], `off ${i}`);
  }
  // The thread turned private with the flag on: closed too.
  await setSharing(true);
  assertJsonOk(await request('PATCH', `/api/threads/${t.id}`, json(owner.headers, { visibility: 'private' })));
  assertDenied(await READS.context(ANON, t.id), [401, 'UNAUTHORIZED'], 'private now');
  await setSharing(false);
});

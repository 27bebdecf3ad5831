// DualMind's arena message list under /arena, driven as its clients do:
// GET <mount>/arena/api/threads/{id}/messages with the seed's item shape
// (message_id, thread_id, prompt_text, model1_id, model2_id,
// model1_response, model2_response, comparison_id, model1_time_ms,
// model2_time_ms, created_at; nulls for a single-model turn), DualMind's
// {error, code} bodies, the access matrix on both routes, paging at turn
// boundaries, and one conversation written through one surface and read
// through the others (/api, /v1/threads, /v1/conversations).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request, bearer, signToken, JSON_TYPE, SANE_ID } from './lib.mjs';
import {
  ANON, caller, htest, json, leaveSharingOff, setSharing, newThread, createMessage, msgsPath, NIL, ISO, UUID,
} from './messages_lib.mjs';

leaveSharingOff();

const owner = caller('arena-owner');
const other = caller('arena-other');
const TURN_KEYS = ['message_id', 'thread_id', 'prompt_text', 'model1_id', 'model2_id', 'model1_response',
  'model2_response', 'comparison_id', 'model1_time_ms', 'model2_time_ms', 'created_at'];
const arenaPath = (tid) => `/arena/api/threads/${tid}/messages`;

// The seed's example turn (DualMind's API reference).
const DUAL = {
  prompt_text: 'What is AI?', model1_id: 'model-uuid-1', model2_id: 'model-uuid-2',
  model1_response: 'AI is artificial intelligence...', model2_response: 'Artificial intelligence refers to...',
  model1_time_ms: 450, model2_time_ms: 520,
};
const SINGLE = { prompt_text: 'Hello', model1_id: 'model-uuid-1', model1_response: 'Hi there', model1_time_ms: 300 };

// An item as the seed shows it: exactly its members, in its order, typed.
function assertTurn(t, tid, what = '') {
  const ctx = `${what} ${JSON.stringify(t).slice(0, 300)}`;
  assert.deepEqual(Object.keys(t), TURN_KEYS, `keys: ${ctx}`);
  assert.match(t.message_id, UUID, ctx);
  assert.equal(t.thread_id, tid, ctx);
  for (const f of ['prompt_text', 'model1_id', 'model2_id', 'model1_response', 'model2_response', 'comparison_id']) {
    assert.ok(t[f] === null || typeof t[f] === 'string', `${f}: ${ctx}`);
  }
  for (const f of ['model1_time_ms', 'model2_time_ms']) {
    assert.ok(t[f] === null || (Number.isInteger(t[f]) && t[f] >= 0), `${f}: ${ctx}`);
  }
  assert.match(t.created_at, ISO, ctx);
  return t;
}

function ok(res, status = 200, what = '') {
  assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.equal(res.headers.get('content-type'), JSON_TYPE, what);
  assert.ok(SANE_ID.test(res.headers.get('x-request-id') || ''), `${what}: X-Request-Id`);
  return res.json;
}

// DualMind's error body: exactly error and code (and /api's detail on a 422).
function assertArenaError(res, status, code, what = '') {
  const ctx = `${what} -> ${res.status} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, status, ctx);
  assert.equal(res.headers.get('content-type'), JSON_TYPE, ctx);
  assert.ok(SANE_ID.test(res.headers.get('x-request-id') || ''), `X-Request-Id: ${ctx}`);
  const keys = code === 'VALIDATION_ERROR' ? ['code', 'detail', 'error'] : ['code', 'error'];
  assert.deepEqual(Object.keys(res.json).sort(), keys, ctx);
  assert.equal(res.json.code, code, ctx);
  assert.equal(typeof res.json.error, 'string', ctx);
  assert.ok(res.json.error.length > 0, ctx);
  return res.json;
}

function assertArenaValidation(res, loc, what = '') {
  const b = assertArenaError(res, 422, 'VALIDATION_ERROR', what);
  assert.deepEqual(b.detail.map((d) => d.loc), [loc], what);
  return b;
}

function assertList(res, tid, what = '') {
  const b = ok(res, 200, what);
  assert.deepEqual(Object.keys(b), ['items', 'has_more', 'next_cursor'], `${what}: ${res.text.slice(0, 200)}`);
  for (const t of b.items) assertTurn(t, tid, what);
  assert.equal(typeof b.has_more, 'boolean');
  assert.ok(b.has_more ? UUID.test(b.next_cursor) : b.next_cursor === null, `${what}: next_cursor`);
  return b;
}

const list = (who, tid, q = '') => request('GET', `${arenaPath(tid)}${q ? `?${q}` : ''}`, { headers: who.headers });
const write = (who, tid, body) => request('POST', arenaPath(tid), json(who.headers, body));

htest('a dual turn written at once: 201 with the seed\'s item, three /api messages sharing one comparison_id', async () => {
  const t = await newThread(owner);
  const turn = assertTurn(ok(await write(owner, t.id, DUAL), 201, 'write'), t.id);
  assert.equal(turn.prompt_text, DUAL.prompt_text);
  assert.equal(turn.model1_id, 'model-uuid-1');
  assert.equal(turn.model2_id, 'model-uuid-2');
  assert.equal(turn.model1_response, DUAL.model1_response);
  assert.equal(turn.model2_response, DUAL.model2_response);
  assert.equal(turn.model1_time_ms, 450);
  assert.equal(turn.model2_time_ms, 520);
  assert.match(turn.comparison_id, UUID, 'a dual turn gets a comparison_id');
  const b = assertList(await list(owner, t.id), t.id, 'list');
  assert.deepEqual(b.items, [turn]);
  assert.equal(b.has_more, false);
  // Read through /api: a prompt and two answers, linked.
  const msgs = ok(await request('GET', `${msgsPath(t.id)}?order=asc`, { headers: owner.headers })).data;
  assert.deepEqual(msgs.map((m) => m.role), ['user', 'assistant', 'assistant']);
  assert.equal(msgs[0].id, turn.message_id);
  assert.deepEqual(msgs.map((m) => m.content.text), [DUAL.prompt_text, DUAL.model1_response, DUAL.model2_response]);
  assert.deepEqual(msgs.map((m) => m.model), [null, 'model-uuid-1', 'model-uuid-2']);
  assert.deepEqual(msgs.map((m) => m.latency_ms), [null, 450, 520]);
  assert.deepEqual(msgs.map((m) => m.comparison_id), Array(3).fill(turn.comparison_id));
  assert.deepEqual(msgs.map((m) => m.parent_message_id), [null, turn.message_id, turn.message_id]);
  // Through /v1/threads and /v1/conversations: the same texts.
  const v1 = ok(await request('GET', `/v1/threads/${t.id}/messages?order=asc`, { headers: owner.headers }));
  assert.deepEqual(v1.data.map((m) => m.content[0].text.value), msgs.map((m) => m.content.text));
  const conv = ok(await request('GET', `/v1/conversations/${t.id}/items?order=asc`, { headers: owner.headers }));
  assert.deepEqual(conv.data.map((m) => m.content[0].text), msgs.map((m) => m.content.text));
});

htest('a single-model turn: model2 fields, comparison_id and an unset time are null', async () => {
  const t = await newThread(owner);
  const turn = assertTurn(ok(await write(owner, t.id, { prompt_text: 'Hi', model1_id: 'm', model1_response: 'Hello' }), 201), t.id);
  assert.deepEqual({ ...turn, message_id: 0, created_at: 0 }, {
    message_id: 0, thread_id: t.id, prompt_text: 'Hi', model1_id: 'm', model2_id: null, model1_response: 'Hello',
    model2_response: null, comparison_id: null, model1_time_ms: null, model2_time_ms: null, created_at: 0,
  });
  // Explicit nulls are "not set", as in DualMind's single chat; thread_id may repeat the path's.
  const t2 = assertTurn(ok(await write(owner, t.id, { ...SINGLE, thread_id: t.id, model2_id: null, model2_response: null,
    model2_time_ms: null, comparison_id: null }), 201), t.id);
  assert.equal(t2.model2_response, null);
  assert.equal(assertList(await list(owner, t.id), t.id).items.length, 2);
});

htest('a conversation written through /api reads as turns: prompts, answers by comparison_id, system messages passed over', async () => {
  const t = await newThread(owner);
  const cmp = randomUUID();
  const p = await createMessage(owner, t.id, { role: 'user', content: 'Compare', comparison_id: cmp });
  await createMessage(owner, t.id, { role: 'assistant', content: 'one', model: 'a', latency_ms: 10, comparison_id: cmp });
  await createMessage(owner, t.id, { role: 'assistant', content: 'two', model: 'b', latency_ms: 20, comparison_id: cmp });
  await createMessage(owner, t.id, { role: 'system', content: 'be brief' });
  const q = await createMessage(owner, t.id, { role: 'user', content: 'Single' });
  await createMessage(owner, t.id, { role: 'assistant', content: 'only', model: 'a' });
  // An answer no prompt claims is a turn of its own, nothing hidden.
  const lone = await createMessage(owner, t.id, { role: 'assistant', content: 'stray', model: 'c' });
  const b = assertList(await list(owner, t.id), t.id);
  assert.deepEqual(b.items.map((x) => [x.message_id, x.prompt_text, x.model1_response, x.model2_response, x.comparison_id]), [
    [p.id, 'Compare', 'one', 'two', cmp],
    [q.id, 'Single', 'only', null, null],
    [lone.id, null, 'stray', null, null],
  ]);
  assert.deepEqual([b.items[0].model1_id, b.items[0].model2_id, b.items[0].model1_time_ms, b.items[0].model2_time_ms],
    ['a', 'b', 10, 20]);
  assert.equal(b.items[0].created_at, p.created_at);
  // An empty thread: {"items": []}.
  const e = await newThread(owner);
  assert.deepEqual(assertList(await list(owner, e.id), e.id), { items: [], has_more: false, next_cursor: null });
});

htest('paging: limit turns a page, next_cursor at a turn boundary, every turn once while turns are added', async () => {
  const t = await newThread(owner);
  const made = [];
  for (let i = 0; i < 5; i++) {
    const body = i % 2 ? { ...SINGLE, prompt_text: `p${i}` } : { ...DUAL, prompt_text: `p${i}` };
    made.push(ok(await write(owner, t.id, body), 201).message_id);
  }
  const seen = [];
  let cursor = null;
  for (let page = 0; page < 10; page++) {
    const b = assertList(await list(owner, t.id, `limit=2${cursor ? `&cursor=${cursor}` : ''}`), t.id, `page ${page}`);
    assert.ok(b.items.length <= 2);
    seen.push(...b.items.map((x) => x.message_id));
    if (page === 0) made.push(ok(await write(owner, t.id, { ...DUAL, prompt_text: 'late' }), 201).message_id);
    if (!b.has_more) break;
    cursor = b.next_cursor;
  }
  assert.deepEqual(seen, made);
  // The default page holds up to 50 turns; limit is 1 to 50.
  assert.equal(assertList(await list(owner, t.id), t.id).items.length, 6);
  for (const bad of ['limit=0', 'limit=51', 'limit=', 'limit=x']) {
    assertArenaValidation(await list(owner, t.id, bad), ['query', 'limit'], bad);
  }
  assertArenaValidation(await list(owner, t.id, 'cursor=nope'), ['query', 'cursor'], 'bad cursor');
  assertArenaValidation(await list(owner, t.id, `cursor=${randomUUID()}`), ['query', 'cursor'], 'cursor of no message here');
  // Unknown parameters are ignored; a HEAD answers like the GET, without a body.
  assertList(await list(owner, t.id, 'order=desc&foo=1'), t.id);
  const head = await request('HEAD', arenaPath(t.id), { headers: owner.headers });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
});

htest('a repeat with the same message_id is the same turn (200), and writes nothing', async () => {
  const t = await newThread(owner);
  const body = { ...DUAL, message_id: randomUUID() };
  const first = ok(await write(owner, t.id, body), 201);
  assert.equal(first.message_id, body.message_id);
  const again = ok(await write(owner, t.id, body), 200, 'repeat');
  assert.deepEqual(again, first);
  assert.equal(ok(await request('GET', `/api/threads/${t.id}`, { headers: owner.headers })).message_count, 3);
  assertArenaError(await write(owner, t.id, { ...body, model1_response: 'different' }), 409, 'CONFLICT', 'changed answer');
  const elsewhere = await newThread(owner);
  assertArenaError(await write(owner, elsewhere.id, body), 409, 'CONFLICT', 'id of another thread\'s message');
});

htest('bad bodies: 422 naming DualMind\'s field; 400, 415 and 413 before the thread is looked at', async () => {
  const t = await newThread(owner);
  const cases = [
    [{ model1_response: 'a' }, ['body', 'prompt_text']],
    [{ prompt_text: 'p' }, ['body', 'model1_response']],
    [{ prompt_text: 5, model1_response: 'a' }, ['body', 'prompt_text']],
    [{ ...SINGLE, model1_time_ms: -1 }, ['body', 'model1_time_ms']],
    [{ ...SINGLE, model1_time_ms: 2147483648 }, ['body', 'model1_time_ms']],
    [{ ...SINGLE, model1_time_ms: 1.5 }, ['body', 'model1_time_ms']],
    [{ ...SINGLE, model1_id: 'x'.repeat(256) }, ['body', 'model1_id']],
    [{ ...SINGLE, model2_id: 'm2' }, ['body', 'model2_response']],
    [{ ...SINGLE, model2_time_ms: 5 }, ['body', 'model2_response']],
    [{ ...DUAL, model2_time_ms: 'slow' }, ['body', 'model2_time_ms']],
    [{ ...SINGLE, comparison_id: 7 }, ['body', 'comparison_id']],
    [{ ...SINGLE, message_id: NIL }, ['body', 'message_id']],
    [{ ...SINGLE, thread_id: randomUUID() }, ['body', 'thread_id']],
    [{ ...SINGLE, created_at: '2024-01-15T10:30:00.000Z' }, ['body', 'created_at']],
    [{ ...SINGLE, prompt_text: 'x'.repeat(524289) }, ['body', 'prompt_text']],
    [{ ...SINGLE, model1_response: 'a\u0000b' }, ['body', 'model1_response']],
    [[SINGLE], ['body']],
  ];
  for (const [body, loc] of cases) assertArenaValidation(await write(owner, t.id, body), loc, JSON.stringify(body).slice(0, 80));
  const raw = (body, type = 'application/json') => request('POST', arenaPath(t.id),
    { headers: { ...owner.headers, 'content-type': type }, body });
  assertArenaError(await raw('{"prompt_text": "p",}'), 400, 'INVALID_JSON', 'trailing comma');
  assertArenaError(await raw(''), 400, 'INVALID_JSON', 'no body');
  assertArenaError(await raw('{}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  assertArenaError(await raw(JSON.stringify({ ...SINGLE, prompt_text: 'x'.repeat(1100000) })), 413, 'PAYLOAD_TOO_LARGE');
  // Nothing of the refused requests was stored.
  assert.deepEqual(assertList(await list(owner, t.id), t.id).items, []);
});

htest('routing and ids: 400 INVALID_ID, 404 NOT_FOUND for no thread or route, 405 with Allow, 401 for a bad token', async () => {
  assertArenaError(await list(owner, 'not-a-guid'), 400, 'INVALID_ID');
  assertArenaError(await write(owner, 'not-a-guid', SINGLE), 400, 'INVALID_ID');
  assertArenaError(await list(owner, NIL), 404, 'NOT_FOUND', 'nil');
  assertArenaError(await list(ANON, randomUUID()), 404, 'NOT_FOUND', 'no thread, anonymous');
  assertArenaError(await write(owner, randomUUID(), SINGLE), 404, 'NOT_FOUND', 'write, no thread');
  assertArenaError(await request('GET', '/arena/api/threads', { headers: owner.headers }), 404, 'NOT_FOUND', 'no route');
  const del = await request('DELETE', arenaPath(randomUUID()), { headers: owner.headers });
  assertArenaError(del, 405, 'METHOD_NOT_ALLOWED');
  assert.equal(del.headers.get('allow'), 'GET, HEAD, POST');
  const t = await newThread(owner);
  const bad = { headers: bearer(signToken({ sub: 'x' }, { secret: 'another secret of at least thirty-two bytes' })) };
  const r = await list(bad, t.id);
  assertArenaError(r, 401, 'INVALID_TOKEN');
  assert.match(r.headers.get('www-authenticate'), /invalid_token/);
  // A thread deleted is a 404, as DualMind's service returns no thread.
  await request('DELETE', `/api/threads/${t.id}`, { headers: owner.headers });
  assertArenaError(await list(owner, t.id), 404, 'NOT_FOUND', 'deleted');
});

// The seed's access matrix, and writes owner-only whatever the flag.
for (const flag of [true, false]) {
  htest(`access with public_sharing ${flag ? 'on' : 'off'}: reads follow the matrix, writes are the owner's`, async () => {
    const threads = {};
    for (const visibility of ['private', 'unlisted', 'public']) {
      threads[visibility] = await newThread(owner, { visibility });
      ok(await write(owner, threads[visibility].id, DUAL), 201);
    }
    await setSharing(flag);
    for (const [vis, t] of Object.entries(threads)) {
      const shared = flag && vis !== 'private';
      for (const [name, who] of Object.entries({ anonymous: ANON, owner, other })) {
        const what = `sharing ${flag}, ${vis}, ${name}`;
        const res = await list(who, t.id);
        if (name === 'owner' || shared) {
          assert.ok(assertList(res, t.id, what).items.length >= 1, what); // the owner's write adds one
        } else {
          const r = assertArenaError(res, name === 'anonymous' ? 401 : 403, name === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN', what);
          if (name === 'anonymous') assert.equal(res.headers.get('www-authenticate'), 'Bearer', what);
          assert.ok(r);
        }
        const w = await write(who, t.id, SINGLE);
        if (name === 'owner') ok(w, 201, `write: ${what}`);
        else assertArenaError(w, name === 'anonymous' ? 401 : 403, name === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN', `write: ${what}`);
      }
      // A stranger's bad body still learns only 401/403 (the order of checks).
      assertArenaError(await write(other, t.id, { nope: 1 }), 403, 'FORBIDDEN');
      assertArenaError(await write(ANON, t.id, { nope: 1 }), 401, 'UNAUTHORIZED');
      if (!shared) assertArenaError(await list(other, t.id, 'limit=0'), 403, 'FORBIDDEN', 'reader denied before 422');
    }
    await setSharing(false);
  });
}

// /v1/conversations over HTTP, for what the openai package cannot show
// (tests/openai/conversations.test.mjs drives the routes with it): headers,
// the query forms of include, ids in every accepted form, bounds on items,
// the access matrix with public sharing, and the conversations list's
// cursors. A conversation is a thread: its visibility is changed through
// /api, the only surface that has it.
import assert from 'node:assert/strict';
import { request } from './lib.mjs';
import { ANON, caller, htest, json, leaveSharingOff, setSharing, NIL } from './messages_lib.mjs';

leaveSharingOff();

const owner = caller('conv-owner');
const other = caller('conv-other');
const uuidOf = (convId) => convId.slice(5).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

async function ok(res, what, status = 200) {
  assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/, `${what}: X-Request-Id`);
  return res.json;
}

function assertOpenAIError(res, status, code, param = null) {
  assert.equal(res.status, status, res.text.slice(0, 300));
  assert.deepEqual(Object.keys(res.json).sort(), ['error']);
  assert.equal(res.json.error.code, code);
  assert.equal(res.json.error.param, param);
  assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/);
}

async function newConversation(who, body = {}) {
  return ok(await request('POST', '/v1/conversations', json(who.headers, body)), 'create conversation');
}

htest('ids: conv_ or a bare UUID for the conversation; msg_..., a bare UUID or the client\'s own id for an item', async () => {
  const c = await newConversation(owner, { items: [{ role: 'user', content: 'hi' }, { type: 'reasoning', id: 'rs_client-1', summary: [] }] });
  const items = (await ok(await request('GET', `/v1/conversations/${c.id}/items?order=asc`, { headers: owner.headers }), 'list')).data;
  const mid = items[0].id;
  assert.match(mid, /^msg_[0-9a-f]{32}$/);
  const bare = uuidOf(`conv_${mid.slice(4)}`);
  for (const path of [`/v1/conversations/${c.id}/items/${mid}`, `/v1/conversations/${uuidOf(c.id)}/items/${bare}`]) {
    assert.equal((await ok(await request('GET', path, { headers: owner.headers }), path)).id, mid);
  }
  assert.equal((await ok(await request('GET', `/v1/conversations/${c.id}/items/rs_client-1`, { headers: owner.headers }), 'client id')).id, 'rs_client-1');
  // The same message is the /api thread's, by its UUID.
  await ok(await request('GET', `/api/threads/${uuidOf(c.id)}/messages/${bare}`, { headers: owner.headers }), '/api');
  for (const bad of ['conv_xyz', `conv_${'a'.repeat(31)}`, 'thread_1', `conv_${'a'.repeat(32)}x`]) {
    assertOpenAIError(await request('GET', `/v1/conversations/${bad}`, { headers: owner.headers }), 400, 'invalid_id');
  }
  assertOpenAIError(await request('GET', `/v1/conversations/${c.id}/items/bad%20id`, { headers: owner.headers }), 400, 'invalid_id');
  assertOpenAIError(await request('GET', `/v1/conversations/${c.id}/items/${'x'.repeat(129)}`, { headers: owner.headers }), 400, 'invalid_id');
  assertOpenAIError(await request('GET', `/v1/conversations/${c.id}/items/msg_${'0'.repeat(32)}`, { headers: owner.headers }), 404, 'not_found');
});

htest('include: include[] (encoded or not) and include, repeated; unknown values are a 422 without retry', async () => {
  const c = await newConversation(owner, { items: [{ type: 'reasoning', id: 'rs_x', summary: [], encrypted_content: 'sealed' }] });
  const path = `/v1/conversations/${c.id}/items/rs_x`;
  assert.equal((await ok(await request('GET', path, { headers: owner.headers }), 'no include')).encrypted_content, undefined);
  for (const q of ['include%5B%5D=reasoning.encrypted_content', 'include[]=reasoning.encrypted_content',
    'include=reasoning.encrypted_content', 'include[]=file_search_call.results&include[]=reasoning.encrypted_content']) {
    assert.equal((await ok(await request('GET', `${path}?${q}`, { headers: owner.headers }), q)).encrypted_content, 'sealed', q);
  }
  const res = await request('GET', `${path}?include[]=reasoning.encrypted_content&include[]=nope`, { headers: owner.headers });
  assertOpenAIError(res, 422, 'validation_error', 'include');
  assert.equal(res.headers.get('x-should-retry'), 'false');
  const notFound = await request('GET', `/v1/conversations/conv_${'0'.repeat(32)}`, { headers: owner.headers });
  assertOpenAIError(notFound, 404, 'not_found');
  assert.equal(notFound.headers.get('x-should-retry'), null, 'only 409 and 422 say it');
});

htest('items: any type is kept as given; bounds on count, size, ids and type', async () => {
  const odd = { type: 'some_future_call', id: 'sfc_1', payload: { deep: [1, 2, { x: null }] }, status: 'in_progress' };
  const c = await newConversation(owner, { items: [odd] });
  const got = (await ok(await request('GET', `/v1/conversations/${c.id}/items`, { headers: owner.headers }), 'list')).data[0];
  assert.deepEqual(got, odd);
  const add = (items) => request('POST', `/v1/conversations/${c.id}/items`, json(owner.headers, { items }));
  assertOpenAIError(await add(Array.from({ length: 21 }, () => ({ role: 'user', content: 'x' }))), 422, 'validation_error', 'items');
  assertOpenAIError(await add([{ role: 'user', content: 'x', id: 'a b' }]), 422, 'validation_error', 'items[0].id');
  assertOpenAIError(await add([{ role: 'user', content: 'a', id: 'same' }, { role: 'user', content: 'b', id: 'same' }]),
    422, 'validation_error', 'items[1].id');
  assertOpenAIError(await add([{ type: 'Message', role: 'user', content: 'x' }]), 422, 'validation_error', 'items[0].type');
  assertOpenAIError(await add([{ type: 'item_reference', id: 'msg_1' }]), 422, 'validation_error', 'items[0].type');
  assertOpenAIError(await add(['text']), 422, 'validation_error', 'items[0].type');
  // An item's JSON is capped at 1 MiB; with the default max_body_bytes
  // (1 MiB too) the body's cap answers first.
  assertOpenAIError(await add([{ type: 'custom', blob: 'x'.repeat(1048577) }]), 413, 'payload_too_large');
  const text = await add([{ role: 'user', content: 'x'.repeat(524289) }]);
  assertOpenAIError(text, 422, 'validation_error', 'items[0].content');
  // Nothing of the refused requests was stored.
  assert.equal((await ok(await request('GET', `/v1/conversations/${c.id}/items`, { headers: owner.headers }), 'list')).data.length, 1);
  // Adding the same client id again is the same item (as /api's message_id).
  const again = await ok(await add([odd]), 'repeat');
  assert.deepEqual(again.data, [odd]);
  assert.equal((await ok(await request('GET', `/v1/conversations/${c.id}/items`, { headers: owner.headers }), 'list')).data.length, 1);
});

htest('access: private to its owner; public or unlisted readable by anyone only while public_sharing is on', async () => {
  const c = await newConversation(owner, { items: [{ role: 'user', content: 'hi' }] });
  const tid = uuidOf(c.id);
  const paths = [`/v1/conversations/${c.id}`, `/v1/conversations/${c.id}/items`];
  for (const p of paths) {
    assertOpenAIError(await request('GET', p, { headers: ANON.headers }), 401, 'unauthorized');
    assertOpenAIError(await request('GET', p, { headers: other.headers }), 403, 'forbidden');
  }
  for (const visibility of ['public', 'unlisted']) {
    await ok(await request('PATCH', `/api/threads/${tid}`, json(owner.headers, { visibility })), 'share');
    await setSharing(true);
    for (const p of paths) {
      await ok(await request('GET', p, { headers: ANON.headers }), `${visibility}, sharing on, anonymous`);
      await ok(await request('GET', p, { headers: other.headers }), `${visibility}, sharing on, another user`);
    }
    // Reading is all a stranger may do.
    assertOpenAIError(await request('POST', `/v1/conversations/${c.id}/items`, json(other.headers, { items: [{ role: 'user', content: 'x' }] })),
      403, 'forbidden');
    assertOpenAIError(await request('POST', `/v1/conversations/${c.id}`, json(other.headers, { metadata: {} })), 403, 'forbidden');
    assertOpenAIError(await request('DELETE', `/v1/conversations/${c.id}`, { headers: ANON.headers }), 401, 'unauthorized');
    await setSharing(false);
    assertOpenAIError(await request('GET', paths[1], { headers: ANON.headers }), 401, 'unauthorized');
    assertOpenAIError(await request('GET', paths[1], { headers: other.headers }), 403, 'forbidden');
  }
  assertOpenAIError(await request('POST', '/v1/conversations', json(ANON.headers, {})), 401, 'unauthorized');
  assertOpenAIError(await request('GET', '/v1/conversations', { headers: ANON.headers }), 401, 'unauthorized');
  assertOpenAIError(await request('PUT', `/v1/conversations/${c.id}`, json(owner.headers, {})), 405, 'method_not_allowed');
});

htest('update needs metadata; delete removes the conversation and its items', async () => {
  const c = await newConversation(owner, { items: [{ role: 'user', content: 'hi' }], metadata: { a: '1' } });
  assertOpenAIError(await request('POST', `/v1/conversations/${c.id}`, json(owner.headers, {})), 422, 'validation_error', 'metadata');
  assertOpenAIError(await request('POST', `/v1/conversations/${c.id}`, { headers: owner.headers }), 422, 'validation_error', 'metadata');
  assertOpenAIError(await request('POST', `/v1/conversations/${c.id}`, json(owner.headers, { metadata: {}, title: 'x' })),
    422, 'validation_error', 'title');
  const del = await ok(await request('DELETE', `/v1/conversations/${c.id}`, { headers: owner.headers }), 'delete');
  assert.deepEqual(del, { id: c.id, object: 'conversation.deleted', deleted: true });
  assertOpenAIError(await request('GET', `/v1/conversations/${c.id}/items`, { headers: owner.headers }), 404, 'not_found');
  assert.equal((await request('GET', `/api/threads/${uuidOf(c.id)}`, { headers: owner.headers })).status, 404);
});

htest('GET /v1/conversations: the caller\'s own, newest first, paged by after and before', async () => {
  const me = caller('conv-lister');
  const made = [];
  for (let i = 0; i < 5; i++) made.push((await newConversation(me, { metadata: { i: String(i) } })).id);
  const page = async (q) => ok(await request('GET', `/v1/conversations?${q}`, { headers: me.headers }), q);
  const all = await page('');
  assert.deepEqual(all.data.map((x) => x.id), [...made].reverse());
  assert.equal(all.object, 'list');
  assert.equal(all.has_more, false);
  const p1 = await page('limit=2');
  assert.deepEqual(p1.data.map((x) => x.id), [made[4], made[3]]);
  assert.equal(p1.has_more, true);
  assert.equal(p1.last_id, made[3]);
  const p2 = await page(`limit=2&after=${p1.last_id}`);
  assert.deepEqual(p2.data.map((x) => x.id), [made[2], made[1]]);
  const asc = await page(`order=asc&limit=10&after=${made[1]}`);
  assert.deepEqual(asc.data.map((x) => x.id), made.slice(2));
  const back = await page(`limit=2&before=${made[1]}`);
  assert.deepEqual(back.data.map((x) => x.id), [made[3], made[2]]);
  assertOpenAIError(await request('GET', `/v1/conversations?after=${made[0]}&before=${made[1]}`, { headers: me.headers }),
    422, 'validation_error', 'before');
  assertOpenAIError(await request('GET', '/v1/conversations?after=nope', { headers: me.headers }), 422, 'validation_error', 'after');
  assertOpenAIError(await request('GET', '/v1/conversations?limit=0', { headers: me.headers }), 422, 'validation_error', 'limit');
  // Another user's conversations are not in it.
  assert.ok(!(await page('limit=100')).data.some((x) => x.id === `conv_${NIL.replace(/-/g, '')}`));
  const theirs = await ok(await request('GET', '/v1/conversations?limit=100', { headers: owner.headers }), 'owner list');
  assert.ok(!theirs.data.some((x) => made.includes(x.id)));
});

// The response cap counts the list's envelope too: two items that fit the
// cap alone, but not with the envelope around them, are not answered
// together (has_more, and the next page holds the second).
htest('an items page stays within max_response_bytes, its envelope counted', async (t) => {
  const { startServer } = await import('./workers_lib.mjs');
  const fcgi = await import('./fcgi_client.mjs');
  const cap = 65536;
  const srv = await startServer(t, { workers: 1, server: { max_response_bytes: String(cap) } });
  const get = async (path) => {
    const r = await fcgi.request(srv.sock, { uri: `${srv.base}${path}`, headers: owner.headers });
    assert.equal(r.status, 200, r.error);
    return r.body.toString('utf8');
  };
  // An item's bytes beside its text's, from one item of a known text.
  const probe = await newConversation(owner, { items: [{ role: 'user', content: 'x'.repeat(1000) }] });
  const one = JSON.parse(await get(`/v1/conversations/${probe.id}/items`)).data[0];
  const overhead = JSON.stringify(one).length - 1000;
  // Each item 32,760 bytes: two with their commas fit 65,536, not with the envelope.
  const text = 'y'.repeat(32760 - overhead);
  const c = await newConversation(owner, { items: [{ role: 'user', content: text }, { role: 'user', content: text }] });
  const body = await get(`/v1/conversations/${c.id}/items?order=asc`);
  const b = JSON.parse(body);
  assert.equal(JSON.stringify(b.data[0]).length, 32760, 'the items are the size meant');
  assert.ok(body.length <= cap, `the body is ${body.length} bytes, over the cap`);
  assert.equal(b.data.length, 1);
  assert.equal(b.has_more, true);
  const rest = JSON.parse(await get(`/v1/conversations/${c.id}/items?order=asc&after=${b.last_id}`));
  assert.equal(rest.data.length, 1);
  assert.equal(rest.has_more, false);
});

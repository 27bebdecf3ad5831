// The agent platform's thread messages under /v1/orgs/... (docs/openapi.yaml,
// tag agent), driven as its clients would: every route with and without the
// app segment, bodies shaped as the platform's document shows them (field
// names and order, types, nulls, statuses, FastAPI's error body), the path's
// namespace, the access matrix on every route, and conversations written
// through one surface and read through the others.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request, bearer } from './lib.mjs';
import {
  ANON, NIL, ISO, UUID, caller, htest, json, leaveSharingOff, setSharing, newThread, createMessage,
} from './messages_lib.mjs';

leaveSharingOff();

const owner = caller('agent-owner');
const other = caller('agent-other');

// The document's message object, its members in its order.
const MESSAGE_KEYS = ['message_id', 'thread_id', 'workspace_id', 'app_id', 'namespace_id', 'role', 'content',
  'source', 'execution_id', 'augmentation_id', 'endpoint_id', 'model', 'token_count', 'prompt_tokens',
  'completion_tokens', 'tool_call_id', 'tool_calls', 'tool_name', 'artifacts', 'metadata', 'parent_message_id',
  'created_at'];
const LIST_KEYS = ['total', 'has_more', 'next_cursor', 'messages'];
const CONTEXT_KEYS = ['messages', 'total_tokens', 'message_count', 'truncated'];
const DETAIL_KEYS = ['loc', 'msg', 'type', 'input', 'ctx'];

// A place: org, workspace, app (null: the routes without one), namespace.
function place(app = 'app1') {
  const org = `org-${randomUUID().slice(0, 8)}`;
  return { org, ws: 'ws1', app, ns: 'ns1' };
}
const base = (p) => `/v1/orgs/${p.org}/workspaces/${p.ws}${p.app ? `/apps/${p.app}` : ''}/namespaces/${p.ns}`;
const msgs = (p, tid) => `${base(p)}/threads/${tid}/messages`;
const nsOf = (p) => [p.org, p.ws, ...(p.app ? [p.app] : []), p.ns].join('/');

function ok(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, what);
  return res.json;
}

function assertMessage(m, p, tid, what = '') {
  assert.deepEqual(Object.keys(m), MESSAGE_KEYS, `${what} keys`);
  assert.match(m.message_id, UUID);
  assert.equal(m.thread_id, tid);
  assert.equal(m.workspace_id, p.ws);
  assert.equal(m.app_id, p.app);
  assert.equal(m.namespace_id, p.ns);
  assert.equal(typeof m.content, 'string');
  assert.ok(Array.isArray(m.artifacts));
  assert.equal(typeof m.metadata, 'object');
  assert.match(m.created_at, ISO);
}

// FastAPI's 422: detail, an array of {loc, msg, type, input, ctx}.
function assert422(res, loc, what = '') {
  assert.equal(res.status, 422, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.deepEqual(Object.keys(res.json), ['detail'], what);
  assert.ok(Array.isArray(res.json.detail) && res.json.detail.length === 1, what);
  const d = res.json.detail[0];
  assert.deepEqual(Object.keys(d), DETAIL_KEYS, what);
  assert.deepEqual(d.loc, loc, what);
  assert.equal(typeof d.msg, 'string');
  assert.equal(typeof d.type, 'string');
  assert.equal(d.input, null);
  assert.deepEqual(d.ctx, {});
}

// Any other error: {"detail": "<message>"} with the status.
function assertDetail(res, status, what = '') {
  assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.deepEqual(Object.keys(res.json), ['detail'], what);
  assert.equal(typeof res.json.detail, 'string', what);
}

async function post(who, p, tid, body, status = 201) {
  const m = ok(await request('POST', msgs(p, tid), json(who.headers, body)), status, 'create');
  assertMessage(m, p, tid, 'create');
  return m;
}
const list = (who, p, tid, q = '') => request('GET', `${msgs(p, tid)}${q ? `?${q}` : ''}`, { headers: who.headers });
const context = (who, p, tid, body) => request('POST', `${msgs(p, tid)}/context`,
  body === undefined ? { headers: who.headers } : json(who.headers, body));
const clear = (who, p, tid) => request('DELETE', msgs(p, tid), { headers: who.headers });
const del = (who, p, tid, mid, q = '') => request('DELETE', `${msgs(p, tid)}/${mid}${q ? `?${q}` : ''}`, { headers: who.headers });

for (const app of ['app1', null]) {
  const form = app ? 'with the app' : 'without the app';

  htest(`create ${form}: the document's body and object; the first message starts the thread in the path's namespace`, async () => {
    const p = place(app);
    const tid = randomUUID();
    const m = await post(owner, p, tid, {
      workspace_id: p.ws, app_id: p.app, namespace_id: p.ns, thread_id: tid, role: 'system', content: 'be brief',
    });
    assert.equal(m.role, 'system');
    assert.equal(m.content, 'be brief');
    for (const k of ['source', 'execution_id', 'augmentation_id', 'endpoint_id', 'model', 'token_count',
      'prompt_tokens', 'completion_tokens', 'tool_call_id', 'tool_calls', 'tool_name', 'parent_message_id']) {
      assert.equal(m[k], null, k);
    }
    assert.deepEqual(m.artifacts, []);
    assert.deepEqual(m.metadata, {});
    const full = await post(owner, p, tid, {
      role: 'assistant', content: 'hello', source: 'user_input', execution_id: 'exec-1', augmentation_id: 'aug-1',
      endpoint_id: 'ep-1', model: 'gpt-x', token_count: 5, prompt_tokens: 3, completion_tokens: 2,
      tool_call_id: 'call-1', tool_calls: [{ id: 'call-1', type: 'function' }], tool_name: 'search',
      artifacts: [{ kind: 'file', name: 'a.txt' }], metadata: { k: 'v' }, parent_message_id: m.message_id,
    });
    assert.deepEqual({ ...full, message_id: undefined, created_at: undefined }, {
      message_id: undefined, thread_id: tid, workspace_id: p.ws, app_id: p.app, namespace_id: p.ns,
      role: 'assistant', content: 'hello', source: 'user_input', execution_id: 'exec-1', augmentation_id: 'aug-1',
      endpoint_id: 'ep-1', model: 'gpt-x', token_count: 5, prompt_tokens: 3, completion_tokens: 2,
      tool_call_id: 'call-1', tool_calls: [{ id: 'call-1', type: 'function' }], tool_name: 'search',
      artifacts: [{ kind: 'file', name: 'a.txt' }], metadata: { k: 'v' }, parent_message_id: m.message_id,
      created_at: undefined,
    });
    // The thread under /api: private, the caller's, in the path's namespace.
    const t = ok(await request('GET', `/api/threads/${tid}`, { headers: owner.headers }), 200, '/api thread');
    assert.equal(t.namespace, nsOf(p));
    assert.equal(t.visibility, 'private');
    assert.equal(t.owner_id, owner.sub);
    assert.equal(t.message_count, 2);
  });

  htest(`list ${form}: oldest first by default, limit, ascending=false, cursor walks every message once`, async () => {
    const p = place(app);
    const tid = randomUUID();
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await post(owner, p, tid, { role: 'user', content: `m${i}` })).message_id);
    const all = ok(await list(owner, p, tid), 200, 'list');
    assert.deepEqual(Object.keys(all), LIST_KEYS);
    assert.equal(all.total, 5);
    assert.equal(all.has_more, false);
    assert.equal(all.next_cursor, null);
    assert.deepEqual(all.messages.map((m) => m.message_id), made);
    all.messages.forEach((m) => assertMessage(m, p, tid, 'listed'));
    const desc = ok(await list(owner, p, tid, 'ascending=false&limit=2'), 200, 'desc');
    assert.deepEqual(desc.messages.map((m) => m.message_id), [made[4], made[3]]);
    assert.equal(desc.has_more, true);
    assert.equal(desc.next_cursor, made[3]);
    const seen = [];
    let cursor = null;
    do {
      const pg = ok(await list(owner, p, tid, `limit=2${cursor ? `&cursor=${cursor}` : ''}`), 200, 'page');
      assert.equal(pg.total, 5);
      seen.push(...pg.messages.map((m) => m.message_id));
      cursor = pg.next_cursor;
      assert.equal(cursor !== null, pg.has_more);
    } while (cursor);
    assert.deepEqual(seen, made);
    assert422(await list(owner, p, tid, 'limit=0'), ['query', 'limit']);
    assert422(await list(owner, p, tid, 'limit=201'), ['query', 'limit']);
    assert422(await list(owner, p, tid, 'ascending=yes'), ['query', 'ascending']);
    assert422(await list(owner, p, tid, 'cursor=nope'), ['query', 'cursor']);
    assert422(await list(owner, p, tid, `cursor=${randomUUID()}`), ['query', 'cursor']);
  });

  htest(`context ${form}: {role, content} oldest first, total_tokens, message_count, truncated`, async () => {
    const p = place(app);
    const tid = randomUUID();
    await post(owner, p, tid, { role: 'system', content: 'sys', token_count: 1 });
    for (let i = 0; i < 4; i++) await post(owner, p, tid, { role: i % 2 ? 'assistant' : 'user', content: `m${i}`, token_count: 10 });
    await post(owner, p, tid, { role: 'tool', content: 'r', tool_call_id: 'c1', token_count: 1 });
    const whole = ok(await context(owner, p, tid), 200, 'no body');
    assert.deepEqual(Object.keys(whole), CONTEXT_KEYS);
    assert.deepEqual(whole.messages[0], { role: 'system', content: 'sys' });
    assert.deepEqual(whole.messages[5], { role: 'tool', content: 'r', tool_call_id: 'c1' });
    assert.equal(whole.total_tokens, 42);
    assert.equal(whole.message_count, 6);
    assert.equal(whole.truncated, false);
    const body = { workspace_id: p.ws, app_id: p.app, namespace_id: p.ns, thread_id: tid };
    assert.equal(ok(await context(owner, p, tid, body), 200, 'the document body').message_count, 6);
    const cut = ok(await context(owner, p, tid, { ...body, max_tokens: 21 }), 200, 'budget');
    assert.deepEqual(cut.messages.map((m) => m.content), ['sys', 'm3', 'r']);
    assert.equal(cut.total_tokens, 12);
    assert.equal(cut.truncated, true);
    const noSys = ok(await context(owner, p, tid, { max_messages: 2, include_system: false }), 200, 'max_messages');
    assert.deepEqual(noSys.messages.map((m) => m.content), ['m3', 'r']);
    assert.equal(noSys.truncated, true);
    assert422(await context(owner, p, tid, { max_tokens: 0 }), ['body', 'max_tokens']);
    assert422(await context(owner, p, tid, { max_messages: 10001 }), ['body', 'max_messages']);
    assert422(await context(owner, p, tid, { include_system: 'yes' }), ['body', 'include_system']);
    assert422(await context(owner, p, tid, { thread_id: randomUUID() }), ['body', 'thread_id']);
    assert422(await context(owner, p, tid, { other: 1 }), ['body', 'other']);
  });

  htest(`clear and delete ${form}: 200 with null; delete checks its timestamp`, async () => {
    const p = place(app);
    const tid = randomUUID();
    const a = await post(owner, p, tid, { role: 'user', content: 'a' });
    const b = await post(owner, p, tid, { role: 'user', content: 'b' });
    const c = await post(owner, p, tid, { role: 'user', content: 'c' });
    assert422(await del(owner, p, tid, a.message_id, 'timestamp=yesterday'), ['query', 'timestamp']);
    assertDetail(await del(owner, p, tid, a.message_id, 'timestamp=2000-01-01T00:00:00.000Z'), 404, 'another instant');
    let res = await del(owner, p, tid, a.message_id, `timestamp=${encodeURIComponent(a.created_at)}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, 'null');
    res = await del(owner, p, tid, b.message_id);
    assert.equal(res.status, 200);
    assert.equal(res.text, 'null');
    assertDetail(await del(owner, p, tid, b.message_id), 404, 'deleted');
    assert.deepEqual(ok(await list(owner, p, tid), 200, 'after delete').messages.map((m) => m.message_id), [c.message_id]);
    res = await clear(owner, p, tid);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, 'null');
    const after = ok(await list(owner, p, tid), 200, 'after clear');
    assert.equal(after.total, 0);
    assert.deepEqual(after.messages, []);
    assertDetail(await clear(owner, p, randomUUID()), 404, 'clear no thread');
  });
}

htest('the path\'s namespace: a thread is found only through its own org/workspace/app/namespace', async () => {
  const p = place('app1');
  const tid = randomUUID();
  const m = await post(owner, p, tid, { role: 'user', content: 'x' });
  const elsewhere = [{ ...p, app: null }, { ...p, app: 'app2' }, { ...p, ns: 'ns2' }, { ...p, ws: 'ws2' },
    { ...p, org: `${p.org}x` }];
  for (const q of elsewhere) {
    assertDetail(await list(owner, q, tid), 404, `list at ${nsOf(q)}`);
    assertDetail(await context(owner, q, tid), 404, `context at ${nsOf(q)}`);
    assertDetail(await clear(owner, q, tid), 404, `clear at ${nsOf(q)}`);
    assertDetail(await del(owner, q, tid, m.message_id), 404, `delete at ${nsOf(q)}`);
    // A create there finds the id taken by a thread it cannot see.
    const res = await request('POST', msgs(q, tid), json(owner.headers, { role: 'user', content: 'y' }));
    assertDetail(res, 404, `create at ${nsOf(q)}`);
    const withId = await request('POST', msgs(q, tid), json(owner.headers, { message_id: randomUUID(), role: 'user', content: 'y' }));
    assertDetail(withId, 404, `create with a message_id at ${nsOf(q)}`);
  }
  // A new thread whose first message's id names a message of another
  // thread: 409, and no thread is left behind.
  const fresh = randomUUID();
  assertDetail(await request('POST', msgs(p, fresh), json(owner.headers, { message_id: m.message_id, role: 'user', content: 'x' })), 409, 'taken message id');
  assertDetail(await list(owner, p, fresh), 404, 'nothing started');
  assert.equal(ok(await list(owner, p, tid), 200, 'still there').total, 1);
  // A thread made under /api is the agent's when its namespace is the path's.
  const t = await newThread(owner, { namespace: nsOf(p) });
  await createMessage(owner, t.id, { role: 'user', content: 'from /api', run_id: 'r9' });
  const got = ok(await list(owner, p, t.id), 200, '/api thread').messages[0];
  assert.equal(got.content, 'from /api');
  assert.equal(got.execution_id, 'r9');
  const plain = await newThread(owner);
  assertDetail(await list(owner, p, plain.id), 404, 'a thread of namespace ""');
});

htest('create: bad bodies are FastAPI 422s named as the platform names its fields; repeats are idempotent', async () => {
  const p = place();
  const tid = randomUUID();
  const path = msgs(p, tid);
  const bad = async (body, loc) => assert422(await request('POST', path, json(owner.headers, body)), loc, JSON.stringify(body));
  await bad({ content: 'x' }, ['body', 'role']);
  await bad({ role: 'robot', content: 'x' }, ['body', 'role']);
  await bad({ role: 'user' }, ['body', 'content']);
  await bad({ role: 'user', content: { text: 'x' } }, ['body', 'content']);
  await bad({ role: 'user', content: 'x', execution_id: 1 }, ['body', 'execution_id']);
  await bad({ role: 'user', content: 'x', artifacts: {} }, ['body', 'artifacts']);
  await bad({ role: 'user', content: 'x', token_count: -1 }, ['body', 'token_count']);
  await bad({ role: 'user', content: 'x', run_id: 'r' }, ['body', 'run_id']);
  await bad({ role: 'user', content: 'x', workspace_id: 'other' }, ['body', 'workspace_id']);
  await bad({ role: 'user', content: 'x', thread_id: randomUUID() }, ['body', 'thread_id']);
  await bad({ role: 'user', content: 'x', metadata: { k: 1 } }, ['body', 'metadata', 'k']);
  await bad([], ['body']);
  // Nothing was started by a refused create.
  assertDetail(await list(owner, p, tid), 404, 'no thread yet');
  let res = await request('POST', path, { headers: { ...owner.headers, 'content-type': 'application/json' }, body: '{' });
  assertDetail(res, 400, 'bad JSON');
  res = await request('POST', path, { headers: owner.headers });
  assertDetail(res, 400, 'no body');
  const mid = randomUUID();
  const first = await post(owner, p, tid, { message_id: mid, role: 'user', content: 'once' });
  assert.equal(first.message_id, mid);
  const again = await post(owner, p, tid, { message_id: mid, role: 'user', content: 'once' }, 200);
  assert.equal(again.message_id, mid);
  assertDetail(await request('POST', path, json(owner.headers, { message_id: mid, role: 'user', content: 'other' })), 409, 'conflict');
  const nul = await post(owner, p, tid, { role: 'assistant', content: null, tool_calls: [{ id: 'c' }] });
  assert.equal(nul.content, '');
  assertDetail(await request('POST', msgs(p, NIL), json(owner.headers, { role: 'user', content: 'x' })), 404, 'nil thread');
});

htest('paths: names and ids are checked before the token; other methods are 405', async () => {
  const p = place();
  const tid = randomUUID();
  for (const path of [
    `/v1/orgs/a%20b/workspaces/w/namespaces/n/threads/${tid}/messages`,
    `/v1/orgs/${'o'.repeat(61)}/workspaces/w/namespaces/n/threads/${tid}/messages`,
    `/v1/orgs/o/workspaces/w/apps/a/namespaces/n/threads/not-a-uuid/messages`,
    `/v1/orgs/o/workspaces/w/namespaces/n/threads/${tid}/messages/not-a-uuid`,
  ]) {
    const res = await request(path.endsWith('not-a-uuid') && !path.includes('threads/not') ? 'DELETE' : 'GET', path,
      { headers: bearer('not.a.token') });
    assertDetail(res, 400, path);
  }
  const bad = await list({ headers: bearer('not.a.token') }, p, tid);
  assertDetail(bad, 401, 'invalid token');
  assert.match(bad.headers.get('www-authenticate') ?? '', /invalid_token/);
  const put = await request('PUT', msgs(p, tid), { headers: owner.headers });
  assertDetail(put, 405, 'PUT');
  assert.equal(put.headers.get('allow'), 'GET, HEAD, POST, DELETE');
  assertDetail(await request('GET', `${msgs(p, tid)}/${randomUUID()}`, { headers: owner.headers }), 405, 'GET one');
  assertDetail(await request('GET', '/v1/orgs/o', { headers: owner.headers }), 404, 'no route');
  assert.match(put.headers.get('x-request-id') ?? '', /^[A-Za-z0-9._-]{1,64}$/);
});

// The access matrix: reads (list, context) by flag, visibility and caller;
// writes (create, clear, delete) the owner's only.
const READ = {
  true: { public: [200, 200, 200], unlisted: [200, 200, 200], private: [200, 403, 401] },
  false: { public: [200, 403, 401], unlisted: [200, 403, 401], private: [200, 403, 401] },
};
for (const flag of [true, false]) {
  htest(`access with public_sharing ${flag ? 'on' : 'off'}: reads by the matrix, writes owner-only, on every route`, async () => {
    await setSharing(flag);
    for (const vis of ['public', 'unlisted', 'private']) {
      const p = place();
      const tid = randomUUID();
      const m = await post(owner, p, tid, { role: 'user', content: 'x' });
      ok(await request('PATCH', `/api/threads/${tid}`, json(owner.headers, { visibility: vis })), 200, 'visibility');
      const callers = [owner, other, ANON];
      for (let i = 0; i < 3; i++) {
        const who = callers[i];
        const want = READ[flag][vis][i];
        const what = `${vis} ${['owner', 'other', 'anonymous'][i]}`;
        for (const res of [await list(who, p, tid), await context(who, p, tid)]) {
          if (want === 200) ok(res, 200, what);
          else assertDetail(res, want, what);
        }
        if (who === owner) continue;
        const wantWrite = who === ANON ? 401 : 403;
        assertDetail(await request('POST', msgs(p, tid), json(who.headers, { role: 'user', content: 'no' })), wantWrite, `create ${what}`);
        assertDetail(await clear(who, p, tid), wantWrite, `clear ${what}`);
        assertDetail(await del(who, p, tid, m.message_id), wantWrite, `delete ${what}`);
      }
      // A thread that does not exist: reads 404 for anyone; a write by
      // anonymous is the 401 of starting a thread.
      assertDetail(await list(ANON, p, randomUUID()), 404, 'no thread');
      assertDetail(await request('POST', msgs(p, randomUUID()), json(ANON.headers, { role: 'user', content: 'x' })), 401, 'anonymous start');
      assert.equal(ok(await list(owner, p, tid), 200, 'unchanged').total, 1);
    }
  });
}

htest('one conversation, every surface: written through the agent, read through /api, /v1/threads and /v1/conversations; and back', async () => {
  const p = place();
  const tid = randomUUID();
  const u = await post(owner, p, tid, { role: 'user', content: 'question', metadata: { a: 'b' } });
  const a = await post(owner, p, tid, { role: 'assistant', content: 'answer', execution_id: 'run-7', endpoint_id: 'ep', model: 'm1', token_count: 4, artifacts: [{ x: 1 }] });
  const api = ok(await request('GET', `/api/threads/${tid}/messages?order=asc`, { headers: owner.headers }), 200, '/api list');
  assert.deepEqual(api.data.map((m) => [m.id, m.role, m.content.text]), [[u.message_id, 'user', 'question'], [a.message_id, 'assistant', 'answer']]);
  assert.equal(api.data[1].run_id, 'run-7');
  assert.equal(api.data[1].assistant_id, 'ep');
  assert.equal(api.data[1].model, 'm1');
  assert.equal(api.data[1].token_count, 4);
  assert.deepEqual(api.data[1].attachments, [{ x: 1 }]);
  assert.deepEqual(api.data[0].metadata, { a: 'b' });
  assert.equal(api.data[0].created_at, u.created_at);
  const v1 = ok(await request('GET', `/v1/threads/${tid}/messages?order=asc`, { headers: owner.headers }), 200, '/v1 list');
  assert.deepEqual(v1.data.map((m) => m.content[0].text.value), ['question', 'answer']);
  assert.equal(v1.data[1].run_id, 'run-7');
  const conv = ok(await request('GET', `/v1/conversations/${tid}/items?order=asc`, { headers: owner.headers }), 200, 'conversation items');
  assert.deepEqual(conv.data.map((i) => [i.role, i.content[0].text]), [['user', 'question'], ['assistant', 'answer']]);
  // Written through /api, /v1 and /v1/conversations, read through the agent.
  ok(await request('POST', `/v1/conversations/${tid}/items`, json(owner.headers, { items: [{ role: 'user', content: 'via conv' }] })), 200, 'conv add');
  await createMessage(owner, tid, { role: 'user', content: 'via api', comparison_id: 'aug-2' });
  ok(await request('POST', `/v1/threads/${tid}/messages`, json(owner.headers, { role: 'user', content: 'via v1' })), 200, '/v1 create');
  const back = ok(await list(owner, p, tid), 200, 'agent list').messages;
  assert.deepEqual(back.map((m) => m.content), ['question', 'answer', 'via conv', 'via api', 'via v1']);
  assert.equal(back[3].augmentation_id, 'aug-2');
  back.forEach((m) => assertMessage(m, p, tid, 'read back'));
  // Deleted through the agent: gone under /api.
  ok(await del(owner, p, tid, u.message_id), 200, 'delete');
  assert.equal((await request('GET', `/api/threads/${tid}/messages/${u.message_id}`, { headers: owner.headers })).status, 404);
});

// Knowledge Stack's thread messages under /ks/v1, driven the way its SDKs
// (ksapi for Python, @knowledgestack's TypeScript client) drive them:
// bodies shaped as CreateThreadMessageRequest, answers read as
// ThreadMessageResponse and PaginatedResponseThreadMessageResponse, errors
// as ErrorResponse and HTTPValidationError. Threads are made through /api
// (Knowledge Stack's thread routes are not served), which also sets their
// visibility for the access matrix. A conversation written here is read
// through /api, /v1/threads and /v1/conversations, and one written there
// is read here.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BASE, request, JSON_TYPE, SANE_ID, bearer } from './lib.mjs';
import {
  ANON, NIL, UUID, ISO, caller, htest, json, leaveSharingOff, setSharing, newThread, createMessage, msgsPath,
} from './messages_lib.mjs';

leaveSharingOff();

const owner = caller('ks-owner');
const other = caller('ks-other');

const ksMsgs = (tid) => `/ks/v1/threads/${tid}/messages`;
const ksMsg = (tid, mid) => `/ks/v1/threads/${tid}/messages/${mid}`;

const MESSAGE_KEYS = ['author_tenant_user_id', 'content', 'created_at', 'details', 'id', 'materialized_path',
  'parent_path_id', 'path_part_id', 'role', 'sequence', 'tenant_id', 'thread_id', 'updated_at'];
const CONTENT_KEYS = ['citations', 'is_error', 'references', 'text'];
const CITATION_KEYS = ['chunk_id', 'document_id', 'document_name', 'document_version_id', 'end_ms', 'length',
  'materialized_path', 'path_part_id', 'quote', 'start_char', 'start_ms', 'version_number'];
const PAGE_KEYS = ['items', 'limit', 'offset', 'total'];
const CODES = ['error', 'bad_request', 'permission_limit', 'unauthorized', 'forbidden', 'not_found', 'conflict',
  'run_busy', 'unprocessable_entity', 'too_many_requests', 'quota_exceeded', 'not_implemented',
  'service_configuration_error', 'quota_period_missing', 'internal_error', 'service_unavailable'];

const CHUNK = '3f7c1a52-0d44-4d1f-8e38-0f3d6c1a9b20';
const citation = (extra = {}) => ({ chunk_id: CHUNK, quote: 'the capital', start_char: 12, length: 11, ...extra });

// A ThreadMessageResponse: exactly its members (and the seed's thread_id),
// each of its type, nulls where the SDKs allow them.
function assertKsMessage(m, what = '') {
  const ctx = `${what} ${JSON.stringify(m).slice(0, 300)}`;
  assert.deepEqual(Object.keys(m).sort(), MESSAGE_KEYS, `keys: ${ctx}`);
  for (const k of ['id', 'thread_id', 'path_part_id', 'parent_path_id', 'tenant_id']) assert.match(m[k], UUID, `${k}: ${ctx}`);
  assert.equal(m.path_part_id, m.id, ctx);
  assert.equal(m.parent_path_id, m.thread_id, ctx);
  assert.equal(m.tenant_id, NIL, ctx);
  assert.equal(m.author_tenant_user_id, null, ctx);
  assert.ok(Number.isInteger(m.sequence) && m.sequence >= 1, `sequence: ${ctx}`);
  assert.equal(m.materialized_path, `/threads/${m.thread_id}/${m.sequence}`, ctx);
  assert.ok(['USER', 'ASSISTANT', 'SYSTEM'].includes(m.role), `role: ${ctx}`);
  assert.deepEqual(Object.keys(m.content).sort(), CONTENT_KEYS, `content: ${ctx}`);
  assert.equal(typeof m.content.text, 'string', ctx);
  assert.equal(typeof m.content.is_error, 'boolean', ctx);
  assert.ok(Array.isArray(m.content.references), ctx);
  assert.ok(Array.isArray(m.content.citations), ctx);
  for (const c of m.content.citations) {
    for (const k of CITATION_KEYS) assert.ok(k in c, `citation lacks ${k}: ${ctx}`);
    assert.ok(Number.isInteger(c.start_char) && Number.isInteger(c.length), ctx);
  }
  assert.ok(m.details === null || (typeof m.details === 'object' && !Array.isArray(m.details)), `details: ${ctx}`);
  assert.match(m.created_at, ISO, ctx);
  assert.match(m.updated_at, ISO, ctx);
  assert.ok(!Number.isNaN(new Date(m.created_at).getTime()), 'created_at reads as a Date');
  return m;
}

function assertPage(res, what = '') {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.equal(res.headers.get('content-type'), JSON_TYPE);
  assert.deepEqual(Object.keys(res.json).sort(), PAGE_KEYS, `${what}: envelope`);
  for (const k of ['total', 'limit', 'offset']) assert.ok(Number.isInteger(res.json[k]), `${what}: ${k}`);
  for (const m of res.json.items) assertKsMessage(m, what);
  return res.json;
}

// ErrorResponse {detail, code, request_id}; a 422 is HTTPValidationError's
// {detail: [{loc, msg, type}]} with code and request_id beside it.
function assertKsError(res, status, code, what = '') {
  const ctx = `${what} -> ${res.status} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, status, ctx);
  assert.equal(res.headers.get('content-type'), JSON_TYPE, ctx);
  assert.deepEqual(Object.keys(res.json).sort(), ['code', 'detail', 'request_id'], ctx);
  assert.equal(res.json.code, code, ctx);
  assert.ok(CODES.includes(res.json.code), ctx);
  const rid = res.headers.get('x-request-id');
  assert.ok(SANE_ID.test(rid ?? ''), ctx);
  assert.equal(res.json.request_id, rid, ctx);
  if (status === 422) {
    assert.ok(Array.isArray(res.json.detail) && res.json.detail.length > 0, ctx);
    for (const d of res.json.detail) {
      assert.deepEqual(Object.keys(d).sort(), ['loc', 'msg', 'type'], ctx);
      assert.ok(Array.isArray(d.loc) && typeof d.msg === 'string' && typeof d.type === 'string', ctx);
    }
  } else {
    assert.equal(typeof res.json.detail, 'string', ctx);
  }
  return res.json;
}

function assertKs422(res, loc, what = '') {
  const b = assertKsError(res, 422, 'unprocessable_entity', what);
  assert.deepEqual(b.detail[0].loc, loc, `${what}: loc`);
  return b;
}

const post = (who, tid, body) => request('POST', ksMsgs(tid), json(who.headers, body));
const get = (who, path) => request('GET', path, { headers: who.headers });

async function created(who, tid, body, what = 'create') {
  const res = await post(who, tid, body);
  assert.equal(res.status, 201, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.equal(res.headers.get('content-type'), JSON_TYPE);
  return assertKsMessage(res.json, what);
}

htest('create: 201 with a ThreadMessageResponse, Location, citations in Knowledge Stack\'s form', async () => {
  const t = await newThread(owner);
  const mid = randomUUID();
  const body = {
    message_id: mid,
    role: 'ASSISTANT',
    content: {
      text: 'Paris is the capital of France.',
      is_error: false,
      citations: [citation({ end_ms: 900, document_name: 'Atlas', version_number: 2, materialized_path: '/kb/atlas' })],
      references: [{ ref_type: 'DOCUMENT', entity_id: randomUUID(), display_name: 'Atlas' }],
    },
    details: { steps: [{ kind: 'search' }] },
  };
  const res = await post(owner, t.id, body);
  assert.equal(res.status, 201, res.text);
  // The Location is below the mount point (the test setup mounts at /chat).
  const mount = new URL(BASE).pathname.replace(/\/$/, '');
  assert.equal(new URL(res.headers.get('location'), BASE).pathname, `${mount}${ksMsg(t.id, mid)}`);
  const m = assertKsMessage(res.json, 'create');
  assert.equal(m.id, mid);
  assert.equal(m.thread_id, t.id);
  assert.equal(m.sequence, 1);
  assert.equal(m.role, 'ASSISTANT');
  assert.equal(m.content.text, body.content.text);
  assert.deepEqual(m.content.references, body.content.references);
  assert.deepEqual(m.content.citations, [{
    chunk_id: CHUNK, quote: 'the capital', start_char: 12, length: 11, start_ms: null, end_ms: 900,
    document_id: null, document_version_id: null, document_name: 'Atlas', version_number: 2,
    path_part_id: null, materialized_path: '/kb/atlas',
  }]);
  assert.deepEqual(m.details, body.details);
  assert.equal(m.created_at, m.updated_at);

  // The three roles; an error message; content with text alone.
  const u = await created(owner, t.id, { role: 'USER', content: { text: 'and Spain?' } });
  assert.equal(u.role, 'USER');
  assert.equal(u.sequence, 2);
  assert.deepEqual(u.content, { text: 'and Spain?', citations: [], references: [], is_error: false });
  assert.equal(u.details, null);
  const s = await created(owner, t.id, { role: 'SYSTEM', content: { text: 'be brief', is_error: true } });
  assert.equal(s.role, 'SYSTEM');
  assert.equal(s.content.is_error, true);
  // The SDKs send null for an unset optional member: "not set".
  const n = await created(owner, t.id, { role: 'USER', content: { text: 'x', citations: null, references: null, is_error: null },
    details: null, message_id: null });
  assert.deepEqual(n.content, { text: 'x', citations: [], references: [], is_error: false });
});

htest('create: message_id makes it idempotent (201 again, nothing new); another message under that id is 409', async () => {
  const t = await newThread(owner);
  const body = { message_id: randomUUID(), role: 'USER', content: { text: 'once' } };
  const first = await created(owner, t.id, body);
  const again = await created(owner, t.id, body, 'repeat');
  assert.deepEqual(again, first);
  assert.equal(assertPage(await get(owner, ksMsgs(t.id))).total, 1);
  assertKsError(await post(owner, t.id, { ...body, content: { text: 'twice' } }), 409, 'conflict', 'same id, other text');
  // An id taken in another thread is a conflict too.
  const t2 = await newThread(owner);
  assertKsError(await post(owner, t2.id, body), 409, 'conflict', 'id of another thread');
});

htest('create: every bad field is a 422 at its loc, as FastAPI names it', async () => {
  const t = await newThread(owner);
  const cases = [
    [{ content: { text: 'x' } }, ['body', 'role']],
    [{ role: 'user', content: { text: 'x' } }, ['body', 'role']],
    [{ role: 'TOOL', content: { text: 'x' } }, ['body', 'role']],
    [{ role: 'USER' }, ['body', 'content']],
    [{ role: 'USER', content: 'plain text' }, ['body', 'content']],
    [{ role: 'USER', content: {} }, ['body', 'content', 'text']],
    [{ role: 'USER', content: { text: 1 } }, ['body', 'content', 'text']],
    [{ role: 'USER', content: { text: 'x', is_error: 'no' } }, ['body', 'content', 'is_error']],
    [{ role: 'USER', content: { text: 'x', references: {} } }, ['body', 'content', 'references']],
    [{ role: 'USER', content: { text: 'x', other: 1 } }, ['body', 'content', 'other']],
    [{ role: 'USER', content: { text: 'x', citations: 'c' } }, ['body', 'content', 'citations']],
    [{ role: 'USER', content: { text: 'x', citations: [citation(), 'c'] } }, ['body', 'content', 'citations', 1]],
    [{ role: 'USER', content: { text: 'x', citations: [citation({ start_char: undefined })] } },
      ['body', 'content', 'citations', 0, 'start_char']],
    [{ role: 'USER', content: { text: 'x', citations: [citation({ length: -1 })] } },
      ['body', 'content', 'citations', 0, 'length']],
    [{ role: 'USER', content: { text: 'x', citations: [citation({ chunk_id: 'chunk-1' })] } },
      ['body', 'content', 'citations', 0, 'chunk_id']],
    [{ role: 'USER', content: { text: 'x', citations: [citation({ quote: 5 })] } },
      ['body', 'content', 'citations', 0, 'quote']],
    [{ role: 'USER', content: { text: 'x', citations: [citation({ offset: 12 })] } },
      ['body', 'content', 'citations', 0, 'offset']],
    [{ role: 'USER', content: { text: 'x', citations: [citation({ start_ms: 1.5 })] } },
      ['body', 'content', 'citations', 0, 'start_ms']],
    [{ role: 'USER', content: { text: 'x' }, details: [] }, ['body', 'details']],
    [{ role: 'USER', content: { text: 'x' }, message_id: 'm1' }, ['body', 'message_id']],
    [{ role: 'USER', content: { text: 'x' }, message_id: NIL }, ['body', 'message_id']],
    [{ role: 'USER', content: { text: 'x' }, metadata: {} }, ['body', 'metadata']],
    [{ role: 'USER', content: { text: 'x'.repeat(524289) } }, ['body', 'content', 'text']],
    [['USER'], ['body']],
  ];
  for (const [body, loc] of cases) assertKs422(await post(owner, t.id, body), loc, JSON.stringify(body).slice(0, 120));
  const res = await post(owner, t.id, { role: 'user', content: { text: 'x' } });
  assert.equal(res.json.detail[0].msg, "Input should be 'USER', 'ASSISTANT' or 'SYSTEM'");
  assert.equal(res.json.detail[0].type, 'enum');
  assert.equal(assertPage(await get(owner, ksMsgs(t.id))).total, 0, 'nothing was stored');
});

htest('request checks: no body, broken JSON, media type, 413, 414, the nil UUID, HEAD, in Knowledge Stack\'s body', async () => {
  const t = await newThread(owner);
  assertKsError(await request('POST', ksMsgs(t.id), { headers: owner.headers }), 400, 'bad_request', 'no body');
  assertKsError(await request('POST', ksMsgs(t.id), { headers: { ...owner.headers, 'content-type': 'application/json' },
    body: '{"role": "USER",' }), 400, 'bad_request', 'broken JSON');
  assertKsError(await request('POST', ksMsgs(t.id), { headers: { ...owner.headers, 'content-type': 'text/plain' },
    body: 'hi' }), 415, 'bad_request', 'text/plain');
  assertKsError(await post(owner, t.id, { role: 'USER', content: { text: 'x'.repeat(1100000) } }), 413, 'bad_request',
    'over 1 MiB');
  assertKsError(await get(owner, `${ksMsgs(t.id)}?pad=${'x'.repeat(8200)}`), 414, 'bad_request', 'query over 8 KiB');
  assertKsError(await get(owner, ksMsgs(NIL)), 404, 'not_found', 'the nil UUID');
  const head = await request('HEAD', ksMsgs(t.id), { headers: owner.headers });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  assert.ok(Number(head.headers.get('content-length')) > 0);
});

htest('list: {items, total, limit, offset}, newest first, limit and offset, sort_dir, role, with_details', async () => {
  const t = await newThread(owner);
  const made = [];
  for (let i = 0; i < 5; i++) {
    made.push(await created(owner, t.id, { role: i % 2 ? 'ASSISTANT' : 'USER', content: { text: `m${i}` },
      ...(i % 2 ? { details: { steps: [i] } } : {}) }));
  }
  let b = assertPage(await get(owner, ksMsgs(t.id)), 'default');
  assert.equal(b.total, 5);
  assert.equal(b.limit, 20);
  assert.equal(b.offset, 0);
  assert.deepEqual(b.items.map((m) => m.sequence), [5, 4, 3, 2, 1]);
  assert.deepEqual(b.items[1].details, { steps: [3] }, 'with_details defaults to true');
  b = assertPage(await get(owner, `${ksMsgs(t.id)}?limit=2&offset=2`), 'second page');
  assert.deepEqual(b.items.map((m) => m.content.text), ['m2', 'm1']);
  assert.equal(b.total, 5);
  assert.equal(b.limit, 2);
  assert.equal(b.offset, 2);
  b = assertPage(await get(owner, `${ksMsgs(t.id)}?offset=5`), 'past the end');
  assert.deepEqual(b.items, []);
  assert.equal(b.total, 5);
  b = assertPage(await get(owner, `${ksMsgs(t.id)}?sort_dir=ASC&limit=3`), 'ascending');
  assert.deepEqual(b.items.map((m) => m.sequence), [1, 2, 3]);
  b = assertPage(await get(owner, `${ksMsgs(t.id)}?role=ASSISTANT`), 'assistant only');
  assert.deepEqual(b.items.map((m) => m.sequence), [4, 2]);
  assert.equal(b.total, 2);
  for (const v of ['false', 'False', '0', 'no', 'off']) {
    b = assertPage(await get(owner, `${ksMsgs(t.id)}?with_details=${v}`), `with_details=${v}`);
    assert.ok(b.items.every((m) => m.details === null), v);
  }
  b = assertPage(await get(owner, `${ksMsgs(t.id)}?with_details=true&unknown=1`), 'unknown parameters are ignored');
  assert.equal(b.items.length, 5);
});

htest('list: before is a created_at cursor, in the forms both SDKs send', async () => {
  const t = await newThread(owner);
  const made = [];
  for (let i = 0; i < 4; i++) {
    made.push(await created(owner, t.id, { role: 'USER', content: { text: `m${i}` } }));
    await new Promise((r) => setTimeout(r, 15));
  }
  // TypeScript: before.toISOString(); walk back from the newest.
  let b = assertPage(await get(owner, `${ksMsgs(t.id)}?limit=2`));
  const seen = b.items.map((m) => m.sequence);
  b = assertPage(await get(owner, `${ksMsgs(t.id)}?limit=2&before=${encodeURIComponent(new Date(b.items[1].created_at).toISOString())}`));
  seen.push(...b.items.map((m) => m.sequence));
  assert.deepEqual(seen, [4, 3, 2, 1]);
  assert.equal(b.total, 4, 'total counts the thread, not the cursor\'s part of it');
  // Python: "%Y-%m-%dT%H:%M:%S.%f%z" (microseconds, +0000), and a naive datetime.
  const py = made[2].created_at.replace('Z', '000+0000');
  b = assertPage(await get(owner, `${ksMsgs(t.id)}?before=${encodeURIComponent(py)}`), 'python form');
  assert.deepEqual(b.items.map((m) => m.sequence), [2, 1]);
  b = assertPage(await get(owner, `${ksMsgs(t.id)}?before=${encodeURIComponent(made[2].created_at.replace('Z', ''))}`), 'naive');
  assert.deepEqual(b.items.map((m) => m.sequence), [2, 1]);
  b = assertPage(await get(owner, `${ksMsgs(t.id)}?before=${encodeURIComponent(made[2].created_at)}&sort_dir=ASC&limit=1`));
  assert.deepEqual(b.items.map((m) => m.sequence), [1]);
});

htest('list and get: bad query values are 422s at ["query", name]', async () => {
  const t = await newThread(owner);
  const m = await created(owner, t.id, { role: 'USER', content: { text: 'x' } });
  for (const [q, name] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=x', 'limit'], ['offset=-1', 'offset'],
    ['offset=100001', 'offset'], ['before=yesterday', 'before'], ['before=', 'before'], ['role=user', 'role'],
    ['sort_dir=asc', 'sort_dir'], ['with_details=maybe', 'with_details']]) {
    assertKs422(await get(owner, `${ksMsgs(t.id)}?${q}`), ['query', name], q);
  }
  assertKs422(await get(owner, `${ksMsg(t.id, m.id)}?with_details=2`), ['query', 'with_details']);
  assert.equal(assertPage(await get(owner, `${ksMsgs(t.id)}?limit=100`)).limit, 100);
});

htest('get: one message, with_details; 404 for a message of another thread; 400 for an id that is not a UUID', async () => {
  const t = await newThread(owner);
  const m = await created(owner, t.id, { role: 'ASSISTANT', content: { text: 'x', citations: [citation()] }, details: { a: 1 } });
  let res = await get(owner, ksMsg(t.id, m.id));
  assert.equal(res.status, 200);
  assert.deepEqual(assertKsMessage(res.json), m);
  res = await get(owner, `${ksMsg(t.id, m.id)}?with_details=false`);
  assert.equal(res.json.details, null);
  assert.deepEqual({ ...res.json, details: m.details }, m);
  const t2 = await newThread(owner);
  assertKsError(await get(owner, ksMsg(t2.id, m.id)), 404, 'not_found', 'another thread');
  assertKsError(await get(owner, ksMsg(t.id, randomUUID())), 404, 'not_found', 'no such message');
  assertKsError(await get(owner, ksMsg(t.id, 'm-1')), 400, 'bad_request', 'not a UUID');
  assertKsError(await get(owner, ksMsgs(randomUUID())), 404, 'not_found', 'no such thread');
  assertKsError(await get(owner, `/ks/v1/threads/${t.id}`), 404, 'not_found', 'no such route');
  res = await request('DELETE', ksMsg(t.id, m.id), { headers: owner.headers });
  assertKsError(res, 405, 'error', 'DELETE');
  assert.equal(res.headers.get('allow'), 'GET, HEAD');
  res = await request('HEAD', ksMsg(t.id, m.id), { headers: owner.headers });
  assert.equal(res.status, 200);
  assert.equal(res.text, '');
});

htest('order of checks: 404 thread, then 401/403, then 422', async () => {
  const t = await newThread(owner);
  const bad = { role: 'nobody' };
  assertKsError(await post(owner, randomUUID(), bad), 404, 'not_found');
  assertKsError(await post(ANON, t.id, bad), 401, 'unauthorized');
  assertKsError(await post(other, t.id, bad), 403, 'forbidden');
  assertKsError(await get(other, `${ksMsgs(t.id)}?limit=0`), 403, 'forbidden');
  const res = await get({ headers: bearer('not.a.token') }, ksMsgs(t.id));
  assertKsError(res, 401, 'unauthorized', 'bad token');
  assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
  assert.equal((await get(ANON, ksMsgs(t.id))).headers.get('www-authenticate'), 'Bearer');
});

htest('access matrix on every route: reads by the matrix, writes by the owner only', async () => {
  const t = await newThread(owner);
  const m = await created(owner, t.id, { role: 'USER', content: { text: 'hello' } });
  const reads = [ksMsgs(t.id), ksMsg(t.id, m.id)];
  const write = (who) => post(who, t.id, { role: 'USER', content: { text: 'w' } });
  const expectReads = async (who, status, what) => {
    for (const p of reads) {
      const res = await get(who, p);
      if (status === 200) assert.equal(res.status, 200, `${what} ${p}: ${res.text.slice(0, 200)}`);
      else assertKsError(res, status, status === 401 ? 'unauthorized' : 'forbidden', `${what} ${p}`);
    }
  };
  const expectWrites = async () => {
    assertKsError(await write(ANON), 401, 'unauthorized', 'anonymous write');
    assertKsError(await write(other), 403, 'forbidden', 'stranger write');
    await created(owner, t.id, { role: 'USER', content: { text: 'owner writes' } });
  };
  try {
    for (const sharing of [false, true]) {
      await setSharing(sharing);
      for (const visibility of ['private', 'unlisted', 'public']) {
        const patched = await request('PATCH', `/api/threads/${t.id}`, json(owner.headers, { visibility }));
        assert.equal(patched.status, 200);
        const open = sharing && visibility !== 'private';
        const what = `sharing ${sharing}, ${visibility}`;
        await expectReads(owner, 200, `${what}, owner`);
        await expectReads(ANON, open ? 200 : 401, `${what}, anonymous`);
        await expectReads(other, open ? 200 : 403, `${what}, another user`);
        await expectWrites();
      }
    }
  } finally {
    await setSharing(false);
  }
});

htest('one conversation: written here, read through /api, /v1/threads and /v1/conversations', async () => {
  const t = await newThread(owner);
  const q = await created(owner, t.id, { role: 'USER', content: { text: 'Capital of France?' } });
  const a = await created(owner, t.id, { role: 'ASSISTANT', content: { text: 'Paris.', is_error: false,
    citations: [citation({ materialized_path: '/kb/atlas', document_id: CHUNK })] }, details: { steps: [] } });
  const api = await request('GET', `${msgsPath(t.id)}?order=asc`, { headers: owner.headers });
  assert.equal(api.status, 200);
  assert.deepEqual(api.json.data.map((m) => [m.id, m.seq, m.role, m.content.text]),
    [[q.id, 1, 'user', 'Capital of France?'], [a.id, 2, 'assistant', 'Paris.']]);
  // /api's citation: start_char is its offset, materialized_path its path.
  assert.deepEqual(api.json.data[1].content.citations,
    [{ chunk_id: CHUNK, quote: 'the capital', offset: 12, length: 11, document_id: CHUNK, path: '/kb/atlas' }]);
  assert.deepEqual(api.json.data[1].details, { steps: [] });
  assert.equal(api.json.data[1].created_at, a.created_at);
  const v1 = await request('GET', `/v1/threads/${t.id}/messages?order=asc`, { headers: owner.headers });
  assert.equal(v1.status, 200);
  assert.deepEqual(v1.json.data.map((m) => [m.id, m.role, m.content[0].text.value]),
    [[q.id, 'user', 'Capital of France?'], [a.id, 'assistant', 'Paris.']]);
  const conv = await request('GET', `/v1/conversations/${t.id}/items?order=asc`, { headers: owner.headers });
  assert.equal(conv.status, 200);
  assert.deepEqual(conv.json.data.map((i) => [i.role, i.content[0].text]),
    [['user', 'Capital of France?'], ['assistant', 'Paris.']]);
});

htest('one conversation: written through /api and /v1/threads, read here', async () => {
  const t = await newThread(owner);
  const u = await createMessage(owner, t.id, { role: 'user', content: 'Capital of Spain?' });
  const a = await createMessage(owner, t.id, {
    role: 'assistant',
    content: { text: 'Madrid.', is_error: true, references: [{ id: 'r' }],
      citations: [{ chunk_id: CHUNK, quote: 'Madrid', offset: 0, length: 6, path: '/kb/es', page: 4 }] },
    details: ['not', 'an', 'object'],
  });
  const tool = await createMessage(owner, t.id, { role: 'tool', content: 'lookup: ok', tool_call_id: 'c1' });
  const v1 = await request('POST', `/v1/threads/${t.id}/messages`, json(owner.headers, { role: 'user', content: 'Thanks' }));
  assert.equal(v1.status, 200);
  const b = assertPage(await get(owner, `${ksMsgs(t.id)}?sort_dir=ASC`));
  assert.deepEqual(b.items.map((m) => [m.id, m.sequence, m.role, m.content.text]), [
    [u.id, 1, 'USER', 'Capital of Spain?'], [a.id, 2, 'ASSISTANT', 'Madrid.'],
    [tool.id, 3, 'ASSISTANT', 'lookup: ok'], [v1.json.id, 4, 'USER', 'Thanks'],
  ]);
  const m = b.items[1];
  assert.equal(m.content.is_error, true);
  assert.deepEqual(m.content.references, [{ id: 'r' }]);
  assert.deepEqual(m.content.citations, [{
    chunk_id: CHUNK, quote: 'Madrid', start_char: 0, length: 6, start_ms: null, end_ms: null, document_id: null,
    document_version_id: null, document_name: null, version_number: null, path_part_id: null,
    materialized_path: '/kb/es', page: 4,
  }]);
  assert.equal(m.details, null, 'details that are not an object are not a ThreadMessageDetails');
  assert.equal(m.created_at, a.created_at);
  // Tool messages count as ASSISTANT, in the filter as in the role.
  const asst = assertPage(await get(owner, `${ksMsgs(t.id)}?role=ASSISTANT`));
  assert.equal(asst.total, 2);
  assert.deepEqual(asst.items.map((x) => x.sequence), [3, 2]);
  assert.deepEqual(assertKsMessage((await get(owner, ksMsg(t.id, a.id))).json), m);
});

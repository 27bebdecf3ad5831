// Messages through nginx (API reference: tag messages; schema Message):
// create, batch, read, patch, delete, clear, idempotency, validation, and
// the thread's counters. Written from the contract; each test name says
// what breaks.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BASE, SANE_ID, request, assertError, assertValidation, assertJsonOk } from './lib.mjs';
import { sql } from './bounds_lib.mjs';
import {
  caller, ANON, json, msgsPath, msgPath, setSharing, newThread, getThread, createMessage, createBatch,
  assertMessage, listOk, sleep, NIL,
  htest, leaveSharingOff,
} from './messages_lib.mjs';

const owner = caller('msg-owner');
const other = caller('msg-other');
const MOUNT = BASE ? new URL(BASE).pathname.replace(/\/$/, '') : '';
const post = (who, tid, body) => request('POST', msgsPath(tid), json(who.headers, body));
const batch = (who, tid, body) => request('POST', `${msgsPath(tid)}/batch`, json(who.headers, body));
const patch = (who, tid, mid, body) => request('PATCH', msgPath(tid, mid), json(who.headers, body));
const getOne = (who, tid, mid, qs = '') => request('GET', `${msgPath(tid, mid)}${qs}`, { headers: who.headers });
// A raw body (bytes or text) with the JSON content type.
const raw = (who, path, body) => request('POST', path, {
  headers: { ...who.headers, 'content-type': 'application/json' }, body });

// A 422 whose detail has a loc that starts with prefix.
function assertLocPrefix(res, prefix, what = '') {
  const body = assertError(res, 422, 'VALIDATION_ERROR', what);
  const ok = body.detail.some((d) => prefix.every((p, i) => d.loc[i] === p));
  assert.ok(ok, `${what}: expected a loc starting with ${JSON.stringify(prefix)}, got ${JSON.stringify(body.detail)}`);
}

leaveSharingOff();

htest('create with string content: 201, Location under the mount, the exact 6.1 object with nulls', async () => {
  await setSharing(false);
  const t = await newThread(owner);
  const res = await post(owner, t.id, { role: 'user', content: 'Hello there' });
  const m = assertMessage(assertJsonOk(res, 201, 'create'));
  assert.equal(m.thread_id, t.id);
  assert.equal(m.seq, 1);
  assert.equal(m.role, 'user');
  assert.deepEqual(m.content, { text: 'Hello there', citations: [], references: [], is_error: false });
  assert.equal(m.details, null);
  assert.deepEqual(m.metadata, {});
  assert.deepEqual(m.attachments, []);
  for (const f of ['parent_message_id', 'run_id', 'assistant_id', 'model', 'source', 'tool_call_id',
    'tool_name', 'tool_calls', 'token_count', 'prompt_tokens', 'completion_tokens', 'latency_ms',
    'comparison_id']) {
    assert.equal(m[f], null, `${f} is null when unset`);
  }
  assert.equal(m.created_at, m.updated_at);
  const loc = res.headers.get('location');
  assert.ok(loc, 'Location header');
  assert.equal(new URL(loc, BASE).pathname, `${MOUNT}/api/threads/${t.id}/messages/${m.id}`, `Location ${loc}`);
  // The Location names the message as stored.
  const again = assertJsonOk(await request('GET', new URL(loc, BASE).pathname.slice(MOUNT.length),
    { headers: owner.headers }));
  assert.deepEqual(again, m);
});

htest('create with object content keeps citations (extra keys too), references and is_error', async () => {
  const t = await newThread(owner);
  const citations = [
    { chunk_id: 'c-1', quote: 'a quote', offset: 0, length: 7 },
    { chunk_id: 'c-2', quote: '', offset: 2147483647, length: 0, document_id: 'd1', document_version_id: 'v1',
      document_name: 'Doc ✓', version_number: 3, path_part_id: 'pp', path: '/a/b', extra_key: { deep: [1, 2] } },
  ];
  const references = [{ any: 'thing' }, 'text', 3, null, [true]];
  const m = await createMessage(owner, t.id, {
    role: 'assistant', content: { text: 'answer', citations, references, is_error: true },
  });
  assert.deepEqual(m.content, { text: 'answer', citations, references, is_error: true });
  const got = assertJsonOk(await getOne(owner, t.id, m.id));
  assert.deepEqual(got.content, m.content);
  // Only text given: the rest defaults.
  const m2 = await createMessage(owner, t.id, { role: 'assistant', content: { text: '' } });
  assert.deepEqual(m2.content, { text: '', citations: [], references: [], is_error: false });
  // Explicit nulls inside content mean "not set".
  const m3 = await createMessage(owner, t.id, {
    role: 'assistant', content: { text: 'n', citations: null, references: null, is_error: null } });
  assert.deepEqual(m3.content, { text: 'n', citations: [], references: [], is_error: false });
});

htest('role is case-insensitive on input and lowercase on output', async () => {
  const t = await newThread(owner);
  for (const [given, want] of [['USER', 'user'], ['Assistant', 'assistant'], ['sYsTeM', 'system'], ['TOOL', 'tool']]) {
    const m = await createMessage(owner, t.id, { role: given, content: 'x' });
    assert.equal(m.role, want, given);
  }
});

htest('every optional field round-trips as given', async () => {
  const t = await newThread(owner);
  const parent = await createMessage(owner, t.id, { role: 'user', content: 'parent' });
  const mid = randomUUID();
  const body = {
    role: 'tool',
    content: 'out',
    message_id: mid.toUpperCase(),
    details: { steps: [{ n: 1, ok: true, v: null, f: 1.5 }], s: 'x' },
    metadata: { k: 'v', empty: '', 'ключ': 'значение' },
    attachments: [{ file_id: 'f1', tools: [{ type: 'file_search' }] }, 'plain'],
    parent_message_id: parent.id.toUpperCase(),
    run_id: 'run_1', assistant_id: 'asst_1', model: 'gpt-x', source: 'api',
    tool_call_id: 'call_1', tool_name: 'search', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
    token_count: 0, prompt_tokens: 2147483647, completion_tokens: 7, latency_ms: 12,
    comparison_id: 'cmp-1',
  };
  const m = await createMessage(owner, t.id, body);
  assert.equal(m.id, mid, 'client message_id, rendered lowercase');
  assert.equal(m.parent_message_id, parent.id, 'parent rendered lowercase');
  for (const k of ['details', 'metadata', 'attachments', 'run_id', 'assistant_id', 'model', 'source',
    'tool_call_id', 'tool_name', 'tool_calls', 'token_count', 'prompt_tokens', 'completion_tokens',
    'latency_ms', 'comparison_id']) {
    assert.deepEqual(m[k], body[k], k);
  }
  assert.equal(m.role, 'tool');
  assert.deepEqual(assertJsonOk(await getOne(owner, t.id, m.id)), m, 'GET returns what create returned');
  // details is any JSON value: scalars and arrays too.
  for (const details of ['a string', 0, 42, false, true, [1, 'two', { three: 3 }], { nested: { deeper: [[]] } }, {}]) {
    const d = await createMessage(owner, t.id, { role: 'assistant', content: 'd', details });
    assert.deepEqual(d.details, details, JSON.stringify(details));
    assert.deepEqual(assertJsonOk(await getOne(owner, t.id, d.id)).details, details);
  }
  // Explicit null for every optional field means "not set".
  const nulls = await createMessage(owner, t.id, {
    role: 'user', content: 'n', message_id: null, details: null, metadata: null, attachments: null,
    parent_message_id: null, run_id: null, assistant_id: null, model: null, source: null,
    tool_call_id: null, tool_name: null, tool_calls: null, token_count: null, prompt_tokens: null,
    completion_tokens: null, latency_ms: null, comparison_id: null,
  });
  assert.match(nulls.id, /^[0-9a-f-]{36}$/);
  assert.equal(nulls.details, null);
  assert.deepEqual(nulls.metadata, {});
  assert.deepEqual(nulls.attachments, []);
  for (const f of ['parent_message_id', 'run_id', 'assistant_id', 'model', 'source', 'tool_call_id',
    'tool_name', 'tool_calls', 'token_count', 'prompt_tokens', 'completion_tokens', 'latency_ms', 'comparison_id']) {
    assert.equal(nulls[f], null, f);
  }
  // Empty strings are values, not "unset".
  const empty = await createMessage(owner, t.id, { role: 'user', content: '', run_id: '', model: '' });
  assert.equal(empty.run_id, '');
  assert.equal(empty.model, '');
  assert.equal(empty.content.text, '');
});

htest('create validation: each bad field is a 422 naming it', async () => {
  const t = await newThread(owner);
  const u = { role: 'user', content: 'x' };
  const cases = [
    [{ content: 'x' }, ['body', 'role']],
    [{ role: 'user' }, ['body', 'content']],
    [{ role: null, content: 'x' }, ['body', 'role']],
    [{ role: 'user', content: null }, ['body', 'content']],
    [{ role: 'admin', content: 'x' }, ['body', 'role']],
    [{ role: '', content: 'x' }, ['body', 'role']],
    [{ role: 1, content: 'x' }, ['body', 'role']],
    [{ role: 'user ', content: 'x' }, ['body', 'role']],
    [{ role: 'user', content: 5 }, ['body', 'content']],
    [{ role: 'user', content: ['x'] }, ['body', 'content']],
    [{ role: 'user', content: {} }, ['body', 'content', 'text']],
    [{ role: 'user', content: { text: 5 } }, ['body', 'content', 'text']],
    [{ role: 'user', content: { text: null } }, ['body', 'content', 'text']],
    [{ role: 'user', content: { text: 'x', foo: 1 } }, ['body', 'content', 'foo']],
    [{ role: 'user', content: { text: 'x', citations: {} } }, ['body', 'content', 'citations']],
    [{ role: 'user', content: { text: 'x', references: 'r' } }, ['body', 'content', 'references']],
    [{ role: 'user', content: { text: 'x', is_error: 'yes' } }, ['body', 'content', 'is_error']],
    [{ role: 'user', content: { text: 'x', is_error: 1 } }, ['body', 'content', 'is_error']],
    [{ ...u, foo: 1 }, ['body', 'foo']],
    [{ ...u, seq: 1 }, ['body', 'seq']],
    [{ ...u, id: randomUUID() }, ['body', 'id']],
    [{ ...u, created_at: '2024-01-01T00:00:00.000Z' }, ['body', 'created_at']],
    [{ ...u, updated_at: '2024-01-01T00:00:00.000Z' }, ['body', 'updated_at']],
    [{ ...u, thread_id: t.id }, ['body', 'thread_id']],
    [{ ...u, object: 'thread.message' }, ['body', 'object']],
    [{ ...u, is_error: true }, ['body', 'is_error']],
    [{ ...u, message_id: 'not-a-uuid' }, ['body', 'message_id']],
    [{ ...u, message_id: NIL }, ['body', 'message_id']],
    [{ ...u, message_id: 5 }, ['body', 'message_id']],
    [{ ...u, parent_message_id: 'nope' }, ['body', 'parent_message_id']],
    [{ ...u, parent_message_id: randomUUID() }, ['body', 'parent_message_id']],
    [{ ...u, parent_message_id: NIL }, ['body', 'parent_message_id']],
    [{ ...u, attachments: {} }, ['body', 'attachments']],
    [{ ...u, attachments: 'a' }, ['body', 'attachments']],
    [{ ...u, tool_calls: {} }, ['body', 'tool_calls']],
    [{ ...u, metadata: [] }, ['body', 'metadata']],
    [{ ...u, metadata: 'm' }, ['body', 'metadata']],
  ];
  for (const [body, loc] of cases) {
    assertValidation(await post(owner, t.id, body), loc, JSON.stringify(body));
  }
  for (const body of [[], 'text', 5, null, true]) {
    assertValidation(await post(owner, t.id, body), ['body'], JSON.stringify(body));
  }
  assert.equal((await getThread(owner, t.id)).message_count, 0, 'nothing was created');
});

htest('citations need chunk_id, quote, offset and length, with integer offsets >= 0', async () => {
  const t = await newThread(owner);
  const good = { chunk_id: 'c', quote: 'q', offset: 1, length: 2 };
  const bad = [
    'not an object', 5, null,
    ...['chunk_id', 'quote', 'offset', 'length'].map((k) => { const c = { ...good }; delete c[k]; return c; }),
    { ...good, quote: 5 }, { ...good, quote: null },
    { ...good, offset: -1 }, { ...good, offset: 1.5 }, { ...good, offset: '1' }, { ...good, offset: true },
    { ...good, length: -1 }, { ...good, length: 2147483648 }, { ...good, length: null },
  ];
  for (const c of bad) {
    const res = await post(owner, t.id, { role: 'assistant', content: { text: 'x', citations: [good, c] } });
    assertLocPrefix(res, ['body', 'content'], JSON.stringify(c));
  }
  assert.equal((await getThread(owner, t.id)).message_count, 0);
});

htest('a citation whose quote is not a string is a 422 whose loc names the citations', async () => {
  const t = await newThread(owner);
  const good = { chunk_id: 'c', quote: 'q', offset: 1, length: 2 };
  for (const quote of [5, null, ['q'], { q: 1 }]) {
    const res = await post(owner, t.id, { role: 'assistant', content: { text: 'x', citations: [good, { ...good, quote }] } });
    assertLocPrefix(res, ['body', 'content', 'citations'], `quote ${JSON.stringify(quote)}`);
  }
});

htest('message text: 524288 UTF-8 bytes pass, 524289 are a 422, counted in bytes not characters', async () => {
  const t = await newThread(owner);
  const LIMIT = 524288;
  const ok = [
    'a'.repeat(LIMIT),
    'é'.repeat(LIMIT / 2), // 2 bytes each
    '😀'.repeat(LIMIT / 4), // 4 bytes each
    '中'.repeat((LIMIT - 2) / 3) + 'ab', // 3 bytes each
  ];
  for (const text of ok) {
    assert.equal(Buffer.byteLength(text), LIMIT);
    const m = await createMessage(owner, t.id, { role: 'user', content: text });
    assert.equal(m.content.text, text, 'the long text round-trips');
    const o = await createMessage(owner, t.id, { role: 'user', content: { text } });
    assert.equal(o.content.text.length, text.length);
  }
  const tooLong = [
    'a'.repeat(LIMIT + 1),
    'é'.repeat(LIMIT / 2) + 'a',
    '😀'.repeat(LIMIT / 4) + 'a',
    'é'.repeat(LIMIT / 2 + 1), // 262145 characters, 524290 bytes
    '😀'.repeat(LIMIT / 4 + 1), // 131073 characters, 524292 bytes
  ];
  for (const text of tooLong) {
    assert.ok(Buffer.byteLength(text) > LIMIT);
    assertValidation(await post(owner, t.id, { role: 'user', content: text }), ['body', 'content'],
      `${Buffer.byteLength(text)} bytes as a string`);
    assertValidation(await post(owner, t.id, { role: 'user', content: { text } }), ['body', 'content', 'text'],
      `${Buffer.byteLength(text)} bytes in an object`);
  }
  assert.equal((await getThread(owner, t.id)).message_count, ok.length * 2);
});

htest('a NUL character (\\u0000) in the text, a string field or metadata is a 422, never a cut value', async () => {
  const t = await newThread(owner);
  assertValidation(await post(owner, t.id, { role: 'user', content: 'a\u0000b' }), ['body', 'content']);
  assertValidation(await post(owner, t.id, { role: 'user', content: '\u0000' }), ['body', 'content']);
  assertValidation(await post(owner, t.id, { role: 'user', content: { text: 'ab\u0000' } }), ['body', 'content', 'text']);
  for (const f of ['run_id', 'assistant_id', 'model', 'source', 'tool_call_id', 'tool_name', 'comparison_id']) {
    assertValidation(await post(owner, t.id, { role: 'user', content: 'x', [f]: 'r\u0000' }), ['body', f], f);
  }
  assertValidation(await post(owner, t.id, { role: 'user', content: 'x', metadata: { k: 'v\u0000' } }), ['body', 'metadata', 'k']);
  assertLocPrefix(await post(owner, t.id, { role: 'user', content: { text: 'x',
    citations: [{ chunk_id: 'c', quote: 'q\u0000', offset: 0, length: 1 }] } }), ['body', 'content']);
  const m = await createMessage(owner, t.id, { role: 'user', content: 'x' });
  assertValidation(await patch(owner, t.id, m.id, { content: 'a\u0000' }), ['body', 'content']);
  assertValidation(await patch(owner, t.id, m.id, { metadata: { k: '\u0000' } }), ['body', 'metadata', 'k']);
  assert.equal((await getThread(owner, t.id)).message_count, 1);
});

htest('a NUL character (\\u0000) in role, message_id or parent_message_id is a 422, not a value cut at the NUL', async () => {
  const t = await newThread(owner);
  const p = await createMessage(owner, t.id, { role: 'user', content: 'parent' });
  const cases = [
    [{ role: 'user\u0000evil', content: 'x' }, ['body', 'role']],
    [{ role: 'assistant\u0000', content: 'x' }, ['body', 'role']],
    [{ role: 'user', content: 'x', message_id: `${randomUUID()}\u0000junk` }, ['body', 'message_id']],
    [{ role: 'user', content: 'x', parent_message_id: `${p.id}\u0000junk` }, ['body', 'parent_message_id']],
  ];
  for (const [body, loc] of cases) {
    assertValidation(await post(owner, t.id, body), loc, JSON.stringify(body));
  }
  assertValidation(await batch(owner, t.id, { messages: [{ role: 'tool\u0000x', content: 'x' }] }),
    ['body', 'messages', 0, 'role']);
  assert.equal((await getThread(owner, t.id)).message_count, 1, 'nothing was created');
});

htest('a NUL character (\\u0000) inside details, attachments, tool_calls, references or a citation is a 422', async () => {
  const t = await newThread(owner);
  const cases = [
    [{ details: { s: 'a\u0000b' } }, ['body', 'details']],
    [{ details: 'a\u0000b' }, ['body', 'details']],
    [{ attachments: [{ name: '\u0000' }] }, ['body', 'attachments']],
    [{ tool_calls: ['\u0000'] }, ['body', 'tool_calls']],
    [{ content: { text: 'x', references: ['r\u0000'] } }, ['body', 'content']],
    [{ content: { text: 'x', citations: [{ chunk_id: 'c\u0000', quote: 'q', offset: 0, length: 1 }] } }, ['body', 'content']],
    [{ content: { text: 'x', citations: [{ chunk_id: 'c', quote: 'q', offset: 0, length: 1, path: '/\u0000' }] } }, ['body', 'content']],
  ];
  for (const [extra, prefix] of cases) {
    assertLocPrefix(await post(owner, t.id, { role: 'user', content: 'x', ...extra }), prefix, JSON.stringify(extra));
  }
  assert.equal((await getThread(owner, t.id)).message_count, 0);
});

htest('integer fields take 0..2147483647 only: -1, 2^31, booleans, fractions, strings are 422', async () => {
  const t = await newThread(owner);
  for (const f of ['token_count', 'prompt_tokens', 'completion_tokens', 'latency_ms']) {
    for (const v of [-1, 2147483648, true, false, 1.5, '5', [], {}, 1e300]) {
      assertValidation(await post(owner, t.id, { role: 'user', content: 'x', [f]: v }), ['body', f],
        `${f}=${JSON.stringify(v)}`);
    }
    // Beyond 64 bits (json-c would wrap it): still a 422, never clamped.
    for (const text of ['99999999999999999999', '-99999999999999999999', '18446744073709551615', '4294967296']) {
      const res = await raw(owner, msgsPath(t.id), `{"role":"user","content":"x","${f}":${text}}`);
      assertValidation(res, ['body', f], `${f}=${text}`);
    }
    const top = await createMessage(owner, t.id, { role: 'user', content: 'x', [f]: 2147483647 });
    assert.equal(top[f], 2147483647);
    const zero = await createMessage(owner, t.id, { role: 'user', content: 'x', [f]: 0 });
    assert.equal(zero[f], 0);
  }
  assert.equal((await getThread(owner, t.id)).message_count, 8);
});

htest('string fields take at most 255 characters (code points)', async () => {
  const t = await newThread(owner);
  for (const f of ['run_id', 'assistant_id', 'model', 'source', 'tool_call_id', 'tool_name', 'comparison_id']) {
    const max = await createMessage(owner, t.id, { role: 'user', content: 'x', [f]: '😀'.repeat(255) });
    assert.equal(max[f], '😀'.repeat(255), `${f}: 255 emoji round-trip`);
    assertValidation(await post(owner, t.id, { role: 'user', content: 'x', [f]: 'a'.repeat(256) }), ['body', f], f);
    assertValidation(await post(owner, t.id, { role: 'user', content: 'x', [f]: 'é'.repeat(256) }), ['body', f], f);
    assertValidation(await post(owner, t.id, { role: 'user', content: 'x', [f]: 5 }), ['body', f], f);
    assertValidation(await post(owner, t.id, { role: 'user', content: 'x', [f]: ['a'] }), ['body', f], f);
  }
});

htest('metadata: 16 keys, keys of 64 and values of 512 characters; anything more names the key', async () => {
  const t = await newThread(owner);
  const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, `v${i}`]));
  const m = await createMessage(owner, t.id, { role: 'user', content: 'x', metadata: sixteen });
  assert.deepEqual(m.metadata, sixteen);
  const wide = { ['ü'.repeat(64)]: '😀'.repeat(512) };
  assert.deepEqual((await createMessage(owner, t.id, { role: 'user', content: 'x', metadata: wide })).metadata, wide);
  const seventeen = { ...sixteen, k16: 'v' };
  assertValidation(await post(owner, t.id, { role: 'user', content: 'x', metadata: seventeen }), ['body', 'metadata']);
  const longKey = 'k'.repeat(65);
  assertValidation(await post(owner, t.id, { role: 'user', content: 'x', metadata: { [longKey]: 'v' } }),
    ['body', 'metadata', longKey]);
  assertValidation(await post(owner, t.id, { role: 'user', content: 'x', metadata: { k: 'é'.repeat(513) } }),
    ['body', 'metadata', 'k']);
  for (const v of [1, true, null, {}, ['a']]) {
    assertValidation(await post(owner, t.id, { role: 'user', content: 'x', metadata: { ok: 'v', bad: v } }),
      ['body', 'metadata', 'bad'], JSON.stringify(v));
  }
  assert.equal((await getThread(owner, t.id)).message_count, 2);
});

htest('parent_message_id must be a message of the same thread', async () => {
  const t1 = await newThread(owner);
  const t2 = await newThread(owner);
  const p1 = await createMessage(owner, t1.id, { role: 'user', content: 'in t1' });
  assertValidation(await post(owner, t2.id, { role: 'user', content: 'x', parent_message_id: p1.id }),
    ['body', 'parent_message_id']);
  const child = await createMessage(owner, t1.id, { role: 'assistant', content: 'x', parent_message_id: p1.id });
  assert.equal(child.parent_message_id, p1.id);
  // A message's own (new) id cannot be its parent.
  const self = randomUUID();
  assertValidation(await post(owner, t1.id, { role: 'user', content: 'x', message_id: self, parent_message_id: self }),
    ['body', 'parent_message_id']);
  assert.equal((await getThread(owner, t2.id)).message_count, 0);
  assert.equal((await getThread(owner, t1.id)).message_count, 2);
});

htest('an empty or missing body is 400 INVALID_JSON; invalid UTF-8 bytes are 400 INVALID_JSON', async () => {
  const t = await newThread(owner);
  assertError(await request('POST', msgsPath(t.id), { headers: { ...owner.headers, 'content-type': 'application/json' } }),
    400, 'INVALID_JSON', 'no body');
  assertError(await raw(owner, msgsPath(t.id), ''), 400, 'INVALID_JSON', 'empty body');
  const bad = [
    Buffer.from([0xff]),
    Buffer.from([0xc0, 0xaf]), // overlong '/'
    Buffer.from([0xe0, 0x80, 0xaf]), // overlong
    Buffer.from([0xed, 0xa0, 0x80]), // a surrogate encoded in UTF-8
    Buffer.from([0xf4, 0x90, 0x80, 0x80]), // beyond U+10FFFF
    Buffer.from([0xe4, 0xb8]), // cut short
    Buffer.from([0x80]), // a lone continuation byte
  ];
  for (const b of bad) {
    const body = Buffer.concat([Buffer.from('{"role":"user","content":"a'), b, Buffer.from('z"}')]);
    assertError(await raw(owner, msgsPath(t.id), body), 400, 'INVALID_JSON', b.toString('hex'));
    const inKey = Buffer.concat([Buffer.from('{"role":"user","content":"a","metadata":{"'), b, Buffer.from('":"v"}}')]);
    assertError(await raw(owner, msgsPath(t.id), inKey), 400, 'INVALID_JSON', `key ${b.toString('hex')}`);
    const inBatch = Buffer.concat([Buffer.from('{"messages":[{"role":"user","content":"'), b, Buffer.from('"}]}')]);
    assertError(await raw(owner, `${msgsPath(t.id)}/batch`, inBatch), 400, 'INVALID_JSON', `batch ${b.toString('hex')}`);
  }
  // Lone surrogates as escapes are not Unicode text either.
  for (const esc of ['\\ud800', '\\udc00', '\\ud83dx']) {
    assertError(await raw(owner, msgsPath(t.id), `{"role":"user","content":"${esc}"}`), 400, 'INVALID_JSON', esc);
  }
  // A repeated key is not silently resolved.
  assertError(await raw(owner, msgsPath(t.id), '{"role":"user","role":"system","content":"x"}'), 400, 'INVALID_JSON');
  assertError(await raw(owner, msgsPath(t.id), '{"role":"user","content":{"text":"a","text":"b"}}'), 400, 'INVALID_JSON');
  assert.equal((await getThread(owner, t.id)).message_count, 0);
});

htest('Unicode text round-trips byte for byte (emoji, ZWJ, CJK, RTL, combining marks, astral)', async () => {
  // The first n code points (never half a surrogate pair).
  const cp = (s, n) => [...s].slice(0, n).join('');
  const t = await newThread(owner);
  const samples = [
    '😀👍🏽👨‍👩‍👧‍👦🏳️‍🌈', // emoji, skin tone, ZWJ sequences, flags
    '中文字符，日本語のテキスト、한국어 텍스트', // CJK
    'مرحبا بالعالم — שלום עולם', // RTL (Arabic, Hebrew)
    '\u202Eright-to-left override\u202C and \u200F marks \u200E',
    'e\u0301 a\u0308 n\u0303 Z\u0351\u0364\u036B\u0300', // combining marks (not normalised)
    'é vs e\u0301 (NFC vs NFD stay distinct)',
    '𝄞 𝕳𝖊𝖑𝖑𝖔 𠜎 \u{10FFFF} \uFEFF BOM \uFFFD',
    'tab\there\nnewline\r\nquote " backslash \\ slash / control \u0001\u001f',
    '\u2028\u2029 line separators',
  ];
  for (const s of samples) {
    const res = await post(owner, t.id, {
      role: 'user', content: { text: s, citations: [{ chunk_id: s, quote: s, offset: 0, length: s.length }] },
      metadata: { [cp(s, 10)]: cp(s, 100) }, run_id: cp(s, 50), details: { s },
    });
    const m = assertMessage(assertJsonOk(res, 201, s));
    assert.ok(Buffer.from(m.content.text, 'utf8').equals(Buffer.from(s, 'utf8')), `text bytes differ: ${s}`);
    assert.equal(m.content.citations[0].quote, s);
    assert.equal(m.content.citations[0].chunk_id, s);
    assert.deepEqual(m.metadata, { [cp(s, 10)]: cp(s, 100) });
    assert.equal(m.run_id, cp(s, 50));
    assert.deepEqual(m.details, { s });
    const got = await getOne(owner, t.id, m.id);
    assert.ok(Buffer.from(assertJsonOk(got).content.text, 'utf8').equals(Buffer.from(s, 'utf8')), `GET bytes differ: ${s}`);
  }
  // An escaped surrogate pair is the same character as the raw bytes.
  const esc = await raw(owner, msgsPath(t.id), '{"role":"user","content":"\\ud83d\\ude00 \\u00e9"}');
  assert.equal(assertJsonOk(esc, 201).content.text, '😀 é');
  // The response is UTF-8 bytes, not escapes of them: the raw body holds the emoji.
  assert.ok(esc.text.includes('😀') || esc.text.includes('\\ud83d\\ude00'), esc.text.slice(0, 200));
});

htest('numbers inside free-form JSON (details, attachments, tool_calls, references, citations) are never clamped', async () => {
  // A number is never silently clamped (API reference: Requests and responses), and these
  // values are stored as given (API reference: schema Message). Beyond
  // 64 bits json-c turns a literal into 18446744073709551615 or -9223372036854775808: the value must
  // either come back exactly as sent, or the request be refused; never changed.
  const t = await newThread(owner);
  const literals = ['99999999999999999999', '-99999999999999999999', '18446744073709551616', '-9223372036854775809'];
  const places = [
    (n) => `"details":${n}`,
    (n) => `"details":{"n":[${n}]}`,
    (n) => `"attachments":[${n}]`,
    (n) => `"tool_calls":[{"n":${n}}]`,
  ];
  const inContent = [
    (n) => `{"text":"x","references":[${n}]}`,
    (n) => `{"text":"x","citations":[{"chunk_id":"c","quote":"q","offset":0,"length":0,"version_number":${n}}]}`,
  ];
  const bodies = [];
  for (const n of literals) {
    for (const f of places) bodies.push([n, `{"role":"user","content":"x",${f(n)}}`]);
    for (const f of inContent) bodies.push([n, `{"role":"user","content":${f(n)}}`]);
  }
  for (const [n, body] of bodies) {
    const res = await raw(owner, msgsPath(t.id), body);
    if (res.status === 201) {
      assert.ok(res.text.includes(n), `${body}: stored as ${res.text.slice(0, 400)}`);
      const got = await getOne(owner, t.id, res.json.id);
      assert.ok(got.text.includes(n), `${body}: read back as ${got.text.slice(0, 400)}`);
    } else {
      assert.ok([400, 422].includes(res.status), `${body}: ${res.status} ${res.text.slice(0, 200)}`);
    }
  }
});

htest('after a thread is deleted its messages\' ids may be used again', async () => {
  const t = await newThread(owner);
  const id = randomUUID();
  await createMessage(owner, t.id, { message_id: id, role: 'user', content: 'first life' });
  assert.equal((await request('DELETE', `/api/threads/${t.id}`, { headers: owner.headers })).status, 204);
  const t2 = await newThread(owner);
  const again = await createMessage(owner, t2.id, { message_id: id, role: 'assistant', content: 'second life' });
  assert.equal(again.id, id);
  assert.equal(again.thread_id, t2.id);
  assert.equal(again.seq, 1);
  // The same for a thread id of a deleted thread, messages included.
  const t3 = await newThread(owner, { id: t.id });
  assert.equal(t3.message_count, 0);
  assert.deepEqual((await listOk(owner, t3.id)).data, []);
  assert.equal((await createMessage(owner, t3.id, { role: 'user', content: 'new' })).seq, 1, 'a new thread numbers from 1');
});

htest('idempotent create: same message_id, role and content is 200 with the stored message, nothing new', async () => {
  const t = await newThread(owner);
  const id = randomUUID();
  const first = await createMessage(owner, t.id, {
    message_id: id, role: 'user', content: { text: 'once', citations: [{ chunk_id: 'c', quote: 'q', offset: 0, length: 1 }] },
    metadata: { v: '1' } });
  const before = await getThread(owner, t.id);
  // Same role (any case) and content; other fields differ: the stored one comes back unchanged.
  const res = await post(owner, t.id, {
    message_id: id.toUpperCase(), role: 'USER',
    content: { text: 'once', citations: [{ chunk_id: 'c', quote: 'q', offset: 0, length: 1 }] },
    metadata: { v: '2' }, run_id: 'r' });
  const again = assertMessage(assertJsonOk(res, 200, 'repeat'));
  assert.deepEqual(again, first);
  assert.equal(res.headers.get('location') === null || res.headers.get('location').endsWith(first.id), true);
  const afterT = await getThread(owner, t.id);
  assert.equal(afterT.message_count, before.message_count);
  assert.equal(afterT.last_message_at, before.last_message_at);
  const next = await createMessage(owner, t.id, { role: 'user', content: 'next' });
  assert.equal(next.seq, first.seq + 1, 'the repeat took no seq');
  assert.equal((await listOk(owner, t.id)).total, 2);
});

htest('idempotent create: different content or role is 409, and so is an id used in another thread', async () => {
  const t = await newThread(owner);
  const id = randomUUID();
  const first = await createMessage(owner, t.id, { message_id: id, role: 'user', content: 'original' });
  const conflicts = [
    { message_id: id, role: 'user', content: 'changed' },
    { message_id: id, role: 'assistant', content: 'original' },
    { message_id: id, role: 'user', content: { text: 'original', is_error: true } },
    { message_id: id, role: 'user', content: { text: 'original', citations: [{ chunk_id: 'c', quote: '', offset: 0, length: 0 }] } },
    { message_id: id, role: 'user', content: { text: 'original', references: ['r'] } },
  ];
  for (const body of conflicts) {
    assertError(await post(owner, t.id, body), 409, 'CONFLICT', JSON.stringify(body));
  }
  // The same id in another thread of the same owner, and in another user's thread.
  const t2 = await newThread(owner);
  assertError(await post(owner, t2.id, { message_id: id, role: 'user', content: 'original' }), 409, 'CONFLICT', 'other thread');
  const t3 = await newThread(other);
  assertError(await post(other, t3.id, { message_id: id, role: 'user', content: 'original' }), 409, 'CONFLICT', "other user's thread");
  // Nothing changed anywhere.
  assert.deepEqual(assertJsonOk(await getOne(owner, t.id, id)), first);
  assert.equal((await getThread(owner, t.id)).message_count, 1);
  assert.equal((await getThread(owner, t2.id)).message_count, 0);
  assert.equal((await getThread(other, t3.id)).message_count, 0);
  // Validation comes before the conflict, 422 -> 409 (API reference: Order of checks).
  assertValidation(await post(owner, t2.id, { message_id: id, role: 'user', content: 'x', seq: 3 }), ['body', 'seq']);
});

htest('batch: 1 and 100 items are created in order with contiguous seq; 0 and 101 are 422', async () => {
  const t = await newThread(owner);
  await createMessage(owner, t.id, { role: 'system', content: 'first' });
  const one = await createBatch(owner, t.id, [{ role: 'user', content: 'single' }]);
  assert.equal(one.length, 1);
  assert.equal(one[0].seq, 2);
  const items = Array.from({ length: 100 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'USER', content: `item ${i}`,
    token_count: i }));
  const data = await createBatch(owner, t.id, items);
  assert.equal(data.length, 100);
  data.forEach((m, i) => {
    assert.equal(m.content.text, `item ${i}`, 'in the given order');
    assert.equal(m.seq, 3 + i, 'contiguous seq');
    assert.equal(m.role, i % 2 ? 'assistant' : 'user');
    assert.equal(m.token_count, i);
    assert.equal(m.thread_id, t.id);
  });
  assert.equal(new Set(data.map((m) => m.id)).size, 100);
  const th = await getThread(owner, t.id);
  assert.equal(th.message_count, 102);
  assert.equal(th.last_message_at, data[99].created_at);
  assertValidation(await batch(owner, t.id, { messages: [] }), ['body', 'messages'], 'empty');
  const tooMany = Array.from({ length: 101 }, () => ({ role: 'user', content: 'x' }));
  assertValidation(await batch(owner, t.id, { messages: tooMany }), ['body', 'messages'], '101');
  assertValidation(await batch(owner, t.id, {}), ['body', 'messages'], 'missing');
  assertValidation(await batch(owner, t.id, { messages: null }), ['body', 'messages'], 'null');
  assertValidation(await batch(owner, t.id, { messages: { role: 'user', content: 'x' } }), ['body', 'messages'], 'object');
  assertValidation(await batch(owner, t.id, { messages: [{ role: 'user', content: 'x' }], extra: 1 }), ['body', 'extra']);
  assertValidation(await batch(owner, t.id, [{ role: 'user', content: 'x' }]), ['body'], 'bare array');
  assert.equal((await getThread(owner, t.id)).message_count, 102);
});

htest('batch is all or nothing: one bad item creates nothing and names its index', async () => {
  const t = await newThread(owner);
  await createMessage(owner, t.id, { role: 'user', content: 'before' });
  const good = (i) => ({ role: 'user', content: `g${i}` });
  assertValidation(await batch(owner, t.id, { messages: [good(0), good(1), { role: 'bogus', content: 'x' }] }),
    ['body', 'messages', 2, 'role']);
  assertValidation(await batch(owner, t.id, { messages: [good(0), { role: 'user', content: 'x', token_count: -1 }] }),
    ['body', 'messages', 1, 'token_count']);
  assertValidation(await batch(owner, t.id, { messages: [good(0), 'not an object'] }), ['body', 'messages', 1]);
  assertValidation(await batch(owner, t.id, { messages: [good(0), { role: 'user', content: 'x', seq: 9 }] }),
    ['body', 'messages', 1, 'seq']);
  // Checks that need the database: a parent that is not in the thread, an id of another thread.
  assertValidation(await batch(owner, t.id, { messages: [good(0), good(1), { ...good(2), parent_message_id: randomUUID() }] }),
    ['body', 'messages', 2, 'parent_message_id']);
  const t2 = await newThread(owner);
  const elsewhere = await createMessage(owner, t2.id, { role: 'user', content: 'elsewhere' });
  assertError(await batch(owner, t.id, { messages: [good(0), { message_id: elsewhere.id, role: 'user', content: 'elsewhere' }] }),
    409, 'CONFLICT');
  // Nothing of any of them was created, and no seq was used up.
  const th = await getThread(owner, t.id);
  assert.equal(th.message_count, 1);
  assert.equal((await listOk(owner, t.id)).total, 1);
  const next = await createMessage(owner, t.id, { role: 'user', content: 'after' });
  assert.equal(next.seq, 2, 'failed batches used no seq numbers');
});

htest('batch: parent may name an earlier item; a later item or a repeated message_id is 422', async () => {
  const t = await newThread(owner);
  const a = randomUUID();
  const b = randomUUID();
  const data = await createBatch(owner, t.id, [
    { message_id: a, role: 'user', content: 'q' },
    { message_id: b, role: 'assistant', content: 'a', parent_message_id: a },
    { role: 'user', content: 'q2', parent_message_id: b.toUpperCase() },
  ]);
  assert.equal(data[0].id, a);
  assert.equal(data[1].parent_message_id, a);
  assert.equal(data[2].parent_message_id, b);
  const c = randomUUID();
  assertValidation(await batch(owner, t.id, { messages: [
    { role: 'user', content: 'x', parent_message_id: c }, { message_id: c, role: 'user', content: 'y' }] }),
  ['body', 'messages', 0, 'parent_message_id'], 'parent named by a later item');
  const d = randomUUID();
  assertValidation(await batch(owner, t.id, { messages: [
    { message_id: d, role: 'user', content: 'x' }, { message_id: d, role: 'user', content: 'x' }] }),
  ['body', 'messages', 1, 'message_id'], 'the same message_id twice');
  assertValidation(await batch(owner, t.id, { messages: [
    { message_id: d, role: 'user', content: 'x' }, { role: 'user', content: 'z' }, { message_id: d.toUpperCase(), role: 'user', content: 'x' }] }),
  ['body', 'messages', 2, 'message_id'], 'the same message_id twice, other case');
  assert.equal((await getThread(owner, t.id)).message_count, 3);
});

htest('batch: an item that already exists with the same role and content is returned as stored', async () => {
  const t = await newThread(owner);
  const id = randomUUID();
  const stored = await createMessage(owner, t.id, { message_id: id, role: 'user', content: 'kept', metadata: { a: '1' } });
  await createMessage(owner, t.id, { role: 'assistant', content: 'between' });
  const data = await createBatch(owner, t.id, [
    { role: 'user', content: 'new 1' },
    { message_id: id, role: 'user', content: 'kept', metadata: { a: 'ignored' } },
    { role: 'user', content: 'new 2' },
  ]);
  assert.equal(data.length, 3);
  assert.deepEqual(data[1], stored, 'the existing item as stored');
  assert.equal(data[0].seq, 3);
  assert.equal(data[2].seq, 4, 'the new items are contiguous; the repeat takes no seq');
  assert.equal((await getThread(owner, t.id)).message_count, 4);
  // The same id with other content makes the whole batch a 409.
  assertError(await batch(owner, t.id, { messages: [{ role: 'user', content: 'new 3' },
    { message_id: id, role: 'user', content: 'different' }] }), 409, 'CONFLICT');
  assert.equal((await getThread(owner, t.id)).message_count, 4);
});

htest('GET one message: with_details=false renders details null; bad values and other threads', async () => {
  const t = await newThread(owner);
  const t2 = await newThread(owner);
  const m = await createMessage(owner, t.id, { role: 'assistant', content: 'x', details: { trace: [1, 2] } });
  const full = assertJsonOk(await getOne(owner, t.id, m.id));
  assert.deepEqual(full, m);
  assert.deepEqual(assertJsonOk(await getOne(owner, t.id, m.id, '?with_details=true')), m);
  const slim = assertMessage(assertJsonOk(await getOne(owner, t.id, m.id, '?with_details=false')));
  assert.equal(slim.details, null);
  assert.deepEqual({ ...slim, details: m.details }, m, 'only details differs');
  assert.deepEqual(assertJsonOk(await getOne(owner, t.id, m.id.toUpperCase())), m, 'an upper-case id');
  for (const v of ['yes', '', 'TRUE', '1', 'False']) {
    assertValidation(await getOne(owner, t.id, m.id, `?with_details=${v}`), ['query', 'with_details'], v);
  }
  assertError(await getOne(owner, t2.id, m.id), 404, 'NOT_FOUND', 'a message of another thread');
  assertError(await getOne(owner, t.id, randomUUID()), 404, 'NOT_FOUND', 'no such message');
  assertError(await getOne(owner, t.id, NIL), 404, 'NOT_FOUND', 'the nil UUID');
  assertError(await getOne(owner, t.id, 'not-a-uuid'), 400, 'INVALID_ID');
  // 404 of the message comes before 422 of the query (API reference: Order of checks).
  assertError(await getOne(owner, t2.id, m.id, '?with_details=yes'), 404, 'NOT_FOUND');
  // HEAD answers like GET without a body.
  const head = await request('HEAD', msgPath(t.id, m.id), { headers: owner.headers });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
});

htest('PATCH changes content, metadata, details and is_error (top level), bumps updated_at, nothing else', async () => {
  const t = await newThread(owner);
  const m = await createMessage(owner, t.id, {
    role: 'assistant', content: { text: 'v1', citations: [{ chunk_id: 'c', quote: 'q', offset: 0, length: 1 }], references: ['r'] },
    metadata: { a: '1' }, details: { d: 1 }, run_id: 'run', token_count: 5 });
  await sleep(15);
  const p1 = assertMessage(assertJsonOk(await patch(owner, t.id, m.id, { is_error: true }), 200, 'is_error'));
  assert.equal(p1.content.is_error, true);
  assert.equal(p1.content.text, 'v1', 'is_error alone leaves the text');
  assert.deepEqual(p1.content.citations, m.content.citations, 'and the citations');
  assert.deepEqual(p1.content.references, ['r']);
  assert.ok(p1.updated_at > m.updated_at, `updated_at changes: ${m.updated_at} -> ${p1.updated_at}`);
  assert.equal(p1.created_at, m.created_at);
  for (const k of ['id', 'seq', 'role', 'thread_id', 'run_id', 'token_count', 'metadata', 'details']) {
    assert.deepEqual(p1[k], m[k], `${k} unchanged`);
  }
  await sleep(15);
  const p2 = assertJsonOk(await patch(owner, t.id, m.id, { content: 'v2', metadata: { b: '2' }, details: ['x'] }));
  assert.deepEqual(p2.content, { text: 'v2', citations: [], references: [], is_error: false },
    'content is replaced as a whole');
  assert.deepEqual(p2.metadata, { b: '2' }, 'metadata is replaced, not merged');
  assert.deepEqual(p2.details, ['x']);
  assert.ok(p2.updated_at > p1.updated_at);
  const p3 = assertJsonOk(await patch(owner, t.id, m.id, {
    content: { text: 'v3', citations: [{ chunk_id: 'z', quote: 'zz', offset: 1, length: 2, extra: true }] },
    is_error: true, details: null }));
  assert.equal(p3.content.text, 'v3');
  assert.equal(p3.content.is_error, true);
  assert.deepEqual(p3.content.citations, [{ chunk_id: 'z', quote: 'zz', offset: 1, length: 2, extra: true }]);
  assert.equal(p3.details, null, 'details null clears it');
  const p4 = assertJsonOk(await patch(owner, t.id, m.id, { is_error: false }));
  assert.equal(p4.content.is_error, false);
  assert.equal(p4.content.text, 'v3');
  // What GET returns is what PATCH returned.
  assert.deepEqual(assertJsonOk(await getOne(owner, t.id, m.id)), p4);
});

htest('PATCH rejects every other field, bad values, and messages of other threads', async () => {
  const t = await newThread(owner);
  const t2 = await newThread(owner);
  const m = await createMessage(owner, t.id, { role: 'user', content: 'x' });
  for (const f of ['role', 'run_id', 'seq', 'id', 'thread_id', 'created_at', 'updated_at', 'token_count',
    'parent_message_id', 'attachments', 'message_id', 'model', 'text', 'citations', 'object', 'bogus']) {
    assertValidation(await patch(owner, t.id, m.id, { [f]: 'x' }), ['body', f], f);
  }
  assertValidation(await patch(owner, t.id, m.id, { is_error: 'yes' }), ['body', 'is_error']);
  assertValidation(await patch(owner, t.id, m.id, { is_error: null }), ['body', 'is_error']);
  assertValidation(await patch(owner, t.id, m.id, { content: 5 }), ['body', 'content']);
  assertValidation(await patch(owner, t.id, m.id, { content: { text: 'y', bad: 1 } }), ['body', 'content', 'bad']);
  assertValidation(await patch(owner, t.id, m.id, { content: 'a'.repeat(524289) }), ['body', 'content']);
  assertValidation(await patch(owner, t.id, m.id, { metadata: { k: 1 } }), ['body', 'metadata', 'k']);
  assertValidation(await patch(owner, t.id, m.id, { metadata: 'x' }), ['body', 'metadata']);
  assertValidation(await patch(owner, t.id, m.id, []), ['body']);
  assertError(await request('PATCH', msgPath(t.id, m.id), { headers: { ...owner.headers, 'content-type': 'application/json' } }),
    400, 'INVALID_JSON', 'no body');
  assertError(await patch(owner, t2.id, m.id, { content: 'y' }), 404, 'NOT_FOUND', 'message of another thread');
  assertError(await patch(owner, t.id, randomUUID(), { content: 'y' }), 404, 'NOT_FOUND', 'no such message');
  // 404 of the message comes before 422 of the body.
  assertError(await patch(owner, t.id, randomUUID(), { role: 'y' }), 404, 'NOT_FOUND');
  // Nothing changed.
  assert.deepEqual(assertJsonOk(await getOne(owner, t.id, m.id)), m);
});

htest('DELETE one message: 204, then 404; a message of another thread is 404 and stays', async () => {
  const t = await newThread(owner);
  const t2 = await newThread(owner);
  const a = await createMessage(owner, t.id, { role: 'user', content: 'a' });
  const b = await createMessage(owner, t2.id, { role: 'user', content: 'b' });
  assertError(await request('DELETE', msgPath(t.id, b.id), { headers: owner.headers }), 404, 'NOT_FOUND');
  assertJsonOk(await getOne(owner, t2.id, b.id));
  const del = await request('DELETE', msgPath(t.id, a.id), { headers: owner.headers });
  assert.equal(del.status, 204, del.text);
  assert.equal(del.text, '');
  assert.match(del.headers.get('x-request-id') || '', SANE_ID, 'a 204 carries X-Request-Id');
  assertError(await getOne(owner, t.id, a.id), 404, 'NOT_FOUND', 'after delete');
  assertError(await request('DELETE', msgPath(t.id, a.id), { headers: owner.headers }), 404, 'NOT_FOUND', 'twice');
  assertError(await patch(owner, t.id, a.id, { content: 'z' }), 404, 'NOT_FOUND', 'patch after delete');
  assertError(await request('DELETE', msgPath(t.id, 'nope'), { headers: owner.headers }), 400, 'INVALID_ID');
});

htest('thread counters: message_count and last_message_at follow create, delete and clear', async () => {
  const t = await newThread(owner);
  assert.equal(t.message_count, 0);
  assert.equal(t.last_message_at, null);
  await sleep(5);
  const ms = [];
  for (let i = 0; i < 4; i++) {
    ms.push(await createMessage(owner, t.id, { role: 'user', content: `c${i}` }));
    const th = await getThread(owner, t.id);
    assert.equal(th.message_count, i + 1);
    assert.equal(th.last_message_at, ms[i].created_at, 'the newest message');
    assert.ok(th.updated_at >= ms[i].created_at, 'the thread was updated with it');
    await sleep(5);
  }
  // Delete one in the middle: the count drops, the newest stays.
  assert.equal((await request('DELETE', msgPath(t.id, ms[1].id), { headers: owner.headers })).status, 204);
  let th = await getThread(owner, t.id);
  assert.equal(th.message_count, 3);
  assert.equal(th.last_message_at, ms[3].created_at);
  // Delete the newest: last_message_at becomes the newest remaining one's.
  assert.equal((await request('DELETE', msgPath(t.id, ms[3].id), { headers: owner.headers })).status, 204);
  th = await getThread(owner, t.id);
  assert.equal(th.message_count, 2);
  assert.equal(th.last_message_at, ms[2].created_at);
  assert.equal((await listOk(owner, t.id)).total, 2);
  // Clear: 0 and null, and the list is empty.
  const clr = await request('DELETE', msgsPath(t.id), { headers: owner.headers });
  assert.equal(clr.status, 204, clr.text);
  assert.equal(clr.text, '');
  assert.match(clr.headers.get('x-request-id') || '', SANE_ID, 'a 204 carries X-Request-Id');
  th = await getThread(owner, t.id);
  assert.equal(th.message_count, 0);
  assert.equal(th.last_message_at, null);
  const l = await listOk(owner, t.id);
  assert.deepEqual(l.data, []);
  assert.equal(l.total, 0);
  assertError(await getOne(owner, t.id, ms[0].id), 404, 'NOT_FOUND', 'cleared message');
  // Numbering continues after the old last seq (4), never reused.
  const n = await createMessage(owner, t.id, { role: 'user', content: 'again' });
  assert.equal(n.seq, 5);
  th = await getThread(owner, t.id);
  assert.equal(th.message_count, 1);
  assert.equal(th.last_message_at, n.created_at);
  // Clearing an empty thread is fine too; and deleting the only message resets to 0/null.
  assert.equal((await request('DELETE', msgPath(t.id, n.id), { headers: owner.headers })).status, 204);
  th = await getThread(owner, t.id);
  assert.equal(th.message_count, 0);
  assert.equal(th.last_message_at, null);
  assert.equal((await request('DELETE', msgsPath(t.id), { headers: owner.headers })).status, 204);
  const n2 = await createMessage(owner, t.id, { role: 'user', content: 'later' });
  assert.equal(n2.seq, 6);
});

htest('clear after a batch continues numbering after the batch', async () => {
  const t = await newThread(owner);
  const data = await createBatch(owner, t.id, Array.from({ length: 7 }, (_, i) => ({ role: 'user', content: `b${i}` })));
  assert.deepEqual(data.map((m) => m.seq), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal((await request('DELETE', msgsPath(t.id), { headers: owner.headers })).status, 204);
  const b2 = await createBatch(owner, t.id, [{ role: 'user', content: 'x' }, { role: 'user', content: 'y' }]);
  assert.deepEqual(b2.map((m) => m.seq), [8, 9]);
  assert.equal((await getThread(owner, t.id)).message_count, 2);
});

htest('an empty thread\'s page is two statements: its counters say it is empty', async () => {
  const t = await newThread(owner);
  // Both workers' connections open and their statements prepared.
  for (let i = 0; i < 6; i++) await listOk(owner, t.id);
  const statementsPerPage = (query, n) => fewestStatementsPer(n, async () => {
    const page = await listOk(owner, t.id, query);
    assert.deepEqual(page.data, [], JSON.stringify(query));
    assert.equal(page.total, 0);
    assert.equal(page.has_more, false);
  });
  // The page's one statement finds no row, the thread's read says it has no
  // message: no range read (three statements before).
  let per = await statementsPerPage({ limit: 20 }, 10);
  assert.ok(per >= 2 && per <= 2.3, `statements per empty page: ${per}`);
  // A filtered page reads the thread first (its counters give the total):
  // that one statement is all an empty thread costs (two before).
  per = await statementsPerPage({ limit: 20, order: 'asc', role: 'user' }, 10);
  assert.ok(per >= 1 && per <= 1.3, `statements per empty filtered page: ${per}`);
  // Cleared: empty again, and a cursor naming a cleared message is still refused.
  const ms = [];
  for (let i = 0; i < 3; i++) ms.push(await createMessage(owner, t.id, { role: 'user', content: `e${i}` }));
  assert.equal((await listOk(owner, t.id)).total, 3);
  assert.equal((await request('DELETE', msgsPath(t.id), { headers: owner.headers })).status, 204);
  per = await statementsPerPage({ limit: 20 }, 5);
  assert.ok(per >= 2 && per <= 2.4, `statements per cleared page: ${per}`);
  const res = await request('GET', `${msgsPath(t.id)}?after=${ms[1].id}`, { headers: owner.headers });
  assertValidation(res, ['query', 'after']);
  // A message after the clear is seen at once.
  const n = await createMessage(owner, t.id, { role: 'user', content: 'after the clear' });
  const page = await listOk(owner, t.id);
  assert.deepEqual(page.data.map((m) => m.id), [n.id]);
  assert.equal(page.total, 1);
});

htest('literal route segments win: GET .../messages/batch and .../messages/context are 405 with Allow POST', async () => {
  const t = await newThread(owner);
  for (const seg of ['batch', 'context']) {
    for (const method of ['GET', 'PATCH', 'DELETE', 'PUT']) {
      const res = await request(method, `${msgsPath(t.id)}/${seg}`, { headers: owner.headers });
      assertError(res, 405, 'METHOD_NOT_ALLOWED', `${method} ${seg}`);
      const allow = (res.headers.get('allow') || '').split(',').map((s) => s.trim()).sort();
      assert.deepEqual(allow, ['POST'], `${method} ${seg}: Allow ${res.headers.get('allow')}`);
    }
  }
  // And on a thread that does not exist: the route decides first.
  assertError(await request('GET', `${msgsPath(randomUUID())}/batch`, { headers: ANON.headers }), 405, 'METHOD_NOT_ALLOWED');
  // The collection and the item list their methods too.
  const m = await createMessage(owner, t.id, { role: 'user', content: 'x' });
  const r1 = await request('PUT', msgsPath(t.id), { headers: owner.headers });
  assertError(r1, 405, 'METHOD_NOT_ALLOWED');
  assert.deepEqual(r1.headers.get('allow').split(',').map((s) => s.trim()).sort(), ['DELETE', 'GET', 'HEAD', 'POST']);
  const r2 = await request('POST', msgPath(t.id, m.id), json(owner.headers, {}));
  assertError(r2, 405, 'METHOD_NOT_ALLOWED');
  assert.deepEqual(r2.headers.get('allow').split(',').map((s) => s.trim()).sort(), ['DELETE', 'GET', 'HEAD', 'PATCH']);
});

htest('a message body must be application/json (415), checked before the thread', async () => {
  const t = await newThread(owner);
  const body = JSON.stringify({ role: 'user', content: 'x' });
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
    assertError(await request('POST', msgsPath(t.id), { headers: { ...owner.headers, 'content-type': ct }, body }),
      415, 'UNSUPPORTED_MEDIA_TYPE', ct);
  }
  assertJsonOk(await request('POST', msgsPath(t.id), {
    headers: { ...owner.headers, 'content-type': 'Application/JSON; charset=UTF-8' }, body }), 201, 'media type case');
  assertError(await request('POST', msgsPath(randomUUID()), { headers: { ...owner.headers, 'content-type': 'text/plain' }, body }),
    415, 'UNSUPPORTED_MEDIA_TYPE', 'missing thread');
  assertError(await raw(owner, msgsPath(randomUUID()), '{bad'), 400, 'INVALID_JSON', 'missing thread, bad JSON');
  assertError(await post(owner, randomUUID(), { role: 'bogus' }), 404, 'NOT_FOUND', 'missing thread, bad fields');
});

htest('a \\u0000 or an integer beyond 64 bits is a 422 only after the thread, access and message checks', async () => {
  const t = await newThread(owner);
  const m = await createMessage(owner, t.id, { role: 'user', content: 'x' });
  const nul = '{"role":"user","content":"a\\u0000"}';
  const big = '{"role":"user","content":"x","details":[99999999999999999999]}';
  for (const body of [nul, big]) {
    assertError(await raw(owner, msgsPath(randomUUID()), body), 404, 'NOT_FOUND', 'missing thread first');
    assertError(await raw(other, msgsPath(t.id), body), 403, 'FORBIDDEN', 'another user: 403 before 422');
    assertError(await raw(ANON, msgsPath(t.id), body), 401, 'UNAUTHORIZED', 'anonymous: 401 before 422');
  }
  assertValidation(await raw(owner, msgsPath(t.id), nul), ['body', 'content']);
  assertValidation(await raw(owner, msgsPath(t.id), big), ['body', 'details', 0]);
  // PATCH: the message must exist before the body is judged.
  const patchRaw = (mid, body) => request('PATCH', msgPath(t.id, mid), {
    headers: { ...owner.headers, 'content-type': 'application/json' }, body });
  assertError(await patchRaw(randomUUID(), '{"metadata":{"k":"\\u0000"}}'), 404, 'NOT_FOUND');
  assertValidation(await patchRaw(m.id, '{"metadata":{"k":"\\u0000"}}'), ['body', 'metadata', 'k']);
  assertValidation(await patchRaw(m.id, '{"details":{"a":{"\\u0000":1}}}'), ['body', 'details', 'a']);
  // A batch names the item and the field.
  assertValidation(await raw(owner, `${msgsPath(t.id)}/batch`,
    '{"messages":[{"role":"user","content":"ok"},{"role":"user","content":"x","tool_calls":[{"n":-9223372036854775809}]}]}'),
  ['body', 'messages', 1, 'tool_calls', 0, 'n']);
  assert.equal((await getThread(owner, t.id)).message_count, 1, 'nothing was created');
});

// What clients sent MariaDB: Questions counts each statement a client sends
// (a prepared statement's execution, a START TRANSACTION, a COMMIT), not
// the statements run inside a compound statement (Com_begin, Com_commit and
// Com_stmt_execute count those too, so they cannot tell one round trip from
// four). Global: nothing else runs while a file of the suite runs but the
// idle workers' purge steps (see fewestStatementsPer).
const questions = () => Number(sql("SHOW GLOBAL STATUS LIKE 'Questions'").split('\t')[1]);

// What reading the counter adds to it (the client's own statements), the
// fewest of a few reads, for the reason fewestStatementsPer gives.
function questionsOverhead() {
  let fewest = Infinity;
  for (let t = 0; t < 4; t++) {
    const q0 = questions();
    fewest = Math.min(fewest, questions() - q0);
  }
  return fewest;
}

// Statements a request sends, from n requests in a row: the fewest of a few
// trials. An idle worker's purge step (once a second, at once while dead rows
// are left from earlier tests) adds statements to the global counter now and
// then and never takes any away, so the fewest is the requests' own count; a
// request that sends one statement more raises every trial.
async function fewestStatementsPer(n, once, trials = 4) {
  const overhead = questionsOverhead();
  let fewest = Infinity;
  for (let t = 0; t < trials; t++) {
    const q0 = questions();
    for (let i = 0; i < n; i++) await once(i);
    fewest = Math.min(fewest, (questions() - q0 - overhead) / n);
  }
  return fewest;
}

function statementsPerCreate(tid, body, n) {
  return fewestStatementsPer(n, async (i) => assertJsonOk(await post(owner, tid, body), 201, `create ${i}`));
}

htest('a plain create is one statement: one round trip to MariaDB, the general four above 8 KiB', async () => {
  const t = await newThread(owner);
  // Both workers' connections open and their statements prepared (a
  // connection's set-up and a PREPARE are not counted as creates).
  for (let i = 0; i < 6; i++) await createMessage(owner, t.id, { role: 'user', content: `warm ${i}` });
  const one = await statementsPerCreate(t.id, { role: 'user', content: 'hello' }, 20);
  assert.ok(one >= 1 && one <= 1.3, `statements per plain create: ${one}`);
  // A row of more than 8 KiB costs MariaDB less as the general transaction
  // (src/message_store.c, CREATE_ONE_MAX_BYTES).
  const four = await statementsPerCreate(t.id, { role: 'assistant', content: 'x'.repeat(9000) }, 10);
  assert.ok(four >= 4 && four <= 4.6, `statements per large create: ${four}`);
  // Every create stored once, in order: 6 + 4 trials of 20 + 4 of 10.
  const page = await listOk(owner, t.id, { limit: 100, order: 'asc' });
  assert.deepEqual(page.data.map((m) => m.seq), Array.from({ length: 100 }, (_, i) => i + 1));
  assert.equal(page.total, 126);
  assert.equal((await getThread(owner, t.id)).message_count, 126);
});

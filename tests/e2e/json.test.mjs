// Request bodies on PUT /api/settings
// (API reference: Requests and responses; Errors; Order of checks):
// media type (415), strict JSON (400 INVALID_JSON), depth, and validation
// (422 with loc).
// Every request here is refused, so the setting never changes.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';

import { adminHeaders, assertError, assertValidation, needsHarness, request } from './lib.mjs';

let initial;
before(async () => {
  if (!needsHarness) initial = (await request('GET', '/api/settings')).json?.public_sharing;
});

const put = (body, contentType = 'application/json', extra = {}) => {
  const headers = { ...adminHeaders(), ...extra };
  if (contentType !== null) headers['content-type'] = contentType;
  return request('PUT', '/api/settings', { headers, body });
};

test('PUT with Content-Type text/plain answers 415 UNSUPPORTED_MEDIA_TYPE', { skip: needsHarness }, async () => {
  assertError(await put('{"public_sharing": true}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
});

test('PUT with no Content-Type answers 415 UNSUPPORTED_MEDIA_TYPE', { skip: needsHarness }, async () => {
  // A Buffer body makes fetch send no Content-Type of its own.
  assertError(await put(Buffer.from('{"public_sharing": true}'), null), 415, 'UNSUPPORTED_MEDIA_TYPE');
});

test('PUT with a JSON-like but other media type answers 415', { skip: needsHarness }, async () => {
  for (const ct of ['application/jsonx', 'application/x-json', 'text/json', 'application/json-patch+json']) {
    assertError(await put('{"public_sharing": true}', ct), 415, 'UNSUPPORTED_MEDIA_TYPE', ct);
  }
});

// Each of these is malformed JSON under RFC 8259: 400 INVALID_JSON.
const BAD_JSON = [
  ['a trailing comma', '{"public_sharing": true,}'],
  ['a /* */ comment', '{"public_sharing": /* c */ true}'],
  ['a // comment', '{"public_sharing": true // c\n}'],
  ['single quotes', "{'public_sharing': true}"],
  ['TRUE in upper case', '{"public_sharing": TRUE}'],
  ['True capitalised', '{"public_sharing": True}'],
  ['NaN', '{"public_sharing": NaN}'],
  ['Infinity', '{"public_sharing": Infinity}'],
  ['a duplicate key', '{"public_sharing": true, "public_sharing": false}'],
  ['text after the value', '{"public_sharing": true} x'],
  ['a second value after the first', '{"public_sharing": true}{}'],
  ['an unquoted key', '{public_sharing: true}'],
  ['a lone surrogate escape', '{"public_sharing": "\\ud800"}'],
  ['an unescaped control character in a string', '{"public_sharing": "a\u0001b"}'],
  ['an unterminated object', '{"public_sharing": true'],
  ['only whitespace', '   '],
];

for (const [what, body] of BAD_JSON) {
  test(`a body with ${what} answers 400 INVALID_JSON`, { skip: needsHarness }, async () => {
    assertError(await put(body), 400, 'INVALID_JSON', what);
  });
}

test('a body with invalid UTF-8 bytes answers 400 INVALID_JSON', { skip: needsHarness }, async () => {
  const cases = [
    Buffer.concat([Buffer.from('{"public_sharing": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"k'), Buffer.from([0xc3, 0x28]), Buffer.from('": true}')]),
    Buffer.concat([Buffer.from('{"public_sharing": "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
  ];
  for (const body of cases) {
    assertError(await put(body), 400, 'INVALID_JSON', body.toString('hex'));
  }
});

test('an empty PUT body answers 400 INVALID_JSON', { skip: needsHarness }, async () => {
  assertError(await put(''), 400, 'INVALID_JSON', 'empty body');
});

// Depth: the outermost object is depth 1; 32 levels pass the parser, 33 do not.
const nested = (depth) => `{"x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

test('a body nested 33 deep answers 400 INVALID_JSON', { skip: needsHarness }, async () => {
  assertError(await put(nested(33)), 400, 'INVALID_JSON', 'depth 33');
  assertError(await put('['.repeat(33) + ']'.repeat(33)), 400, 'INVALID_JSON', 'arrays 33');
});

test('a body nested 32 deep passes the parser (422 for its unknown key, not 400)',
  { skip: needsHarness }, async () => {
    assertValidation(await put(nested(32)), ['body', 'x'], 'depth 32');
    assertValidation(await put('['.repeat(32) + ']'.repeat(32)), ['body'], 'arrays 32');
  });

test('a well-formed body that is not an object answers 422 with loc ["body"]',
  { skip: needsHarness }, async () => {
    for (const body of ['[]', '[{"public_sharing": true}]', '"x"', '1', 'true', 'null']) {
      assertValidation(await put(body), ['body'], `body ${body}`);
    }
  });

test('an unknown key answers 422 with loc ["body", "<key>"]', { skip: needsHarness }, async () => {
  assertValidation(await put('{"colour": "red"}'), ['body', 'colour'], 'colour');
  assertValidation(await put('{"public_sharing": true, "extra": 1}'), ['body', 'extra'], 'extra');
});

test('public_sharing that is not a boolean answers 422 with loc ["body", "public_sharing"]',
  { skip: needsHarness }, async () => {
    for (const v of ['"true"', '1', '0', '"on"', '{}', '[]']) {
      assertValidation(await put(`{"public_sharing": ${v}}`), ['body', 'public_sharing'], v);
    }
  });

test('the order of checks: bad JSON (400) comes before the missing token (401)',
  { skip: needsHarness }, async () => {
    const res = await request('PUT', '/api/settings', {
      headers: { 'content-type': 'application/json' }, body: '{"public_sharing": true,}',
    });
    assertError(res, 400, 'INVALID_JSON');
  });

test('the order of checks: an invalid token (401) comes before the media type (415)',
  { skip: needsHarness }, async () => {
    const res = await request('PUT', '/api/settings', {
      headers: { 'content-type': 'text/plain', authorization: 'Bearer bad' }, body: 'x',
    });
    assertError(res, 401, 'INVALID_TOKEN');
  });

test('refused PUTs leave public_sharing as it was', { skip: needsHarness }, async () => {
  const res = await request('GET', '/api/settings');
  assert.equal(res.status, 200);
  assert.equal(typeof initial, 'boolean');
  assert.equal(res.json.public_sharing, initial);
});

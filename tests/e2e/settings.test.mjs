// GET/HEAD/PUT /api/settings (API reference: /api/settings) and
// `threadstore settings`: every test that changes public_sharing lives in
// this file, so that no other test file depends on its value. Starts and
// ends with public_sharing off.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  JSON_TYPE, adminHeaders, assertJsonOk, env, needsHarness, request, runCli, userHeaders,
} from './lib.mjs';

const putAs = (headers, body, contentType = 'application/json') =>
  request('PUT', '/api/settings', { headers: { ...headers, 'content-type': contentType }, body });
const setFlag = (on) => putAs(adminHeaders(), JSON.stringify({ public_sharing: on }));

async function flag() {
  const res = await request('GET', '/api/settings');
  assertJsonOk(res, 200, 'GET /api/settings');
  return res.json.public_sharing;
}

before(async () => {
  if (needsHarness) return;
  const res = await setFlag(false);
  assert.equal(res.status, 200, `resetting public_sharing failed: ${res.status} ${res.text}`);
});

after(async () => {
  if (!needsHarness) await setFlag(false);
});

test('GET /api/settings answers exactly {"public_sharing": false} after a reset, for anyone',
  { skip: needsHarness }, async () => {
    const anon = await request('GET', '/api/settings');
    assertJsonOk(anon, 200, 'anonymous');
    assert.deepEqual(anon.json, { public_sharing: false });
    const user = await request('GET', '/api/settings', { headers: userHeaders() });
    assertJsonOk(user, 200, 'user');
    assert.deepEqual(user.json, { public_sharing: false });
  });

test('PUT /api/settings as admin answers 200 with the settings and the value sticks',
  { skip: needsHarness }, async () => {
    const on = await setFlag(true);
    assertJsonOk(on, 200, 'PUT true');
    assert.deepEqual(on.json, { public_sharing: true });
    assert.equal(await flag(), true, 'GET after PUT true');
    // Several requests, so that both workers answer: the flag is in the database.
    for (let i = 0; i < 6; i++) assert.equal(await flag(), true, `GET ${i} after PUT true`);

    const off = await setFlag(false);
    assertJsonOk(off, 200, 'PUT false');
    assert.deepEqual(off.json, { public_sharing: false });
    for (let i = 0; i < 6; i++) assert.equal(await flag(), false, `GET ${i} after PUT false`);
  });

test('PUT of the value already set answers 200 (idempotent)', { skip: needsHarness }, async () => {
  assertJsonOk(await setFlag(false), 200, 'first');
  assertJsonOk(await setFlag(false), 200, 'second');
  assert.equal(await flag(), false);
});

test('HEAD /api/settings sends the GET headers, Content-Length included, and no body',
  { skip: needsHarness }, async () => {
    for (const on of [false, true]) {
      await setFlag(on);
      const get = await request('GET', '/api/settings');
      const head = await request('HEAD', '/api/settings');
      assert.equal(head.status, 200);
      assert.equal(head.text, '', 'HEAD answered with a body');
      assert.equal(head.headers.get('content-type'), JSON_TYPE);
      assert.ok(get.headers.get('content-length'), 'GET has no Content-Length');
      assert.equal(head.headers.get('content-length'), get.headers.get('content-length'),
        `Content-Length differs with public_sharing ${on}`);
      assert.equal(Number(get.headers.get('content-length')), Buffer.byteLength(get.text));
    }
    await setFlag(false);
  });

test('media type "Application/JSON; charset=utf-8" is accepted (case-insensitive, parameters allowed)',
  { skip: needsHarness }, async () => {
    for (const ct of ['Application/JSON; charset=utf-8', 'application/json;charset=UTF-8', 'APPLICATION/JSON']) {
      const res = await putAs(adminHeaders(), '{"public_sharing": false}', ct);
      assertJsonOk(res, 200, ct);
    }
  });

test('whitespace around the JSON value is accepted', { skip: needsHarness }, async () => {
  const res = await putAs(adminHeaders(), ' \n\t{ "public_sharing" : true }\r\n ');
  assertJsonOk(res, 200, 'whitespace');
  assert.deepEqual(res.json, { public_sharing: true });
  await setFlag(false);
});

test('a PUT body of exactly 1 MiB is accepted (the limit is inclusive)', { skip: needsHarness }, async () => {
  const json = '{"public_sharing": true}';
  const body = json + ' '.repeat(1024 * 1024 - json.length);
  assert.equal(Buffer.byteLength(body), 1024 * 1024);
  const res = await putAs(adminHeaders(), body);
  assertJsonOk(res, 200, '1 MiB body');
  assert.deepEqual(res.json, { public_sharing: true });
  await setFlag(false);
});

test('`threadstore settings public_sharing on` is seen by GET /api/settings at once',
  { skip: needsHarness }, async () => {
    const on = runCli(['settings', 'public_sharing', 'on', '--config', env.TS_CONFIG]);
    assert.equal(on.status, 0, `exit ${on.status}: ${on.stderr}`);
    assert.match(on.stdout, /public_sharing on/);
    for (let i = 0; i < 4; i++) assert.equal(await flag(), true, `GET ${i} after the CLI set it on`);

    const show = runCli(['settings', '--config', env.TS_CONFIG]);
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /public_sharing on/);

    const off = runCli(['settings', 'public_sharing', 'off', '--config', env.TS_CONFIG]);
    assert.equal(off.status, 0, off.stderr);
    assert.equal(await flag(), false, 'GET after the CLI set it off');
  });

test('`threadstore settings` with a bad argument exits 2 and changes nothing',
  { skip: needsHarness }, async () => {
    const r = runCli(['settings', 'public_sharing', 'maybe', '--config', env.TS_CONFIG]);
    assert.equal(r.status, 2, `exit ${r.status}`);
    assert.equal(await flag(), false);
  });

// [auth] mode = remote_user cannot be forged: an identity comes only from a
// web server that authenticated the request, never from a client's own
// "Authorization: Basic" header (nginx's stock fastcgi_params pass it on as
// REMOTE_USER, verified or not) or any other request header. Runs its own
// threadstore in remote_user mode on the harness's database, behind nginx
// and Apache configured from the shipped examples, each twice: as shipped
// (nobody logs in) and with the example's remote_user lines uncommented
// (nginx auth_basic + AUTH_TYPE; Apache AuthType Basic).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import fs from 'node:fs';

import { assertError, assertJsonOk, request } from './lib.mjs';
import {
  Stack, basic, htpasswd, missing, scratchDir, startExampleApache, startExampleNginx,
  startThreadstore, webServerUp,
} from './edge_lib.mjs';

const stack = new Stack();
const tag = randomBytes(4).toString('hex');
const VICTIM = `edge-victim-${tag}`;
const OTHER = `edge-erin-${tag}`;
const PASS = { [VICTIM]: `v-${tag}-right`, [OTHER]: `e-${tag}-right` };
const srv = {};
let thread = null;

before(async () => {
  const why = missing();
  if (why) return;
  const dir = scratchDir(stack, 'ts-edge-ru-');
  const ts = await startThreadstore(stack, dir, 'remote_user');
  const pw = path.join(dir, 'htpasswd');
  htpasswd(pw, PASS);
  for (const [name, start, auth] of [
    ['nginx', startExampleNginx, null], ['nginxAuth', startExampleNginx, pw],
    ['apache', startExampleApache, null], ['apacheAuth', startExampleApache, pw],
  ]) {
    const d = path.join(dir, name);
    fs.mkdirSync(d, { mode: 0o711 });
    srv[name] = await start(stack, d, { sock: ts.sock, auth });
    await webServerUp(srv[name].base);
  }
  // The victim's private thread, made through a server that logged it in.
  const res = await request('POST', '/api/threads', {
    base: srv.nginxAuth.base,
    headers: { ...basic(VICTIM, PASS[VICTIM]), 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'secret', visibility: 'private' }),
  });
  thread = assertJsonOk(res, 201, 'the victim creates a thread through nginx auth_basic');
});

after(() => stack.unwind());

function ready() {
  const why = missing();
  assert.ok(!why, `cannot run: ${why}`);
  assert.ok(thread && thread.id, 'set-up failed (see the before hook)');
}

// Headers a client might try to pass itself off with.
const FORGED = [
  ['a Basic header with a wrong password', basic(VICTIM, 'wrong')],
  ['a Basic header with no password', basic(VICTIM, '')],
  ['REMOTE_USER and AUTH_TYPE as request headers', { 'remote-user': VICTIM, 'auth-type': 'Basic', 'x-remote-user': VICTIM }],
  ['both at once', { ...basic(VICTIM, 'wrong'), 'auth-type': 'Basic' }],
];

for (const server of ['nginx', 'apache']) {
  test(`${server} as shipped: a forged identity is anonymous (401), never the victim`, async () => {
    ready();
    const base = srv[server].base;
    for (const [what, headers] of FORGED) {
      assertError(await request('GET', '/api/threads', { base, headers }), 401, 'UNAUTHORIZED',
        `${server}, list, ${what}`);
      assertError(await request('GET', `/api/threads/${thread.id}`, { base, headers }), 401, 'UNAUTHORIZED',
        `${server}, the victim's thread, ${what}`);
      assertError(await request('DELETE', `/api/threads/${thread.id}`, { base, headers }), 401, 'UNAUTHORIZED',
        `${server}, delete, ${what}`);
    }
  });
}

for (const server of ['nginxAuth', 'apacheAuth']) {
  const name = server === 'nginxAuth' ? 'nginx with auth_basic and AUTH_TYPE' : 'Apache with AuthType Basic';

  test(`${name}: a wrong or missing password is the web server's 401, in JSON`, async () => {
    ready();
    const base = srv[server].base;
    for (const [what, headers] of [...FORGED, ['no credentials', {}]]) {
      const res = await request('GET', `/api/threads/${thread.id}`, { base, headers });
      assertError(res, 401, 'UNAUTHORIZED', `${name}, ${what}`);
      assert.match(res.headers.get('www-authenticate') || '', /^Basic realm="threadstore"/, `${name}, ${what}`);
    }
  });

  test(`${name}: a user who logged in is that user, and only that user`, async () => {
    ready();
    const base = srv[server].base;
    const own = await request('GET', `/api/threads/${thread.id}`, { base, headers: basic(VICTIM, PASS[VICTIM]) });
    assert.equal(assertJsonOk(own, 200, `${name}, the owner`).owner_id, VICTIM);

    const list = await request('GET', '/api/threads?limit=200', { base, headers: basic(VICTIM, PASS[VICTIM]) });
    assert.ok(assertJsonOk(list, 200, `${name}, the owner's list`).data.some((t) => t.id === thread.id));

    // Another genuine user: authenticated, not the owner.
    assertError(await request('GET', `/api/threads/${thread.id}`, { base, headers: basic(OTHER, PASS[OTHER]) }),
      403, 'FORBIDDEN', `${name}, another user`);
    const made = await request('POST', '/api/threads', {
      base, headers: { ...basic(OTHER, PASS[OTHER]), 'content-type': 'application/json' }, body: '{}',
    });
    assert.equal(assertJsonOk(made, 201, `${name}, another user creates`).owner_id, OTHER);
  });
}

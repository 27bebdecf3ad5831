// Every deployment the README offers, run as written: nginx with
// conf/nginx.conf.example, Apache with conf/apache-proxy-fcgi.conf.example,
// and the shared-hosting .htaccess (conf/apache-fcgid.htaccess.example with
// the wrapper conf/threadstore.fcgi.example) under mod_fcgid and, where the
// host has no mod_fcgid, as plain CGI. Only ports and paths differ from the
// shipped files. Each walks health, create, list and an error body, passes
// a 2 MB body to threadstore's JSON 413 and answers the web server's own
// errors (a body over its limit, threadstore down) in the API's JSON. Hosts
// without a module the .htaccess needs refuse everything, in JSON, and never
// serve the wrapper or the program. A test that cannot run fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import {
  JSON_TYPE, assertError, assertJsonOk, cliToken, request,
} from '../e2e/lib.mjs';
import {
  ROOT, Stack, findProgram, missing, scratchDir, startExampleNginx, webServerUp,
} from '../e2e/edge_lib.mjs';
import {
  exampleCopy, hostingLayout, hostingServerConfig, port, startApache, startServe,
} from './deploy_lib.mjs';

const stack = new Stack();
const srv = {};
let serve = null;
let setupError = null;

// What the README tells the reader to enable (a2enmod), per deployment, on
// top of Debian's defaults.
const PROXY_MODS = ['proxy', 'proxy_fcgi', 'headers', 'unique_id'];
const FCGID_MODS = ['fcgid', 'rewrite', 'headers', 'unique_id'];
const CGI_MODS = ['cgid', 'rewrite', 'headers', 'unique_id'];

before(async () => {
  try {
    const why = missing();
    assert.ok(!why, why);
    const dir = scratchDir(stack, 'ts-deploy-');
    const sub = (name) => {
      const d = path.join(dir, name);
      fs.mkdirSync(d, { mode: 0o711 });
      return d;
    };
    serve = await startServe(stack, sub('serve'));
    srv.nginx = (await startExampleNginx(stack, sub('nginx'), { sock: serve.sock, port: await port() })).base;
    const proxyDir = sub('proxy');
    const proxyPort = await port();
    fs.writeFileSync(path.join(proxyDir, 'site.conf'), exampleCopy('conf/apache-proxy-fcgi.conf.example', [
      ['<VirtualHost *:80>', `<VirtualHost *:${proxyPort}>`],
      ['unix:/run/threadstore/threadstore.sock', `unix:${serve.sock}`]]));
    srv.proxy = await startApache(stack, proxyDir, proxyPort, PROXY_MODS, `Include "${proxyDir}/site.conf"`);
    const home = hostingLayout(dir);
    const host = async (name, mods) => {
      const d = sub(name);
      return startApache(stack, d, await port(), mods, hostingServerConfig(d, home));
    };
    srv.fcgid = await host('fcgid', FCGID_MODS);
    srv.cgi = await host('cgi', CGI_MODS);
    // Hosts missing a module the .htaccess needs.
    srv.noRunner = await host('no-runner', ['rewrite', 'headers', 'unique_id']);
    srv.noRewrite = await host('no-rewrite', ['fcgid', 'headers', 'unique_id']);
    for (const base of Object.values(srv)) await webServerUp(base);
  } catch (e) {
    setupError = e;
  }
});

after(() => stack.unwind());

function ready() {
  if (setupError) throw setupError;
}

const json = (body) => ({ 'content-type': 'application/json', body: JSON.stringify(body) });
const auth = () => ({ authorization: `Bearer ${cliToken('deploy-user')}` });

async function post(base, p, body, headers = {}) {
  return request('POST', p, { base, headers: { ...auth(), 'content-type': 'application/json', ...headers }, body });
}

// A body of n bytes that is one JSON string, so that only its size matters.
const bigBody = (n) => `"${'a'.repeat(n - 2)}"`;

// A POST whose body is sent chunked (Transfer-Encoding, no Content-Length),
// in pieces of at most 64 KiB; resolves like request(). The server may stop
// reading once it has answered: a write error then is not a failure.
function postChunked(base, p, body) {
  return new Promise((resolve, reject) => {
    const url = new URL(`${base}${p}`);
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false,
      headers: { ...auth(), 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: new Headers(res.headers), text, json });
      });
    });
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 65536) req.write(body.slice(i, i + 65536));
    req.end();
  });
}

test('conf/nginx.conf.example passes nginx -t as shipped (its own quick test)', () => {
  const nginx = findProgram('nginx');
  assert.ok(nginx, 'nginx not found');
  const r = spawnSync(nginx, ['-t', '-c', path.join(ROOT, 'conf/nginx.conf.example')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('conf/threadstore.fcgi.example does not depend on HOME, which mod_fcgid and suEXEC leave unset', () => {
  const text = fs.readFileSync(path.join(ROOT, 'conf/threadstore.fcgi.example'), 'utf8');
  const code = text.split('\n').filter((l) => !l.startsWith('#')).join('\n');
  assert.doesNotMatch(code, /\$HOME|\$\{HOME|~\//);
  assert.match(code, /--config \/home\/USER\//);
});

// Name, server, and the answer to a chunked 9 MB body (no Content-Length):
// nginx and Apache's LimitRequestBody say 413; under mod_fcgid it is
// FcgidMaxRequestLen, whose error is a 500; as CGI, threadstore's own 413.
const DEPLOYMENTS = [
  ['nginx (conf/nginx.conf.example)', 'nginx', [413, 'PAYLOAD_TOO_LARGE']],
  ['Apache mod_proxy_fcgi (conf/apache-proxy-fcgi.conf.example)', 'proxy', [413, 'PAYLOAD_TOO_LARGE']],
  ['Apache mod_fcgid, .htaccess in public_html', 'fcgid', [500, 'INTERNAL']],
  ['Apache plain CGI (mod_cgid), the same .htaccess', 'cgi', [413, 'PAYLOAD_TOO_LARGE']],
];

for (const [name, key, [bigStatus, bigCode]] of DEPLOYMENTS) {
  test(`${name}: health, create, list and an error body, all JSON`, async () => {
    ready();
    const base = srv[key];
    const h = await request('GET', '/api/health', { base });
    assert.deepEqual(assertJsonOk(h, 200, 'health'), { status: 'ok' });
    const title = `deploy ${key} ${Date.now()}`;
    const made = assertJsonOk(await post(base, '/api/threads', JSON.stringify({ title })), 201, 'create');
    assert.equal(made.title, title);
    const list = assertJsonOk(await request('GET', '/api/threads?limit=50', { base, headers: auth() }), 200, 'list');
    assert.ok(list.data.some((t) => t.id === made.id), `the new thread is not listed: ${JSON.stringify(list)}`);
    assertError(await request('GET', '/api/nope', { base }), 404, 'NOT_FOUND', 'unknown route');
    assertError(await request('GET', '/api/threads', { base, headers: { authorization: 'Bearer x' } }),
      401, 'INVALID_TOKEN', 'a bad token reaches threadstore');
  });

  test(`${name}: a 2 MB body is threadstore's JSON 413`, async () => {
    ready();
    const res = await post(srv[key], '/api/threads', bigBody(2 * 1024 * 1024));
    assertError(res, 413, 'PAYLOAD_TOO_LARGE', '2 MB body');
  });

  test(`${name}: a body over the web server's limit is its own 413, in JSON`, async () => {
    ready();
    const res = await post(srv[key], '/api/threads', bigBody(9 * 1024 * 1024));
    assertError(res, 413, 'PAYLOAD_TOO_LARGE', '9 MB body');
  });

  test(`${name}: a chunked body (no Content-Length) arrives whole`, async () => {
    ready();
    const title = `chunked ${key} ${Date.now()}`;
    const res = await postChunked(srv[key], '/api/threads', JSON.stringify({ title }));
    assert.equal(assertJsonOk(res, 201, 'chunked create').title, title);
  });

  test(`${name}: a chunked 9 MB body is refused in JSON, never taken as an empty one`, async () => {
    ready();
    const res = await postChunked(srv[key], '/api/threads', bigBody(9 * 1024 * 1024));
    assertError(res, bigStatus, bigCode, 'chunked 9 MB body');
  });
}

for (const [name, key] of [['mod_fcgid missing (no program runner)', 'noRunner'],
  ['mod_rewrite missing', 'noRewrite']]) {
  test(`.htaccess with ${name}: everything under /chat/ is refused in JSON, no file is served`, async () => {
    ready();
    for (const p of ['/api/health', '/threadstore.fcgi', '/threadstore.fcgi/api/health', '/.htaccess', '/']) {
      const res = await request('GET', p, { base: srv[key] });
      assertError(res, 403, 'FORBIDDEN', `GET /chat${p}`);
      assert.doesNotMatch(res.text, /#!|threadstore\.conf|ELF|RewriteRule/, `GET /chat${p} leaks a file`);
    }
  });
}

for (const [name, key] of DEPLOYMENTS.slice(0, 2)) {
  test(`${name}: threadstore down is the web server's 503 SERVICE_UNAVAILABLE in JSON`, async () => {
    ready();
    await serve.stop();
    const res = await request('GET', '/api/health', { base: srv[key] });
    assertError(res, 503, 'SERVICE_UNAVAILABLE', 'threadstore stopped');
    assert.equal(res.headers.get('retry-after'), '1');
    assert.equal(res.headers.get('content-type'), JSON_TYPE);
  });
}

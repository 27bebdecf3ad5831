// Helpers of tests/deploy: the deployments the README offers, built from the
// shipped files (conf/*.example) with only ports and paths changed, each on
// a private web server whose state lives in a scratch directory that
// Apache's user can enter (wherever the checkout is). The server
// configuration around an example is Debian 12's own defaults plus the
// modules the README tells the reader to enable.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {
  IS_ROOT, ROOT, apacheUser, env, freePort, runApache, tail, waitFor,
} from '../e2e/edge_lib.mjs';

// Ports: from TS_DEPLOY_PORT_BASE upwards when set (scripts/test gives each
// checkout its own range), else any free one.
let nextPort = Number.parseInt(env.TS_DEPLOY_PORT_BASE || '', 10) || 0;
export async function port() {
  if (nextPort > 0) return nextPort++;
  return freePort();
}

// Reads a shipped file and replaces each [from, to] pair (from must be
// there, count times), and checks that the copy differs from the original
// only on lines now holding one of the to's: a test of the example, not of
// an edited copy.
export function exampleCopy(name, pairs) {
  const orig = fs.readFileSync(path.join(ROOT, name), 'utf8');
  let text = orig;
  for (const [from, to, count = 1] of pairs) {
    const n = text.split(from).length - 1;
    assert.equal(n, count, `${name}: "${from}" found ${n} times, not ${count}`);
    text = text.split(from).join(to);
  }
  const a = orig.split('\n');
  const b = text.split('\n');
  assert.equal(b.length, a.length, `${name}: the substitutions added or removed lines`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    assert.ok(pairs.some(([, to]) => b[i].includes(to)),
      `${name}:${i + 1} changed beyond the substituted paths: ${b[i]}`);
  }
  return text;
}

// A configuration on the harness's database, as a hosting user would write
// it: everything inline (no file of the harness's state dir, which Apache's
// user cannot read), the database over TCP.
export function writeConfig(file, { socketGroup = false } = {}) {
  const dbPassword = fs.readFileSync(path.join(env.TS_STATE_DIR, 'db.password'), 'utf8').trim();
  const lines = [
    '[database]', 'host = 127.0.0.1', `port = ${env.TS_MYSQL_PORT}`, `user = ${env.TS_DB_USER}`,
    `password = ${dbPassword}`, `name = ${env.TS_DB_NAME}`, '',
    '[auth]', 'mode = jwt', 'algorithm = HS256', `secret = ${env.TS_JWT_SECRET}`, '',
    '[server]', 'base_path =', 'log_level = info',
  ];
  if (socketGroup && IS_ROOT) lines.push('socket_group = www-data');
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
}

// `threadstore serve` with one worker on dir/ts.sock; stop() stops it.
export async function startServe(stack, dir) {
  const conf = path.join(dir, 'threadstore.conf');
  writeConfig(conf, { socketGroup: true });
  const sock = path.join(dir, 'ts.sock');
  const logFile = path.join(dir, 'threadstore.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(env.TS_BIN, ['serve', '--config', conf, '--listen', `unix:${sock}`, '--workers', '1'],
    { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    assert.ok(await waitFor(() => exited !== null, 15000), 'threadstore serve did not stop');
  };
  stack.push(stop);
  const up = await waitFor(() => exited === null && fs.existsSync(sock), 10000);
  assert.ok(up, `threadstore did not start: ${JSON.stringify(exited)}\n${tail(logFile)}`);
  return { sock, conf, stop };
}

const MODULES = '/usr/lib/apache2/modules';
// What Debian 12's apache2 package enables on its own (mods-enabled after
// the install), minus what only serves other sites (autoindex, status,
// deflate, negotiation, auth_basic and its file back end).
const DEBIAN_DEFAULT_MODULES = ['mpm_event', 'authz_core', 'authz_host', 'authn_core', 'access_compat',
  'alias', 'dir', 'env', 'mime', 'setenvif', 'reqtimeout', 'filter'];

export function moduleMissing(mods) {
  return mods.find((m) => !fs.existsSync(path.join(MODULES, `mod_${m}.so`)));
}

// A private Apache in dir on port: Debian's defaults, the modules given
// (what the README's a2enmod line names) and the configuration lines body.
export async function startApache(stack, dir, p, mods, body) {
  const all = [...DEBIAN_DEFAULT_MODULES, ...mods];
  const gone = moduleMissing(all);
  assert.ok(!gone, `Apache module ${gone} is missing (apt-get install apache2 libapache2-mod-fcgid)`);
  const main = `ServerRoot "${dir}"
DefaultRuntimeDir "${dir}"
PidFile "${dir}/apache2.pid"
ErrorLog "${dir}/error.log"
LogLevel warn
Listen 127.0.0.1:${p}
ServerName 127.0.0.1
${apacheUser()}StartServers 1
ServerLimit 2
ThreadsPerChild 16
MaxRequestWorkers 32
${all.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`).join('\n')}
TypesConfig /etc/mime.types
DirectoryIndex index.html
# As Debian's apache2.conf: nothing is served outside a granted directory,
# and no .ht* file is served.
<Directory />
	Options FollowSymLinks
	AllowOverride None
	Require all denied
</Directory>
<FilesMatch "^\\.ht">
	Require all denied
</FilesMatch>
${body}
`;
  fs.writeFileSync(path.join(dir, 'apache2.conf'), main);
  // Started with a bare environment (no HOME, nothing of ours), as a
  // hosting server's programs see it under suEXEC.
  await runApache(stack, dir, { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' });
  return `http://127.0.0.1:${p}/chat`;
}

// The shared-hosting layout of conf/apache-fcgid.htaccess.example under
// dir/home/tsuser (standing for /home/USER): the program and its
// configuration outside the document root, the .htaccess as shipped, the
// wrapper of conf/threadstore.fcgi.example with only /home/USER replaced.
// Owned by Apache's user when we are root (as suEXEC would run the
// wrapper as the owner of the files). Returns the home directory.
export function hostingLayout(dir) {
  const home = path.join(dir, 'home', 'tsuser');
  const bin = path.join(home, 'threadstore', 'bin');
  const chat = path.join(home, 'public_html', 'chat');
  fs.mkdirSync(bin, { recursive: true, mode: 0o711 });
  fs.mkdirSync(chat, { recursive: true, mode: 0o755 });
  fs.copyFileSync(env.TS_BIN, path.join(bin, 'threadstore'));
  fs.chmodSync(path.join(bin, 'threadstore'), 0o755);
  writeConfig(path.join(home, 'threadstore', 'threadstore.conf'));
  fs.writeFileSync(path.join(chat, '.htaccess'), exampleCopy('conf/apache-fcgid.htaccess.example', []));
  // /home/USER: once in its comment, twice in the exec line.
  const wrapper = exampleCopy('conf/threadstore.fcgi.example', [['/home/USER', home, 3]]);
  fs.writeFileSync(path.join(chat, 'threadstore.fcgi'), wrapper, { mode: 0o755 });
  if (IS_ROOT) {
    const r = spawnSync('chown', ['-R', 'www-data:www-data', path.join(dir, 'home')], { encoding: 'utf8' });
    assert.equal(r.status, 0, `chown failed: ${r.stderr}`);
  }
  return home;
}

// The host's part of the shared-hosting set-up, for the Apache of dir: the
// user's public_html as the document root, with Debian's userdir.conf
// Options and the AllowOverride the .htaccess asks for, and the server-wide
// lines it says to ask the host for.
export function hostingServerConfig(dir, home) {
  const ipc = path.join(dir, 'fcgid-ipc');
  fs.mkdirSync(ipc, { mode: 0o755 });
  if (IS_ROOT) spawnSync('chown', ['www-data:www-data', ipc]);
  return `DocumentRoot "${home}/public_html"
<Directory "${home}/public_html">
	AllowOverride FileInfo Options AuthConfig Limit
	Options MultiViews Indexes SymLinksIfOwnerMatch IncludesNoExec
	Require all granted
</Directory>
LimitRequestLine 32768
<IfModule mod_fcgid.c>
	FcgidIPCDir "${ipc}"
	FcgidProcessTableFile "${ipc}/shm"
	FcgidMaxRequestLen 8388608
</IfModule>
<IfModule mod_cgid.c>
	ScriptSock "${dir}/cgid.sock"
</IfModule>`;
}

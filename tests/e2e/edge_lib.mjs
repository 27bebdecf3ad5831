// Helpers of the edge_* tests: private threadstore, nginx and Apache
// instances on free loopback ports, built from the shipped example
// configurations (conf/*.example, with only paths, ports and the commented
// remote_user lines changed) or from scripts/lib.sh's writers. Every
// process started here is recorded in a Stack and stopped, by its own pid,
// when the stack is unwound (from an after() hook, so also on failure).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const env = process.env;
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

// Why these tests cannot run, or false. They fail then, never skip: the
// issue they guard is a security one.
export function missing() {
  for (const k of ['TS_BASE_URL', 'TS_BIN', 'TS_CONFIG', 'TS_FCGI_SOCKET']) {
    if (!env[k]) return `${k} is not set: run under scripts/test`;
  }
  for (const p of ['nginx', 'apache2']) {
    if (!findProgram(p)) return `${p} not found`;
  }
  return false;
}

export function findProgram(name) {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/usr/local/sbin', '/usr/local/bin']) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(fn, timeoutMs, stepMs = 50) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let v;
    try {
      v = await fn();
    } catch {
      v = undefined;
    }
    if (v || Date.now() >= end) return v;
    await sleep(stepMs);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid(file) {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

// Stops one process by pid: SIGTERM, then SIGKILL after timeoutMs.
async function stopPid(pid, timeoutMs = 10000) {
  if (!pid || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  if (!(await waitFor(() => !alive(pid), timeoutMs))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch { /* gone */ }
    await waitFor(() => !alive(pid), 2000);
  }
}

// What to undo, last first.
export class Stack {
  constructor() {
    this.items = [];
  }

  push(fn) {
    this.items.push(fn);
  }

  async unwind() {
    const errors = [];
    while (this.items.length > 0) {
      try {
        await this.items.pop()();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}

// A scratch directory that Apache's children (www-data when we are root)
// can traverse, removed when the stack unwinds.
export function scratchDir(stack, prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o711);
  stack.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// One section of an INI text, header included ('' when absent).
function iniSection(text, name) {
  const out = [];
  let inSection = false;
  for (const line of text.split('\n')) {
    const h = line.match(/^\s*\[([^\]]+)\]\s*$/);
    if (h) inSection = h[1].trim() === name;
    if (inSection) out.push(line);
  }
  return out.join('\n');
}

// A threadstore configuration for the harness's database, in the given
// auth mode; the socket keeps the harness's group (the web servers').
export function threadstoreConfig(dir, mode) {
  const text = fs.readFileSync(env.TS_CONFIG, 'utf8');
  const db = iniSection(text, 'database');
  assert.ok(db.includes('[database]'), `no [database] section in ${env.TS_CONFIG}`);
  const group = text.match(/^\s*socket_group\s*=.*$/m);
  const file = path.join(dir, 'threadstore.conf');
  fs.writeFileSync(file, `${db}\n\n[auth]\nmode = ${mode}\n\n[server]\nbase_path =\n`
    + `${group ? group[0].trim() : ''}\nlog_level = info\n`, { mode: 0o600 });
  return file;
}

// `threadstore serve` with one worker on a unix socket of dir.
export async function startThreadstore(stack, dir, mode) {
  const conf = threadstoreConfig(dir, mode);
  const sock = path.join(dir, 'ts.sock');
  const log = fs.openSync(path.join(dir, 'threadstore.log'), 'a');
  const child = spawn(env.TS_BIN, ['serve', '--config', conf, '--listen', `unix:${sock}`, '--workers', '1'],
    { stdio: ['ignore', log, log], env });
  fs.closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  stack.push(() => stopPid(child.pid, 10000));
  const up = await waitFor(() => exited === null && fs.existsSync(sock), 10000);
  assert.ok(up, `threadstore did not start: ${JSON.stringify(exited)}\n${tail(path.join(dir, 'threadstore.log'))}`);
  return { sock, conf, pid: child.pid };
}

export function tail(file, n = 20) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

// Lines "user:apr1-hash" for an htpasswd file, made with openssl.
export function htpasswd(file, users) {
  const lines = Object.entries(users).map(([user, pass]) => {
    const r = spawnSync('openssl', ['passwd', '-apr1', pass], { encoding: 'utf8' });
    assert.equal(r.status, 0, `openssl passwd failed: ${r.stderr}`);
    return `${user}:${r.stdout.trim()}`;
  });
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o644 });
}

// Replaces from with to in text, failing unless the example holds from
// exactly once: the test would otherwise run a configuration it did not
// mean, or change more of the example than the one line it names.
function subst(text, from, to, what) {
  const n = text.split(from).length - 1;
  assert.equal(n, 1, `${what}: "${from}" found ${n} times, not once`);
  return text.split(from).join(to);
}

// conf/nginx.conf.example, run as a whole nginx.conf: only the port, the
// socket, file paths and (with auth) the commented remote_user lines change.
// On the port given, else on a free one.
export async function startExampleNginx(stack, dir, { sock, auth = null, port: wanted = 0 }) {
  const port = wanted || await freePort();
  const what = 'conf/nginx.conf.example';
  let text = fs.readFileSync(path.join(ROOT, what), 'utf8');
  text = subst(text, '\t\tlisten 80;', `\t\tlisten 127.0.0.1:${port};`, what);
  text = subst(text, 'unix:/run/threadstore/threadstore.sock', `unix:${sock}`, what);
  text = subst(text, '\nhttp {\n', `\nhttp {\n\taccess_log ${dir}/access.log;\n`
    + ['client_body', 'fastcgi', 'proxy', 'uwsgi', 'scgi']
      .map((k) => `\t${k}_temp_path ${dir}/tmp-${k};\n`).join(''), what);
  if (auth) {
    text = subst(text, '\t#auth_basic "threadstore";', '\tauth_basic "threadstore";', what);
    text = subst(text, '\t#auth_basic_user_file /etc/nginx/threadstore.htpasswd;',
      `\tauth_basic_user_file ${auth};`, what);
    text = subst(text, '\t#fastcgi_param AUTH_TYPE Basic;', '\tfastcgi_param AUTH_TYPE Basic;', what);
  }
  fs.writeFileSync(path.join(dir, 'nginx.conf'), text);
  // The example runs the workers as www-data, the socket's group.
  const globals = `pid ${dir}/nginx.pid; error_log ${dir}/error.log;`;
  await runNginx(stack, dir, globals);
  return { port, base: `http://127.0.0.1:${port}/chat` };
}

// nginx -p dir -c dir/nginx.conf, checked first; stopped by its pid file.
async function runNginx(stack, dir, globals = null) {
  const nginx = findProgram('nginx');
  const args = ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')];
  if (globals) args.push('-g', globals);
  const pidfile = path.join(dir, 'nginx.pid');
  const t = spawnSync(nginx, ['-t', '-q', ...args], { encoding: 'utf8' });
  assert.equal(t.status, 0, `nginx rejected ${dir}/nginx.conf: ${t.stderr}`);
  const r = spawnSync(nginx, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(r.status, 0, `nginx did not start: ${r.stderr}`);
  stack.push(async () => stopPid(readPid(pidfile)));
  assert.ok(await waitFor(() => readPid(pidfile), 5000), 'nginx wrote no pid file');
}

// Runs a function of scripts/lib.sh with arguments.
export function libsh(fn, ...args) {
  const r = spawnSync('bash', ['-c', 'set -euo pipefail; TS_PROG=edge-test; TS_ROOT=$1; shift; '
    + '. "$TS_ROOT/scripts/lib.sh"; "$@"', 'bash', ROOT, fn, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `scripts/lib.sh ${fn} failed: ${r.stderr}`);
  return r.stdout;
}

// The nginx that scripts/lib.sh writes (ts_nginx_write_conf), mounted under
// /chat, with optional limits (requests per address, rate, burst).
export async function startLibNginx(stack, dir, { sock, limits = [] }) {
  const port = await freePort();
  libsh('ts_nginx_write_conf', dir, String(port), '/chat', sock, ...limits);
  await runNginx(stack, path.join(dir, 'nginx'));
  return { port, base: `http://127.0.0.1:${port}/chat` };
}

const APACHE_MODULES = ['mpm_event', 'authz_core', 'authn_core', 'authn_file', 'authz_user',
  'auth_basic', 'proxy', 'proxy_fcgi', 'headers', 'unique_id'];

export function apacheUser() {
  return IS_ROOT ? 'User www-data\nGroup www-data\n' : '';
}

// conf/apache-proxy-fcgi.conf.example inside a minimal server
// configuration: only the port, the socket, the password file and (with
// auth) the commented remote_user lines change. On the port given, else on
// a free one.
export async function startExampleApache(stack, dir, { sock, auth = null, port: wanted = 0 }) {
  const port = wanted || await freePort();
  const what = 'conf/apache-proxy-fcgi.conf.example';
  let text = fs.readFileSync(path.join(ROOT, what), 'utf8');
  text = subst(text, '<VirtualHost *:80>', `<VirtualHost *:${port}>`, what);
  text = subst(text, 'unix:/run/threadstore/threadstore.sock', `unix:${sock}`, what);
  if (auth) {
    text = subst(text, '\t#AuthType Basic', '\tAuthType Basic', what);
    text = subst(text, '\t#AuthName "threadstore"', '\tAuthName "threadstore"', what);
    text = subst(text, '\t#AuthUserFile /etc/apache2/threadstore.htpasswd', `\tAuthUserFile ${auth}`, what);
    text = subst(text, '\t#Require valid-user', '\tRequire valid-user', what);
  }
  fs.writeFileSync(path.join(dir, 'site.conf'), text);
  const mods = '/usr/lib/apache2/modules';
  const main = `ServerRoot "${dir}"
DefaultRuntimeDir "${dir}"
PidFile "${dir}/apache2.pid"
ErrorLog "${dir}/error.log"
LogLevel warn
Listen 127.0.0.1:${port}
ServerName 127.0.0.1
${apacheUser()}StartServers 1
ServerLimit 2
ThreadsPerChild 16
MaxRequestWorkers 32
${APACHE_MODULES.map((m) => `LoadModule ${m}_module ${mods}/mod_${m}.so`).join('\n')}
Include "${dir}/site.conf"
`;
  fs.writeFileSync(path.join(dir, 'apache2.conf'), main);
  await runApache(stack, dir);
  return { port, base: `http://127.0.0.1:${port}/chat` };
}

// Starts Apache on dir/apache2.conf (checked first), in the environment
// given (by default ours); stopped by its pid file when the stack unwinds.
export async function runApache(stack, dir, spawnEnv = process.env) {
  const apache = findProgram('apache2');
  const conf = path.join(dir, 'apache2.conf');
  const pidfile = path.join(dir, 'apache2.pid');
  const t = spawnSync(apache, ['-t', '-f', conf], { encoding: 'utf8', env: spawnEnv });
  assert.equal(t.status, 0, `Apache rejected ${conf}: ${t.stderr}`);
  const r = spawnSync(apache, ['-f', conf, '-k', 'start'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: spawnEnv });
  assert.equal(r.status, 0, `Apache did not start: ${r.stderr}`);
  stack.push(async () => stopPid(readPid(pidfile)));
  assert.ok(await waitFor(() => readPid(pidfile), 10000), `Apache wrote no pid file\n${tail(path.join(dir, 'error.log'))}`);
}

// The Apache that scripts/lib.sh writes (ts_apache_write_conf), under /chat.
export async function startLibApache(stack, dir, { sock }) {
  const port = await freePort();
  libsh('ts_apache_write_conf', dir, String(port), '/chat', sock);
  await runApache(stack, path.join(dir, 'apache'));
  return { port, base: `http://127.0.0.1:${port}/chat` };
}

// Waits until base/api/health answers (any status from the web server).
export async function webServerUp(base) {
  const up = await waitFor(async () => {
    const res = await fetch(`${base}/api/health`);
    await res.arrayBuffer();
    return true;
  }, 10000, 100);
  assert.ok(up, `${base} does not answer`);
}

export const basic = (user, pass) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });

// A GET with node's http module from a chosen local address, on a fresh
// connection; resolves { status, ms, body } or rejects after timeoutMs.
export function getFrom(localAddress, port, urlPath, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, localAddress, agent: false, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode, body, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

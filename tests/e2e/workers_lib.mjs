// Helpers of the worker-model tests (workers.test.mjs, keepalive.test.mjs):
// private `threadstore serve` instances on their own sockets, and the
// processes under a master. They need the environment of scripts/test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import * as fcgi from './fcgi_client.mjs';

const env = process.env;
const BASE = env.TS_BASE_URL;
const HEALTH = `${BASE}/api/health`;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls fn (sync or async) until it returns a truthy value; returns that
// value, or the last falsy one after timeoutMs.
export async function waitFor(fn, timeoutMs, stepMs = 50) {
  const end = Date.now() + timeoutMs;
  let v;
  for (;;) {
    try {
      v = await fn();
    } catch {
      v = undefined;
    }
    if (v || Date.now() >= end) return v;
    await sleep(stepMs);
  }
}

export function masterPid() {
  return Number.parseInt(fs.readFileSync(env.TS_MASTER_PIDFILE, 'utf8').trim(), 10);
}

// Live children of pid (zombies excluded), from /proc/*/stat.
export function childrenOf(pid) {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name may hold spaces and parentheses: fields follow the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === pid && state !== 'Z' && state !== 'X') out.push(Number(d));
  }
  return out.sort((a, b) => a - b);
}

export function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export async function healthStatus() {
  const r = await fetch(HEALTH);
  await r.arrayBuffer();
  return r.status;
}

// Sets key = value in [section] of an INI text (replacing or adding it).
export function setIni(text, section, key, value) {
  const lines = text.split('\n');
  let inSection = false;
  let header = -1;
  for (let i = 0; i < lines.length; i++) {
    const h = lines[i].match(/^\s*\[([^\]]+)\]\s*$/);
    if (h) {
      inSection = h[1].trim() === section;
      if (inSection) header = i;
      continue;
    }
    if (inSection && new RegExp(`^\\s*${key}\\s*=`).test(lines[i])) {
      lines[i] = `${key} = ${value}`;
      return lines.join('\n');
    }
  }
  if (header < 0) return `${text}\n[${section}]\n${key} = ${value}\n`;
  lines.splice(header + 1, 0, `${key} = ${value}`);
  return lines.join('\n');
}

// The mount prefix of the API, as the configuration gives it.
export function basePath(configText) {
  const m = configText.match(/^\s*base_path\s*=\s*(\S*)\s*$/m);
  if (m) return m[1];
  return new URL(BASE).pathname.replace(/\/$/, '');
}

export function connects(target) {
  return new Promise((resolve) => {
    const s = fcgi.connect(target);
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

// A copy of the harness configuration with [server] overrides, in a fresh
// temporary directory removed after the test.
// The section's line for key, gone.
function dropIni(text, section, key) {
  let inSection = false;
  return text.split('\n').filter((line) => {
    const h = line.match(/^\s*\[([^\]]+)\]\s*$/);
    if (h) inSection = h[1].trim() === section;
    return h || !inSection || !new RegExp(`^\\s*${key}\\s*=`).test(line);
  }).join('\n');
}

// server and database: keys of those sections to set (a database key
// whose value is null is removed).
export function privateConfig(t, server = {}, database = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-workers-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const text = fs.readFileSync(env.TS_CONFIG, 'utf8');
  let cfg = text;
  for (const [k, v] of Object.entries({ log_level: 'info', ...server })) {
    cfg = setIni(cfg, 'server', k, String(v));
  }
  for (const [k, v] of Object.entries(database)) {
    cfg = v === null ? dropIni(cfg, 'database', k) : setIni(cfg, 'database', k, String(v));
  }
  const file = path.join(dir, 'threadstore.ini');
  fs.writeFileSync(file, cfg, { mode: 0o600 });
  return { dir, file, base: basePath(text) };
}

// extraEnv: variables to set, or to remove when undefined.
export function serve(cfgFile, listen, workers, extraEnv = {}) {
  const childEnv = { ...env, ...extraEnv };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  return spawn(env.TS_BIN,
    ['serve', '--config', cfgFile, '--listen', listen, '--workers', String(workers)],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: process.cwd(), env: childEnv });
}

// Runs a serve that is expected to fail at start; resolves { code, stderr }.
export async function serveFails(cfgFile, listen) {
  const child = serve(cfgFile, listen, 1);
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d.toString(); });
  const code = await Promise.race([
    // 'close', not 'exit': 'exit' may come before the last of stderr is read.
    new Promise((resolve) => child.on('close', (c) => resolve(c))),
    sleep(5000).then(() => { child.kill('SIGKILL'); return 'still running after 5 s'; }),
  ]);
  return { code, stderr };
}

// A private `threadstore serve` on its own socket (a unix socket in its
// temporary directory unless listen is given).
export async function startServer(t, { workers = 1, server = {}, database = {}, listen = null, extraEnv = {} } = {}) {
  const cfg = privateConfig(t, server, database);
  const sock = path.join(cfg.dir, 'fcgi.sock');
  const child = serve(cfg.file, listen || `unix:${sock}`, workers, extraEnv);
  const srv = { child, sock, stderr: '', exited: null, base: cfg.base };
  child.stderr.on('data', (d) => { srv.stderr += d.toString(); });
  srv.exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      srv.exited = { code, signal, at: Date.now() };
      resolve(srv.exited);
    });
  });
  t.after(() => {
    if (srv.exited === null) child.kill('SIGKILL');
  });
  const target = listen && !listen.startsWith('unix:')
    ? { host: '127.0.0.1', port: Number(listen.split(':').pop()) }
    : (listen ? listen.slice(5) : sock);
  const up = await waitFor(async () => srv.exited === null && await connects(target), 10000);
  assert.ok(up, `private server did not start: ${JSON.stringify(srv.exited)}\n${srv.stderr}`);
  await waitFor(() => childrenOf(child.pid).length === workers, 5000);
  return srv;
}

// A TCP port nobody listens on right now.
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


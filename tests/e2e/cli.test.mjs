// The threadstore command beside the server: check-config, token, --version.
// (`settings` is tested in settings.test.mjs with the HTTP side.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { env, needsHarness, runCli } from './lib.mjs';

// Runs check-config on the harness configuration changed by edit(text).
function checkEdited(edit) {
  const dir = mkdtempSync(join(tmpdir(), 'ts-cli-'));
  try {
    const path = join(dir, 'threadstore.conf');
    writeFileSync(path, edit(readFileSync(env.TS_CONFIG, 'utf8')), { mode: 0o600 });
    return runCli(['check-config', '--config', path]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const addToSection = (section, line) => (text) => text.replace(`[${section}]\n`, `[${section}]\n${line}\n`);

test('check-config exits 0 on the test configuration', { skip: needsHarness }, () => {
  const r = runCli(['check-config', '--config', env.TS_CONFIG]);
  assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
});

test('check-config exits non-zero and names an unknown key', { skip: needsHarness }, () => {
  const r = checkEdited(addToSection('server', 'no_such_key = 1'));
  assert.notEqual(r.status, 0, 'an unknown key was accepted');
  assert.match(r.stderr, /no_such_key/, `the message does not name the key: ${r.stderr}`);
});

test('check-config exits non-zero and names a key with a bad value', { skip: needsHarness }, () => {
  for (const [section, key, value] of [
    ['server', 'workers', '257'],
    ['server', 'request_timeout', '0'],
    ['server', 'max_response_bytes', '1024'],
    ['server', 'max_body_bytes', 'lots'],
    ['auth', 'algorithm', 'none'],
    ['database', 'port', '70000'],
  ]) {
    const r = checkEdited((text) => text.replace(new RegExp(`^${key}\\s*=.*$`, 'm'), '')
      .replace(`[${section}]\n`, `[${section}]\n${key} = ${value}\n`));
    assert.notEqual(r.status, 0, `[${section}] ${key} = ${value} was accepted`);
    assert.match(r.stderr, new RegExp(key), `the message does not name ${key}: ${r.stderr}`);
  }
});

test('check-config exits non-zero and names an unknown section', { skip: needsHarness }, () => {
  const r = checkEdited((text) => `${text}\n[nonsense]\nkey = 1\n`);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /nonsense/);
});

test('check-config exits non-zero for a missing file and names it', { skip: needsHarness }, () => {
  const r = runCli(['check-config', '--config', '/nonexistent/threadstore.conf']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /\/nonexistent\/threadstore\.conf/);
});

test('check-config refuses an HS256 secret shorter than 32 bytes', { skip: needsHarness }, () => {
  const r = runCli(['check-config', '--config', env.TS_CONFIG], { THREADSTORE_JWT_SECRET: 'short' });
  assert.notEqual(r.status, 0, 'a 5-byte secret was accepted');
  assert.match(r.stderr, /secret/);
});

test('token prints a three-part JWT whose claims carry sub, exp and the admin role',
  { skip: needsHarness }, () => {
    const r = runCli(['token', '--config', env.TS_CONFIG, '--sub', 'carol', '--admin', '--ttl', '60']);
    assert.equal(r.status, 0, r.stderr);
    const parts = r.stdout.trim().split('.');
    assert.equal(parts.length, 3);
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    assert.equal(claims.sub, 'carol');
    assert.equal(claims.role, 'admin');
    const now = Math.floor(Date.now() / 1000);
    assert.ok(claims.exp > now && claims.exp <= now + 61, `exp ${claims.exp} is not now + 60`);
  });

test('token without --sub exits 2', { skip: needsHarness }, () => {
  const r = runCli(['token', '--config', env.TS_CONFIG]);
  assert.equal(r.status, 2);
});

test('--version prints the version and exits 0', { skip: needsHarness }, () => {
  const r = runCli(['--version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^threadstore \d+\.\d+\.\d+/);
});

// conf/threadstore.conf.example documents every key; it must stay valid.
const EXAMPLE = new URL('../../conf/threadstore.conf.example', import.meta.url);
const SECRETS = { THREADSTORE_DB_PASSWORD: 'x', THREADSTORE_JWT_SECRET: 'e'.repeat(40) };

function checkText(text) {
  const dir = mkdtempSync(join(tmpdir(), 'ts-cli-'));
  try {
    const path = join(dir, 'example.conf');
    writeFileSync(path, text);
    return runCli(['check-config', '--config', path], SECRETS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('conf/threadstore.conf.example passes check-config as shipped', { skip: needsHarness }, () => {
  const r = checkText(readFileSync(EXAMPLE, 'utf8'));
  assert.equal(r.status, 0, r.stderr);
});

test('conf/threadstore.conf.example passes check-config with every documented key set',
  { skip: needsHarness }, () => {
    const text = readFileSync(EXAMPLE, 'utf8').replace(/^;([a-z_]+ = )/gm, '$1');
    const r = checkText(text);
    assert.equal(r.status, 0, r.stderr);
  });

// The threadstore command beside the server: check-config, token, --version,
// and the operator's threads list/show and stats. (`settings` is tested in
// settings.test.mjs with the HTTP side.)
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

// ------------------------------------------------ the operator's quick look

import { randomUUID } from 'node:crypto';
import { bearer, cliToken, request } from './lib.mjs';

async function makeThreads(owner, n) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const res = await request('POST', '/api/threads', {
      headers: { ...bearer(cliToken(owner)), 'content-type': 'application/json' },
      body: JSON.stringify({ title: `t${i} \u009b\u007f` }),
    });
    assert.equal(res.status, 201, res.text);
    ids.push(res.json.id);
  }
  return ids.reverse();     // newest first, as listed
}

const jsonLines = (text) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('threads list --owner pages an owner\'s threads newest first, by keyset with --after',
  { skip: needsHarness }, async () => {
    const owner = `cli-${randomUUID()}`;
    const ids = await makeThreads(owner, 3);
    const first = runCli(['threads', 'list', '--owner', owner, '--limit', '2', '--config', env.TS_CONFIG]);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(jsonLines(first.stdout).map((t) => t.id), ids.slice(0, 2));
    assert.match(first.stderr, new RegExp(`--after ${ids[1]}`));
    const next = runCli(['threads', 'list', '--owner', owner, '--limit', '2', '--after', ids[1],
      '--config', env.TS_CONFIG]);
    assert.equal(next.status, 0, next.stderr);
    const rest = jsonLines(next.stdout);
    assert.deepEqual(rest.map((t) => t.id), ids.slice(2));
    assert.equal(rest[0].owner_id, owner);
    assert.doesNotMatch(next.stderr, /--after/, 'the last page announces another');
  });

test('threads list without --owner shows the newest threads of everyone', { skip: needsHarness }, async () => {
  const [newest] = await makeThreads(`cli-${randomUUID()}`, 1);
  const r = runCli(['threads', 'list', '--limit', '1', '--config', env.TS_CONFIG]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(jsonLines(r.stdout)[0].id, newest);
});

test('threads show prints the thread, its message count, last message time and role counts; '
  + 'terminal controls in a title stay escaped', { skip: needsHarness }, async () => {
  const owner = `cli-${randomUUID()}`;
  const [id] = await makeThreads(owner, 1);
  const post = await request('POST', `/api/threads/${id}/messages`, {
    headers: { ...bearer(cliToken(owner)), 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'user', content: 'hello' }),
  });
  assert.equal(post.status, 201, post.text);
  const r = runCli(['threads', 'show', id, '--config', env.TS_CONFIG]);
  assert.equal(r.status, 0, r.stderr);
  const t = JSON.parse(r.stdout);
  assert.equal(t.id, id);
  assert.equal(t.owner_id, owner);
  assert.equal(t.message_count, 1);
  assert.equal(t.last_message_at, post.json.created_at);
  assert.deepEqual(t.role_counts, { user: 1, assistant: 0, system: 0, tool: 0 });
  assert.equal(t.title, 't0 \u009b\u007f');
  assert.doesNotMatch(r.stdout, /[\u007f-\u009f]/, 'a raw DEL or C1 control reached the terminal');
});

test('threads show of an unknown id exits 1 and says so; a malformed id or no subcommand exits 2',
  { skip: needsHarness }, () => {
    const missing = randomUUID();
    const r = runCli(['threads', 'show', missing, '--config', env.TS_CONFIG]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`no thread ${missing}`));
    const after = runCli(['threads', 'list', '--after', missing, '--config', env.TS_CONFIG]);
    assert.equal(after.status, 1);
    assert.match(after.stderr, new RegExp(`no thread ${missing} .*without --after`));
    for (const args of [['threads', 'show', 'nope'], ['threads'], ['threads', 'remove'],
      ['threads', 'list', '--limit', '0'], ['threads', 'list', '--limit', '201'], ['stats', 'now'],
      ['threads', 'list', '--after', 'x']]) {
      const bad = runCli([...args, '--config', env.TS_CONFIG]);
      assert.equal(bad.status, 2, `${args.join(' ')}: exit ${bad.status}`);
      assert.match(bad.stderr, /usage: threadstore|must be|not a thread id/, `${args.join(' ')}: ${bad.stderr}`);
    }
  });

test('stats prints bounded figures and says which are estimates', { skip: needsHarness }, () => {
  const r = runCli(['stats', '--config', env.TS_CONFIG]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^threads +(~\d+ \(estimate: InnoDB statistics\)|unknown)/m);
  assert.match(r.stdout, /^messages +(~\d+ \(estimate: InnoDB statistics\)|unknown)/m);
  assert.match(r.stdout, /^threads_created +[1-9]\d* \(exact/m);
  assert.match(r.stdout, /^newest_thread_at +\d{4}-\d\d-\d\dT/m);
  assert.match(r.stdout, /^schema_version +[1-9]\d*$/m);
  assert.match(r.stdout, /^public_sharing +(on|off)$/m);
});

test('an unreachable database is said with where, the client\'s reason and the file to fix',
  { skip: needsHarness }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ts-cli-'));
    try {
      const path = join(dir, 'threadstore.conf');
      writeFileSync(path, readFileSync(env.TS_CONFIG, 'utf8')
        .replace(/^socket = .*$/m, `socket = ${dir}/no-such.sock`), { mode: 0o600 });
      for (const args of [['stats'], ['threads', 'list'], ['migrate'], ['settings']]) {
        const r = runCli([...args, '--config', path]);
        assert.equal(r.status, 1, `${args[0]}: exit ${r.status}`);
        assert.match(r.stderr, new RegExp(`cannot connect to database '${env.TS_DB_NAME}' as '${env.TS_DB_USER}' `
          + `on socket ${dir}/no-such.sock: Can't connect`), `${args[0]}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`right in ${path}\\?`), `${args[0]}: ${r.stderr}`);
      }
      const denied = runCli(['stats', '--config', env.TS_CONFIG], { THREADSTORE_DB_PASSWORD: 'wrong' });
      assert.equal(denied.status, 1);
      assert.match(denied.stderr, /Access denied for user/);
      assert.doesNotMatch(denied.stderr, /wrong/, 'the password reached the message');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

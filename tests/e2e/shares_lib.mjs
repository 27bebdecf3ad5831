// Helpers of the share link tests (shares.test.mjs, bounds_shares.test.mjs,
// tests/browser): making, reading and revoking links
// (API reference: tag shares).
import assert from 'node:assert/strict';
import { BASE, request, assertJsonOk } from './lib.mjs';
import { json } from './messages_lib.mjs';

export const SHARE_KEYS = ['created_at', 'expires_at', 'id', 'mode', 'object', 'revoked_at', 'thread_id'];
export const SHARED_THREAD_KEYS = ['created_at', 'expires_at', 'message_count', 'mode', 'object', 'shared_at',
  'title'];
export const TOKEN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

// POST /api/threads/{tid}/shares; asserts 201 and the shape, returns the share.
export async function makeShare(who, tid, body = { mode: 'live' }) {
  const res = await request('POST', `/api/threads/${tid}/shares`, json(who.headers, body));
  const s = assertJsonOk(res, 201, `make share ${JSON.stringify(body)}`);
  assert.deepEqual(Object.keys(s).sort(), [...SHARE_KEYS, 'token', 'url'].sort());
  assert.match(s.token, TOKEN);
  assert.equal(s.object, 'share');
  assert.equal(s.revoked_at, null);
  // The url and Location are below the mount point, relative to the site.
  const mount = new URL(BASE).pathname.replace(/\/$/, '');
  assert.equal(s.url, `${mount}/s/${s.token}`);
  assert.equal(res.headers.get('location'), `${mount}/api/shares/${s.id}`);
  return s;
}

export const sharedPath = (token, rest = '') => `/api/shared/${token}${rest}`;
export const pagePath = (token, query = '') => `/s/${token}${query}`;

// GET /api/shared/{token}/messages with a query string.
export async function sharedMessages(token, query = '', headers = {}) {
  return request('GET', sharedPath(token, `/messages${query ? `?${query}` : ''}`), { headers });
}

// Every message of a shared thread, walking next_cursor.
export async function sharedTexts(token, headers = {}) {
  const out = [];
  let cursor = null;
  for (let i = 0; i < 1000; i++) {
    const res = await sharedMessages(token, `limit=200${cursor ? `&cursor=${cursor}` : ''}`, headers);
    const b = assertJsonOk(res, 200, 'shared messages');
    out.push(...b.data.map((m) => m.content.text));
    if (!b.has_more) return out;
    cursor = b.next_cursor;
  }
  assert.fail('walk did not end');
}

export async function revoke(who, id, status = 204) {
  const res = await request('DELETE', `/api/shares/${id}`, { headers: who.headers });
  assert.equal(res.status, status, `revoke ${id}: ${res.text}`);
  return res;
}

// A body with its request id taken out: what must be the same for every
// link that does not work.
export const withoutRequestId = (text) => text.replace(/"request_id":"[^"]*"/, '"request_id":""');

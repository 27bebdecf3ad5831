// A small FastCGI client for tests: it talks to threadstore's socket
// directly, without a web server, and can also send records no web server
// would (see workers.test.mjs). FastCGI 1.0: 8-byte record headers, one
// request per connection, no keep-alive.
import net from 'node:net';

export const FCGI = Object.freeze({
  VERSION_1: 1,
  BEGIN_REQUEST: 1,
  ABORT_REQUEST: 2,
  END_REQUEST: 3,
  PARAMS: 4,
  STDIN: 5,
  STDOUT: 6,
  STDERR: 7,
  RESPONDER: 1,
});

// One record; content up to 65535 bytes, padded to a multiple of 8.
export function record(type, requestId, content = Buffer.alloc(0)) {
  if (content.length > 0xffff) throw new RangeError('record content over 65535 bytes');
  const pad = (8 - (content.length % 8)) % 8;
  const h = Buffer.alloc(8);
  h[0] = FCGI.VERSION_1;
  h[1] = type;
  h.writeUInt16BE(requestId, 2);
  h.writeUInt16BE(content.length, 4);
  h[6] = pad;
  h[7] = 0;
  return Buffer.concat([h, content, Buffer.alloc(pad)]);
}

// A record stream split into records of at most 65535 bytes, then the empty
// record that ends the stream.
export function stream(type, requestId, data) {
  const out = [];
  for (let i = 0; i < data.length; i += 0xffff) {
    out.push(record(type, requestId, data.subarray(i, i + 0xffff)));
  }
  out.push(record(type, requestId));
  return Buffer.concat(out);
}

// Length of a name or value: 1 byte below 128, else 4 bytes with the top bit set.
export function nvLength(n) {
  if (n < 128) return Buffer.from([n]);
  const b = Buffer.alloc(4);
  b.writeUInt32BE((n | 0x80000000) >>> 0);
  return b;
}

export function nameValue(name, value) {
  const n = Buffer.from(name);
  const v = Buffer.from(value);
  return Buffer.concat([nvLength(n.length), nvLength(v.length), n, v]);
}

export function beginRequest(requestId, { role = FCGI.RESPONDER, keepConn = false } = {}) {
  const body = Buffer.alloc(8);
  body.writeUInt16BE(role, 0);
  body[2] = keepConn ? 1 : 0;
  return record(FCGI.BEGIN_REQUEST, requestId, body);
}

// The bytes of one whole request: BEGIN_REQUEST, PARAMS, STDIN.
export function encodeRequest({ params = {}, body = Buffer.alloc(0), requestId = 1, keepConn = false } = {}) {
  const p = Buffer.concat(Object.entries(params).map(([k, v]) => nameValue(k, String(v))));
  return Buffer.concat([
    beginRequest(requestId, { keepConn }),
    stream(FCGI.PARAMS, requestId, p),
    stream(FCGI.STDIN, requestId, Buffer.isBuffer(body) ? body : Buffer.from(body)),
  ]);
}

// CGI parameters for a request the way nginx's fastcgi_params sends them.
export function cgiParams({ method = 'GET', uri = '/', headers = {}, body = null } = {}) {
  const q = uri.indexOf('?');
  const params = {
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    SERVER_SOFTWARE: 'fcgi_client.mjs',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '80',
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_PORT: '40000',
    REQUEST_METHOD: method,
    REQUEST_URI: uri,
    DOCUMENT_URI: q < 0 ? uri : uri.slice(0, q),
    SCRIPT_NAME: q < 0 ? uri : uri.slice(0, q),
    QUERY_STRING: q < 0 ? '' : uri.slice(q + 1),
  };
  if (body !== null) params.CONTENT_LENGTH = String(Buffer.byteLength(body));
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toUpperCase().replace(/-/g, '_');
    if (name === 'CONTENT_TYPE' || name === 'CONTENT_LENGTH') params[name] = v;
    else params[`HTTP_${name}`] = v;
  }
  return params;
}

// Splits "Status: 200 OK\r\nX: y\r\n\r\nbody" into status, headers and body.
export function parseCgiResponse(buf) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return { status: null, headers: {}, body: buf };
  const headers = {};
  for (const line of buf.subarray(0, end).toString('latin1').split('\r\n')) {
    const c = line.indexOf(':');
    if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
  }
  const status = headers.status ? Number.parseInt(headers.status, 10) : 200;
  return { status, headers, body: buf.subarray(end + 4) };
}

// Connects to "path" (a unix socket) or {host, port}.
export function connect(target) {
  return typeof target === 'string' ? net.createConnection({ path: target })
    : net.createConnection(target);
}

// Sends raw bytes and collects whatever comes back until the peer closes.
// Resolves { data, closed, error }; never rejects.
export function sendRaw(target, bytes, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    const sock = connect(target);
    let done = false;
    const finish = (extra) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ data: Buffer.concat(chunks), ...extra });
    };
    const timer = setTimeout(() => finish({ closed: false, error: 'timeout' }), timeoutMs);
    sock.on('connect', () => sock.write(bytes));
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => finish({ closed: true, error: null }));
    sock.on('close', () => finish({ closed: true, error: null }));
    sock.on('error', (e) => finish({ closed: true, error: e.code || String(e) }));
  });
}

// Decodes the records of a response: STDOUT, STDERR and END_REQUEST.
export function decodeResponse(data) {
  const stdout = [];
  const stderr = [];
  let appStatus = null;
  let protocolStatus = null;
  let off = 0;
  while (off + 8 <= data.length) {
    const type = data[off + 1];
    const len = data.readUInt16BE(off + 4);
    const pad = data[off + 6];
    if (off + 8 + len + pad > data.length) break;
    const content = data.subarray(off + 8, off + 8 + len);
    if (type === FCGI.STDOUT) stdout.push(content);
    else if (type === FCGI.STDERR) stderr.push(content);
    else if (type === FCGI.END_REQUEST) {
      appStatus = content.readUInt32BE(0);
      protocolStatus = content[4];
    }
    off += 8 + len + pad;
  }
  return {
    stdout: Buffer.concat(stdout),
    stderr: Buffer.concat(stderr),
    appStatus,
    protocolStatus,
    ended: appStatus !== null,
  };
}

// One HTTP-like request over FastCGI. Resolves
// { ok, status, headers, body, json(), ended, error }.
export async function request(target, { method = 'GET', uri = '/', headers = {}, body = null,
  timeoutMs = 5000 } = {}) {
  const params = cgiParams({ method, uri, headers, body });
  const bytes = encodeRequest({ params, body: body === null ? Buffer.alloc(0) : Buffer.from(body) });
  const raw = await sendRaw(target, bytes, { timeoutMs });
  return answerOf(raw.data, raw.error);
}

// The answer the records in data carry, as request() resolves it.
function answerOf(data, error) {
  const rec = decodeResponse(data);
  const res = parseCgiResponse(rec.stdout);
  return {
    ok: rec.ended && res.status !== null,
    status: res.status,
    headers: res.headers,
    body: res.body,
    json: () => JSON.parse(res.body.toString('utf8')),
    ended: rec.ended,
    error,
  };
}

// Where the record that ends a response (END_REQUEST) ends in data, or -1.
function endOfResponse(data) {
  let off = 0;
  while (off + 8 <= data.length) {
    const len = data.readUInt16BE(off + 4);
    const next = off + 8 + len + data[off + 6];
    if (next > data.length) return -1;
    if (data[off + 1] === FCGI.END_REQUEST) return next;
    off = next;
  }
  return -1;
}

// A connection kept open between requests (FCGI_KEEP_CONN), as nginx keeps
// one with fastcgi_keep_conn on. request() sends one request and resolves
// with its answer (as request() above) once END_REQUEST has arrived, or
// { ok: false, error } when the peer closed first or timeoutMs passed.
export class KeptConnection {
  constructor(target) {
    this.sock = connect(target);
    this.data = Buffer.alloc(0);
    this.closed = false;
    this.pending = null;
    this.opened = new Promise((resolve) => {
      this.sock.on('connect', () => resolve(true));
      this.sock.on('error', () => resolve(false));
    });
    this.sock.on('data', (d) => {
      this.data = Buffer.concat([this.data, d]);
      this.settle(null);
    });
    this.sock.on('error', () => {});
    this.sock.on('close', () => {
      this.closed = true;
      this.settle('closed');
    });
  }

  settle(error) {
    if (this.pending === null) return;
    const end = endOfResponse(this.data);
    if (end < 0 && error === null) return;
    const { resolve, timer } = this.pending;
    this.pending = null;
    clearTimeout(timer);
    if (end < 0) {
      resolve({ ok: false, ended: false, error });
      return;
    }
    const answer = answerOf(this.data.subarray(0, end), null);
    this.data = this.data.subarray(end);
    resolve(answer);
  }

  async request({ method = 'GET', uri = '/', headers = {}, body = null, requestId = 1,
    timeoutMs = 5000 } = {}) {
    if (!await this.opened || this.closed) return { ok: false, ended: false, error: 'closed' };
    const params = cgiParams({ method, uri, headers, body });
    const bytes = encodeRequest({ params, requestId, keepConn: true,
      body: body === null ? Buffer.alloc(0) : Buffer.from(body) });
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle('timeout'), timeoutMs);
      this.pending = { resolve, timer };
      this.sock.write(bytes);
    });
  }

  close() {
    this.sock.destroy();
  }
}

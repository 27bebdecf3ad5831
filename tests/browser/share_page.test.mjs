// The share page in a real browser (API reference: The share page): Debian's
// Chromium, headless, driven through the DevTools protocol by puppeteer-core.
// It renders the messages in order with their roles; text that looks like
// markup (<script>, <img onerror>, javascript:) shows as text and runs
// nothing; the layout holds at a phone's and a desktop's width, in light and
// dark schemes and in print; axe-core finds no serious or critical
// violation; revoked and expired links stop working at once. Screenshots
// are kept in var/test/artifacts/browser (not committed).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';
import { request, signToken, bearer, adminHeaders, needsHarness, env } from '../e2e/lib.mjs';
import { sql } from '../e2e/bounds_lib.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = env.TS_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'var', 'test', 'artifacts', 'browser');
const owner = { headers: bearer(signToken({ sub: `browser-${Date.now()}` })) };
const jsonBody = (headers, body) => ({ headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
// The browser test needs scripts/test's services: without them it fails.
const skip = false;

const HOSTILE = [
  '<script>window.__pwned = 1; alert("script")</script>',
  '<img src="x" onerror="window.__pwned = 2; alert(\'img\')">',
  '[click me](javascript:window.__pwned=3) javascript:alert(4)',
  '<a href="javascript:alert(5)">link</a> <svg onload=alert(6)>',
].join('\n');
const MESSAGES = [
  { role: 'system', content: 'You are a helpful travel assistant.' },
  { role: 'user', content: 'Where should I go in May? Somewhere warm, not too far from Lisbon.' },
  { role: 'assistant', content: 'Try the Algarve:\n\n- Lagos\n- Tavira\n\nA script to plan it:\n```python\nfor town in ["Lagos", "Tavira"]:\n    print(f"<visit {town}>")\n```\nMore at https://example.org/algarve?season=may&lang=en.' },
  { role: 'user', content: HOSTILE },
  { role: 'tool', content: `${'a-very-long-unbroken-word-'.repeat(12)}end` },
];

let browser;
let userDataDir;
const links = {};

async function api(method, path, opts) {
  const res = await request(method, path, opts);
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text.slice(0, 200)}`);
  return res.json;
}

before(async () => {
  assert.ok(!needsHarness, needsHarness || '');
  mkdirSync(ARTIFACTS, { recursive: true });
  await api('PUT', '/api/settings', jsonBody(adminHeaders(), { public_sharing: true }));
  const t = await api('POST', '/api/threads', jsonBody(owner.headers, { title: 'Trip <ideas> & "plans"', visibility: 'private' }));
  await api('POST', `/api/threads/${t.id}/messages/batch`, jsonBody(owner.headers, { messages: MESSAGES }));
  links.tid = t.id;
  links.snapshot = await api('POST', `/api/threads/${t.id}/shares`, jsonBody(owner.headers, { mode: 'snapshot' }));
  links.live = await api('POST', `/api/threads/${t.id}/shares`, jsonBody(owner.headers, { mode: 'live' }));
  userDataDir = mkdtempSync(join(tmpdir(), 'ts-chromium-'));
  // The machine's network is closed: these flags keep Chromium from
  // reaching out (and hanging on it). A fresh profile every run.
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir,
    timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--no-default-browser-check'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await request('PUT', '/api/settings', jsonBody(adminHeaders(), { public_sharing: false }));
});

// A link's expires_at moved to a second ago.
function expireNow(id) {
  sql(`UPDATE shares SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = UNHEX('${id.replace(/-/g, '')}')`);
}

const pageUrl = (token, query = '') => `${env.TS_BASE_URL}/s/${token}${query}`;

// A new tab at a viewport, in a colour scheme; records dialogs and CSP reports.
async function open(url, { width = 1280, height = 900, scheme = 'light', bypassCsp = false } = {}) {
  const page = await browser.newPage();
  const seen = { dialogs: [], console: [] };
  page.on('dialog', async (d) => {
    seen.dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('console', (m) => seen.console.push(m.text()));
  await page.setViewport({ width, height, deviceScaleFactor: 1 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  if (bypassCsp) await page.setBypassCSP(true);
  const res = await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  return { page, res, seen };
}

test('browser: the page shows the title and every message in order, with its role', { skip }, async () => {
  const { page, res, seen } = await open(pageUrl(links.snapshot.token));
  assert.equal(res.status(), 200);
  assert.equal(await page.title(), 'Trip <ideas> & "plans"');
  const items = await page.$$eval('li.msg', (els) => els.map((e) => ({
    role: e.querySelector('.role').textContent,
    text: [...e.querySelectorAll('.text, pre')].map((x) => x.textContent).join('\n'),
  })));
  assert.deepEqual(items.map((i) => i.role), ['System', 'User', 'Assistant', 'User', 'Tool']);
  assert.equal(items[0].text, MESSAGES[0].content);
  assert.ok(items[2].text.includes('for town in ["Lagos", "Tavira"]:\n    print(f"<visit {town}>")'));
  assert.equal(await page.$eval('pre code', (e) => e.textContent.split('\n').length), 2);
  assert.equal(await page.$eval('.lang', (e) => e.textContent), 'python');
  // The stylesheet applied (the CSP allows it by its hash): a message has its border.
  assert.equal(await page.$eval('li.msg', (e) => getComputedStyle(e).borderTopStyle), 'solid');
  assert.deepEqual(seen.console.filter((m) => /Content Security Policy/i.test(m)), []);
  await page.close();
});

test('browser: markup in a message shows as text and runs nothing', { skip }, async () => {
  const { page, seen } = await open(pageUrl(links.snapshot.token));
  const hostile = await page.$$eval('li.msg', (els) => els[3].querySelector('.text').textContent);
  assert.equal(hostile, HOSTILE);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(seen.dialogs, []);
  assert.equal(await page.$$eval('script, img, svg, iframe, object, embed', (e) => e.length), 0);
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.every((h) => /^(https?:\/\/|\?(after|before)=)/.test(h)), hrefs.join(' '));
  assert.ok(hrefs.includes('https://example.org/algarve?season=may&lang=en'));
  // Links send no referrer: the token is in the page's address.
  assert.equal(await page.$eval('a[href^="https://"]', (a) => a.rel), 'nofollow noopener noreferrer ugc');
  assert.equal(await page.evaluate(() => document.querySelector('meta[name=referrer]').content), 'no-referrer');
  await page.close();
});

// [name, width, height, scheme]
const LAYOUTS = [['phone', 390, 844, 'light'], ['phone-dark', 390, 844, 'dark'], ['desktop', 1280, 900, 'light'],
  ['desktop-dark', 1280, 900, 'dark']];

for (const [name, width, height, scheme] of LAYOUTS) {
  test(`browser: the layout holds on a ${name} (${width}px, ${scheme})`, { skip }, async () => {
    const { page } = await open(pageUrl(links.snapshot.token), { width, height, scheme });
    // Nothing wider than the screen: no sideways scrolling of the page
    // (a code block scrolls inside itself).
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: innerWidth,
      widest: Math.max(...[...document.querySelectorAll('li.msg')].map((e) => e.getBoundingClientRect().right)) }));
    assert.ok(widths.doc <= widths.view, `page ${widths.doc}px wide in a ${widths.view}px window`);
    assert.ok(widths.widest <= widths.view, `a message reaches ${widths.widest}px`);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, scheme === 'dark' ? 'rgb(19, 19, 22)' : 'rgb(255, 255, 255)');
    await page.screenshot({ path: join(ARTIFACTS, `share-${name}.png`), fullPage: true });
    await page.close();
  });
}

test('browser: in print, no navigation and no backgrounds', { skip }, async () => {
  const { page } = await open(pageUrl(links.snapshot.token, '?limit=2'));
  assert.equal(await page.$$eval('nav.pages', (n) => n.length), 1);
  await page.emulateMediaType('print');
  assert.equal(await page.$eval('nav.pages', (n) => getComputedStyle(n).display), 'none');
  assert.equal(await page.$eval('li.msg', (e) => getComputedStyle(e).backgroundColor), 'rgb(255, 255, 255)');
  await page.close();
});

test('browser: paging links lead through the whole thread', { skip }, async () => {
  const { page } = await open(pageUrl(links.snapshot.token, '?limit=2'));
  const seen = [];
  for (let i = 0; i < 10; i++) {
    seen.push(...await page.$$eval('li.msg .role', (r) => r.map((x) => x.textContent)));
    const next = await page.$('a[rel=next]');
    if (!next) break;
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), next.click()]);
  }
  assert.deepEqual(seen, ['System', 'User', 'Assistant', 'User', 'Tool']);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('a[rel=prev]')]);
  assert.deepEqual(await page.$$eval('li.msg .role', (r) => r.map((x) => x.textContent)), ['Assistant', 'User']);
  await page.close();
});

for (const scheme of ['light', 'dark']) {
  test(`browser: axe-core finds no serious or critical violation (${scheme})`, { skip }, async () => {
    for (const url of [pageUrl(links.snapshot.token), pageUrl('A'.repeat(43))]) {
      // Only this tab lets the checker's script in; the page itself allows none.
      const { page } = await open(url, { scheme, bypassCsp: true });
      await page.evaluate(AXE);
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`), [], url);
      console.log(`# axe ${scheme} ${url.includes('AAAA') ? 'error page' : 'page'}: ${result.violations.length} violations `
        + `(${result.violations.map((v) => `${v.id}/${v.impact}`).join(', ') || 'none'})`);
      await page.close();
    }
  });
}

test('browser: a revoked link and an expired link stop working at once', { skip }, async () => {
  const expiring = await api('POST', `/api/threads/${links.tid}/shares`,
    jsonBody(owner.headers, { mode: 'live', expires_at: new Date(Date.now() + 3600e3).toISOString() }));
  const { page } = await open(pageUrl(links.live.token));
  assert.equal(await page.$$eval('li.msg', (e) => e.length), 5);
  await api('DELETE', `/api/shares/${links.live.id}`, { headers: owner.headers });
  let res = await page.reload({ waitUntil: 'load' });
  assert.equal(res.status(), 404);
  assert.equal(await page.$eval('h1', (h) => h.textContent), 'This link does not work');
  assert.equal(await page.$$eval('li.msg', (e) => e.length), 0);
  await page.screenshot({ path: join(ARTIFACTS, 'share-revoked.png') });
  res = await page.goto(pageUrl(expiring.token), { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  // Its time comes (moved to a second ago, by the database's clock, which
  // decides): the next load is the 404, however slow the machine.
  expireNow(expiring.id);
  res = await page.reload({ waitUntil: 'load' });
  assert.equal(res.status(), 404);
  assert.equal(await page.$eval('h1', (h) => h.textContent), 'This link does not work');
  await page.close();
});

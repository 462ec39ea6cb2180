import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { describe, test } from 'node:test';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { servedSnippet } from '../../../src/intake/tracker/tracker.routes.ts';

/**
 * The snippet in a simulated page (node:vm): a fake clock, storage, visibility and sendBeacon. What a real browser
 * adds (actual beacons on unload) is for the browser test.
 */
function page(options: { dnt?: boolean; gpc?: boolean; consent?: 'required'; storage?: Map<string, string>; href?: string } = {}) {
  let now = 1_700_000_000_000;
  const timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let timerId = 0;
  const listeners: Record<string, Array<() => void>> = {};
  const on = (type: string, fn: () => void) => { (listeners[type] ??= []).push(fn); };
  const storage = options.storage ?? new Map<string, string>();
  const sent: Array<{ via: 'beacon' | 'fetch'; url: string; body: any }> = [];
  let cookie = '';
  const document = {
    currentScript: { src: 'https://daicho.example.co.jp/t.js', getAttribute: (n: string) => (n === 'data-key' ? 'dt_' + 'k'.repeat(24) : n === 'data-consent' ? options.consent ?? null : null) },
    referrer: 'https://www.google.com/',
    title: '製品一覧',
    visibilityState: 'visible',
    get cookie() { return cookie; },
    set cookie(v: string) { const [pair] = v.split(';'); cookie = v.includes('max-age=0') ? '' : pair!; },
    addEventListener: on,
  };
  const location = { href: options.href ?? 'https://www.daicho-shoji.co.jp/products?utm_campaign=winter' };
  const window: Record<string, unknown> = {
    localStorage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, String(v)), removeItem: (k: string) => storage.delete(k) },
    crypto: webcrypto,
    addEventListener: on,
  };
  const context = vm.createContext({
    window, document, location, URL,
    navigator: {
      doNotTrack: options.dnt ? '1' : null,
      globalPrivacyControl: options.gpc ?? undefined,
      sendBeacon: (url: string, body: string) => { sent.push({ via: 'beacon', url, body: JSON.parse(body) }); return true; },
    },
    history: {
      pushState(_s: unknown, _t: string, url: string) { location.href = new URL(url, location.href).href; },
      replaceState(_s: unknown, _t: string, url: string) { location.href = new URL(url, location.href).href; },
    },
    fetch: (url: string, init: { body: string }) => { sent.push({ via: 'fetch', url, body: JSON.parse(init.body) }); },
    setTimeout: (fn: () => void, ms: number) => { timers.push({ at: now + ms, fn, id: ++timerId }); return timerId; },
    clearTimeout: (id: number) => { const i = timers.findIndex((t) => t.id === id); if (i >= 0) timers.splice(i, 1); },
    Date: { now: () => now },
  });
  window.window = window;
  vm.runInContext(servedSnippet(), context);
  const daicho = () => window.daicho as { track: (...a: unknown[]) => void; identify: (t: unknown) => void; consent: (y: boolean) => void; visitorId: () => string | null };
  return {
    sent, storage, daicho,
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    },
    fire(type: string) { for (const fn of listeners[type] ?? []) fn(); },
    setVisibility(v: 'visible' | 'hidden') { document.visibilityState = v; for (const fn of listeners.visibilitychange ?? []) fn(); },
    navigate(url: string) { (context.history as { pushState: (...a: unknown[]) => void }).pushState({}, '', url); },
    events: () => sent.flatMap((s) => s.body.e as Array<Record<string, any>>),
  };
}

describe('tracker snippet', () => {
  test('served size stays under 3 KB gzipped', () => {
    const size = gzipSync(servedSnippet(), { level: 9 }).byteLength;
    assert.ok(size <= 3072, `${size} bytes`);
  });

  test('sends a page view with title, referrer, entry flag and ids after a second, to the script\'s own origin', () => {
    const p = page();
    assert.equal(p.sent.length, 0);
    p.advance(1000);
    assert.equal(p.sent.length, 1);
    const { url, body } = p.sent[0]!;
    assert.equal(url, 'https://daicho.example.co.jp/api/v1/collect');
    assert.equal(body.k, 'dt_' + 'k'.repeat(24));
    assert.match(body.v, /^[a-z0-9]{8,64}$/);
    assert.match(body.s, /^[a-z0-9]{8,64}$/);
    assert.equal(body.e.length, 1);
    assert.deepEqual({ ...body.e[0], i: undefined, at: undefined }, { t: 'pv', i: undefined, at: undefined, u: 'https://www.daicho-shoji.co.jp/products?utm_campaign=winter', ti: '製品一覧', r: 'https://www.google.com/', f: 1 });
    assert.equal(p.storage.get('daicho_vid'), body.v);
  });

  test('dwell counts visible time only and is sent by beacon when the page is hidden or left', () => {
    const p = page();
    p.advance(1000);
    p.advance(9000); // 10 s visible
    p.setVisibility('hidden');
    const first = p.events().filter((e) => e.t === 'pl');
    assert.equal(first.length, 1);
    assert.equal(first[0]!.d, 10_000);
    assert.equal(p.sent.at(-1)!.via, 'beacon');
    p.advance(60_000); // a minute in a background tab does not count
    p.setVisibility('visible');
    p.advance(5_000);
    p.fire('pagehide');
    const last = p.events().filter((e) => e.t === 'pl').at(-1)!;
    assert.equal(last.d, 15_000);
    assert.equal(last.i, p.events()[0]!.i, 'the same page view id, so the server updates one row');
  });

  test('a single-page-app navigation ends the page and starts a new page view with the previous URL as referrer', () => {
    const p = page();
    p.advance(3000);
    p.navigate('/products/a');
    p.advance(1000);
    const events = p.events();
    const pvs = events.filter((e) => e.t === 'pv');
    assert.equal(pvs.length, 2);
    assert.equal(pvs[1]!.u, 'https://www.daicho-shoji.co.jp/products/a');
    assert.equal(pvs[1]!.r, 'https://www.daicho-shoji.co.jp/products?utm_campaign=winter');
    assert.equal(pvs[1]!.f, undefined, 'same visit');
    assert.equal(events.find((e) => e.t === 'pl')!.d, 3000);
  });

  test('Do-Not-Track and Global Privacy Control: nothing is stored or sent, whatever the page calls', () => {
    for (const p of [page({ dnt: true }), page({ gpc: true })]) {
      p.daicho().track('click', {});
      p.daicho().identify({ email: 'x@kaisha.co.jp' });
      p.daicho().consent(true);
      p.advance(5000);
      p.fire('pagehide');
      assert.equal(p.sent.length, 0);
      assert.equal(p.storage.size, 0);
      assert.equal(p.daicho().visitorId(), null);
    }
  });

  test('with data-consent="required" nothing is sent until consent(true); consent(false) forgets the visitor', () => {
    const p = page({ consent: 'required' });
    p.advance(5000);
    assert.equal(p.sent.length, 0);
    p.daicho().consent(true);
    p.advance(1000);
    assert.equal(p.events()[0]!.t, 'pv');
    assert.equal(p.sent[0]!.body.c, 1);
    const vid = p.daicho().visitorId();
    assert.ok(vid);
    p.daicho().consent(false);
    assert.equal(p.storage.get('daicho_vid'), undefined);
    p.daicho().track('after', {});
    p.advance(5000);
    p.fire('pagehide');
    assert.ok(p.events().every((e) => e.n !== 'after'));
  });

  test('identify and track are queued with the page view id and flushed', () => {
    const p = page();
    p.daicho().track('download', { file: 'a.pdf' });
    p.daicho().identify({ email: 'hanako@kaisha.co.jp' });
    const events = p.events();
    assert.deepEqual(events.map((e) => e.t), ['pv', 'ev', 'id']);
    assert.equal(events[1]!.p, events[0]!.i);
    assert.deepEqual(events[2]!.tr, { email: 'hanako@kaisha.co.jp' });
  });

  test('the visitor id survives a reload; a new campaign starts a new visit', () => {
    const storage = new Map<string, string>();
    const a = page({ storage });
    a.advance(1000);
    const b = page({ storage, href: 'https://www.daicho-shoji.co.jp/?utm_campaign=spring' });
    b.advance(1000);
    assert.equal(b.sent[0]!.body.v, a.sent[0]!.body.v);
    assert.notEqual(b.sent[0]!.body.s, a.sent[0]!.body.s);
    assert.equal(b.events()[0]!.f, 1);
  });

  test('a campaign e-mail\'s tracked link (daicho_ct) leaves the URL and identifies the visitor by the message token', () => {
    const p = page({ href: 'https://www.daicho-shoji.co.jp/products/new?utm_source=mail&daicho_ct=AbCdEf0123456789_-' });
    p.advance(1000);
    const events = p.events();
    assert.deepEqual(events.map((e) => e.t), ['pv', 'id']);
    assert.equal(events[0]!.u, 'https://www.daicho-shoji.co.jp/products/new?utm_source=mail');
    assert.deepEqual(events[1]!.tr, { campaignToken: 'AbCdEf0123456789_-' });
  });
});

// Pure parts of the tracker (src/domain/tracker); kept beside the feature's tests, which this helper owns.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isBot } from '../../../src/domain/tracker/bot.ts';
import { startOfTokyoDay, tokyoDay } from '../../../src/domain/tracker/day.ts';
import { parseBatchText } from '../../../src/domain/tracker/events.ts';
import { normalizeOrigin, originAllowed } from '../../../src/domain/tracker/origin.ts';
import { TokenBuckets } from '../../../src/domain/tracker/token-bucket.ts';
import { traitsToFields } from '../../../src/domain/tracker/traits.ts';
import { pagePath, parsePageUrl, parseUtm } from '../../../src/domain/tracker/utm.ts';

describe('tracker domain', () => {
  test('bots: crawlers, monitors, headless browsers and HTTP libraries; real browsers pass', () => {
    for (const ua of ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Mozilla/5.0 (compatible; bingbot/2.0)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36', 'curl/8.5.0',
      'python-requests/2.31', 'Go-http-client/1.1', 'Mozilla/5.0 (compatible; UptimeRobot/2.0)', '', null]) assert.equal(isBot(ua), true, String(ua));
    for (const ua of ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 Edg/130.0']) assert.equal(isBot(ua), false, ua);
  });

  test('origins: normalised, exact or one wildcard label', () => {
    assert.equal(normalizeOrigin(' https://WWW.Example.co.jp/ '), 'https://www.example.co.jp');
    assert.equal(normalizeOrigin('https://*.example.co.jp'), 'https://*.example.co.jp');
    assert.equal(normalizeOrigin('http://localhost:8080'), 'http://localhost:8080');
    for (const bad of ['www.example.co.jp', 'https://example.co.jp/path', 'ftp://example.co.jp', 'https://user@example.co.jp', '']) assert.equal(normalizeOrigin(bad), null, bad);
    const allowed = ['https://www.example.co.jp', 'https://*.example.jp'];
    assert.equal(originAllowed('https://www.example.co.jp', allowed), true);
    assert.equal(originAllowed('https://shop.example.jp', allowed), true);
    assert.equal(originAllowed('https://a.b.example.jp', allowed), true);
    assert.equal(originAllowed('https://example.jp', allowed), false);
    assert.equal(originAllowed('https://evilexample.jp', allowed), false);
    assert.equal(originAllowed('http://shop.example.jp', allowed), false);
    assert.equal(originAllowed('https://www.example.co.jp.evil.net', allowed), false);
    assert.equal(originAllowed(null, allowed), false);
  });

  test('UTM and paths', () => {
    assert.deepEqual(parseUtm('https://a.jp/?utm_source=%E3%83%A1%E3%83%AB%E3%83%9E%E3%82%AC&utm_medium=email&utm_campaign= &utm_term=x'),
      { source: 'メルマガ', medium: 'email', campaign: null, term: 'x', content: null });
    assert.deepEqual(parseUtm('not a url'), { source: null, medium: null, campaign: null, term: null, content: null });
    assert.equal(pagePath(parsePageUrl('https://a.jp/%E8%A3%BD%E5%93%81/a?x=1#top')!), '/製品/a');
    assert.equal(parsePageUrl('javascript:alert(1)'), null);
  });

  test('event times: the distance from the send time is trusted, not the browser clock', () => {
    const server = Date.parse('2026-01-01T00:00:00Z');
    const skewed = server - 3_600_000; // the PC's clock is an hour behind
    const r = parseBatchText(JSON.stringify({ k: 'dt_' + 'a'.repeat(24), v: 'visitor-1', s: 'visit-001', n: skewed, e: [{ t: 'pv', i: 'pageview1', u: 'https://a.jp/', at: skewed - 5000 }] }), server);
    assert.ok(r.ok);
    assert.equal(r.batch.events[0]!.at.toISOString(), '2025-12-31T23:59:55.000Z');
  });

  test('token buckets refill evenly and forget full buckets', () => {
    let now = 0;
    const b = new TokenBuckets(() => now, 4);
    assert.equal(b.take('a', 60, 60), true);
    assert.equal(b.take('a', 60, 1), false);
    now += 1000;
    assert.equal(b.take('a', 60, 1), true);
    assert.equal(b.take('a', 60, 1), false);
    for (const k of ['b', 'c', 'd', 'e', 'f']) b.take(k, 60, 1);
    assert.ok(b.size <= 4);
  });

  test('identify traits map to import fields; anything else is ignored', () => {
    assert.deepEqual(traitsToFields({ email: ' a@kaisha.co.jp ', name: '山田 花子', company: '大帳商事', family_name_kana: 'ヤマダ', plan: 'pro', phone: { x: 1 } }), {
      fields: { email: 'a@kaisha.co.jp', full_name: '山田 花子', company_name: '大帳商事', family_name_kana: 'ヤマダ' },
      ignored: ['plan', 'phone'],
    });
  });

  test('days are Japanese calendar days', () => {
    assert.equal(tokyoDay(new Date('2026-03-31T15:30:00Z')), '2026-04-01');
    assert.equal(startOfTokyoDay(new Date('2026-03-31T15:30:00Z')).toISOString(), '2026-03-31T15:00:00.000Z');
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PREFECTURES } from '../../src/domain/customers/fields.ts';
import { DICTIONARIES } from '../../src/web/i18n.ts';
import {
  cellText, countText, csvField, csvFileName, daysText, monthAxisOf, monthText, panelCsv, pickOf, pivot, rangeOf, rateText, searchOfView,
  todayInJapan, truncate, viewFromSearch, yenFull, yenShort,
} from '../../src/web/pages/dashboards/dashboard-data.ts';
import { JAPAN_TILES, TILE_COLUMNS, TILE_ROWS } from '../../src/web/pages/dashboards/japan-tiles.ts';

test('yen reads as a manager reads it: ¥ with 万 and 億, the full amount on demand', () => {
  assert.equal(yenShort(9800), '¥9,800');
  assert.equal(yenShort('125000'), '¥12.5万');
  assert.equal(yenShort(34_500_000), '¥3,450万');
  assert.equal(yenShort(120_000_000), '¥1.2億');
  assert.equal(yenShort(100_000_000), '¥1億');
  assert.equal(yenShort(-50_000), '-¥5万');
  assert.equal(yenShort(null), '—');
  assert.equal(yenFull('12345678.4'), '¥12,345,678');
});

test('counts carry 人 or 件 by column, rates are percents, days are 日', () => {
  assert.equal(countText(12345, 'customers'), '12,345人');
  assert.equal(countText(1234, 'orders'), '1,234件');
  assert.equal(countText(1234, 'orders', 'en'), '1,234');
  assert.equal(rateText(0.3451), '34.5%');
  assert.equal(rateText(null), '—');
  assert.equal(daysText(12), '12日');
  assert.equal(daysText(3.46), '3.5日');
  assert.equal(monthText('2026-04'), '2026年4月');
  assert.equal(cellText(0.5, 'rate', 'retention'), '50%');
  assert.equal(cellText('2026-04', 'month', 'month', 'en'), '2026-04');
});

test('a panel\'s CSV: a BOM, Japanese headers, the rows as sent, CRLF, fields quoted and formulas defused', () => {
  const csv = panelCsv({
    columns: [{ key: 'key', kind: 'key' }, { key: 'label', kind: 'label' }, { key: 'customers', kind: 'count' }, { key: 'revenue', kind: 'yen' }],
    rows: [{ key: '東京都', label: '東京都', customers: 5, revenue: 28000.5 }, { key: null, label: '未設定, "不明"', customers: 1, revenue: 0 }],
  }, (k) => (DICTIONARIES.ja as Record<string, string>)[`dash.col.${k}`] ?? k);
  assert.equal(csv, '\uFEFFキー,名称,顧客数,売上（円）\r\n東京都,東京都,5,28000.5\r\n,"未設定, ""不明""",1,0\r\n');
  assert.equal(csvField('=SUM(A1)'), "'=SUM(A1)");
  assert.equal(csvField('-12.5'), '-12.5');
  assert.equal(csvField(-3), '-3');
  assert.equal(csvFileName('composition', { from: '2026-01-01', to: '2026-03-31' }, 'prefecture'), 'daicho-composition-prefecture-2026-01-01_2026-03-31.csv');
  assert.equal(csvFileName('funnel', {}), 'daicho-funnel.csv');
});

test('every CSV header and column has both languages', () => {
  const keys = Object.keys(DICTIONARIES.ja).filter((k) => k.startsWith('dash.'));
  for (const k of keys) assert.ok((DICTIONARIES.en as Record<string, string>)[k], k);
});

test('the view round-trips through the URL; malformed values fall back to the defaults', () => {
  const view = { by: 'channel' as const, metric: 'revenue' as const, segment: '0b7f3c2e-8d4a-4c1b-9e2f-5a6b7c8d9e0f', from: '2026-01-01', to: '2026-03-31' };
  assert.deepEqual(viewFromSearch(new URLSearchParams(searchOfView(view))), view);
  assert.equal(searchOfView({ by: 'prefecture', metric: 'customers' }), '');
  assert.deepEqual(viewFromSearch(new URLSearchParams('by=nope&metric=x&segment=abc&from=2026-1-1')), { by: 'prefecture', metric: 'customers' });
});

test('quick picks are whole calendar months up to today (Japan time), and a range knows its pick', () => {
  assert.deepEqual(rangeOf('thisMonth', '2026-03-15'), { from: '2026-03-01', to: '2026-03-15' });
  assert.deepEqual(rangeOf('last3', '2026-02-10'), { from: '2025-12-01', to: '2026-02-10' });
  assert.deepEqual(rangeOf('last12', '2026-12-31'), { from: '2026-01-01', to: '2026-12-31' });
  assert.deepEqual(rangeOf('all', '2026-12-31'), {});
  assert.equal(pickOf({ from: '2025-12-01', to: '2026-02-10' }, '2026-02-10'), 'last3');
  assert.equal(pickOf({}, '2026-02-10'), 'all');
  assert.equal(pickOf({ from: '2026-02-02' }, '2026-02-10'), null);
  // 15:30 UTC on 31 Dec is already New Year's Day in Tokyo.
  assert.equal(todayInJapan(new Date('2026-12-31T15:30:00Z')), '2027-01-01');
});

test('trend pivots: a month axis without holes, series by total, the rest as その他', () => {
  const rows = [
    { month: '2026-01', category: '食品', revenue: 100 },
    { month: '2026-03', category: '雑貨', revenue: 50 },
    { month: '2026-03', category: null, revenue: 10 },
    { month: '2026-03', category: '書籍', revenue: 5 },
  ];
  const months = monthAxisOf(rows);
  assert.deepEqual(months, ['2026-01', '2026-02', '2026-03']);
  const all = pivot(rows, months, 'category', 'revenue', (k) => k || '未分類');
  assert.deepEqual(all.map((s) => [s.name, s.values]), [['食品', [100, 0, 0]], ['雑貨', [0, 0, 50]], ['未分類', [0, 0, 10]], ['書籍', [0, 0, 5]]]);
  const capped = pivot(rows, months, 'category', 'revenue', (k) => k || '未分類', 3);
  assert.deepEqual(capped.map((s) => [s.name, s.values]), [['食品', [100, 0, 0]], ['雑貨', [0, 0, 50]], ['その他', [0, 0, 15]]]);
  assert.equal(truncate('株式会社とても長い名前の取引先', 8), '株式会社とても…');
  assert.equal(truncate('短い', 8), '短い');
});

test('the tile map holds the 47 prefectures, one square each, inside the grid', () => {
  assert.deepEqual(JAPAN_TILES.map((t) => t.name).sort(), [...PREFECTURES].sort());
  const squares = new Set(JAPAN_TILES.map((t) => `${t.col},${t.row}`));
  assert.equal(squares.size, 47);
  for (const t of JAPAN_TILES) assert.ok(t.col >= 0 && t.col < TILE_COLUMNS && t.row >= 0 && t.row < TILE_ROWS, t.name);
  const at = (name: string) => JAPAN_TILES.find((t) => t.name === name)!;
  // North is up and east is right: Hokkaidō above Aomori, Tokyo east of Osaka, Okinawa in the south-west corner.
  assert.ok(at('北海道').row < at('青森県').row);
  assert.ok(at('東京都').col > at('大阪府').col);
  assert.ok(at('沖縄県').row === TILE_ROWS - 1 && at('沖縄県').col === 0);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, groupTimeline } from '../../src/web/timeline-groups.ts';

const pv = (id: number, visitId: string, at: string, dwellMs?: number) => ({ id, type: 'page_view', occurredAt: at, properties: { visitId, url: `/p${id}`, ...(dwellMs === undefined ? {} : { dwellMs }) } });
const other = (id: number, type: string, at: string) => ({ id, type, occurredAt: at, properties: {} });

test('page views of one visit collapse into one entry, oldest page first, dwell summed', () => {
  const entries = groupTimeline([
    other(9, 'form_submission', '2026-11-22T10:10:00Z'),
    pv(8, 'v2', '2026-11-22T10:05:00Z', 7000),
    pv(7, 'v2', '2026-11-22T10:03:00Z', 5000),
    pv(6, 'v2', '2026-11-22T10:00:00Z', 3000),
    pv(5, 'v1', '2026-11-20T09:00:00Z', 1000),
    other(4, 'note', '2026-11-19T09:00:00Z'),
  ]);
  assert.deepEqual(entries.map((e) => e.key), ['a-9', 'visit-8', 'visit-5', 'a-4']);
  const visit = entries[1]!;
  assert.equal(visit.kind, 'visit');
  if (visit.kind !== 'visit') return;
  assert.deepEqual(visit.pages.map((p) => p.id), [6, 7, 8]);
  assert.equal(visit.dwellMs, 15000);
  assert.equal(visit.knownDwell, true);
  assert.equal(visit.startedAt, '2026-11-22T10:00:00Z');
});

test('a visit interrupted by another activity shows twice; a page without dwell marks the total as partial', () => {
  const entries = groupTimeline([pv(3, 'v1', '2026-11-22T10:05:00Z'), other(2, 'purchase', '2026-11-22T10:04:00Z'), pv(1, 'v1', '2026-11-22T10:00:00Z', 2000)]);
  assert.deepEqual(entries.map((e) => e.kind), ['visit', 'activity', 'visit']);
  assert.equal(entries[0]!.kind === 'visit' && entries[0]!.knownDwell, false);
});

test('durations read the Japanese way', () => {
  assert.equal(formatDuration(45_000, 'ja'), '45秒');
  assert.equal(formatDuration(65_000, 'ja'), '1分05秒');
  assert.equal(formatDuration(3_720_000, 'ja'), '1時間02分');
  assert.equal(formatDuration(65_000, 'en'), '1 min 05 s');
  assert.equal(formatDuration(400, 'ja'), '0秒');
});

test('numeric visit ids group like string ones', () => {
  const entries = groupTimeline([
    { id: 2, type: 'page_view', occurredAt: '2026-11-22T10:01:00Z', properties: { visitId: 7, dwellMs: 1000 } },
    { id: 1, type: 'page_view', occurredAt: '2026-11-22T10:00:00Z', properties: { visitId: 7, dwellMs: 2000 } },
  ]);
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.kind === 'visit' && entries[0]!.dwellMs, 3000);
});

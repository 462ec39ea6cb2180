import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderDisclosureHtml } from '../../../src/domain/privacy/disclosure-html.ts';

test('the disclosure report shows Tokyo dates and times and Japanese words for codes, never raw ISO instants', () => {
  const html = renderDisclosureHtml({
    generatedAt: '2026-12-07T01:30:00.000Z',
    request: { id: 'r1', kind: 'disclosure', receivedOn: '2026-12-01', requesterName: '山田 太郎' },
    customerIds: ['c1'],
    sections: [
      { key: 'consents', titleJa: '同意の履歴', titleEn: 'Consents', rows: [
        { purpose_code: 'email_marketing', state: 'withdrawn', method: 'unsubscribe', recorded_at: new Date('2026-11-30T15:05:00Z') },
      ] },
      { key: 'activities', titleJa: '行動履歴', titleEn: 'Activities', rows: [{ type: 'page_view', occurred_at: '2026-01-31T16:00:00+00:00' }] },
      { key: 'audit', titleJa: '閲覧・編集の記録', titleEn: 'Audit', rows: [{ action: 'export.customers', entity_type: null, rows: '2', occurred_at: '2026-12-02T00:00:00Z' }] },
      { key: 'golden', titleJa: '顧客情報', titleEn: 'Golden', rows: [{ birth_date: '1980-04-01', gender: 'male', lifecycle_stage: 'prospect' }] },
    ],
  });
  assert.match(html, /2026年12月7日 10:30/u, 'generated at, in Tokyo');
  assert.match(html, /2026年12月1日/u, 'received on');
  assert.match(html, /2026年12月1日 00:05/u, 'a Date value, in Tokyo (the next day there)');
  assert.match(html, /2026年2月1日 01:00/u, 'an ISO string with an offset');
  assert.match(html, /1980年4月1日/u);
  for (const word of ['メール配信 (メルマガ)', '撤回', '配信停止リンク', 'ページ閲覧', '顧客のエクスポート', '男性', '見込み客', '開示']) assert.ok(html.includes(word), word);
  assert.doesNotMatch(html, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/u, 'no ISO instant left');
});

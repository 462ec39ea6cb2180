import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../../src/platform/accounts/auth.service.ts';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const PROFILE = { kind: 'event_attendance', source: 'peatix', id_column: '受付ID', fields: { full_name: '氏名', email: 'メール', company_name: '会社名', status: '出欠', registered_at: '申込日' } };
const CSV = [
  '受付ID,氏名,メール,会社名,出欠,申込日',
  'R-1,佐藤 花子,hanako@kaisha-a.co.jp,株式会社A,出席,2026/5/1', // 2
  'R-2,山田 太郎,taro@kaisha-b.co.jp,B商事,欠席,2026/5/2', // 3
  'R-3,鈴木 次郎,jiro@kaisha-c.co.jp,C社,たぶん,2026/5/2', // 4: unknown attendance
  'R-4,,,,出席,2026/5/3', // 5: nobody
  'R-5,高橋 一郎,ichiro@kaisha-d.co.jp,D社,,令和8年5月4日', // 6: registered only
].join('\n');

const keys = new Map<string, string>();
async function upload(t: TestApp, client: Client, csv: string, profile: unknown, extra: Record<string, string> = {}) {
  let key = keys.get(client.userId);
  if (!key) {
    key = (await createApiKey(t.database.db, client.userId, 'upload key')).key;
    keys.set(client.userId, key);
  }
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'attendance.csv');
  form.append('profile', JSON.stringify(profile));
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  const res = await t.app.request('/api/v1/events/attendance/import', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  return { status: res.status, body: await res.json() };
}

for (const engine of ENGINES) {
  describe(`events [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let hanako: string;
    let eventId: string;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      const [rec] = await ingestRecords(t.database.db, {
        source: { name: 'form-brochure', label: '資料請求フォーム', kind: 'form' },
        records: [{ externalId: 'sub-1', fields: { full_name: '佐藤 花子', email: 'hanako@kaisha-a.co.jp' } }],
        actor,
      });
      hanako = rec!.customerId;
    });
    after(async () => t.close());

    test('create, edit and list events; validation; permissions', async () => {
      const created = await admin.json('POST', '/api/v1/events', { name: 'DX推進セミナー 2026春', kind: 'seminar', startsAt: '2026-05-20T14:00:00+09:00', endsAt: '2026-05-20T16:00:00+09:00', venue: '東京本社', capacity: 80 });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      eventId = created.body.id;
      assert.equal((await admin.json('POST', '/api/v1/events', { name: 'x', startsAt: '2026-05-20T14:00:00+09:00', endsAt: '2026-05-19T14:00:00+09:00' })).status, 400);
      assert.equal((await admin.json('POST', '/api/v1/events', { name: 'x', startsAt: 'someday' })).status, 400);
      const patched = await admin.json('PATCH', `/api/v1/events/${eventId}`, { capacity: 100 });
      assert.equal(patched.body.capacity, 100);
      await admin.json('POST', '/api/v1/events', { name: '展示会 2026', kind: 'trade_show', startsAt: '2026-06-10T10:00:00+09:00' });
      const list = await admin.json('GET', '/api/v1/events?kind=trade_show');
      assert.deepEqual(list.body.items.map((e: { name: string }) => e.name), ['展示会 2026']);
      const viewer = await t.as('viewer');
      assert.equal((await viewer.json('GET', '/api/v1/events')).status, 200);
      assert.equal((await viewer.json('POST', '/api/v1/events', { name: 'x', startsAt: '2026-05-20T14:00:00+09:00' })).status, 403);
    });

    test('attendance CSV: registrations land on existing customers, bad rows by line, activities written, re-import idempotent', async () => {
      const res = await upload(t, admin, CSV, PROFILE, { eventId });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.created, 3);
      assert.deepEqual(res.body.problems.map((p: { line: number }) => p.line), [4, 5]);
      assert.equal(res.body.problems[0].field, 'status');
      const regs = await admin.json('GET', `/api/v1/events/${eventId}/registrations`);
      assert.equal(regs.body.items.length, 3);
      const h = regs.body.items.find((r: { externalId: string }) => r.externalId === 'R-1');
      assert.equal(h.customerId, hanako);
      assert.equal(h.status, 'attended');
      const ev = await admin.json('GET', `/api/v1/events/${eventId}`);
      assert.deepEqual([ev.body.registered, ev.body.attended, ev.body.noShow], [3, 1, 1]);
      const acts = await admin.json('GET', `/api/v1/customers/${hanako}/activities?types=event_registration,event_attendance`);
      assert.deepEqual(acts.body.items.map((a: { type: string }) => a.type).sort(), ['event_attendance', 'event_registration']);
      const att = acts.body.items.find((a: { type: string }) => a.type === 'event_attendance');
      assert.equal(att.properties.attendance, 'attended');
      assert.equal(att.occurredAt, '2026-05-20T05:00:00.000Z');
      const again = await upload(t, admin, CSV, PROFILE, { eventId });
      assert.equal(again.body.created, 0);
      assert.equal(again.body.unchanged, 3);
      const count = await t.database.db.selectFrom('activities').select('id').where('type', 'in', ['event_registration', 'event_attendance']).execute();
      assert.equal(count.length, 5);
      // Attendance changes on a later export: 欠席 → 出席 updates the same rows.
      const later = await upload(t, admin, CSV.replace('B商事,欠席', 'B商事,出席'), PROFILE, { eventId });
      assert.equal(later.body.updated, 1);
      const ev2 = await admin.json('GET', `/api/v1/events/${eventId}`);
      assert.equal(ev2.body.attended, 2);
    });

    test('event named per row (event_column), unknown events reported; recording and marking attendance through the API', async () => {
      const res = await upload(t, admin, ['イベント,氏名,メール,出欠', '展示会 2026,佐藤 花子,hanako@kaisha-a.co.jp,来場', '存在しない展示会,X,x@kaisha-x.co.jp,来場'].join('\n'),
        { kind: 'event_attendance', source: 'booth', event_column: 'イベント', fields: { full_name: '氏名', email: 'メール', status: '出欠' } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.created, 1);
      assert.deepEqual(res.body.problems.map((p: { line: number }) => p.line), [3]);
      const reg = await admin.json('POST', `/api/v1/events/${eventId}/registrations`, { name: '佐藤 花子', email: 'HANAKO@kaisha-a.co.jp', companyName: '株式会社A' });
      assert.equal(reg.status, 200, JSON.stringify(reg.body));
      assert.equal(reg.body.customerId, hanako);
      assert.equal(reg.body.status, 'registered');
      const marked = await admin.json('PATCH', `/api/v1/events/${eventId}/registrations/${reg.body.id}`, { status: 'no_show' });
      assert.equal(marked.body.status, 'no_show');
      const acts = await t.database.db.selectFrom('activities').select(['type', 'properties']).where('dedupe_key', '=', `event-att:${eventId}:${reg.body.id}`).execute();
      assert.equal(acts.length, 1);
      assert.equal((acts[0]!.properties as { attendance: string }).attendance, 'no_show');
      const back = await admin.json('PATCH', `/api/v1/events/${eventId}/registrations/${reg.body.id}`, { status: 'registered' });
      assert.equal(back.body.status, 'registered');
      assert.equal((await t.database.db.selectFrom('activities').select('id').where('dedupe_key', '=', `event-att:${eventId}:${reg.body.id}`).execute()).length, 0);
      const noEvent = await upload(t, admin, CSV, PROFILE);
      assert.equal(noEvent.status, 400);
    });

    test('a viewer sees registrations with e-mails masked and cannot record', async () => {
      const viewer = await t.as('viewer');
      const regs = await viewer.json('GET', `/api/v1/events/${eventId}/registrations`);
      assert.equal(regs.status, 200);
      assert.ok(!JSON.stringify(regs.body).includes('hanako@'), JSON.stringify(regs.body));
      assert.equal((await viewer.json('POST', `/api/v1/events/${eventId}/registrations`, { email: 'a@kaisha-z.co.jp' })).status, 403);
      const up = await upload(t, viewer, CSV, PROFILE, { eventId });
      assert.equal(up.status, 403);
    });
  });
}

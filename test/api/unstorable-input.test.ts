import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import { runImport } from '../../src/intake/files/import.service.ts';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { ensureSource } from '../../src/ledger/sources/sources.service.ts';
import { flushRejectionCounts } from '../../src/intake/tracker/collect.service.ts';
import * as resolutionRepo from '../../src/resolution/resolution.repository.ts';
import { prepareMapped } from '../../src/resolution/stage-prepare.ts';
import { validateImport } from '../../src/intake/files/validate.service.ts';
import { parseImportProfile } from '../../src/domain/import/profile.ts';
import { describeError } from '../../src/core/errors.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const ORIGIN = 'https://www.unstorable-test.co.jp';
const actor = { auth: null, ip: null, userAgent: 'test' };

/**
 * Text PostgreSQL cannot store (NUL, lone surrogates) at every door, and the deeper fault: one record whose resolution
 * fails must not stop everyone else's (it is quarantined with its error, listed, and retried after a fix).
 */
for (const engine of ENGINES) {
  describe(`unstorable input and resolution quarantine [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let site: { id: string; writeKey: string };
    let n = 0;
    const visitor = () => `visitor-${String(++n).padStart(8, '0')}`;

    const collect = (events: unknown[]) => t.app.request('/api/v1/collect', {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN, 'user-agent': UA },
      body: JSON.stringify({ k: site.writeKey, v: visitor(), s: visitor(), n: Date.now(), e: events }),
    });
    const unresolved = async () => Number((await t.database.db.selectFrom('source_records').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('customer_id', 'is', null).where('quarantined_at', 'is', null).executeTakeFirstOrThrow()).n);

    /**
     * Stages a record without resolving it; poisoned, as an older version could have left it: its statement holds a NUL
     * that breaks the insert of its customer.
     */
    const stage = async (sourceName: string, externalId: string, { poisoned }: { poisoned: boolean }) => {
      const source = await ensureSource(t.database.db, sourceName, sourceName, 'api');
      const [row] = prepareMapped([{ line: 1, raw: {}, externalId, fields: { full_name: '毒見 太郎', email: `${externalId}@poison.example.co.jp` }, attributes: {} }], sourceName);
      const staged = poisoned ? { ...row!, statementJson: JSON.stringify({ ...JSON.parse(row!.statementJson), familyName: 'a\u0000' }) } : row!;
      const [inserted] = await resolutionRepo.insertRecords(t.database.db, source.id, [staged], null);
      return inserted!.id as number;
    };

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      const created = await admin.json('POST', '/api/v1/sites', { name: 'NULテスト', allowedOrigins: [ORIGIN] });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      site = created.body;
    });
    after(async () => {
      await flushRejectionCounts(t.database.db); // the tracker's counters are written on a timer otherwise
      await t.close();
    });

    test('the tracker refuses an identify whose traits hold a NUL as that event alone; later identifies resolve', async () => {
      const res = await collect([{ t: 'id', tr: { email: 'nul@unstorable-test.co.jp', name: 'a\u0000' }, at: Date.now() }]);
      assert.equal(res.status, 200);
      assert.deepEqual((await res.json()).rejected, [{ index: 0, reason: 'unstorable_text' }]);
      const lone = await collect([{ t: 'id', tr: { email: 'lone@unstorable-test.co.jp', name: '佐藤 \uD800' }, at: Date.now() }]);
      assert.deepEqual((await lone.json()).rejected, [{ index: 0, reason: 'unstorable_text' }]);
      const good = await collect([{ t: 'id', tr: { email: 'hanako@unstorable-test.co.jp', name: '佐藤 花子' }, at: Date.now() }]);
      assert.equal(good.status, 200);
      assert.equal((await good.json()).identified, true);
      assert.equal(await unresolved(), 0);
    });

    test('the API refuses NUL in a JSON body, a query and a path with 400 and the value\'s path', async () => {
      const body = await admin.json('POST', '/api/v1/customers', { familyName: '佐藤', givenName: '花子\u0000' });
      assert.equal(body.status, 400);
      assert.deepEqual(body.body.errors.map((e: { field: string }) => e.field), ['givenName']);
      const nested = await admin.json('POST', '/api/v1/customers', { familyName: '佐藤', customFields: { ['メモ\u0000']: 'x' } });
      assert.equal(nested.status, 400);
      assert.equal(nested.body.errors[0].field, 'customFields.メモ\\u0000');
      const query = await admin.json('GET', '/api/v1/customers?stage=%00');
      assert.equal(query.status, 400);
      assert.equal(query.body.errors[0].field, 'query.stage');
      const search = await admin.json('GET', '/api/v1/search?q=%E4%BD%90%00');
      assert.equal(search.status, 400);
      assert.equal(search.body.errors[0].field, 'query.q');
      const pathParam = await admin.json('GET', '/api/v1/public/forms/a%00b');
      assert.equal(pathParam.status, 400);
      // A lone surrogate (JSON.stringify escapes it as \ud800) is refused like NUL; a pair (an emoji, 𠮷) is fine.
      const lone = await admin.json('POST', '/api/v1/customers', { familyName: '\uD800' });
      assert.equal(lone.status, 400);
      assert.equal(lone.body.errors[0].field, 'familyName');
      const ok = await admin.json('POST', '/api/v1/customers', { familyName: '𠮷田', givenName: '花子😀' });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
    });

    test('crafted cursors answer 400 on every paged list, never 500', async () => {
      const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const zero = '00000000-0000-0000-0000-000000000000';
      const crafted = [
        encode({ v: 'a\u0000', i: zero }), encode({ v: 'a', i: '-'.repeat(36) }), encode({ v: 'yesterday', i: zero }), encode({ t: '1', i: 1 }),
        encode({ t: '+275760-09-13T00:00:00.000Z', i: 1 }), encode({ t: '2026-02-30T00:00:00Z', i: zero }), encode({ t: '2026-01-01T00:00:00Z', i: 2 ** 60 }),
        encode({ n: 'x'.repeat(5000), i: zero }), encode({ s: { $gt: '' } }), encode({ o: -1 }), encode([1]), 'not-base64-json',
      ];
      const customer = (await admin.json('POST', '/api/v1/customers', { familyName: '佐藤', givenName: '一郎' })).body.id;
      const lists = ['/api/v1/customers', '/api/v1/customers?sort=name', '/api/v1/customers?sort=created', '/api/v1/customers?q=佐藤', '/api/v1/companies',
        '/api/v1/events', '/api/v1/orders', '/api/v1/products', '/api/v1/review-items', `/api/v1/customers/${customer}/activities`];
      for (const list of lists) {
        for (const cursor of crafted) {
          const res = await admin.request('GET', `${list}${list.includes('?') ? '&' : '?'}cursor=${cursor}`);
          assert.ok(res.status === 400 || res.status === 200, `${list} ${Buffer.from(cursor, 'base64url').toString()}: ${res.status}`);
        }
      }
      assert.equal((await admin.request('GET', `/api/v1/audit-log?cursor=${'9'.repeat(30)}`)).status, 400);
    });

    test('an unexpected database error is logged as one line without the values it was given', async () => {
      const secret = 'ichiro.suzuki@kaisha.co.jp';
      const error = await sql`select ${secret}::uuid`.execute(t.database.db).then(() => null, (e: unknown) => e);
      const line = describeError(error);
      assert.match(line, /^database error 22P02: /u);
      assert.equal(line.includes(secret), false, line);
      assert.equal(line.includes('\n'), false);
      assert.equal(line.includes('select'), false, line);
    });

    test('a public form submission with a NUL is a 400 naming the field, as JSON and as multipart', async () => {
      const created = await admin.json('POST', '/api/v1/forms', {
        slug: 'nul-form', kind: 'contact', title: 'お問い合わせ',
        fields: [{ key: 'name', target: 'full_name', labelJa: '氏名', type: 'text', required: true }, { key: 'email', target: 'email', labelJa: 'メール', type: 'email', required: true }],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal((await admin.json('PATCH', `/api/v1/forms/${created.body.id}`, { status: 'published' })).status, 200);
      const json = await t.app.request('/api/v1/public/forms/nul-form/submissions', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '佐藤\u0000花子', email: 'f@unstorable-test.co.jp' }),
      });
      assert.equal(json.status, 400);
      assert.equal((await json.json()).errors[0].field, 'name');
      const form = new FormData();
      form.set('name', '佐藤\u0000花子');
      form.set('email', 'f@unstorable-test.co.jp');
      const multipart = await t.app.request('/api/v1/public/forms/nul-form/submissions', { method: 'POST', body: form });
      assert.equal(multipart.status, 400);
      assert.equal((await multipart.json()).errors[0].field, 'name');
    });

    test('a file\'s NUL cells are stripped and flagged: the row lands, validation flags the same, the raw row holds no NUL', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-nul-'));
      const file = path.join(dir, 'nul.csv');
      fs.writeFileSync(file, '会員番号,氏名,メール,備考\nN1,"山田\u0000 太郎",taro@unstorable-test.co.jp,"メモ\u0000"\nN2,鈴木 次郎,jiro@unstorable-test.co.jp,\n');
      const profile = parseImportProfile({ source: 'nul-file', id_column: '会員番号', fields: { full_name: '氏名', email: 'メール' } });
      const report = await validateImport(t.database.db, { filePath: file, profile });
      assert.deepEqual(report.issues.map((i) => [i.line, i.field, i.reason, i.value]), [[2, 'full_name', 'unstorable_text', '山田 太郎'], [2, 'custom.備考', 'unstorable_text', 'メモ']]);
      const summary = await runImport(t.database.db, { filePath: file, profile, actor });
      assert.equal(summary.new, 2);
      assert.equal(summary.rejected, 0);
      assert.equal(summary.flagged, 2);
      assert.equal(summary.quarantined, 0);
      const record = await t.database.db.selectFrom('source_records').select(['raw', 'normalized', 'customer_id']).where('external_id', '=', 'N1').executeTakeFirstOrThrow();
      assert.ok(record.customer_id);
      assert.equal(JSON.stringify(record.raw).includes('\\u0000'), false);
      assert.deepEqual(record.raw, { 会員番号: 'N1', 氏名: '山田 太郎', メール: 'taro@unstorable-test.co.jp', 備考: 'メモ' });
      const customer = await t.database.db.selectFrom('customers').select(['family_name', 'given_name']).where('id', '=', record.customer_id).executeTakeFirstOrThrow();
      assert.deepEqual(customer, { family_name: '山田', given_name: '太郎' });
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('a record that cannot be resolved is quarantined with its error; everyone else goes on; a retry after a fix resolves it', async () => {
      // Good records staged around the poisoned one, as a batch would be: resolution takes them in id order.
      const source = 'api-quarantine';
      const goodBefore = await stage(source, 'qa-good', { poisoned: false });
      const poisoned = await stage(source, 'qa-poisoned', { poisoned: true });
      // Every door that resolves: an API ingest (forms, orders, events and identify go through it) and a file import.
      const ingested = await ingestRecords(t.database.db, {
        source: { name: 'api-quarantine-2', label: 'API 2', kind: 'api' },
        records: [{ externalId: 'qa-after', fields: { full_name: '後藤 花子', email: 'goto@unstorable-test.co.jp' } }],
        actor,
      });
      assert.equal(ingested.length, 1);
      assert.ok(ingested[0]!.customerId);
      const linked = await t.database.db.selectFrom('source_records').select(['id', 'customer_id', 'quarantined_at', 'resolution_error']).where('id', 'in', [goodBefore, poisoned]).orderBy('id').execute();
      assert.ok(linked[0]!.customer_id, 'the good record before it is resolved');
      assert.equal(linked[1]!.customer_id, null);
      assert.ok(linked[1]!.quarantined_at);
      assert.match(linked[1]!.resolution_error!, /22P05|unicode|\\u0000/iu);
      assert.equal(await unresolved(), 0);

      // A later submission through HTTP is not held up either.
      const identify = await collect([{ t: 'id', tr: { email: 'later@unstorable-test.co.jp', name: '後藤 次郎' }, at: Date.now() }]);
      assert.equal((await identify.json()).identified, true);

      // Listed for people who can act on it, with the error and whom it is about; not for a viewer.
      const list = await admin.json('GET', '/api/v1/resolution/quarantine');
      assert.equal(list.status, 200);
      assert.equal(list.body.total, 1);
      assert.deepEqual(
        { recordId: list.body.items[0].recordId, source: list.body.items[0].source, externalId: list.body.items[0].externalId },
        { recordId: poisoned, source, externalId: 'qa-poisoned' },
      );
      assert.match(list.body.items[0].error, /22P05/u);
      assert.equal((await (await t.as('viewer')).json('GET', '/api/v1/resolution/quarantine')).status, 403);

      // Retried before a fix: quarantined again. After the fix (here: the data mended), it lands on a customer.
      const again = await admin.json('POST', '/api/v1/resolution/quarantine/retry', { recordIds: [poisoned] });
      assert.deepEqual(again.body, { retried: 1, resolved: 0, quarantined: 1 });
      await t.database.db.updateTable('source_records').set({ normalized: sql`'{"familyName":"毒見","givenName":"太郎"}'::json` }).where('id', '=', poisoned).execute();
      const fixed = await admin.json('POST', '/api/v1/resolution/quarantine/retry', {});
      assert.deepEqual(fixed.body, { retried: 1, resolved: 1, quarantined: 0 });
      const after = await t.database.db.selectFrom('source_records').select(['customer_id', 'quarantined_at', 'resolution_error']).where('id', '=', poisoned).executeTakeFirstOrThrow();
      assert.ok(after.customer_id);
      assert.equal(after.quarantined_at, null);
      assert.equal(after.resolution_error, null);
      assert.equal((await admin.json('GET', '/api/v1/resolution/quarantine')).body.total, 0);
      const audit = await t.database.db.selectFrom('audit_log').select('action').where('action', '=', 'identity.quarantine_retry').execute();
      assert.equal(audit.length, 2);
    });

    test('a caller whose own record is quarantined is told so, and its source sending new content puts it back in the queue', async () => {
      const poisoned = await stage('api-own', 'own-1', { poisoned: true });
      // Sent again unchanged (a retried request): still the poisoned statement, so it is quarantined, and the caller told.
      await assert.rejects(
        ingestRecords(t.database.db, { source: { name: 'api-own', label: 'API', kind: 'api' }, records: [{ externalId: 'own-1', fields: { full_name: '毒見 太郎', email: 'own-1@poison.example.co.jp' } }], actor }),
        /名寄せに失敗/u,
      );
      const row = await t.database.db.selectFrom('source_records').select(['quarantined_at']).where('id', '=', poisoned).executeTakeFirstOrThrow();
      assert.ok(row.quarantined_at);
      // The same record sent again with other (clean) content: updated, released and resolved.
      const [again] = await ingestRecords(t.database.db, { source: { name: 'api-own', label: 'API', kind: 'api' }, records: [{ externalId: 'own-1', fields: { full_name: '毒見 太郎', email: 'own-1@poison.example.co.jp', phone: '03-1234-5678' } }], actor });
      assert.ok(again!.customerId);
    });
  });
}

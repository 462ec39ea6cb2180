import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseImportProfile } from '../../src/domain/import/profile.ts';
import { runImport } from '../../src/intake/files/import.service.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

/**
 * 法人の重複確認 (issue 20): the pairs the matcher left for a person are listed with both companies' facts, decided
 * (統合する with a survivor, or 別の法人), merged by hand and unmerged; people follow, and the viewer may only look.
 */
const actor = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-company-review-'));
const HEADER = 'ID,氏名,メール,会社名,部署,会社住所,代表電話,ホームページ';
const profile = (source: string) => parseImportProfile({
  source, id_column: 'ID',
  fields: { full_name: '氏名', email: 'メール', company_name: '会社名', department: '部署', company_address: '会社住所', company_phone: '代表電話', company_website: 'ホームページ' },
});
function writeFile(name: string, rows: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
  return file;
}

const SEMINAR = [
  'S1,佐藤 一郎,ichiro@example.com,さくら情報システム(株),営業部,東京都千代田区丸の内1-1-1,03-3581-4321,',
  'S2,鈴木 二郎,jiro@example.com,さくら情報システム(株),開発部,東京都千代田区丸の内1-1-1,,',
  'S3,田中 三郎,saburo@example.com,ミドリ商事(株),,東京都港区芝公園4-2-8,,',
];
const MEISHI = [
  'M1,高橋 四郎,shiro@example.net,さくら情報システム株式会社,大阪支社,大阪府大阪市北区梅田2-4-9,06-6441-2087,https://www.sakura-is.co.jp/',
  'M2,伊藤 五郎,goro@example.net,ミドリ商事株式会社,,福岡県福岡市博多区博多駅前1-1-1,,',
];

interface Pair { id: number; reasons: Array<{ code: string; label: string }>; a: any; b: any }

for (const engine of ENGINES) {
  describe(`company review, merge and unmerge via the API [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let viewer: Client;
    let sakura: Pair;
    let midori: Pair;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      viewer = await t.as('viewer');
      await runImport(t.database.db, { filePath: writeFile('seminar.csv', SEMINAR), profile: profile('seminar'), actor });
      await runImport(t.database.db, { filePath: writeFile('meishi.csv', MEISHI), profile: profile('meishi'), actor });
    });
    after(async () => t.close());

    /** The company of the pair in the prefecture (the names are stored in one canonical spelling). */
    const inPrefecture = (p: Pair, prefecture: string) => (p.a.prefecture === prefecture ? p.a : p.b);

    test('the pairs are listed with both companies\' facts and the reasons in Japanese; a viewer may read them', { timeout: 120_000 }, async () => {
      const list = await viewer.json('GET', '/api/v1/company-reviews');
      assert.equal(list.status, 200, JSON.stringify(list.body));
      assert.equal(list.body.total, 2);
      assert.equal(list.body.items.length, 2);
      const pairs = list.body.items as Pair[];
      sakura = pairs.find((p) => p.a.name.startsWith('さくら'))!;
      midori = pairs.find((p) => p.a.name.startsWith('ミドリ'))!;
      assert.ok(sakura && midori, JSON.stringify(pairs.map((p) => [p.a.name, p.b.name])));
      assert.ok(sakura.reasons.some((r) => r.code === 'prefecture_differs' && r.label === '所在地の都道府県が異なる'), JSON.stringify(sakura.reasons));
      const tokyo = inPrefecture(sakura, '東京都');
      const osaka = inPrefecture(sakura, '大阪府');
      assert.equal(tokyo.prefecture, '東京都');
      assert.equal(osaka.prefecture, '大阪府');
      assert.equal(tokyo.peopleCount, 2);
      assert.equal(osaka.peopleCount, 1);
      assert.equal(tokyo.domain, null);
      assert.equal(osaka.domain, 'sakura-is.co.jp');

      const page = await admin.json('GET', '/api/v1/company-reviews?limit=1');
      assert.equal(page.body.items.length, 1);
      assert.equal(page.body.hasMore, true);
      const next = await admin.json('GET', `/api/v1/company-reviews?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`);
      assert.equal(next.body.items.length, 1);
      assert.notEqual(next.body.items[0].id, page.body.items[0].id);
    });

    test('a viewer may not decide, merge or unmerge', async () => {
      const tokyo = inPrefecture(sakura, '東京都');
      assert.equal((await viewer.request('POST', `/api/v1/company-reviews/${sakura.id}/decide`, { decision: 'distinct' })).status, 403);
      assert.equal((await viewer.request('POST', `/api/v1/companies/${tokyo.id}/merge`, { otherId: inPrefecture(midori, '東京都').id })).status, 403);
      assert.equal((await viewer.request('POST', `/api/v1/companies/${tokyo.id}/unmerge`)).status, 403);
    });

    test('a bad pair is a 404, a survivor outside the pair a 400', async () => {
      const missing = await admin.json('POST', '/api/v1/company-reviews/999999/decide', { decision: 'distinct' });
      assert.equal(missing.status, 404);
      assert.match(missing.body.title ?? missing.body.detail ?? '', /見つかりません/);
      const outside = await admin.json('POST', `/api/v1/company-reviews/${sakura.id}/decide`, { decision: 'merge', survivorId: inPrefecture(midori, '東京都').id });
      assert.equal(outside.status, 400);
    });

    test('統合する: the survivor keeps its facts, fills the empty ones, gets the people; a second decision is a 409', { timeout: 120_000 }, async () => {
      const tokyo = inPrefecture(sakura, '東京都');
      const osaka = inPrefecture(sakura, '大阪府');
      const res = await admin.json('POST', `/api/v1/company-reviews/${sakura.id}/decide`, { decision: 'merge', survivorId: tokyo.id });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'merged');
      const survivor = (await admin.json('GET', `/api/v1/companies/${tokyo.id}`)).body;
      assert.equal(survivor.peopleCount, 3);
      assert.equal(survivor.people.length, 3);
      assert.equal(survivor.prefecture, '東京都', 'the survivor keeps its own address');
      assert.equal(survivor.phone, '+81335814321', 'and its own phone');
      assert.equal(survivor.domain, 'sakura-is.co.jp', 'the domain it lacked is filled from the merged company');
      assert.deepEqual(survivor.mergedCompanies, [{ id: osaka.id, name: osaka.name }]);
      const gone = (await admin.json('GET', `/api/v1/companies/${osaka.id}`)).body;
      assert.deepEqual(gone.mergedInto, { id: tokyo.id, name: tokyo.name });
      assert.equal(gone.peopleCount, 0);
      const list = await admin.json('GET', '/api/v1/companies?q=さくら');
      assert.deepEqual(list.body.items.map((c: any) => c.id), [tokyo.id]);
      const again = await admin.json('POST', `/api/v1/company-reviews/${sakura.id}/decide`, { decision: 'distinct' });
      assert.equal(again.status, 409);
      assert.equal((await admin.json('GET', '/api/v1/company-reviews')).body.total, 1);

      // A later import of the same people keeps them with the survivor (resolution follows the merged company).
      await runImport(t.database.db, { filePath: writeFile('meishi2.csv', MEISHI), profile: profile('meishi'), actor });
      assert.equal((await admin.json('GET', `/api/v1/companies/${tokyo.id}`)).body.peopleCount, 3);
    });

    test('別の法人: the pair leaves the queue and stays decided', async () => {
      const res = await admin.json('POST', `/api/v1/company-reviews/${midori.id}/decide`, { decision: 'distinct' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'distinct');
      assert.equal((await admin.json('GET', '/api/v1/company-reviews')).body.total, 0);
      assert.equal((await admin.json('POST', `/api/v1/company-reviews/${midori.id}/decide`, { decision: 'distinct' })).status, 409);
    });

    test('統合を取り消す: the company and its people come back, the filled facts are cleared; twice is a 409', { timeout: 120_000 }, async () => {
      const tokyo = inPrefecture(sakura, '東京都');
      const osaka = inPrefecture(sakura, '大阪府');
      const res = await admin.json('POST', `/api/v1/companies/${osaka.id}/unmerge`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.company.peopleCount, 1);
      const back = (await admin.json('GET', `/api/v1/companies/${osaka.id}`)).body;
      assert.equal(back.mergedInto, null);
      assert.deepEqual(back.people.map((p: any) => p.displayName), ['高橋 四郎']);
      assert.equal(back.prefecture, '大阪府');
      const survivor = (await admin.json('GET', `/api/v1/companies/${tokyo.id}`)).body;
      assert.equal(survivor.peopleCount, 2);
      assert.equal(survivor.domain, null, 'the fact filled by the merge is cleared');
      assert.deepEqual(survivor.mergedCompanies, []);
      assert.equal((await admin.json('POST', `/api/v1/companies/${osaka.id}/unmerge`)).status, 409);
      assert.equal((await admin.json('POST', '/api/v1/companies/00000000-0000-4000-8000-000000000000/unmerge')).status, 404);
      assert.equal((await admin.json('GET', '/api/v1/company-reviews')).body.total, 0, 'the undone pair is decided distinct');
      const audit = await admin.json('GET', '/api/v1/audit-log?action=company.unmerge');
      assert.equal(audit.status, 200, JSON.stringify(audit.body));
      assert.ok(audit.body.items.some((e: any) => e.entityId === osaka.id), JSON.stringify(audit.body.items));
    });

    test('この法人に統合 by hand, refused for itself or a merged company, and undone', { timeout: 120_000 }, async () => {
      const tokyo = inPrefecture(midori, '東京都');
      const fukuoka = inPrefecture(midori, '福岡県');
      assert.equal((await admin.json('POST', `/api/v1/companies/${tokyo.id}/merge`, { otherId: tokyo.id })).status, 400);
      assert.equal((await admin.json('POST', '/api/v1/companies/00000000-0000-4000-8000-000000000000/merge', { otherId: tokyo.id })).status, 404);
      const res = await admin.json('POST', `/api/v1/companies/${tokyo.id}/merge`, { otherId: fukuoka.id });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.survivor.peopleCount, 2);
      const conflict = await admin.json('POST', `/api/v1/companies/${fukuoka.id}/merge`, { otherId: tokyo.id });
      assert.equal(conflict.status, 409);
      assert.match(conflict.body.title, /統合されています/);
      const audit = await admin.json('GET', '/api/v1/audit-log?action=company.merge');
      assert.ok(audit.body.items.some((e: any) => e.entityId === tokyo.id && e.details.merged[0].id === fukuoka.id));
      const undo = await admin.json('POST', `/api/v1/companies/${fukuoka.id}/unmerge`);
      assert.equal(undo.status, 200, JSON.stringify(undo.body));
      assert.equal((await admin.json('GET', `/api/v1/companies/${fukuoka.id}`)).body.peopleCount, 1);
      assert.equal((await admin.json('GET', `/api/v1/companies/${tokyo.id}`)).body.peopleCount, 1);
    });

    test('法人番号: two different ones are never merged (409); one moves to a survivor without and goes back on unmerge', async () => {
      const make = async (name: string, corporateNumber: string | null) =>
        (await admin.json('POST', '/api/v1/companies', { name, ...(corporateNumber ? { corporateNumber } : {}) })).body;
      const x = await make('エックス商事株式会社', '7000012050002');
      const y = await make('エックス商事有限会社', '2010401011237');
      const z = await make('エックス・ホールディングス株式会社', null);
      const refused = await admin.json('POST', `/api/v1/companies/${x.id}/merge`, { otherId: y.id });
      assert.equal(refused.status, 409);
      assert.match(refused.body.title, /法人番号が異なる/);
      const merged = await admin.json('POST', `/api/v1/companies/${z.id}/merge`, { otherId: x.id });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      assert.equal(merged.body.survivor.corporateNumber, '7000012050002');
      const undo = await admin.json('POST', `/api/v1/companies/${x.id}/unmerge`);
      assert.equal(undo.status, 200, JSON.stringify(undo.body));
      assert.equal(undo.body.company.corporateNumber, '7000012050002');
      assert.equal((await admin.json('GET', `/api/v1/companies/${z.id}`)).body.corporateNumber, null);
    });
  });
}

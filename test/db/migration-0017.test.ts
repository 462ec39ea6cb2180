import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { searchDocumentColumns } from '../../src/ledger/search/search.repository.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../support/engines.ts';

const MIGRATION = fs.readFileSync(path.join(import.meta.dirname, '../../src/db/migrations/0017_personal_data.sql'), 'utf8');

for (const engine of ENGINES) {
  describe(`migration 0017: display names and sort keys without e-mails, form page tokens [${engine}]`, () => {
    let database: TestDatabase;
    before(async () => { database = await openTestDatabase(engine); });
    after(async () => database.destroy());

    test('rows written before it are put right; rows with a name are left alone', async () => {
      const db = database.db;
      // As the code before it wrote them: the e-mail as display name, and in the sort key after the reading.
      const rows = [
        { email: 'nameless@example.jp', display_name: 'nameless@example.jp', sort_key: 'nameless@example.jp', family_name_kana: null },
        { email: 'kana.only@example.jp', display_name: 'kana.only@example.jp', sort_key: 'やまだ kana.only@example.jp', family_name_kana: 'ヤマダ' },
        { email: 'hanako@example.jp', display_name: '佐藤 花子', sort_key: 'さとうはなこ 佐藤花子', family_name_kana: 'サトウ' },
      ];
      const ids: string[] = [];
      for (const r of rows) {
        ids.push((await db.insertInto('customers').values({ ...r, custom_fields: '{}', provenance: '{}' }).returning('id').executeTakeFirstOrThrow()).id);
      }
      await database.execScript(MIGRATION);
      const after = await Promise.all(ids.map((id) => db.selectFrom('customers').select(['display_name', 'sort_key']).where('id', '=', id).executeTakeFirstOrThrow()));
      assert.deepEqual(after, [
        { display_name: '', sort_key: '' },
        { display_name: '', sort_key: 'やまだ' },
        { display_name: '佐藤 花子', sort_key: 'さとうはなこ 佐藤花子' },
      ]);
      // What the code writes now for the same people.
      assert.equal(searchDocumentColumns({ email: 'nameless@example.jp' }).sort_key, '');
      assert.equal(searchDocumentColumns({ familyNameKana: 'ヤマダ', email: 'kana.only@example.jp' }).sort_key, 'やまだ');
    });

    test('forms that existed before it get a page token each', async () => {
      const db = database.db;
      await database.execScript('ALTER TABLE forms DROP COLUMN page_token');
      for (const slug of ['before-a', 'before-b']) {
        const source = await db.insertInto('sources').values({ name: `form-${slug}`, label: slug, kind: 'form', party: 'first' }).returning('id').executeTakeFirstOrThrow();
        await db.insertInto('forms').values({ slug, kind: 'contact', title: slug, fields: '[]', allowed_origins: '[]', source_id: source.id }).execute();
      }
      await database.execScript(MIGRATION);
      const tokens = (await db.selectFrom('forms').select('page_token').execute()).map((r) => r.page_token);
      assert.equal(tokens.length, 2);
      assert.ok(tokens.every((t) => /^[0-9a-f]{32}$/.test(t)), tokens.join());
      assert.notEqual(tokens[0], tokens[1]);
    });
  });
}

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../../../src/core/errors.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { openTable } from '../../../src/intake/files/readers/index.ts';
import { removeUpload } from '../../../src/intake/files/uploads.ts';
import { validateImport } from '../../../src/intake/files/validate.service.ts';
import { createApiKey } from '../../../src/platform/accounts/auth.service.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';
import { inlineSheet, writeLongCellXlsx, writeXlsx } from '../../support/xlsx-writer.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-refused-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Deterministic bytes (xorshift32), so a failure can be reproduced. */
function randomBytes(n: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const files = {
  /** A NUL in the second header cell (the rows are ordinary). */
  nulHeader: path.join(tmp, 'nul-header.csv'),
  /** UTF-16LE with BOM whose third header holds an unpaired surrogate. */
  surrogateHeader: path.join(tmp, 'surrogate-header.txt'),
  /** 1 MB of random bytes: not a text table at all. */
  randomCsv: path.join(tmp, 'random.csv'),
  randomXlsx: path.join(tmp, 'random.xlsx'),
  /** An .xlsx whose header holds a NUL (as a character reference). */
  nulHeaderXlsx: path.join(tmp, 'nul-header.xlsx'),
  /** An .xlsx whose row 2 holds a cell of 8 MiB (past the reader's bound): refused while the sheet is read. */
  longCellXlsx: path.join(tmp, 'long-cell.xlsx'),
};
fs.writeFileSync(files.nulHeader, 'ID,氏\u0000名,メールアドレス\r\nK1,山田 太郎,taro@daicho-shoji.co.jp\r\n');
fs.writeFileSync(files.surrogateHeader, Buffer.concat([
  Buffer.from([0xff, 0xfe]),
  Buffer.from('ID\t氏名\tメモ', 'utf16le'), Buffer.from([0x00, 0xd8]), // U+D800 alone
  Buffer.from('\r\nK1\t山田 太郎\tx\r\n', 'utf16le'),
]));
fs.writeFileSync(files.randomCsv, randomBytes(1 << 20));
fs.writeFileSync(files.randomXlsx, randomBytes(1 << 20, 12345));
writeXlsx(files.nulHeaderXlsx, { sheet: inlineSheet([['ID', '氏&#0;名'], ['K1', '山田 太郎']]) });
writeLongCellXlsx(files.longCellXlsx, 'inline', 8 * 2 ** 20);

const PROFILE = parseImportProfile({ source: 'refused', id_column: 'ID', fields: { full_name: '氏名' } });

describe('files that are not text tables, or whose header PostgreSQL cannot store, are refused at open', () => {
  test('a NUL in a header: the message names the column and says what the file may be', async () => {
    await assert.rejects(openTable(files.nulHeader), (error: Error) => {
      assert.match(error.message, /見出し行の 2 列目に NUL 文字/u);
      assert.match(error.message, /header row has a NUL character in column 2/u);
      return true;
    });
  });

  test('an unpaired surrogate in a header (UTF-16)', async () => {
    await assert.rejects(openTable(files.surrogateHeader), /見出し行の 3 列目に.*サロゲート.*column 3/su);
  });

  test('1 MB of random bytes is not a text table (as .csv, and as .xlsx)', async () => {
    await assert.rejects(openTable(files.randomCsv), /テキストの表ではない.*not a text table/su);
    await assert.rejects(openTable(files.randomXlsx), /テキストの表ではない.*not a text table/su);
  });

  test('cells are passed through as they are (the row preparation deals with them)', async () => {
    const file = path.join(tmp, 'nul-cell.csv');
    fs.writeFileSync(file, 'ID,氏名\r\nK1,山\u0000田\r\n');
    const table = await openTable(file);
    const rows = [];
    for await (const row of table.rows) rows.push(row);
    assert.deepEqual(rows, [{ line: 2, values: { ID: 'K1', 氏名: '山\u0000田' } }]);
  });
});

for (const engine of ENGINES) {
  describe(`validation and import give a refused file one verdict; the failed run is listed [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
    });
    after(async () => {
      await t.close();
    });

    async function refusal(run: Promise<unknown>): Promise<AppError> {
      let caught: unknown;
      await run.catch((error: unknown) => { caught = error; });
      assert.ok(caught instanceof AppError, `an AppError, not ${String(caught)}`);
      assert.equal(caught.code, 'validation_failed');
      return caught;
    }

    const cases = [
      ['NUL in a CSV header', files.nulHeader], ['NUL in an xlsx header', files.nulHeaderXlsx], ['1 MB of random bytes', files.randomCsv],
      ['an xlsx cell too long to hold', files.longCellXlsx],
    ] as const;
    for (const [name, file] of cases) {
      test(`${name}: validation and import refuse with the same message; the import is a failed run in GET /imports; the upload is refused too`, async () => {
        const validation = await refusal(validateImport(t.database.db, { filePath: file, profile: PROFILE }));
        const actor = { auth: null, ip: null, userAgent: 'test' };
        const importing = await refusal(runImport(t.database.db, { filePath: file, profile: PROFILE, actor }));
        assert.equal(importing.message, validation.message);
        assert.deepEqual(importing.fieldErrors, validation.fieldErrors);
        assert.equal(importing.fieldErrors[0]?.field, 'file');

        const runs = (await admin.json('GET', '/api/v1/imports')).body.items as Array<{ fileName: string; status: string; error: string | null }>;
        const run = runs.find((r) => r.fileName === path.basename(file));
        assert.ok(run, JSON.stringify(runs));
        assert.equal(run.status, 'failed');
        assert.equal(run.error, importing.message);

        const { key } = await createApiKey(t.database.db, admin.userId, 'upload key');
        const res = await t.app.request('/api/v1/imports/uploads', {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream', 'x-file-name': path.basename(file) },
          body: new Uint8Array(fs.readFileSync(file)),
        });
        const body = await res.json();
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(body.title, importing.message);
      });
    }

    test('a profile naming a column the file lacks: a 400, and a failed run with its error in GET /imports', async () => {
      const { key } = await createApiKey(t.database.db, admin.userId, 'upload key');
      const res = await t.app.request('/api/v1/imports/uploads', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream', 'x-file-name': 'columns.csv' },
        body: 'ID,氏名\r\nK1,山田 太郎\r\n',
      });
      const uploaded = await res.json();
      assert.equal(res.status, 201, JSON.stringify(uploaded));
      try {
        const run = await admin.json('POST', '/api/v1/imports', { uploadId: uploaded.uploadId, profile: { source: 'refused', id_column: 'ID', fields: { full_name: '名前' } } });
        assert.equal(run.status, 400, JSON.stringify(run.body));
        const runs = (await admin.json('GET', '/api/v1/imports')).body.items as Array<{ fileName: string; status: string; error: string | null }>;
        const failed = runs.find((r) => r.fileName === 'columns.csv');
        assert.ok(failed, JSON.stringify(runs));
        assert.equal(failed.status, 'failed');
        assert.match(failed.error ?? '', /名前/u);
      } finally {
        removeUpload(uploaded.uploadId);
      }
    });
  });
}

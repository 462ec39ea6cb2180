import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { createApiKey } from '../../../src/platform/accounts/auth.service.ts';
import { findUpload, removeUpload } from '../../../src/intake/files/uploads.ts';
import { ENGINES } from '../../support/engines.ts';
import { drainJobs } from '../../support/jobs.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

// A small 名刺-style export in CP932 (CRLF) with one broken row (line 4) and one invalid e-mail.
const CSV = [
  '名刺ID,氏名,フリガナ,会社名,メールアドレス,電話番号,住所',
  'M1,髙橋　一郎,ﾀｶﾊｼ ｲﾁﾛｳ,㈱台帳商事,ichiro@daicho-shoji.co.jp,03-1234-9876,東京都千代田区千代田１丁目２番３号',
  'M2,佐藤 花子,サトウ ハナコ,,hanako@@example,090-2345-6781,大阪府大阪市北区梅田1-1-1',
  'M3,壊れた行',
  'M4,鈴木 次郎,スズキ ジロウ,台帳商事株式会社,jiro@example.jp,,',
].join('\r\n') + '\r\n';
const CSV_BYTES = iconv.encode(CSV, 'cp932');

const PROFILE = {
  source: 'meishi', id_column: '名刺ID',
  fields: { full_name: '氏名', full_name_kana: 'フリガナ', company_name: '会社名', email: 'メールアドレス', phone: '電話番号', address: '住所' },
};

async function upload(t: TestApp, client: Client, bytes: Uint8Array, name = 'meishi.csv'): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'text/csv' }), name);
  return t.app.request('/api/v1/imports/uploads', {
    method: 'POST',
    headers: { authorization: await bearer(t, client) },
    body: form,
  });
}

/** Rows an import writes (validation must write none of them). */
async function countRows(t: TestApp): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['source_records', 'import_runs', 'customers', 'import_issues'] as const) {
    const row = await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

/** The test client keeps its API key private and only sends JSON: multipart uploads use a second key of the same user. */
const keys = new Map<string, string>();
async function bearer(t: TestApp, client: Client): Promise<string> {
  let key = keys.get(client.userId);
  if (!key) {
    key = (await createApiKey(t.database.db, client.userId, 'upload test key')).key;
    keys.set(client.userId, key);
  }
  return `Bearer ${key}`;
}

/** Polls a background validation until it is no longer running (60 s at most: a job thread boots slowly on a busy machine). */
async function pollValidation(client: Client, id: string) {
  let job = (await client.json('GET', `/api/v1/imports/validations/${id}`)).body;
  for (let i = 0; i < 1200 && job.status === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    job = (await client.json('GET', `/api/v1/imports/validations/${id}`)).body;
  }
  return job;
}

for (const engine of ENGINES) {
  describe(`import & export API [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let uploadId: string;
    let runId: string;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
    });
    after(async () => {
      if (uploadId) removeUpload(uploadId);
      await t.close();
    });

    test('upload stores the file under a random id and previews it: CP932 detected, 氏名 → full_name suggested', async () => {
      const res = await upload(t, admin, CSV_BYTES, '../../etc/passwd');
      const body = await res.json();
      assert.equal(res.status, 201, JSON.stringify(body));
      uploadId = body.uploadId;
      assert.match(uploadId, /^[0-9a-f-]{36}$/);
      const stored = findUpload(uploadId)!;
      assert.ok(stored, 'stored');
      assert.ok(!stored.filePath.includes('..') && stored.fileName === 'passwd.csv', `client path ignored: ${stored.filePath}`);
      assert.ok(fs.readFileSync(stored.filePath).equals(Buffer.from(CSV_BYTES)), 'bytes kept as uploaded');
      assert.equal(body.preview.encoding, 'cp932');
      assert.equal(body.preview.delimiter, ',');
      assert.deepEqual(body.preview.headers, ['名刺ID', '氏名', 'フリガナ', '会社名', 'メールアドレス', '電話番号', '住所']);
      assert.equal(body.preview.suggestion.fields.full_name, '氏名');
      assert.equal(body.preview.suggestion.idColumn, '名刺ID');
      assert.equal(body.preview.rows.length, 4);
      assert.equal(body.preview.rows[0].values['氏名'], '髙橋　一郎');
      assert.ok(body.preview.rows.some((r: { line: number; error?: string }) => r.line === 4 && r.error), JSON.stringify(body.preview.rows));
    });

    test('the raw file as the body (streamed): same bytes and preview; empty or undecodable names are 400s', async () => {
      const res = await t.app.request('/api/v1/imports/uploads', {
        method: 'POST',
        headers: { authorization: await bearer(t, admin), 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent('名刺 2026年11月.csv') },
        body: new Uint8Array(CSV_BYTES),
      });
      const body = await res.json();
      assert.equal(res.status, 201, JSON.stringify(body));
      const stored = findUpload(body.uploadId)!;
      assert.equal(stored.fileName, '名刺 2026年11月.csv');
      assert.ok(fs.readFileSync(stored.filePath).equals(Buffer.from(CSV_BYTES)));
      assert.equal(body.preview.encoding, 'cp932');
      assert.equal(body.preview.suggestion.fields.full_name, '氏名');
      removeUpload(body.uploadId);
      const empty = await t.app.request('/api/v1/imports/uploads', {
        method: 'POST', headers: { authorization: await bearer(t, admin), 'content-type': 'application/octet-stream' }, body: new Uint8Array(0),
      });
      assert.equal(empty.status, 400);
      const badName = await t.app.request('/api/v1/imports/uploads', {
        method: 'POST', headers: { authorization: await bearer(t, admin), 'content-type': 'application/octet-stream', 'x-file-name': '%E3%81' }, body: new Uint8Array(CSV_BYTES),
      });
      assert.equal(badName.status, 400);
    });

    test('upload without a file, or not multipart, is a 400', async () => {
      const empty = await t.app.request('/api/v1/imports/uploads', { method: 'POST', headers: { authorization: await bearer(t, admin) }, body: new FormData() });
      assert.equal(empty.status, 400);
      assert.equal((await empty.json()).errors[0].field, 'file');
      const jsonBody = await admin.json('POST', '/api/v1/imports/uploads', {});
      assert.equal(jsonBody.status, 400);
    });

    test('an invalid profile is a 400 with field errors', async () => {
      const bad = await admin.json('POST', '/api/v1/imports', { uploadId, profile: { source: 'Bad Name', fields: { ful_name: '氏名' } } });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.equal(bad.body.code, 'validation_failed');
      const fields = bad.body.errors.map((e: { field: string }) => e.field);
      assert.ok(fields.includes('profile.source'), JSON.stringify(bad.body.errors));
      assert.ok(fields.includes('profile.fields.ful_name'), JSON.stringify(bad.body.errors));
      assert.ok(bad.body.errors.some((e: { message: string }) => e.message.includes('full_name')), 'suggests the right field');
      const missing = await admin.json('POST', '/api/v1/imports', { uploadId, profile: { ...PROFILE, fields: { full_name: '名前' } } });
      assert.equal(missing.status, 400, JSON.stringify(missing.body));
      const unknown = await admin.json('POST', '/api/v1/imports', { uploadId: '00000000-0000-4000-8000-000000000000', profile: PROFILE });
      assert.equal(unknown.status, 404);
    });

    test('validate reads the whole file as an import would and writes nothing: rejected rows, flagged values, new records', async () => {
      const before = await countRows(t);
      const { status, body } = await admin.json('POST', '/api/v1/imports/validate', { uploadId, profile: PROFILE });
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.source, 'meishi');
      assert.equal(body.file, 'passwd.csv');
      assert.equal(body.encoding, 'cp932');
      assert.equal(body.read, 4);
      assert.equal(body.rejected, 1);
      assert.deepEqual([body.new, body.updated, body.unchanged, body.duplicateIds, body.blankIds], [3, 0, 0, 0, 0]);
      assert.ok(body.issues.some((i: { line: number; severity: string }) => i.line === 4 && i.severity === 'rejected'), JSON.stringify(body.issues));
      const email = body.issues.find((i: { field: string | null }) => i.field === 'email');
      assert.deepEqual({ line: email.line, severity: email.severity, value: email.value }, { line: 3, severity: 'flagged', value: 'hanako@@example' });
      // jiro@example.jp (line 5) is flagged too: example.jp is a reserved domain, a placeholder.
      assert.equal(body.flaggedByField.email, 2);
      assert.equal(body.flagged, body.issues.filter((i: { severity: string }) => i.severity === 'flagged').length);
      assert.equal(body.issuesTruncated, false);
      assert.deepEqual(await countRows(t), before, 'no source record, run or customer written');
      // A column the profile names but the file lacks is the same 400 as for a run; viewers may not validate.
      const missing = await admin.json('POST', '/api/v1/imports/validate', { uploadId, profile: { ...PROFILE, fields: { full_name: '名前' } } });
      assert.equal(missing.status, 400, JSON.stringify(missing.body));
      assert.match(JSON.stringify(missing.body.errors), /名前/);
      const viewer = await t.as('viewer');
      assert.equal((await viewer.json('POST', '/api/v1/imports/validate', { uploadId, profile: PROFILE })).status, 403);
    });

    test('run imports with the profile and answers with the summary', async () => {
      const { status, body } = await admin.json('POST', '/api/v1/imports', { uploadId, profile: PROFILE });
      assert.equal(status, 200, JSON.stringify(body));
      runId = body.runId;
      assert.equal(body.source, 'meishi');
      assert.equal(body.file, 'passwd.csv');
      assert.equal(body.encoding, 'cp932');
      assert.equal(body.read, 4);
      assert.equal(body.new, 3);
      assert.equal(body.rejected, 1);
      assert.equal(body.customersCreated, 3);
      assert.ok(body.flagged >= 1);
    });

    test('report.csv lists the bad row with its line (UTF-8 with BOM)', async () => {
      const res = await admin.request('GET', `/api/v1/imports/${runId}/report.csv`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
      assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="import-report-/);
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM');
      const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
      assert.equal(lines[0], 'line,severity,field,reason,value');
      assert.ok(lines.some((l) => l.startsWith('4,rejected,')), lines.join('\n'));
      assert.ok(lines.some((l) => l.startsWith('3,flagged,email,') && l.endsWith('hanako@@example')), lines.join('\n'));
      // Reasons for people (Japanese, then English), not codes.
      assert.ok(lines.some((l) => l.startsWith('3,flagged,email,"ダミー値（例: test@、000-0000-0000） (placeholder')), lines.join('\n'));
      assert.ok(!lines.some((l) => /,(placeholder|invalid_number|unparseable),/u.test(l)), lines.join('\n'));
      const missing = await admin.request('GET', '/api/v1/imports/00000000-0000-4000-8000-000000000000/report.csv');
      assert.equal(missing.status, 404);
    });

    test('a re-run of the same upload changes nothing', async () => {
      const { status, body } = await admin.json('POST', '/api/v1/imports', { uploadId, profile: PROFILE });
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.unchanged, 3);
      assert.equal(body.new + body.updated + body.customersCreated, 0);
    });

    test('validate against the ledger: unchanged, updated and new records; a repeated id counts once, as its last row', async () => {
      // M1 as imported; M2 with its e-mail fixed; M4 as imported, then 1,000 new rows (so M4 was already looked up
      // when it comes again), then M4 changed: it counts once, as updated. One row has a blank id.
      const fillers = Array.from({ length: 1000 }, (_, i) => `F${i},山田 ${i}太郎,,,f${i}@example.jp,,`);
      const csv = [
        '名刺ID,氏名,フリガナ,会社名,メールアドレス,電話番号,住所',
        'M1,髙橋　一郎,ﾀｶﾊｼ ｲﾁﾛｳ,㈱台帳商事,ichiro@daicho-shoji.co.jp,03-1234-9876,東京都千代田区千代田１丁目２番３号',
        'M2,佐藤 花子,サトウ ハナコ,,hanako@example.jp,090-2345-6781,大阪府大阪市北区梅田1-1-1',
        'M4,鈴木 次郎,スズキ ジロウ,台帳商事株式会社,jiro@example.jp,,',
        ...fillers,
        'M4,鈴木 次郎,スズキ ジロウ,台帳商事株式会社,jiro.suzuki@example.jp,,',
        ',田中 三郎,タナカ サブロウ,,saburo@example.jp,,',
      ].join('\r\n') + '\r\n';
      const res = await upload(t, admin, iconv.encode(csv, 'cp932'), 'meishi-2.csv');
      const uploaded = await res.json();
      assert.equal(res.status, 201, JSON.stringify(uploaded));
      try {
        const before = await countRows(t);
        const { status, body } = await admin.json('POST', '/api/v1/imports/validate', { uploadId: uploaded.uploadId, profile: PROFILE });
        assert.equal(status, 200, JSON.stringify(body));
        assert.equal(body.read, 1005);
        assert.deepEqual(
          { new: body.new, updated: body.updated, unchanged: body.unchanged, duplicateIds: body.duplicateIds, blankIds: body.blankIds, rejected: body.rejected },
          { new: 1001, updated: 2, unchanged: 1, duplicateIds: 1, blankIds: 1, rejected: 0 },
        );
        assert.deepEqual(await countRows(t), before);
      } finally {
        removeUpload(uploaded.uploadId);
      }
    });

    test('a background validation reports progress, then the report of POST /validate; it can be stopped; others cannot see it', async () => {
      const sync = await admin.json('POST', '/api/v1/imports/validate', { uploadId, profile: PROFILE });
      assert.equal(sync.status, 200, JSON.stringify(sync.body));
      const started = await admin.json('POST', '/api/v1/imports/validations', { uploadId, profile: PROFILE });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const job = await pollValidation(admin, started.body.id);
      assert.equal(job.status, 'completed', JSON.stringify(job));
      const { seconds: _a, ...report } = job.report;
      const { seconds: _b, ...expected } = sync.body;
      assert.deepEqual(report, expected);
      assert.equal(job.progress.rows, 4);
      assert.equal(job.progress.bytesRead, job.progress.totalBytes);
      // Stopping a finished validation leaves it as it is; another user (sales) sees neither it nor a way to stop it.
      assert.equal((await admin.json('DELETE', `/api/v1/imports/validations/${job.id}`)).body.status, 'completed');
      const sales = await t.as('sales');
      assert.equal((await sales.json('GET', `/api/v1/imports/validations/${job.id}`)).status, 404);
      assert.equal((await sales.json('DELETE', `/api/v1/imports/validations/${job.id}`)).status, 404);
      assert.equal((await admin.json('GET', `/api/v1/imports/jobs/${job.id}`)).status, 404, 'a validation is not an import job');
      // A profile naming a column the file lacks: the job fails with the same field error as POST /validate.
      const bad = await admin.json('POST', '/api/v1/imports/validations', { uploadId, profile: { ...PROFILE, fields: { full_name: '存在しない列' } } });
      assert.equal(bad.status, 202);
      const failed = await pollValidation(admin, bad.body.id);
      assert.equal(failed.status, 'failed');
      assert.equal(failed.error.code, 'validation_failed');
      assert.match(failed.error.errors[0].message, /存在しない列/);
    });

    test('a background validation of a large file stops when asked, at its next batch of rows', async () => {
      const rows = Array.from({ length: 30_000 }, (_, i) => `L${i},山田 ${i}太郎,ヤマダ タロウ,,l${i}@example.jp,03-1234-${String(i % 10000).padStart(4, '0')},東京都港区芝公園${i % 9 + 1}丁目`);
      const csv = `名刺ID,氏名,フリガナ,会社名,メールアドレス,電話番号,住所\r\n${rows.join('\r\n')}\r\n`;
      const res = await upload(t, admin, iconv.encode(csv, 'cp932'), 'meishi-large.csv');
      const uploaded = await res.json();
      assert.equal(res.status, 201, JSON.stringify(uploaded));
      try {
        const started = await admin.json('POST', '/api/v1/imports/validations', { uploadId: uploaded.uploadId, profile: PROFILE });
        assert.equal(started.status, 202, JSON.stringify(started.body));
        const stop = await admin.json('DELETE', `/api/v1/imports/validations/${started.body.id}`);
        assert.equal(stop.status, 200, JSON.stringify(stop.body));
        const job = await pollValidation(admin, started.body.id);
        assert.equal(job.status, 'cancelled', JSON.stringify(job.progress));
        assert.equal(job.report, null);
        assert.ok(job.progress.rows < 30_000, `stopped after ${job.progress.rows} rows`);
      } finally {
        removeUpload(uploaded.uploadId);
      }
    });

    test('runs are listed newest first with counts and status; the profile is stored by source', async () => {
      const runs = await admin.json('GET', '/api/v1/imports');
      assert.equal(runs.status, 200, JSON.stringify(runs.body));
      // The run refused at open (a profile naming a column the file lacks) is listed too, failed with its error.
      assert.equal(runs.body.items.length, 3);
      assert.equal(runs.body.items[2].status, 'failed');
      assert.match(runs.body.items[2].error, /名前/);
      assert.equal(runs.body.items[1].id, runId);
      assert.equal(runs.body.items[0].counts.unchanged, 3);
      assert.equal(runs.body.items[1].counts.new, 3);
      assert.equal(runs.body.items[1].status, 'completed');
      assert.equal(runs.body.items[1].source, 'meishi');
      assert.equal(runs.body.items[1].startedBy, 'admin user');
      // A run whose process stopped (its heartbeat two minutes old and more) is reported interrupted; one at work, running.
      const db = t.database.db;
      const source = (await db.selectFrom('sources').select('id').where('name', '=', 'meishi').executeTakeFirstOrThrow()).id;
      const leftOver = await db.insertInto('import_runs').values([
        { source_id: source, file_name: 'killed.csv', status: 'running', counts: '{}', started_at: new Date(Date.now() - 3_600_000), heartbeat_at: new Date(Date.now() - 600_000) },
        { source_id: source, file_name: 'working.csv', status: 'running', counts: '{}', started_at: new Date(Date.now() - 3_500_000) },
      ]).returning('id').execute();
      try {
        const listed = (await admin.json('GET', '/api/v1/imports')).body.items as Array<{ fileName: string; status: string }>;
        assert.deepEqual(listed.slice(3).map((r) => [r.fileName, r.status]), [['working.csv', 'running'], ['killed.csv', 'interrupted']]);
      } finally {
        await db.deleteFrom('import_runs').where('id', 'in', leftOver.map((r) => r.id)).execute();
      }
      const profiles = await admin.json('GET', '/api/v1/imports/profiles');
      assert.equal(profiles.status, 200, JSON.stringify(profiles.body));
      assert.equal(profiles.body.items.length, 1);
      assert.equal(profiles.body.items[0].source, 'meishi');
      assert.equal(profiles.body.items[0].profile.id_column, '名刺ID');
      assert.equal(profiles.body.items[0].profile.fields.full_name, '氏名');
    });

    test('a background job is queued, run by a worker, and reports progress and then the same summary; other users cannot see it', async () => {
      const started = await admin.json('POST', '/api/v1/imports/jobs', { uploadId, profile: PROFILE });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      assert.equal(started.body.status, 'running');
      assert.equal(started.body.queue.status, 'queued', 'a job of the shared queue: no one runs it until a worker claims it');
      const listed = await admin.json('GET', '/api/v1/jobs?status=queued&kind=import.run');
      assert.deepEqual(listed.body.items.map((j: { id: string }) => j.id), [started.body.id], 'the ジョブ page lists it');
      assert.equal(listed.body.items[0].payload.uploadId, uploadId);
      await drainJobs({ handle: t.database });
      const job = (await admin.json('GET', `/api/v1/imports/jobs/${started.body.id}`)).body;
      assert.equal(job.status, 'completed', JSON.stringify(job));
      assert.equal(job.queue.status, 'done');
      assert.equal(job.summary.read, 4);
      assert.equal(job.summary.unchanged, 3);
      assert.equal(job.progress.rows, 4);
      assert.ok(job.finishedAt);
      const sales = await t.as('sales');
      assert.equal((await sales.json('GET', `/api/v1/imports/jobs/${started.body.id}`)).status, 404);
      const bad = await admin.json('POST', '/api/v1/imports/jobs', { uploadId, profile: { ...PROFILE, fields: { full_name: '存在しない列' } } });
      assert.equal(bad.status, 202);
      await drainJobs({ handle: t.database });
      const failed = (await admin.json('GET', `/api/v1/imports/jobs/${bad.body.id}`)).body;
      assert.equal(failed.status, 'failed');
      assert.deepEqual([failed.queue.status, failed.queue.attempts], ['dead', 1], 'a refused file is not retried: straight to the dead-letter list');
      assert.equal(failed.error.code, 'validation_failed');
      assert.match(failed.error.errors[0].message, /存在しない列/);
    });

    test('export customers.csv?encoding=cp932 decodes to the imported names; the export is audited', async () => {
      const res = await admin.request('GET', '/api/v1/exports/customers.csv?encoding=cp932');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /charset=Shift_JIS/i);
      assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="customers-\d{8}-sjis\.csv"/);
      const text = iconv.decode(Buffer.from(await res.arrayBuffer()), 'cp932');
      const lines = text.trim().split('\r\n');
      assert.ok(lines[0]!.startsWith('id,姓,名,セイ,メイ,メールアドレス'), lines[0]);
      assert.equal(lines.length, 4);
      assert.ok(text.includes('髙橋,一郎,タカハシ,イチロウ'), text);
      assert.ok(text.includes('鈴木,次郎'), text);
      const audit = await admin.json('GET', '/api/v1/audit-log?action=export.customers');
      assert.equal(audit.body.items.length, 1, JSON.stringify(audit.body));
      assert.equal(audit.body.items[0].actorLabel, admin.email);
      assert.equal(audit.body.items[0].details.encoding, 'cp932');
      assert.equal(audit.body.items[0].details.rows, 3);
    });

    test('export customers.csv (UTF-8 with BOM), customers.jsonl and links.csv', async () => {
      const csv = await admin.request('GET', '/api/v1/exports/customers.csv');
      assert.equal(csv.status, 200);
      const csvText = Buffer.from(await csv.arrayBuffer()).toString('utf8');
      assert.ok(csvText.startsWith('\uFEFFid,姓,名'), csvText.slice(0, 20));
      const jsonl = await admin.request('GET', '/api/v1/exports/customers.jsonl');
      assert.equal(jsonl.status, 200);
      assert.match(jsonl.headers.get('content-disposition') ?? '', /customers-\d{8}\.jsonl/);
      const rows = (await jsonl.text()).trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(rows.length, 3);
      assert.ok(rows.some((r) => r.family_name === '佐藤' && r.given_name === '花子'));
      const links = await admin.request('GET', '/api/v1/exports/links.csv');
      assert.equal(links.status, 200);
      const linkLines = (await links.text()).trim().split('\n');
      assert.equal(linkLines[0], 'source,external_id,customer_id');
      assert.deepEqual(linkLines.slice(1).map((l) => l.split(',').slice(0, 2).join(',')).sort(), ['meishi,M1', 'meishi,M2', 'meishi,M4']);
      const audit = await admin.json('GET', '/api/v1/audit-log?action=export.links');
      assert.equal(audit.body.items.length, 1);
    });

    test('a viewer may neither import nor export', async () => {
      const viewer = await t.as('viewer');
      const up = await upload(t, viewer, CSV_BYTES);
      assert.equal(up.status, 403);
      assert.equal((await viewer.json('POST', '/api/v1/imports', { uploadId, profile: PROFILE })).status, 403);
      assert.equal((await viewer.json('GET', '/api/v1/imports')).status, 403);
      assert.equal((await viewer.request('GET', `/api/v1/imports/${runId}/report.csv`)).status, 403);
      for (const path of ['/api/v1/exports/customers.csv?encoding=cp932', '/api/v1/exports/customers.jsonl', '/api/v1/exports/links.csv']) {
        assert.equal((await viewer.request('GET', path)).status, 403, path);
      }
    });
  });
}

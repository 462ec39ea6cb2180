/**
 * The ジョブ page in a real browser (issue 25): an import queued through the API whose profile names a column the file
 * lacks is refused by the worker and lands on the dead-letter list (停止) with its reason and its progress; 再実行
 * queues it again (audited as job.retry), the server's worker runs it again, and — the file still lacking the column —
 * it is back on the list with a new attempt. A good import queued the same way is done (not listed as waiting).
 * And a real failure mended, then retried to success: the scheduled backup's folder cannot be made (a file stands
 * where its parent should be), so the minute pass's `backup.scheduled` job fails and waits for its retry (再試行待ち)
 * with the reason; the operator moves the file away and 再実行 runs it at once: done (完了), with the file it wrote.
 * Screenshots: test-artifacts/jobs-dead.png, test-artifacts/jobs-retried.png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS, watchedPage } from './support/browser.ts';
import { withBrowserServer } from './support/session.ts';

const ADMIN = { displayName: '管理 次郎', email: 'admin@jobs-e2e.daicho-test.jp', password: 'jobs-admin-2026' };
const CSV = ['会員番号,氏名,メール', 'J1,山本 一郎,ichiro.yamamoto@daicho-test.jp', 'J2,中村 花子,hanako.nakamura@daicho-test.jp'].join('\n') + '\n';

interface ImportJob { id: string; status: string; queue: { status: string; attempts: number }; summary: { read: number } | null }

interface JobItem { id: string; kind: string; status: string; attempts: number; lastError: string | null; result: Record<string, unknown> | null }

test('jobs: a dead import on the dead-letter list, retried from the page; a failed backup mended and retried to success', { timeout: 240_000 }, async (t) => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-e2e-jobs-'));
  const blocker = path.join(scratch, 'nas');
  fs.writeFileSync(blocker, 'not a folder');
  const backupDir = path.join(blocker, 'daicho-backups');
  t.after(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const env = { DAICHO_BACKUP_DIR: backupDir };
  await withBrowserServer(t, { admin: ADMIN, env, context: { viewport: { width: 1366, height: 900 } } }, async (session) => {
    const { base, context, headers, problems, api } = session;
    const up = await context.request.post(`${base}/api/v1/imports/uploads`, { headers, multipart: { file: { name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) } } });
    assert.ok(up.ok(), await up.text());
    const { uploadId } = (await up.json()) as { uploadId: string };
    const poll = async (id: string, until: (j: ImportJob) => boolean) => {
      for (let i = 0; i < 600; i++) {
        const job = await api<ImportJob>('GET', `/imports/jobs/${id}`);
        if (until(job)) return job;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`job ${id} did not get there`);
    };
    const good = await api<ImportJob>('POST', '/imports/jobs', { uploadId, profile: { source: 'members', id_column: '会員番号', fields: { full_name: '氏名', email: 'メール' } } });
    const ran = await poll(good.id, (j) => j.status !== 'running');
    assert.deepEqual([ran.status, ran.queue.status, ran.summary?.read], ['completed', 'done', 2]);
    const bad = await api<ImportJob>('POST', '/imports/jobs', { uploadId, profile: { source: 'members', id_column: '会員番号', fields: { full_name: '氏名', phone: '電話番号' } } });
    const dead = await poll(bad.id, (j) => j.queue.status === 'dead');
    assert.equal(dead.queue.attempts, 1, 'a refused file is not retried by itself');

    const page = await watchedPage(context, problems);
    await page.goto(`${base}/jobs`);
    await page.getByTestId('jobs-page').waitFor();
    const row = page.getByTestId('job-row');
    await row.first().waitFor();
    assert.equal(await row.count(), 1, 'only the refused import is on the dead-letter list');
    assert.match(await row.first().innerText(), /ファイルの取り込み/u);
    assert.match(await row.first().getByTestId('job-error').innerText(), /電話番号/u, 'the reason names the missing column');
    assert.match(await row.first().innerText(), /1 \/ 5/u);
    await page.screenshot({ path: path.join(ARTIFACTS, 'jobs-dead.png'), fullPage: true });

    const before = await api<{ items: Array<{ id: string; updatedAt: string }> }>('GET', '/jobs?status=dead');
    await row.first().getByTestId('job-retry').click();
    // Queued again and run again by the server's worker: back on the list once it has failed once more.
    await poll(bad.id, (j) => j.queue.status === 'dead' && j.queue.attempts === 1);
    for (let i = 0; i < 100; i++) {
      const now = await api<{ items: Array<{ id: string; updatedAt: string }> }>('GET', '/jobs?status=dead');
      if (now.items[0] && now.items[0].updatedAt !== before.items[0]!.updatedAt) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const audit = await api<{ items: Array<{ action: string; entityId: string | null }> }>('GET', '/audit-log?action=job.retry');
    assert.deepEqual(audit.items.map((e) => e.entityId), [bad.id], 'the retry is audited');
    await page.getByTestId('jobs-tab-failed').click();
    await page.getByTestId('jobs-tab-dead').click();
    await row.first().waitFor();
    assert.equal(await row.count(), 1);

    // The minute pass (first 10 s after the start) queued today's backup; its folder cannot be made: failed, to retry.
    const listed = async (status: string, kind: string) => {
      for (let i = 0; i < 300; i++) {
        const { items } = await api<{ items: JobItem[] }>('GET', `/jobs?status=${status}&kind=${kind}`);
        if (items[0]) return items[0];
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`no ${status} ${kind} job`);
    };
    const failed = await listed('failed', 'backup.scheduled');
    assert.match(failed.lastError ?? '', /ENOTDIR|EEXIST|not a directory/u);
    await page.getByTestId('jobs-tab-failed').click();
    const failedRow = row.filter({ hasText: '定期バックアップ' });
    await failedRow.waitFor();
    assert.match(await failedRow.getByTestId('job-error').innerText(), /ENOTDIR|EEXIST|not a directory/u);
    // Mended (the file moved away), then 再実行: the server's worker runs it now, not after its backoff.
    fs.rmSync(blocker);
    await failedRow.getByTestId('job-retry').click();
    const done = await listed('done', 'backup.scheduled');
    assert.equal(done.id, failed.id, 'the same job, retried to success');
    assert.equal(done.attempts, 1, 'the retry reset its attempts');
    const file = String(done.result?.file);
    assert.match(file, /^daicho-.*\.daicho-backup$/u);
    assert.ok(fs.existsSync(path.join(backupDir, file)), 'the backup file is written');
    await page.getByTestId('jobs-tab-done').click();
    const doneRow = row.filter({ hasText: '定期バックアップ' });
    await doneRow.waitFor();
    assert.match(await doneRow.getByTestId('job-result').innerText(), new RegExp(file.replace(/[.]/gu, '\\.'), 'u'));
    await page.screenshot({ path: path.join(ARTIFACTS, 'jobs-retried.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
});

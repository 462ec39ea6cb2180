import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImportSummary, ImportUpload, ImportValidation, ImportValidationJob } from '../../src/web/api.ts';
import { ApiError } from '../../src/web/api.ts';
import { jobFailure, pollJob } from '../../src/web/pages/import/jobs.ts';
import { withColumns } from '../../src/web/pages/import/mapping.ts';
import { INITIAL_WIZARD, wizardReducer, type WizardAction, type WizardState } from '../../src/web/pages/import/wizard-state.ts';

const upload = {
  uploadId: 'u1', fileName: 'meishi_2026-11.csv', size: 10,
  preview: { format: 'csv', encoding: 'cp932', delimiter: ',', headers: ['氏名'], rows: [], more: false, warnings: [], suggestion: { fields: { full_name: '氏名' }, idColumn: null } },
} as unknown as ImportUpload;
const report = { read: 10, rejected: 1, flagged: 2, issues: [] } as unknown as ImportValidation;
const summary = { runId: 'r1', read: 10 } as unknown as ImportSummary;

const run = (actions: WizardAction[], from: WizardState = INITIAL_WIZARD) => actions.reduce(wizardReducer, from);

test('an upload suggests a mapping and clears the last validation and error', () => {
  const s = run([{ type: 'uploadStarted' }, { type: 'uploaded', upload }, { type: 'idle' }], { ...INITIAL_WIZARD, error: new Error('old') });
  assert.equal(s.busy, null);
  assert.equal(s.error, null);
  assert.equal(s.upload, upload);
  assert.equal(s.mapping?.source, 'meishi');
  assert.deepEqual(s.mapping?.fields.full_name, ['氏名']);
  assert.equal(s.validation, null);
});

test('a failed upload keeps its error and leaves the wizard at step 1', () => {
  const error = new ApiError(400, 'bad_request', 'not a CSV', []);
  const s = run([{ type: 'uploadStarted' }, { type: 'failed', error }, { type: 'idle' }]);
  assert.equal(s.error, error);
  assert.equal(s.upload, null);
  assert.equal(s.busy, null);
});

test('changing the mapping after a validation marks it stale rather than dropping it', () => {
  const validated = run([{ type: 'uploaded', upload }, { type: 'validateStarted' }, { type: 'validated', report }, { type: 'validateEnded' }]);
  assert.deepEqual(validated.validation, { report, stale: false });
  assert.equal(validated.busy, null);
  const changed = wizardReducer(validated, { type: 'mapping', mapping: withColumns(validated.mapping!, 'email', ['メール']) });
  assert.deepEqual(changed.validation, { report, stale: true });
  assert.deepEqual(changed.mapping?.fields.email, ['メール']);
  const beforeValidating = wizardReducer(run([{ type: 'uploaded', upload }]), { type: 'mapping', mapping: validated.mapping! });
  assert.equal(beforeValidating.validation, null, 'nothing to mark before the first validation');
});

test('a validation follows its job, and one stopped by the user says so until the next starts', () => {
  const job = { id: 'v1', status: 'running', progress: { rows: 500, bytesRead: 100, totalBytes: 400 } } as ImportValidationJob;
  let s = run([{ type: 'uploaded', upload }, { type: 'validateStarted' }, { type: 'validationProgress', job }]);
  assert.equal(s.busy, 'validate');
  assert.equal(s.validating, job);
  s = run([{ type: 'validationCancelled' }, { type: 'validateEnded' }], s);
  assert.equal(s.validationStopped, true);
  assert.equal(s.validation, null);
  assert.equal(s.validating, null);
  assert.equal(s.busy, null);
  s = wizardReducer(s, { type: 'validateStarted' });
  assert.equal(s.validationStopped, false);
});

test('a failed validation drops the old report and shows the error', () => {
  const error = new ApiError(400, 'validation_failed', 'bad profile', [{ field: 'profile.source', message: 'Required' }]);
  const s = run([{ type: 'uploaded', upload }, { type: 'validateStarted' }, { type: 'validated', report }, { type: 'validationFailed', error }, { type: 'validateEnded' }]);
  assert.equal(s.validation, null);
  assert.equal(s.error, error);
});

test('a run shows its progress and then its summary; 「別のファイルを取り込む」 starts over', () => {
  let s = run([{ type: 'uploaded', upload }, { type: 'runStarted' }]);
  assert.equal(s.busy, 'run');
  assert.equal(s.progress, null);
  const progress = { phase: 'reading', rows: 20, bytesRead: 5, totalBytes: 10, pending: 0, resolved: 0 } as unknown as NonNullable<WizardState['progress']>;
  s = run([{ type: 'runProgress', progress }, { type: 'ran', summary }, { type: 'idle' }], s);
  assert.equal(s.progress, progress);
  assert.equal(s.summary, summary);
  assert.equal(s.busy, null);
  s = run([{ type: 'file', file: null }, { type: 'reset' }], s);
  assert.equal(s.upload, null);
  assert.equal(s.mapping, null);
  assert.equal(s.summary, null);
  assert.equal(s.validation, null);
  assert.equal(s.error, null);
});

test('pollJob reads the job until it stops running and reports every state', async () => {
  const states = ['running', 'running', 'completed'];
  let reads = 0;
  const seen: string[] = [];
  const done = await pollJob({ id: 'j1', status: 'running' }, async (id) => ({ id, status: states[++reads] ?? 'completed' }), (j) => seen.push(j.status), 0);
  assert.equal(done.status, 'completed');
  assert.equal(reads, 2);
  assert.deepEqual(seen, ['running', 'running', 'completed']);
  const finished = await pollJob({ id: 'j2', status: 'failed' }, async () => assert.fail('a finished job is not read again'), () => undefined, 0);
  assert.equal(finished.status, 'failed');
});

test('a failed job becomes the error the page shows: profile problems as a 400 with their fields', () => {
  const profile = jobFailure({ error: { code: 'validation_failed', message: 'bad profile', errors: [{ field: 'profile.id_column', message: 'No such column' }] } }, 'Import failed');
  assert.equal(profile.status, 400);
  assert.equal(profile.code, 'validation_failed');
  assert.deepEqual(profile.fieldErrors, [{ field: 'profile.id_column', message: 'No such column' }]);
  const unknown = jobFailure({ error: null }, 'Import failed');
  assert.equal(unknown.status, 500);
  assert.equal(unknown.code, 'internal');
  assert.equal(unknown.title, 'Import failed');
});

test('the header read from another line: the preview and the mapping follow it, the source typed in stays, header_row is kept', () => {
  const eight = { ...upload, preview: { ...upload.preview, headerLine: 8, headerReason: '…', headers: ['会社名', '氏名'] } } as unknown as ImportUpload;
  const start = run([{ type: 'uploaded', upload: eight }, { type: 'validated', report }]);
  assert.equal(start.mapping?.headerRow, 8, 'a detected header below line 1 is kept in the profile');
  const renamed = wizardReducer(start, { type: 'mapping', mapping: { ...start.mapping!, source: 'eight' } });
  const preview = { ...eight.preview, headerLine: 1, headerReason: null, headers: ['Eight 名刺データ'], suggestion: { fields: {}, idColumn: null, columns: [] } };
  const s = wizardReducer(renamed, { type: 'previewed', preview: preview as unknown as ImportUpload['preview'] });
  assert.deepEqual(s.upload?.preview.headers, ['Eight 名刺データ']);
  assert.equal(s.mapping?.source, 'eight');
  assert.equal(s.mapping?.headerRow, 1);
  assert.deepEqual(s.mapping?.fields.full_name, []);
  assert.equal(s.validation, null);
});

/**
 * The import wizard's background work: an import, and the validation of a file before it (both read the whole file,
 * minutes for a million rows). Each is a job the UI polls for progress (background-jobs.ts); what lasts of an import
 * is the run it writes (GET /imports), a validation writes nothing.
 */
import type { Db } from '../../db/database.ts';
import { jobStore, type BackgroundJob } from './background-jobs.ts';
import type { ImportSummary } from './import.service.ts';
import { importInThread, validateInThread, type ImportInput, type ValidationInput } from './job-thread.ts';
import type { ValidationProgress, ValidationReport } from './validate.service.ts';

/**
 * Reading: rows and bytes of the file (a large file's first chunks are resolved meanwhile); resolving: every row is
 * staged, records resolved of those pending (in chunks).
 */
export type ImportProgress = { phase: 'reading' | 'resolving'; rows: number; bytesRead: number; totalBytes: number; resolved: number; pending: number };
export type ImportJob = BackgroundJob<ImportProgress, ImportSummary>;
export type ValidationJob = BackgroundJob<ValidationProgress, ValidationReport>;

const imports = jobStore<ImportProgress, ImportSummary>('import');
const validations = jobStore<ValidationProgress, ValidationReport>('validation');

/** Starts an import in the job thread without waiting. The upload stays, so a failed job can be run again. */
export function startImportJob(db: Db, options: ImportInput): ImportJob {
  const initial: ImportProgress = { phase: 'reading', rows: 0, bytesRead: 0, totalBytes: 0, resolved: 0, pending: 0 };
  return imports.start(options.actor.auth?.userId ?? null, initial, (report) => {
    let last = initial;
    return importInThread(db, options, (p) => {
      last = {
        phase: p.phase, rows: p.rows, bytesRead: p.bytesRead, totalBytes: p.totalBytes,
        resolved: p.resolved ?? last.resolved, pending: p.pending ?? last.pending,
      };
      report(last);
    }).then((summary) => {
      report({ ...last, phase: 'resolving', rows: summary.read, bytesRead: last.totalBytes });
      return summary;
    });
  });
}

export const findImportJob = imports.find;

/** Starts a validation in the job thread without waiting; it stops at the next batch of rows when cancelled. */
export function startValidationJob(db: Db, options: ValidationInput, userId: string | null): ValidationJob {
  return validations.start(userId, { rows: 0, bytesRead: 0, totalBytes: 0 }, (report, signal) => validateInThread(db, options, report, signal));
}

export const findValidationJob = validations.find;
export const cancelValidationJob = validations.cancel;

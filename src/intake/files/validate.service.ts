/**
 * The wizard's 「検証」 step: reads the whole uploaded file with the chosen profile exactly as an import would (same
 * reader, same mapping, same normalisation) and writes nothing. It says which rows an import would reject (line and
 * reason), which values it would keep as raw and flag, and how many records would be new, updated or unchanged in the
 * ledger, so a person can fix the mapping (or the file) before anything lands.
 */
import path from 'node:path';
import type { Db } from '../../db/database.ts';
import { mapRow, type ImportProfile } from '../../domain/import/profile.ts';
import { storableValues, toStatement } from '../../domain/import/statement.ts';
import { findSource } from '../../ledger/sources/sources.service.ts';
import { findRecords } from '../../resolution/resolution.repository.ts';
import { IdTally } from './id-tally.ts';
import { JobCancelled } from './background-jobs.ts';
import type { ImportValidation as ValidationReport, ValidationIssue } from './import.schemas.ts';
import { openWithProfile } from './open-with-profile.ts';
import { recordKey } from '../../resolution/stage-prepare.ts';
import { consentColumns, readConsentCells } from './import-consents.ts';

/** Issues listed one by one (all are counted): enough to see what is wrong, bounded for a file of a million rows. */
export const VALIDATION_ISSUE_LIMIT = 200;
/** Rows looked up in the ledger per query (by source and id). */
const LOOKUP_ROWS = 1000;

// The report's shape is the API's (import.schemas.ts); the CLI and the job thread take it from here.
export type { ValidationReport };

/** How far a validation has read: rows, and bytes of the file (a progress bar's share). */
export interface ValidationProgress {
  rows: number;
  bytesRead: number;
  totalBytes: number;
}

/** How a row was counted, once its lookup is done (while it waits, its id's entry is its line, a positive number). */
const COUNTED = { new: -1, updated: -2, unchanged: -3 } as const;
const COUNTED_AS = { [-1]: 'new', [-2]: 'updated', [-3]: 'unchanged' } as Record<number, 'new' | 'updated' | 'unchanged'>;

/** Checks an import of `filePath` with `profile` without writing anything (read-only lookups of the source's ids). */
export async function validateImport(db: Db, options: {
  filePath: string;
  profile: ImportProfile;
  /** After each batch of rows looked up. */
  onProgress?: (p: ValidationProgress) => void;
  /** Stops at the next batch (throws JobCancelled). */
  signal?: AbortSignal;
}): Promise<ValidationReport> {
  const started = performance.now();
  const { table, profile } = await openWithProfile(options.filePath, options.profile);
  // A source that does not exist yet has no records: everything would be new.
  const source = await findSource(db, profile.source);
  const report: ValidationReport = {
    source: profile.source, file: path.basename(options.filePath), encoding: null,
    read: 0, rejected: 0, flagged: 0, flaggedByField: {}, new: 0, updated: 0, unchanged: 0, duplicateIds: 0, blankIds: 0,
    issues: [], issuesTruncated: false, seconds: 0,
  };
  const issue = (i: ValidationIssue) => {
    if (report.issues.length < VALIDATION_ISSUE_LIMIT) report.issues.push(i);
    else report.issuesTruncated = true;
  };
  // Per id: the line of its last row while that row waits for its lookup, then how that row was counted (COUNTED). A
  // repeated id counts once, as its last row (an import keeps the last one too). Compact: a million ids take 24 MiB (a Map 59).
  const seen = new IdTally();
  const consent = consentColumns(profile);
  let pending: Array<{ externalId: string; hash: string; line: number }> = [];
  const classify = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const found = source ? await findRecords(db, source.id, batch.map((r) => r.externalId)) : [];
    const existing = new Map(found.map((r) => [r.external_id, r.content_hash]));
    for (const r of batch) {
      if (seen.get(r.externalId) !== r.line) continue; // a later row of the file has this id: it counts instead
      const before = existing.get(r.externalId);
      const counted = before === undefined ? 'new' : before === r.hash ? 'unchanged' : 'updated';
      report[counted]++;
      seen.set(r.externalId, COUNTED[counted]);
    }
    if (options.signal?.aborted) throw new JobCancelled();
    options.onProgress?.({ rows: report.read, ...table.progress() });
  };
  try {
    for await (const row of table.rows) {
      report.read++;
      if ('error' in row) {
        report.rejected++;
        issue({ line: row.line, severity: 'rejected', field: null, reason: row.error, value: null });
        continue;
      }
      const { row: mapped, flagged: stripped } = storableValues(mapRow(row.values, profile, row.line));
      const { externalId, contentHash: hash } = recordKey(mapped);
      if (profile.idColumn && mapped.externalId === null) report.blankIds++;
      const earlier = seen.get(externalId);
      if (earlier !== undefined) {
        report.duplicateIds++;
        if (earlier < 0) report[COUNTED_AS[earlier]!]--;
      }
      seen.set(externalId, row.line);
      for (const f of [...stripped, ...toStatement(mapped.fields, mapped.attributes).flagged]) {
        report.flagged++;
        report.flaggedByField[f.field] = (report.flaggedByField[f.field] ?? 0) + 1;
        issue({ line: row.line, severity: 'flagged', field: f.field, reason: f.reason, value: f.value });
      }
      for (const f of readConsentCells(consent, row.values, row.line).issues) {
        report.flagged++;
        report.flaggedByField[f.field] = (report.flaggedByField[f.field] ?? 0) + 1;
        issue(f);
      }
      pending.push({ externalId, hash, line: row.line });
      if (pending.length >= LOOKUP_ROWS) await classify();
    }
    await classify();
  } finally {
    await table.close();
  }
  report.encoding = table.encoding;
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

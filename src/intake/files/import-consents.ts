/**
 * An import profile's consent columns ("consent": { "email_marketing": "メルマガ" }): each row's value becomes a
 * consent event of the row's source record (method import, the column name as the text shown). A blank cell says
 * nothing; a value that is not a known spelling is an import issue of its line while the row still lands. Events are
 * written once the records are resolved (an event needs the record's customer); a row whose value is its record's
 * latest state already writes nothing, so importing the same file again adds no event, while a changed value does.
 */
import type { Db } from '../../db/database.ts';
import { CONSENT_PURPOSES, PURPOSE_LABELS, type ConsentPurposeCode } from '../../domain/consent/purposes.ts';
import { CONSENT_VALUE_HELP, parseConsentValue } from '../../domain/consent/values.ts';
import type { ImportProfile } from '../../domain/import/profile.ts';
import { latestRecordConsentStates, recordConsents, type ConsentInput } from '../../ledger/consents/consents.service.ts';
import * as records from '../../resolution/resolution.repository.ts';

/** Records looked up and events written per transaction. */
const PAGE = 1000;

export interface ConsentIssue { line: number; severity: 'flagged'; field: string; reason: string; value: string }

/** The consent columns of a (bound) profile, in purpose order. */
export function consentColumns(profile: ImportProfile): Array<[ConsentPurposeCode, string]> {
  return CONSENT_PURPOSES.flatMap((p) => (profile.consent?.[p] ? [[p, profile.consent[p]!.trim()] as [ConsentPurposeCode, string]] : []));
}

/** One row's consent cells (header → raw value): the states read, and an issue for each value that is not a known spelling. */
export function readConsentCells(columns: ReadonlyArray<[ConsentPurposeCode, string]>, values: Readonly<Record<string, string>>, line: number) {
  const states: Array<[ConsentPurposeCode, 'granted' | 'denied']> = [];
  const issues: ConsentIssue[] = [];
  for (const [purpose, column] of columns) {
    const cell = parseConsentValue(valueOf(values, column));
    if (cell.kind === 'blank') continue;
    if (cell.kind === 'state') {
      states.push([purpose, cell.state]);
      continue;
    }
    issues.push({
      line, severity: 'flagged', field: `consent.${purpose}`, value: cell.value,
      reason: `${line}行目: 同意の列「${column}」(${PURPOSE_LABELS[purpose].ja}) の値「${cell.value.slice(0, 40)}」を読めません。${CONSENT_VALUE_HELP} のいずれかにしてください。同意は記録せず、行は取り込みます (unrecognised consent value: no consent recorded, the row is imported)`,
    });
  }
  return { states, issues };
}

/** The consent values read from the file, waiting for their records' customers (compact: one entry per value). */
export class PendingConsents {
  readonly externalIds: string[] = [];
  readonly purposes: ConsentPurposeCode[] = [];
  readonly states: Array<'granted' | 'denied'> = [];
  /** The consent columns of the (bound) profile, in purpose order. */
  readonly columns: Array<[ConsentPurposeCode, string]>;

  constructor(profile: ImportProfile) {
    this.columns = consentColumns(profile);
  }

  get size(): number {
    return this.externalIds.length;
  }

  /** Reads one row's consent cells (header → raw value); returns the issues of values it cannot read. */
  add(values: Readonly<Record<string, string>>, line: number, externalId: string): ConsentIssue[] {
    const { states, issues } = readConsentCells(this.columns, values, line);
    for (const [purpose, state] of states) {
      this.externalIds.push(externalId);
      this.purposes.push(purpose);
      this.states.push(state);
    }
    return issues;
  }
}

function valueOf(values: Readonly<Record<string, string>>, column: string): string | undefined {
  if (Object.hasOwn(values, column)) return values[column];
  // Headers are matched trimmed (bindProfile); the row's keys are the file's own.
  for (const key of Object.keys(values)) if (key.trim() === column) return values[key];
  return undefined;
}

/**
 * Writes the events of the values read, once their records are resolved: page by page, each value against its
 * record's latest event for the purpose. Returns how many events were written.
 */
export async function writePendingConsents(
  db: Db, pending: PendingConsents, run: { id: string; sourceId: string; actorUserId: string | null },
): Promise<number> {
  let written = 0;
  for (let start = 0; start < pending.size; start += PAGE) {
    const end = Math.min(pending.size, start + PAGE);
    const ids = [...new Set(pending.externalIds.slice(start, end))];
    written += await db.transaction().execute(async (trx) => {
      const found = await records.findRecords(trx, run.sourceId, ids);
      const byExternal = new Map(found.map((r) => [r.external_id, r]));
      const latest = await latestRecordConsentStates(trx, found.map((r) => r.id));
      const events: Array<ConsentInput & { purposeCode: ConsentPurposeCode }> = [];
      // Within the page, a later row of the same record and purpose (a repeated id: the last row wins) goes after.
      const seen = new Map<string, 'granted' | 'denied'>();
      for (let i = start; i < end; i++) {
        const record = byExternal.get(pending.externalIds[i]!);
        // A quarantined record has no customer yet: its value stays on the record (an attribute) and is not an event.
        if (!record?.customer_id) continue;
        const purpose = pending.purposes[i]!;
        const state = pending.states[i]!;
        const key = `${record.id}:${purpose}`;
        const before = seen.get(key) ?? latest.get(key);
        if (before === state) continue;
        seen.set(key, state);
        const column = pending.columns.find(([p]) => p === purpose)![1];
        events.push({
          customerId: record.customer_id, purposeCode: purpose, state, method: 'import', sourceId: run.sourceId, sourceRecordId: record.id,
          textShown: column, actorUserId: run.actorUserId, dedupeKey: `import:${run.id}:${record.id}:${purpose}:${i}`,
        });
      }
      return recordConsents(trx, events);
    });
  }
  return written;
}

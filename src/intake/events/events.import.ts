import type { AttendanceImportSummary } from './events.schemas.ts';
import path from 'node:path';
import type { Actor } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { RowProblem } from '../../domain/commerce/orders.ts';
import { ATTENDANCE_CUSTOMER_FIELDS, type AttendanceProfile } from '../../domain/commerce/profile.ts';
import { parseAttendance, parseTimestamp } from '../../domain/commerce/values.ts';
import type { ImportField } from '../../domain/import/profile.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { openCommerceTable } from '../orders/orders.import.ts';
import { checkImportTarget } from '../../ledger/sources/sources.service.ts';
import * as repo from './events.repository.ts';
import { eventsSourceName, writeRegistrations, type RegistrationInput } from './events.service.ts';

export type { AttendanceImportSummary } from './events.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

/**
 * Imports an event tool's registration/attendance export (受付ID, 氏名, メール, 会社名, 出欠…). The event is given
 * (`eventId`) or named per row by the profile's event_column (the event's id or its exact name). Bad rows are
 * reported with their line; the others land. Re-importing updates statuses and changes nothing else.
 */
export async function runAttendanceImport(db: Db, options: { filePath: string; fileName?: string; profile: AttendanceProfile; eventId?: string | null; actor: Actor }): Promise<AttendanceImportSummary> {
  const started = Date.now();
  await checkImportTarget(db, eventsSourceName(options.profile.source), 'events', options.actor);
  let fixedEvent = null as Awaited<ReturnType<typeof repo.findEvent>> | null;
  if (options.eventId) {
    fixedEvent = UUID.test(options.eventId) ? await repo.findEvent(db, options.eventId) : null;
    if (!fixedEvent) throw notFound('Event');
  } else if (!options.profile.eventColumn) {
    throw new AppError('validation_failed', 'イベントを指定してください (give the event, or event_column in the profile)', [{ field: 'eventId', message: 'required' }]);
  }
  const { table, profile } = await openCommerceTable(options.filePath, options.profile);
  const problems: RowProblem[] = [];
  const byEvent = new Map<string, RegistrationInput[]>();
  const eventCache = new Map<string, { id: string } | null>();
  const eventsById = new Map<string, NonNullable<Awaited<ReturnType<typeof repo.findEvent>>>>();
  if (fixedEvent) eventsById.set(fixedEvent.id, fixedEvent);
  let read = 0;
  for await (const row of table.rows) {
    read++;
    if ('error' in row) {
      problems.push({ line: row.line, field: null, reason: row.error, value: null });
      continue;
    }
    const col = (f: keyof AttendanceProfile['fields']) => {
      const c = profile.fields[f];
      const v = c ? row.values[c]?.trim() : undefined;
      return v ? v : null;
    };
    let eventId = fixedEvent?.id ?? null;
    if (!eventId) {
      const ref = (row.values[profile.eventColumn!] ?? '').normalize('NFKC').trim();
      if (!ref) {
        problems.push({ line: row.line, field: 'event', reason: 'イベントが空です (event is blank)', value: null });
        continue;
      }
      if (!eventCache.has(ref)) {
        const found = UUID.test(ref) ? await repo.findEvent(db, ref) : (await repo.findEventByName(db, ref)).length === 1 ? await repo.findEvent(db, (await repo.findEventByName(db, ref))[0]!.id) : null;
        eventCache.set(ref, found ? { id: found.id } : null);
        if (found) eventsById.set(found.id, found);
      }
      const hit = eventCache.get(ref);
      if (!hit) {
        problems.push({ line: row.line, field: 'event', reason: `イベントが見つからないか同名が複数あります (event not found or ambiguous): ${ref}`, value: ref });
        continue;
      }
      eventId = hit.id;
    }
    const status = parseAttendance(col('status'));
    if (!status.ok) {
      problems.push({ line: row.line, field: 'status', reason: status.reason, value: col('status') });
      continue;
    }
    const at = parseTimestamp(col('registered_at'));
    if (!at.ok) {
      problems.push({ line: row.line, field: 'registered_at', reason: at.reason, value: col('registered_at') });
      continue;
    }
    const fields: Partial<Record<ImportField, string>> = {};
    for (const [f, importField] of Object.entries(ATTENDANCE_CUSTOMER_FIELDS)) {
      const v = col(f as keyof AttendanceProfile['fields']);
      if (v && importField) fields[importField] = v;
    }
    const externalId = profile.idColumn ? (row.values[profile.idColumn] ?? '').normalize('NFKC').trim() || null : null;
    byEvent.set(eventId, [...(byEvent.get(eventId) ?? []), { externalId, line: row.line, fields, status: status.value, registeredAt: at.value }]);
  }
  const totals = { created: 0, updated: 0, unchanged: 0 };
  for (const [eventId, regs] of byEvent) {
    for (let i = 0; i < regs.length; i += 500) {
      const report = await writeRegistrations(db, { event: eventsById.get(eventId)!, source: profile.source, recordKind: 'file_import', registrations: regs.slice(i, i + 500), actor: options.actor });
      totals.created += report.created;
      totals.updated += report.updated;
      totals.unchanged += report.unchanged;
      problems.push(...report.rejected);
    }
  }
  problems.sort((a, b) => a.line - b.line);
  const file = options.fileName ?? path.basename(options.filePath);
  const summary: AttendanceImportSummary = {
    kind: 'event_attendance', source: profile.source, file, encoding: table.encoding, read, events: byEvent.size, ...totals,
    rejectedRows: new Set(problems.map((p) => p.line)).size, problems, seconds: (Date.now() - started) / 1000,
  };
  await audit(db, options.actor, 'event.import', null, { source: profile.source, file, read, ...totals, rejectedRows: summary.rejectedRows });
  return summary;
}

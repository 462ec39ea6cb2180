import fs from 'node:fs';
import type { Actor } from '../core/context.ts';
import type { Db } from '../db/database.ts';
import { parseCommerceProfile } from '../domain/commerce/profile.ts';
import { runAttendanceImport } from '../intake/events/events.import.ts';
import { problemLines, runOrderImport } from '../intake/orders/orders.import.ts';

/**
 * `daicho import FILE --mapping P.json [--event ID] [--report R.csv]` for profiles of kind "orders" or
 * "event_attendance": runs the import, prints the summary and the first problems, writes the per-row report.
 */
export async function importCommerceFile(db: Db, file: string, profileJson: unknown, options: { eventId?: string | undefined; report?: string | undefined; actor: Actor }): Promise<number> {
  const profile = parseCommerceProfile(profileJson);
  const summary = profile.kind === 'orders'
    ? await runOrderImport(db, { filePath: file, profile, actor: options.actor })
    : await runAttendanceImport(db, { filePath: file, profile, eventId: options.eventId ?? null, actor: options.actor });
  const what = summary.kind === 'orders' ? `orders ${summary.orders}` : `events ${summary.events}`;
  console.log([
    `Imported ${summary.file} (${summary.kind}, source "${summary.source}", ${summary.encoding ?? 'xlsx'}) in ${summary.seconds.toFixed(1)} s`,
    `  rows read ${summary.read}, ${what}: new ${summary.created}, updated ${summary.updated}, unchanged ${summary.unchanged}; rows rejected ${summary.rejectedRows}`,
    ...summary.problems.slice(0, 10).map((p) => `  line ${p.line}: ${p.reason}`),
    ...(summary.problems.length > 10 ? [`  … ${summary.problems.length - 10} more (use --report)`] : []),
  ].join('\n'));
  if (options.report) {
    fs.writeFileSync(options.report, `${problemLines(summary.problems).join('\n')}\n`);
    console.log(`Per-row report: ${options.report}`);
  }
  return 0;
}

/**
 * Survivorship: the golden record is computed from every statement that sources made about a customer.
 *
 * A statement is one source record's value for one field. A key that is absent says nothing; a key present
 * with null says "empty" (only manual edits do that, to clear a field). For each field the winner is the
 * statement of the source with the lowest priority number (manual edits are 0), then the most recent,
 * then the later record. Then "most complete": when another source said the same thing in more detail (its value
 * extends the winner's, e.g. 「東京都千代田区」 → 「東京都千代田区千代田1-2-3」, 「台帳商事」 → 「台帳商事 東京支店」), the
 * detailed value is kept, so a terse newer record does not erase detail it agrees with. A value a user typed
 * (manual) is never refined: it says exactly what they meant. Every chosen value keeps its provenance.
 */
export interface SourceStatement {
  sourceRecordId: number;
  source: string;
  sourcePriority: number;
  receivedAt: Date;
  fields: Record<string, unknown>;
}

export interface FieldProvenance { sourceRecordId: number; source: string; at: string }

export interface GoldenRecord {
  values: Record<string, unknown>;
  provenance: Record<string, FieldProvenance>;
}

const MANUAL_SOURCE = 'manual';

/** What "says the same, in more detail" compares: width-folded, lower-case, without spaces. */
function completenessKey(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/[\s\u3000]+/gu, '');
}

export function computeGolden(statements: readonly SourceStatement[]): GoldenRecord {
  const ordered = [...statements].sort(
    (a, b) => a.sourcePriority - b.sourcePriority || b.receivedAt.getTime() - a.receivedAt.getTime() || b.sourceRecordId - a.sourceRecordId,
  );
  const values: Record<string, unknown> = {};
  const provenance: Record<string, FieldProvenance> = {};
  // Each statement's time once, not once per field (most customers of a large import have a single statement).
  const at = new Map(ordered.map((s) => [s, s.receivedAt.toISOString()]));
  for (const statement of ordered) {
    for (const [field, value] of Object.entries(statement.fields)) {
      if (value === undefined || field in values) continue;
      values[field] = value;
      provenance[field] = { sourceRecordId: statement.sourceRecordId, source: statement.source, at: at.get(statement)! };
    }
  }
  // With one statement, every value is already the most complete there is.
  for (const field of ordered.length > 1 ? Object.keys(values) : []) {
    const winner = provenance[field]!;
    if (winner.source === MANUAL_SOURCE || typeof values[field] !== 'string') continue;
    let best = values[field] as string;
    let bestKey = completenessKey(best);
    for (const statement of ordered) {
      const value = statement.fields[field];
      if (typeof value !== 'string' || statement.source === MANUAL_SOURCE) continue;
      const key = completenessKey(value);
      if (key.length > bestKey.length && key.startsWith(bestKey) && bestKey.length > 0) {
        best = value;
        bestKey = key;
        provenance[field] = { sourceRecordId: statement.sourceRecordId, source: statement.source, at: at.get(statement)! };
      }
    }
    values[field] = best;
  }
  // A cleared field has no value to show, but its provenance (who cleared it, when) stays.
  for (const [field, value] of Object.entries(values)) if (value === null) delete values[field];
  return { values, provenance };
}

/** Field-by-field differences between two value maps, for the edit entry on the timeline. */
export function diffValues(before: Record<string, unknown>, after: Record<string, unknown>): Array<{ field: string; from: unknown; to: unknown }> {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changes: Array<{ field: string; from: unknown; to: unknown }> = [];
  for (const field of [...keys].sort()) {
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field, from, to });
  }
  return changes;
}

/**
 * Survivorship: the golden record is computed from every statement that sources made about a customer.
 *
 * A statement is one source record's value for one field. A key that is absent says nothing; a key present
 * with null says "empty" (only manual edits do that, to clear a field). For each field the winner is the
 * statement of the source with the lowest priority number (manual edits are 0), then the most recent,
 * then the later record. Every chosen value keeps its provenance.
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

export function computeGolden(statements: readonly SourceStatement[]): GoldenRecord {
  const ordered = [...statements].sort(
    (a, b) => a.sourcePriority - b.sourcePriority || b.receivedAt.getTime() - a.receivedAt.getTime() || b.sourceRecordId - a.sourceRecordId,
  );
  const values: Record<string, unknown> = {};
  const provenance: Record<string, FieldProvenance> = {};
  for (const statement of ordered) {
    for (const [field, value] of Object.entries(statement.fields)) {
      if (value === undefined || field in values) continue;
      values[field] = value;
      provenance[field] = { sourceRecordId: statement.sourceRecordId, source: statement.source, at: statement.receivedAt.toISOString() };
    }
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

/** SQL fragments repositories share (no queries of their own). */
import { sql } from 'kysely';

/** ISO-8601 UTC text with microseconds, which casts back to the identical timestamptz. */
export function exactTimestamp(column: string) {
  return sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

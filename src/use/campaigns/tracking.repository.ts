import type { Db } from '../../db/database.ts';

/** Reads the tracking of campaign e-mails needs: the tracker's site origins. */

/** The allowed origins of every active tracker site: a click to one of them carries the visitor-join parameter. */
export async function trackedOrigins(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('tracker_sites').select('allowed_origins').where('active', '=', true).execute();
  return rows.flatMap((r) => r.allowed_origins);
}

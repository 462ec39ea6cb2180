import type { Db } from '../../db/database.ts';

export async function loadReferenceData(db: Db) {
  const [roles, stages, channels] = await Promise.all([
    db.selectFrom('roles').selectAll().orderBy('sort_order').execute(),
    db.selectFrom('lifecycle_stages').selectAll().orderBy('sort_order').execute(),
    db.selectFrom('acquisition_channels').selectAll().orderBy('sort_order').execute(),
  ]);
  return { roles, stages, channels };
}

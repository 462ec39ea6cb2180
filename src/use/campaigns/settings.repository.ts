import type { Db } from '../../db/database.ts';

/** SQL of the messaging settings: the one writer of messaging_settings (one row, made by migration 0024). */

export async function readSettings(db: Db) {
  return db.selectFrom('messaging_settings').selectAll().where('id', '=', true).executeTakeFirstOrThrow();
}

export async function updateSettings(db: Db, set: {
  sender_name?: string; sender_address?: string; sender_contact?: string; from_email?: string; reply_to?: string | null;
  cap_count?: number; cap_days?: number; send_rate?: number; dm_household_addressing?: 'primary' | 'family';
}, userId: string | null) {
  return db.updateTable('messaging_settings').set({ ...set, updated_at: new Date(), updated_by: userId })
    .where('id', '=', true).returningAll().executeTakeFirstOrThrow();
}

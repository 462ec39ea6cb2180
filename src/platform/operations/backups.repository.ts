import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { BackupsTable } from '../../db/schema.ts';

/** A backup in the register, as the rest of Daicho sees it. */
export interface Backup {
  id: string;
  createdAt: Date;
  engine: BackupsTable['engine'];
  format: BackupsTable['format'];
  filePath: string;
  bytes: number;
  kind: BackupsTable['kind'];
  schemaVersion: string;
  checksum: string;
  /** When rotation will delete the file; null: kept until someone deletes it. */
  expiresAt: Date | null;
  /** When rotation deleted the file; null while it exists. */
  deletedAt: Date | null;
}

export interface NewBackup {
  createdAt: Date;
  engine: Backup['engine'];
  format: Backup['format'];
  filePath: string;
  bytes: number;
  kind: Backup['kind'];
  schemaVersion: string;
  checksum: string;
  expiresAt: Date | null;
}

type BackupRow = {
  id: string; created_at: Date; engine: Backup['engine']; format: Backup['format']; file_path: string; bytes: number;
  kind: Backup['kind']; schema_version: string; checksum: string; expires_at: Date | null; deleted_at: Date | null;
};

function toBackup(r: BackupRow): Backup {
  return {
    id: r.id, createdAt: r.created_at, engine: r.engine, format: r.format, filePath: r.file_path, bytes: r.bytes,
    kind: r.kind, schemaVersion: r.schema_version, checksum: r.checksum, expiresAt: r.expires_at, deletedAt: r.deleted_at,
  };
}

export async function insertBackup(db: Db, backup: NewBackup): Promise<Backup> {
  const row = await db.insertInto('backups').values({
    created_at: backup.createdAt,
    engine: backup.engine,
    format: backup.format,
    file_path: backup.filePath,
    bytes: backup.bytes,
    kind: backup.kind,
    schema_version: backup.schemaVersion,
    checksum: backup.checksum,
    expires_at: backup.expiresAt,
  }).returningAll().executeTakeFirstOrThrow();
  return toBackup(row);
}

/**
 * The backups taken before `date` whose file still exists: after an erasure on `date`, these still hold the erased
 * person's data until they expire (APPI: the erasure report lists them). Oldest first.
 */
export async function listBackupsCreatedBefore(db: Db, date: Date): Promise<Backup[]> {
  const rows = await db.selectFrom('backups').selectAll()
    .where('created_at', '<', date)
    .where('deleted_at', 'is', null)
    .orderBy('created_at').orderBy('id')
    .execute();
  return rows.map(toBackup);
}

/** Every backup in the register, newest first (files deleted by rotation included). */
export async function listBackups(db: Db, limit = 100): Promise<Backup[]> {
  const rows = await db.selectFrom('backups').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toBackup);
}

/** The scheduled backups whose file still exists, newest first: rotation keeps the first N. */
export async function listLiveScheduledBackups(db: Db): Promise<Backup[]> {
  const rows = await db.selectFrom('backups').selectAll()
    .where('kind', '=', 'scheduled').where('deleted_at', 'is', null)
    .orderBy('created_at', 'desc').orderBy('id', 'desc')
    .execute();
  return rows.map(toBackup);
}

/** When the newest scheduled backup was taken (its file deleted or not), or null. */
export async function lastScheduledBackupAt(db: Db): Promise<Date | null> {
  const row = await db.selectFrom('backups').select((eb) => eb.fn.max('created_at').as('last'))
    .where('kind', '=', 'scheduled').executeTakeFirst();
  return row?.last ?? null;
}

/** Rotation deleted the file: the row stays for the register. */
export async function markBackupDeleted(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('backups').set({ deleted_at: at }).where('id', '=', id).execute();
}

/**
 * Takes the lease `name` for `holder` until `until` when it is free, expired or already the holder's
 * (one statement, so two servers never both get it). True when taken.
 */
export async function takeLease(db: Db, name: string, holder: string, until: Date, now: Date): Promise<boolean> {
  const result = await sql<{ name: string }>`
    INSERT INTO operation_leases (name, holder, leased_until) VALUES (${name}, ${holder}, ${until})
    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, leased_until = EXCLUDED.leased_until
      WHERE operation_leases.leased_until < ${now} OR operation_leases.holder = EXCLUDED.holder
    RETURNING name`.execute(db);
  return result.rows.length === 1;
}

/** Gives the lease back early (the chore is done). */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.deleteFrom('operation_leases').where('name', '=', name).where('holder', '=', holder).execute();
}

/**
 * Scheduled backups with rotation (DAICHO_BACKUP_DIR, DAICHO_BACKUP_EVERY_HOURS, DAICHO_BACKUP_KEEP), run by the
 * server's minute pass. Several servers on one PostgreSQL share it through a lease: the one that takes it checks that
 * the last scheduled backup is old enough, backs up, and deletes the files of those beyond the newest `keep` (their
 * rows stay in the register, marked deleted, for the erasure report).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseHandle } from '../../db/database.ts';
import { createBackup, type BackupResult } from './backup.service.ts';
import { lastScheduledBackupAt, listLiveScheduledBackups, markBackupDeleted, releaseLease, takeLease } from './backups.repository.ts';

export interface BackupSchedule {
  dir: string;
  everyHours: number;
  keep: number;
}

const LEASE = 'scheduled-backup';
/** Long enough for a backup of a large ledger; a server that dies holding it frees it at this age. */
const LEASE_MINUTES = 120;
const HOUR_MS = 3_600_000;

/** This process, as a lease holder. */
export const PROCESS_HOLDER = `${os.hostname()}:${process.pid}`;

export interface ScheduledRun { backup: BackupResult; rotated: string[] }

/** One turn of the schedule: a backup when the last one is `everyHours` old (and this process holds the lease), else null. */
export async function runScheduledBackup(handle: DatabaseHandle, schedule: BackupSchedule, now = new Date(), holder = PROCESS_HOLDER): Promise<ScheduledRun | null> {
  const due = (last: Date | null) => last === null || now.getTime() - last.getTime() >= schedule.everyHours * HOUR_MS - 60_000;
  if (!due(await lastScheduledBackupAt(handle.db))) return null;
  if (!(await takeLease(handle.db, LEASE, holder, new Date(now.getTime() + LEASE_MINUTES * 60_000), now))) return null;
  try {
    // Another server may have finished one between the look and the lease.
    if (!due(await lastScheduledBackupAt(handle.db))) return null;
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const backup = await createBackup(handle, {
      out: path.join(schedule.dir, `daicho-${stamp}.daicho-backup`),
      kind: 'scheduled',
      createdAt: now,
      // Rotation deletes it when `keep` newer ones exist: `keep` intervals from now.
      expiresAt: new Date(now.getTime() + schedule.keep * schedule.everyHours * HOUR_MS),
    });
    return { backup, rotated: await rotate(handle, schedule.keep, now) };
  } finally {
    await releaseLease(handle.db, LEASE, holder);
  }
}

/** Deletes the files of the scheduled backups beyond the newest `keep` and marks their rows; returns their paths. */
export async function rotate(handle: DatabaseHandle, keep: number, now = new Date()): Promise<string[]> {
  const live = await listLiveScheduledBackups(handle.db);
  const rotated: string[] = [];
  for (const old of live.slice(keep)) {
    try {
      fs.rmSync(old.filePath);
    } catch (error) {
      // Already gone is gone; anything else (permissions, another server's disk) keeps the row live to retry.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') continue;
    }
    await markBackupDeleted(handle.db, old.id, now);
    rotated.push(old.filePath);
  }
  return rotated;
}

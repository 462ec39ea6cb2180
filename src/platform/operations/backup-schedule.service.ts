/**
 * Scheduled backups with rotation (DAICHO_BACKUP_DIR, DAICHO_BACKUP_EVERY_HOURS, DAICHO_BACKUP_KEEP): the server's
 * minute pass queues a `backup.scheduled` job when one is due, and a job worker runs it. Several servers on one PostgreSQL share it through a lease: the one that takes it checks that
 * the last scheduled backup is old enough, backs up, and deletes the files of those beyond the newest `keep` (their
 * rows stay in the register, marked deleted, for the erasure report).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseHandle, Db } from '../../db/database.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
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

export const BACKUP_JOB = 'backup.scheduled';

const isDue = (schedule: BackupSchedule, last: Date | null, now: Date) => last === null || now.getTime() - last.getTime() >= schedule.everyHours * HOUR_MS - 60_000;

/**
 * The scheduler's look, once a minute: a `backup.scheduled` job when the last scheduled backup is `everyHours` old.
 * The job's dedupe key keeps one queued at a time; the lease and the register stay the backup's own state.
 */
export async function enqueueScheduledBackupIfDue(db: Db, schedule: BackupSchedule, now = new Date()): Promise<boolean> {
  if (!isDue(schedule, await lastScheduledBackupAt(db), now)) return false;
  return (await enqueueJob(db, BACKUP_JOB, { dedupeKey: BACKUP_JOB, maxAttempts: 3 })).created;
}

/** One turn of the schedule: a backup when the last one is `everyHours` old (and this process holds the lease), else null. */
export async function runScheduledBackup(handle: DatabaseHandle, schedule: BackupSchedule, now = new Date(), holder = PROCESS_HOLDER): Promise<ScheduledRun | null> {
  const due = (last: Date | null) => isDue(schedule, last, now);
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

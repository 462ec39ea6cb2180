import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A PGlite data folder may be open in one process, through one handle, at a time: two PGlite instances on the same
 * files each keep their own view of them, and the writes of one are lost to the other (a `daicho user create` beside
 * a running server printed success, and the user was gone after a restart). PostgreSQL needs no such lock.
 *
 * The lock is a file in the folder naming its owner. It is created complete and atomically (written to a file of its
 * own, then hard-linked to the lock's name, which fails if the name exists), so an opener never reads a lock that is
 * still being written: one that cannot be read was left by a crash. A lock whose process is gone from this host
 * (killed, or this host rebooted since) is taken over; one held on another host is never guessed about.
 */
export const LOCK_FILE = 'daicho.lock';

interface LockOwner {
  pid: number;
  hostname: string;
  /** /proc/sys/kernel/random/boot_id: a lock from before a reboot is stale whatever its pid. */
  bootId?: string | null;
  /** The process's start time (clock ticks after boot, /proc/PID/stat): tells a reused pid from the owner. */
  startTime?: number | null;
  /** Tells this process's own locks from one an earlier process with the same pid left (pid 1 in a container). */
  token?: string;
  command?: string;
}

export class DataFolderInUseError extends Error {
  constructor(readonly dataDir: string, readonly owner: LockOwner, message: string) {
    super(message);
    this.name = 'DataFolderInUseError';
  }
}

/** The tokens of the locks this process holds, by lock file: released on close, or at the latest on exit. */
const held = new Map<string, string>();
let releaseOnExit = false;

/** Takes the data folder's lock or throws DataFolderInUseError; the returned function releases it. */
export function lockDataFolder(dataDir: string): () => void {
  const file = path.resolve(dataDir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    bootId: bootId(),
    startTime: processStat(process.pid)?.startTime ?? null,
    token: randomBytes(16).toString('hex'),
    command: process.argv.join(' '),
  };
  // Each pass either takes the lock or moves a stale one aside; more passes mean others are racing for it too.
  for (let pass = 0; pass < 5; pass++) {
    if (create(file, me)) {
      held.set(file, me.token!);
      if (!releaseOnExit) {
        releaseOnExit = true;
        process.on('exit', () => { for (const lock of [...held.keys()]) release(lock); });
      }
      return () => release(file);
    }
    const raw = readIfExists(file);
    if (raw === null) continue; // released meanwhile
    const owner = parseOwner(raw);
    if (owner && owner.hostname !== me.hostname) throw inUseElsewhere(dataDir, file, owner);
    if (owner && isAlive(owner)) throw inUse(dataDir, owner);
    moveStaleAside(file, raw);
  }
  throw new Error(`Could not lock the data folder ${dataDir}: other processes are opening it at the same time. Try again.`);
}

function create(file: string, owner: LockOwner): boolean {
  const draft = `${file}.${owner.token}`;
  fs.writeFileSync(draft, `${JSON.stringify(owner)}\n`, { flag: 'wx', flush: true });
  try {
    fs.linkSync(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

/** Removes the lock only if it is still this process's (a lock taken over meanwhile is its new owner's). */
function release(file: string): void {
  const token = held.get(file);
  if (token === undefined) return;
  held.delete(file);
  const raw = readIfExists(file);
  if (raw !== null && parseOwner(raw)?.token === token) fs.rmSync(file, { force: true });
}

/**
 * Renames the stale lock away and checks that it was the one judged stale: another opener may have taken it over
 * between the read and the rename, and then its live lock is put back.
 */
function moveStaleAside(file: string, staleRaw: string): void {
  const aside = `${file}.stale-${randomBytes(8).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readIfExists(aside) !== staleRaw) fs.linkSync(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

function isAlive(owner: LockOwner): boolean {
  const currentBoot = bootId();
  if (owner.bootId && currentBoot && owner.bootId !== currentBoot) return false;
  // Tokens are unique, so this also holds when the folder was opened by another path (relative, symlinked).
  if (owner.pid === process.pid) return owner.token !== undefined && [...held.values()].includes(owner.token);
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const stat = processStat(owner.pid);
  if (stat?.state === 'Z') return false; // exited, not yet reaped
  if (stat && owner.startTime != null && stat.startTime !== owner.startTime) return false; // the pid was reused
  return true;
}

const ONE_AT_A_TIME = 'One process at a time may open an embedded (PGlite) database: the writes of a second one would be lost.';

function inUse(dataDir: string, owner: LockOwner): DataFolderInUseError {
  const command = commandLine(owner.pid) ?? owner.command;
  return new DataFolderInUseError(dataDir, owner, [
    `The data folder ${dataDir} is in use by process ${owner.pid}${command ? ` (${command})` : ''}.`,
    ONE_AT_A_TIME,
    'If it is the server, do this through its web UI or API; otherwise wait for it to finish, or stop it (Ctrl+C or SIGTERM), and run this command again.',
  ].join('\n'));
}

function inUseElsewhere(dataDir: string, file: string, owner: LockOwner): DataFolderInUseError {
  return new DataFolderInUseError(dataDir, owner, [
    `The data folder ${dataDir} is in use by process ${owner.pid} on ${owner.hostname}${owner.command ? ` (${owner.command})` : ''}.`,
    ONE_AT_A_TIME,
    `If it is the server, do this through its web UI or API; otherwise wait for it to finish, or stop it, and run this command again. If no Daicho process on ${owner.hostname} uses the folder any more, delete ${file}.`,
  ].join('\n'));
}

function parseOwner(raw: string): LockOwner | null {
  try {
    const owner = JSON.parse(raw) as Partial<LockOwner> | null;
    if (!owner || !Number.isInteger(owner.pid) || typeof owner.hostname !== 'string') return null;
    return owner as LockOwner;
  } catch {
    return null;
  }
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function bootId(): string | null {
  return readProc('/proc/sys/kernel/random/boot_id')?.trim() || null;
}

/** The state and start time of a process, from /proc (Linux); null elsewhere or when it is gone. */
function processStat(pid: number): { state: string; startTime: number } | null {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return null;
  // "pid (command) state ppid …": the command may hold spaces and parentheses; field 22 is the start time.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, startTime: Number(fields[19]) };
}

function commandLine(pid: number): string | null {
  return readProc(`/proc/${pid}/cmdline`)?.split('\0').filter(Boolean).join(' ') || null;
}

function readProc(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

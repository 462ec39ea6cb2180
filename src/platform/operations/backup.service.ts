/**
 * Backups and restores of the whole database, for both engines (README "Operations", docs/OPERATIONS.md).
 *
 * A backup file is one header line, `DAICHO-BACKUP 1 {json}` (format, engine, schema version, time, schema), then
 * the payload: `rows`, Daicho's own gzip'd row dump through the driver (src/db/dump.ts; any engine, restores into
 * either), or `pg_dump`, pg_dump's custom format (PostgreSQL, when a pg_dump of the server's major version is on
 * PATH). The header lets a restore refuse a backup of a newer schema before it touches anything.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { AppError } from '../../core/errors.ts';
import { postgresUrlOf, type DatabaseHandle } from '../../db/database.ts';
import {
  appliedSchemaVersion, currentSchema, dumpRows, emptySchema, holdsData, restoreRows, serverMajorVersion,
} from '../../db/dump.ts';
import { latestMigration, migrate } from '../../db/migrate.ts';
import { insertBackup, type Backup } from './backups.repository.ts';

const MAGIC = 'DAICHO-BACKUP 1 ';

export type BackupFormat = 'rows' | 'pg_dump';

export interface BackupHeader {
  format: BackupFormat;
  engine: DatabaseHandle['engine'];
  schemaVersion: string;
  createdAt: string;
  /** The PostgreSQL schema the tables were in (a pg_dump archive restores into the same one). */
  schema: string;
}

export interface BackupOptions {
  out: string;
  kind: Backup['kind'];
  /** auto (default): pg_dump on PostgreSQL when a matching one is on PATH, else rows. */
  format?: BackupFormat | 'auto';
  /** When rotation will delete the file (scheduled backups). */
  expiresAt?: Date | null;
  /** The time the register records (the schedule's clock); default now. */
  createdAt?: Date;
}

export interface BackupResult extends Backup { seconds: number }

/** The pg_dump on PATH when its major version is the server's (an older one cannot read a newer server). */
async function matchingPgDump(handle: DatabaseHandle): Promise<boolean> {
  if (handle.engine !== 'postgres') return false;
  const probe = spawnSync('pg_dump', ['--version'], { encoding: 'utf8' });
  const major = /\b(\d+)(?:\.\d+)+/u.exec(probe.stdout ?? '')?.[1];
  return probe.status === 0 && major !== undefined && Number(major) === await serverMajorVersion(handle.db);
}

/**
 * pg_dump / pg_restore's view of a connection URL: query parameters percent-encoded as libpq reads them (a URL's
 * `+` for a space is node-pg's reading only), and the password in PGPASSWORD rather than on a command line `ps` shows.
 */
function libpqConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  u.search = [...u.searchParams].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes a backup of the whole database to `options.out` (via a temporary file beside it) and registers it. */
export async function createBackup(handle: DatabaseHandle, options: BackupOptions): Promise<BackupResult> {
  const started = performance.now();
  const createdAt = options.createdAt ?? new Date();
  const wanted = options.format ?? 'auto';
  if (wanted === 'pg_dump' && !(await matchingPgDump(handle))) {
    throw new AppError('bad_request', 'pg_dump 形式には PostgreSQL と同じメジャーバージョンの pg_dump が必要です / the pg_dump format needs PostgreSQL and a pg_dump of the server\'s major version on PATH');
  }
  const format: BackupFormat = wanted === 'auto' ? ((await matchingPgDump(handle)) ? 'pg_dump' : 'rows') : wanted;
  const out = path.resolve(options.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const temporary = `${out}.${randomBytes(4).toString('hex')}.partial`;
  const schema = await currentSchema(handle.db);
  let schemaVersion = '';
  try {
    const file = fs.createWriteStream(temporary, { mode: 0o600 });
    const header = (version: string) => `${MAGIC}${JSON.stringify({ format, engine: handle.engine, schemaVersion: version, createdAt: createdAt.toISOString(), schema } satisfies BackupHeader)}\n`;
    if (format === 'rows') {
      const gzip = createGzip({ level: 6 });
      const piped = pipeline(gzip, file);
      const write = async (text: string) => { if (!gzip.write(text)) await once(gzip, 'drain'); };
      await dumpRows(handle.db, {
        async begin(version) {
          schemaVersion = version;
          // The header goes in plain, before the compressed payload.
          if (!file.write(header(version))) await once(file, 'drain');
        },
        async lines(lines) { await write(`${lines.join('\n')}\n`); },
      });
      gzip.end();
      await piped;
    } else {
      schemaVersion = (await appliedSchemaVersion(handle.db)) ?? '';
      file.write(header(schemaVersion));
      const connection = libpqConnection(postgresUrlOf(handle.db)!);
      const child = spawn('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--schema=${schema}`, `--dbname=${connection.dbname}`], { stdio: ['ignore', 'pipe', 'pipe'], env: connection.env });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      const exited = once(child, 'close') as Promise<[number | null]>;
      await pipeline(child.stdout, file);
      const [code] = await exited;
      if (code !== 0) throw new Error(`pg_dump failed (${code}): ${stderr.trim()}`);
    }
    fs.renameSync(temporary, out);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  const backup = await insertBackup(handle.db, {
    createdAt, engine: handle.engine, format, filePath: out, bytes: fs.statSync(out).size, kind: options.kind,
    schemaVersion, checksum: await sha256(out), expiresAt: options.expiresAt ?? null,
  });
  return { ...backup, seconds: (performance.now() - started) / 1000 };
}

/** Reads a backup file's header and where its payload starts; a file that is not a Daicho backup is refused. */
export async function readBackupHeader(file: string): Promise<{ header: BackupHeader; payloadOffset: number }> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const end = buffer.subarray(0, bytesRead).indexOf(0x0a);
    const line = end === -1 ? '' : buffer.subarray(0, end).toString('utf8');
    if (!line.startsWith(MAGIC)) throw new AppError('bad_request', `${file} は Daicho のバックアップではありません / is not a Daicho backup`);
    return { header: JSON.parse(line.slice(MAGIC.length)) as BackupHeader, payloadOffset: end + 1 };
  } finally {
    await handle.close();
  }
}

export interface RestoreResult {
  format: BackupFormat;
  schemaVersion: string;
  /** Rows restored (rows format). */
  rows: number | null;
  /** Migrations applied after the restore (the backup's schema was older than this Daicho's). */
  migrated: string[];
  seconds: number;
}

/**
 * Replaces the database with a backup. Refuses a backup of a newer schema than this Daicho knows, and a database
 * that holds data (users, customers or source records) unless `force`. Applies the migrations newer than the
 * backup's afterwards.
 */
export async function restoreBackup(handle: DatabaseHandle, file: string, options: { force: boolean }): Promise<RestoreResult> {
  const started = performance.now();
  const { header, payloadOffset } = await readBackupHeader(file);
  const latest = latestMigration();
  if (header.schemaVersion > latest) {
    throw new AppError('conflict', `このバックアップは新しいバージョンの Daicho (スキーマ ${header.schemaVersion}) で作られました。この Daicho はスキーマ ${latest} までです / The backup was made by a newer Daicho (schema ${header.schemaVersion}); this one knows up to ${latest}: upgrade Daicho first`);
  }
  if (!options.force && await holdsData(handle.db)) {
    throw new AppError('conflict', '復元先のデータベースにデータがあります。置き換えるには --force を付けてください / The target database holds data (users, customers or source records): restore replaces everything, so add --force to go ahead');
  }
  let rows: number | null = null;
  if (header.format === 'rows') {
    rows = (await restoreRows(handle.db, header.schemaVersion, payloadLines(file, payloadOffset))).rows;
  } else {
    await restorePgDump(handle, file, header, payloadOffset);
  }
  const migrated = await migrate(handle);
  return { format: header.format, schemaVersion: header.schemaVersion, rows, migrated, seconds: (performance.now() - started) / 1000 };
}

/**
 * The row dump's lines, read when first asked for: a readline interface made earlier would drop the lines it read
 * before anyone iterated (the restore migrates first).
 */
async function* payloadLines(file: string, payloadOffset: number): AsyncGenerator<string> {
  const payload = fs.createReadStream(file, { start: payloadOffset }).pipe(createGunzip());
  yield* readline.createInterface({ input: payload, crlfDelay: Infinity });
}

/**
 * pg_restore of the archive into the schema it came from, emptied first. The archive's own CREATE SCHEMA is left
 * out (the schema exists), and everything else runs in one transaction that stops at the first error.
 */
async function restorePgDump(handle: DatabaseHandle, file: string, header: BackupHeader, payloadOffset: number): Promise<void> {
  const url = postgresUrlOf(handle.db);
  if (!url) throw new AppError('bad_request', 'pg_dump 形式のバックアップは PostgreSQL (DATABASE_URL) にだけ復元できます / a pg_dump backup restores into PostgreSQL (DATABASE_URL) only');
  const schema = await currentSchema(handle.db);
  if (schema !== header.schema) {
    throw new AppError('bad_request', `pg_dump 形式のバックアップはスキーマ ${header.schema} に復元します (接続先は ${schema}) / a pg_dump backup restores into its own schema ${header.schema}, the connection's is ${schema}`);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-restore-'));
  try {
    const archive = path.join(work, 'archive.dump');
    await pipeline(fs.createReadStream(file, { start: payloadOffset }), fs.createWriteStream(archive, { mode: 0o600 }));
    const listing = spawnSync('pg_restore', ['--list', archive], { encoding: 'utf8' });
    if (listing.status !== 0) throw new Error(`pg_restore --list failed: ${listing.stderr.trim()}`);
    const list = path.join(work, 'archive.list');
    fs.writeFileSync(list, listing.stdout.split('\n').filter((l) => !/^\d+; \d+ \d+ SCHEMA - /u.test(l)).join('\n'));
    await emptySchema(handle.db);
    const connection = libpqConnection(url);
    const restore = spawnSync('pg_restore', ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--use-list=${list}`, `--dbname=${connection.dbname}`, archive], { encoding: 'utf8', env: connection.env });
    if (restore.status !== 0) throw new Error(`pg_restore failed: ${restore.stderr.trim()}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

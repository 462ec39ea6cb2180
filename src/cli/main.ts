import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { createUser } from '../platform/accounts/users.service.ts';
import { AppError } from '../core/errors.ts';
import { serve } from './serve.ts';
import { wireMergeListeners } from '../app/merge-listeners.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '../core/context.ts';
import type { Db } from '../db/database.ts';
import { parseImportProfile } from '../domain/import/profile.ts';
import { runImport, type ImportSummary } from '../intake/files/import.service.ts';
import { validateImport, type ValidationReport } from '../intake/files/validate.service.ts';
import { checkImportTarget } from '../ledger/sources/sources.service.ts';
import { isCommerceProfileJson } from '../domain/commerce/profile.ts';
import { issueReasonText } from '../domain/import/reasons.ts';
import { importCommerceFile } from './commerce-import.ts';
import { dedupeCompanies } from '../ledger/customers/company-dedupe.service.ts';
import { exportCustomers, exportLinks, importReportLines, openOutput } from '../intake/files/export.service.ts';
import { csvLine } from '../domain/import/csv.ts';
import { lineWriter } from '../ledger/customers/customer-export.ts';
import { exportValuesAsOf, recomputeValues } from '../ledger/values/values.service.ts';
import { audit, exportTracker } from '../platform/audit/audit.service.ts';
import { countSegment, exportDefinition } from '../use/segments/segments.service.ts';
import { exportCandidatesAudited, startRun as startRecommendRun } from '../use/recommend/recommend.service.ts';
import { writeAudience } from '../use/campaigns/campaigns.service.ts';
import { createBackup, restoreBackup, type BackupFormat } from '../platform/operations/backup.service.ts';

/** The CLI acts as the person at the terminal: audited with their OS user name. */
const CLI_ACTOR: Actor = { auth: null, ip: null, userAgent: `daicho-cli (${os.userInfo().username})` };

async function withDatabase(config: ReturnType<typeof loadConfig>, work: (db: Db) => Promise<number>): Promise<number> {
  const handle = await openDatabase(config);
  try {
    await migrate(handle);
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

function formatSummary(s: ImportSummary): string {
  return [
    `Imported ${s.file} as source "${s.source}" (${s.encoding ?? 'xlsx'}) in ${s.seconds.toFixed(1)} s (identity resolution ${s.resolutionSeconds.toFixed(1)} s, reading and staging rows ${s.stagingSeconds.toFixed(1)} s)`,
    `  rows read ${s.read}, new ${s.new}, updated ${s.updated}, unchanged ${s.unchanged}, rejected ${s.rejected}`,
    `  values flagged ${s.flagged}; merged into existing or shared customers ${s.merged}, new customers ${s.customersCreated}, existing customers merged ${s.bridged ?? 0}, sent to review ${s.review}`,
    ...(s.quarantined > 0 ? [`  set aside because their identity resolution failed (see 名寄せレビュー; retry there after a fix) ${s.quarantined}`] : []),
    ...(s.consentEvents !== undefined ? [`  consent events recorded from the profile's consent columns ${s.consentEvents}`] : []),
    `  run ${s.runId}`,
  ].join('\n');
}

function formatValidation(r: ValidationReport): string {
  const byField = Object.entries(r.flaggedByField).map(([field, n]) => `${field} ${n}`).join(', ');
  return [
    `Validated ${r.file} as source "${r.source}" (${r.encoding ?? 'xlsx'}) in ${r.seconds.toFixed(1)} s; nothing was written`,
    `  rows read ${r.read}, rejected ${r.rejected}; values flagged ${r.flagged}${byField ? ` (${byField})` : ''}`,
    `  records new ${r.new}, updated ${r.updated}, unchanged ${r.unchanged}; repeated ids ${r.duplicateIds}, blank ids ${r.blankIds}`,
    ...r.issues.map((i) => `  line ${i.line}: ${i.severity}${i.field ? ` ${i.field}` : ''}: ${issueReasonText(i.reason)}${i.value === null ? '' : ` (${JSON.stringify(i.value)})`}`),
    ...(r.issuesTruncated ? [`  … only the first ${r.issues.length} issues are listed`] : []),
  ].join('\n');
}

async function writeReport(db: Db, runId: string, file: string): Promise<void> {
  fs.writeFileSync(file, `${(await importReportLines(db, runId)).join('\n')}\n`);
}

/** How each command is called: printed with a usage error and in the help. */
const USAGE = {
  serve: 'daicho serve [--port N] [--host ADDRESS]',
  migrate: 'daicho migrate',
  'user create': 'daicho user create --email E --password P [--role admin|manager|marketing|sales|viewer] [--name NAME]',
  import: 'daicho import FILE --mapping PROFILE.json [--report REPORT.csv] [--validate] [--event ID]',
  'export links': 'daicho export links [--out FILE]',
  'export customers': 'daicho export customers [--format csv|jsonl] [--encoding utf-8|cp932] [--out FILE] [--provision-to RECIPIENT [--provision-purpose TEXT]]',
  'companies dedupe': 'daicho companies dedupe',
  'segment count': 'daicho segment count FILE.json',
  'segment export': 'daicho segment export FILE.json [--out FILE.csv] [--encoding utf-8|cp932]',
  'rfm recompute': 'daicho rfm recompute [--as-of YYYY-MM-DD] [--bins N] [--currency JPY]',
  'rfm export': 'daicho rfm export [--as-of YYYY-MM-DD] [--out FILE]',
  'recommend run': 'daicho recommend run [--k N]',
  'recommend export': 'daicho recommend export [--k N] [--as-of YYYY-MM-DD] [--out FILE]',
  'campaign audience': 'daicho campaign audience --channel email|dm [--segment FILE.json] [--out FILE.csv]',
  backup: 'daicho backup --out FILE [--format auto|rows|pg_dump]',
  restore: 'daicho restore FILE [--force]',
} as const;
type Command = keyof typeof USAGE;

const HELP = `Daicho (台帳) — customer data platform

Usage: npm run daicho -- <command> [options]     (or: daicho <command> when installed)

Commands:
  ${USAGE.serve}
      Start the server (web UI + API) on --port and --host, or else PORT and HOST (default 127.0.0.1:3000).
      Applies migrations first.
  ${USAGE.migrate}
      Apply database migrations and exit.
  ${USAGE['user create']}
      Create a user (role defaults to viewer). The password needs 10+ characters and may not be a common one,
      a repeated or consecutive run, or the e-mail address.
  ${USAGE.import}
      Import a CSV/TSV/XLSX export (UTF-8, UTF-8 BOM or CP932, detected) with an import profile; resolves
      identities; prints a summary.
      --validate reads the whole file as the import would and writes nothing: prints the rows it would reject,
      the values it would flag and the records it would add, change or leave unchanged (customer profiles).
      A profile with "kind": "orders" imports orders (one row per line, grouped by order_id_column);
      "kind": "event_attendance" imports registrations/attendance (--event ID unless the profile has event_column).
  ${USAGE['export links']}
      CSV source,external_id,customer_id: one row per imported source record.
  ${USAGE['export customers']}
      Golden records (audited).
  ${USAGE['companies dedupe']}
      Merge companies registered twice under spellings of one name (さくら情報システム(株) / さくら情報システム株式会社,
      the same 法人番号) and retire "companies" named なし, 個人, - …; their people follow. Safe to re-run; each
      merge is audited (company.merge) and the merged company points at its survivor.
  ${USAGE['segment count']}
      Count the customers a segment definition keeps (the JSON condition tree of POST /api/v1/segments/count, or
      a saved segment's {"definition": …}); a bad definition prints each bad node's JSON path and exits with 1.
  ${USAGE['segment export']}
      The customers a definition keeps, as golden records in CSV (audited as export.segment).
  ${USAGE['rfm recompute']}
      Recompute every buyer's RFM facts, scores (1–5 by quantiles, ties kept together) and tier, as of a date
      (default today in Japan). The server also does this once a day.
  ${USAGE['rfm export']}
      CSV customer_id,recency_days,frequency,monetary,r,f,m,tier for every buyer as of the date (computed in a
      transaction that is rolled back: the ledger's own values do not change). Audited as export.rfm.
  ${USAGE['recommend run']}
      Compute the product-affinity model and every buyer's cross-sell / up-sell candidates (first N, default 10),
      as the server's 再計算 does; prints buyers, seconds and peak memory.
  ${USAGE['recommend export']}
      CSV customer_id,rank,sku,score,reason: the first N (default 10) candidates of every customer with at least one
      order; with --as-of, only the orders placed before that date count. Nothing is stored. Audited as
      export.recommendations.
  ${USAGE['campaign audience']}
      CSV customer_id,address,status,reason: every customer considered (the segment definition's, or the whole
      ledger) with whether a campaign of the channel would send to them now, or why not (no_basis, opted_out,
      no_address, invalid_address, bounced, frequency_cap, duplicate_address, duplicate_household). Nothing is
      sent or stored; prints the counts per reason. Audited as export.campaign_audience.
  ${USAGE.backup}
      Back up the whole database to FILE (written beside it, then renamed; mode 600) and record it in the backups
      register. --format auto (default) uses pg_dump's custom format on PostgreSQL when a pg_dump of the server's
      major version is on PATH, else Daicho's own row dump (gzip, any engine). One consistent snapshot; the server
      may keep running on PostgreSQL (on PGlite, stop it first or use the scheduled backups). Audited as backup.create.
  ${USAGE.restore}
      Replace the database with a backup: refused when the database holds data (users, customers or source
      records) unless --force, and when the backup was made by a newer Daicho. A row dump restores into either
      engine in one transaction (a damaged file changes nothing); a pg_dump backup into the PostgreSQL schema it came
      from. Migrations newer than the backup are applied afterwards. Stop the server first. Audited as backup.restore.
  daicho help  (or --help / -h after any command)
      Show this help.

An unknown command or option, or a missing one, exits with code 2.
The database is PGlite in DAICHO_DATA_DIR (default ./data), or PostgreSQL when DATABASE_URL is set. A PGlite data
folder is open in one process at a time: while the server runs on it, work through the server (web UI or API).
`;

/** A command line Daicho does not understand: printed with the command's usage, exit code 2. */
class UsageError extends Error {
  constructor(readonly command: Command, message: string) {
    super(message);
  }
}

/** Node's parseArgs (strict) errors become usage errors of the command. */
function parseFor<T>(command: Command, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_')) throw new UsageError(command, (error as Error).message);
    throw error;
  }
}

function portOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d{1,5}$/u.test(value) ? Number(value) : NaN;
  if (!(port <= 65535)) throw new UsageError('serve', `--port must be a port number from 0 to 65535, got "${value}"`);
  return port;
}

/** Whether the arguments ask for help (before a "--", after which everything is an argument). */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // An import may merge two existing customers (a bridge): what follows a merge is wired as in the server.
  wireMergeListeners();
  if (command === undefined || command === 'help' || asksForHelp(argv)) {
    console.log(HELP);
    return 0;
  }
  switch (command) {
    case 'serve': {
      const { values } = parseFor('serve', () => parseArgs({ args: rest, options: { port: { type: 'string' }, host: { type: 'string' } }, strict: true }));
      const port = portOption(values.port);
      if (values.host !== undefined && values.host.trim() === '') throw new UsageError('serve', '--host needs an address');
      const config = loadConfig();
      await serve({ ...config, port: port ?? config.port, host: values.host?.trim() ?? config.host });
      return -1; // keeps running
    }
    case 'migrate': {
      parseFor('migrate', () => parseArgs({ args: rest, options: {}, strict: true }));
      const handle = await openDatabase(loadConfig());
      try {
        const applied = await migrate(handle);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
      } finally {
        await handle.close();
      }
      return 0;
    }
    case 'user': {
      const [sub, ...args] = rest;
      if (sub !== 'create') break;
      const { values } = parseFor('user create', () => parseArgs({
        args,
        options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string', default: 'viewer' }, name: { type: 'string' } },
        strict: true,
      }));
      if (!values.email || !values.password) throw new UsageError('user create', 'needs --email and --password');
      const handle = await openDatabase(loadConfig());
      try {
        await migrate(handle);
        const user = await createUser(handle.db, { email: values.email, password: values.password, role: values.role ?? 'viewer', displayName: values.name });
        console.log(`Created ${user.role} ${user.email} (${user.id})`);
      } finally {
        await handle.close();
      }
      return 0;
    }
    case 'import': {
      const { values, positionals } = parseFor('import', () => parseArgs({
        args: rest,
        options: { mapping: { type: 'string' }, report: { type: 'string' }, event: { type: 'string' }, validate: { type: 'boolean', default: false } },
        allowPositionals: true,
        strict: true,
      }));
      if (positionals.length > 1) throw new UsageError('import', `takes one FILE, got ${positionals.length}: ${positionals.join(' ')}`);
      const file = positionals[0];
      if (!file || !values.mapping) throw new UsageError('import', 'needs a FILE and --mapping PROFILE.json');
      const profileJson: unknown = JSON.parse(fs.readFileSync(values.mapping, 'utf8'));
      const kind = (profileJson as { kind?: unknown } | null)?.kind;
      if (values.event !== undefined && kind !== 'event_attendance') {
        throw new UsageError('import', `--event is for profiles of "kind": "event_attendance"; ${values.mapping} is ${typeof kind === 'string' ? `of kind "${kind}"` : 'a customer profile'}`);
      }
      const config = loadConfig();
      // Order and event-attendance profiles ("kind") have their own importer.
      if (isCommerceProfileJson(profileJson)) {
        if (values.validate) throw new UsageError('import', `--validate checks customer profiles; ${values.mapping} is of kind "${String(kind)}"`);
        return withDatabase(config, (db) => importCommerceFile(db, file, profileJson, { eventId: values.event, report: values.report, actor: CLI_ACTOR }));
      }
      const profile = parseImportProfile(profileJson);
      if (values.validate) {
        return withDatabase(config, async (db) => {
          await checkImportTarget(db, profile.source, 'customers', CLI_ACTOR);
          const report = await validateImport(db, {
            filePath: file,
            profile,
            onProgress: (p) => process.stderr.write(`\r${p.rows.toLocaleString()} rows (${Math.round((100 * p.bytesRead) / Math.max(1, p.totalBytes))}%)`),
          });
          process.stderr.write('\n');
          console.log(formatValidation(report));
          return 0;
        });
      }
      return withDatabase(config, async (db) => {
        const summary = await runImport(db, {
          filePath: file,
          profile,
          actor: CLI_ACTOR,
          onProgress: (p) => process.stderr.write(p.phase === 'reading'
            ? `\r${p.rows.toLocaleString()} rows (${Math.round((100 * p.bytesRead) / Math.max(1, p.totalBytes))}%)${p.resolved === undefined ? '' : `; identities resolved ${p.resolved.toLocaleString()}`}`
            : `\r${p.rows.toLocaleString()} rows read; identities resolved ${(p.resolved ?? 0).toLocaleString()} of ${(p.pending ?? p.resolved ?? 0).toLocaleString()}`),
        });
        process.stderr.write('\n');
        console.log(formatSummary(summary));
        if (values.report) {
          await writeReport(db, summary.runId, values.report);
          console.log(`Per-row report: ${values.report}`);
        }
        return 0;
      });
    }
    case 'companies': {
      const [sub, ...args] = rest;
      if (sub !== 'dedupe') break;
      parseFor('companies dedupe', () => parseArgs({ args, options: {}, strict: true }));
      return withDatabase(loadConfig(), async (db) => {
        const s = await dedupeCompanies(db, CLI_ACTOR);
        console.log([
          `Companies: ${s.companies}; merged ${s.merged} into ${s.groups} companies; placeholders retired ${s.placeholders}`,
          `  keyed ${s.keyed}; pairs left for review ${s.reviews}; customers recomputed ${s.customers}`,
        ].join('\n'));
        return 0;
      });
    }
    case 'export': {
      const [what, ...args] = rest;
      if (what === 'links') {
        const { values } = parseFor('export links', () => parseArgs({ args, options: { out: { type: 'string' } }, strict: true }));
        return withDatabase(loadConfig(), (db) => writeExport(values.out, (out) => exportLinks(db, out, CLI_ACTOR)));
      }
      if (what !== 'customers') break;
      const { values } = parseFor('export customers', () => parseArgs({
        args,
        options: {
          out: { type: 'string' }, format: { type: 'string', default: 'csv' }, encoding: { type: 'string', default: 'utf-8' },
          'provision-to': { type: 'string' }, 'provision-purpose': { type: 'string' },
        },
        strict: true,
      }));
      const { format, encoding } = values;
      const recipient = values['provision-to']?.trim();
      if (values['provision-to'] !== undefined && !recipient) throw new UsageError('export customers', '--provision-to names the recipient (第三者提供の提供先)');
      const provision = recipient ? { recipient, purpose: values['provision-purpose'] ?? null } : undefined;
      if (format !== 'csv' && format !== 'jsonl') throw new UsageError('export customers', `--format is csv or jsonl, got "${format}"`);
      if (encoding !== 'utf-8' && encoding !== 'cp932') throw new UsageError('export customers', `--encoding is utf-8 or cp932, got "${encoding}"`);
      return withDatabase(loadConfig(), (db) => writeExport(values.out, (out) => exportCustomers(db, out, format, encoding, CLI_ACTOR, {}, provision)));
    }
    case 'segment': {
      const [what, ...args] = rest;
      if (what !== 'count' && what !== 'export') break;
      const command = what === 'count' ? 'segment count' : 'segment export';
      const { values, positionals } = parseFor(command, () => parseArgs({
        args, allowPositionals: true,
        options: what === 'export' ? { out: { type: 'string' }, encoding: { type: 'string', default: 'utf-8' } } : {},
        strict: true,
      }));
      const file = positionals[0];
      if (!file || positionals.length > 1) throw new UsageError(command, 'give one definition file (JSON)');
      const definition = readDefinitionFile(command, file);
      const encoding = (values as { encoding?: string }).encoding ?? 'utf-8';
      if (encoding !== 'utf-8' && encoding !== 'cp932') throw new UsageError(command, `--encoding is utf-8 or cp932, got "${encoding}"`);
      return withDatabase(loadConfig(), async (db) => {
        try {
          if (what === 'count') {
            const { count, ms } = await countSegment(db, definition);
            console.log(`${count}`);
            console.error(`(${ms} ms)`);
            return 0;
          }
          return await writeExport((values as { out?: string }).out, (out) => exportDefinition(db, definition, out, encoding, CLI_ACTOR));
        } catch (error) {
          if (error instanceof AppError && error.code === 'validation_failed') {
            console.error(`The segment definition is invalid (セグメントの条件が正しくありません):\n${error.fieldErrors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`);
            return 1;
          }
          throw error;
        }
      });
    }
    case 'rfm': {
      const [what, ...args] = rest;
      if (what !== 'recompute' && what !== 'export') break;
      const command = what === 'recompute' ? 'rfm recompute' : 'rfm export';
      const { values } = parseFor(command, () => parseArgs({
        args,
        options: { 'as-of': { type: 'string' }, bins: { type: 'string' }, currency: { type: 'string' }, out: { type: 'string' } },
        strict: true,
      }));
      const asOf = values['as-of'];
      if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/u.test(asOf)) throw new UsageError(command, `--as-of is a date YYYY-MM-DD, got "${asOf}"`);
      const bins = values.bins === undefined ? undefined : Number(values.bins);
      if (bins !== undefined && !(Number.isInteger(bins) && bins >= 2 && bins <= 10)) throw new UsageError(command, `--bins is a whole number from 2 to 10, got "${values.bins}"`);
      const currency = values.currency?.toUpperCase();
      if (currency !== undefined && !/^[A-Z]{3}$/u.test(currency)) throw new UsageError(command, `--currency is an ISO 4217 code such as JPY, got "${values.currency}"`);
      return withDatabase(loadConfig(), async (db) => {
        if (what === 'recompute') {
          const s = await recomputeValues(db, { asOf, bins, currency });
          if (s.skipped) { console.error('Another process is recomputing customer values; try again in a moment'); return 1; }
          console.log(`RFM as of ${s.asOf} (${s.currency}): ${s.customers} buyers scored in ${s.seconds.toFixed(1)} s`);
          return 0;
        }
        return writeExport(values.out, async (out) => {
          const write = lineWriter(out, 'utf-8');
          await write(csvLine(['customer_id', 'recency_days', 'frequency', 'monetary', 'r', 'f', 'm', 'tier']));
          const { rows, summary } = await exportValuesAsOf(db, { asOf, bins, currency }, (cells) => write(csvLine(cells)));
          await audit(db, CLI_ACTOR, 'export.rfm', null, { rows, asOf: summary.asOf, currency: summary.currency });
          return rows;
        });
      });
    }
    case 'recommend': {
      const [what, ...args] = rest;
      if (what !== 'run' && what !== 'export') break;
      const command = what === 'run' ? 'recommend run' : 'recommend export';
      const { values } = parseFor(command, () => parseArgs({
        args, options: what === 'run' ? { k: { type: 'string' } } : { k: { type: 'string' }, 'as-of': { type: 'string' }, out: { type: 'string' } }, strict: true,
      }));
      const v = values as { k?: string; 'as-of'?: string; out?: string };
      const k = v.k === undefined ? 10 : Number(v.k);
      if (!(Number.isInteger(k) && k >= 1 && k <= 50)) throw new UsageError(command, `--k is a whole number from 1 to 50, got "${v.k}"`);
      const asOf = v['as-of'];
      if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/u.test(asOf)) throw new UsageError(command, `--as-of is a date YYYY-MM-DD, got "${asOf}"`);
      return withDatabase(loadConfig(), async (db) => {
        if (what === 'run') {
          const started = await startRecommendRun(db, { k });
          if (!started) { console.error('Another process is computing the candidates; try again when it has finished'); return 1; }
          const result = await started.done;
          console.log(`Cross-sell candidates: ${result.buyers} buyers in ${result.seconds.toFixed(1)} s (peak RSS ${result.peakRssMb} MB)`);
          return 0;
        }
        return writeExport(v.out, async (out) => {
          const write = lineWriter(out, 'utf-8');
          await write(csvLine(['customer_id', 'rank', 'sku', 'score', 'reason']));
          // Audited, with whom the file carries (the disclosure report of each lists this export).
          const summary = await exportCandidatesAudited(db, { k, asOf: asOf ?? null }, (cells) => write(csvLine(cells)), CLI_ACTOR);
          console.error(`${summary.buyers} buyers, ${summary.rows} rows in ${summary.seconds.toFixed(1)} s (peak RSS ${summary.peakRssMb} MB)`);
          return summary.rows;
        });
      });
    }
    case 'backup': {
      const { values } = parseFor('backup', () => parseArgs({ args: rest, options: { out: { type: 'string' }, format: { type: 'string', default: 'auto' } }, strict: true }));
      if (!values.out) throw new UsageError('backup', 'needs --out FILE');
      const format = values.format;
      if (format !== 'auto' && format !== 'rows' && format !== 'pg_dump') throw new UsageError('backup', `--format is auto, rows or pg_dump, got "${format}"`);
      const handle = await openDatabase(loadConfig());
      try {
        await migrate(handle);
        const backup = await createBackup(handle, { out: values.out, kind: 'manual', format: format as BackupFormat | 'auto' });
        await audit(handle.db, CLI_ACTOR, 'backup.create', null, { file: backup.filePath, format: backup.format, bytes: backup.bytes, schemaVersion: backup.schemaVersion });
        console.log(`Backed up (${backup.format}, schema ${backup.schemaVersion}) to ${backup.filePath}: ${backup.bytes.toLocaleString()} bytes in ${backup.seconds.toFixed(1)} s\n  sha256 ${backup.checksum}`);
      } finally {
        await handle.close();
      }
      return 0;
    }
    case 'restore': {
      const { values, positionals } = parseFor('restore', () => parseArgs({ args: rest, options: { force: { type: 'boolean', default: false } }, allowPositionals: true, strict: true }));
      if (positionals.length !== 1) throw new UsageError('restore', 'give one backup FILE');
      const file = positionals[0]!;
      if (!fs.existsSync(file)) throw new UsageError('restore', `no such file: ${file}`);
      const handle = await openDatabase(loadConfig());
      try {
        const result = await restoreBackup(handle, file, { force: values.force ?? false });
        await audit(handle.db, CLI_ACTOR, 'backup.restore', null, { file: path.resolve(file), format: result.format, schemaVersion: result.schemaVersion, rows: result.rows, forced: values.force ?? false });
        console.log(`Restored ${file} (${result.format}, schema ${result.schemaVersion}${result.rows === null ? '' : `, ${result.rows.toLocaleString()} rows`}) in ${result.seconds.toFixed(1)} s${result.migrated.length ? `\n  then applied migrations: ${result.migrated.join(', ')}` : ''}`);
      } finally {
        await handle.close();
      }
      return 0;
    }
    case 'campaign': {
      const [what, ...args] = rest;
      if (what !== 'audience') break;
      const command = 'campaign audience';
      const { values } = parseFor(command, () => parseArgs({
        args, options: { channel: { type: 'string' }, segment: { type: 'string' }, out: { type: 'string' } }, strict: true,
      }));
      const channel = values.channel;
      if (channel !== 'email' && channel !== 'dm') throw new UsageError(command, `--channel is email or dm, got "${channel ?? ''}"`);
      const definition = values.segment === undefined ? undefined : readDefinitionFile(command, values.segment);
      return withDatabase(loadConfig(), async (db) => {
        try {
          return await writeExport(values.out, async (out) => {
            const write = lineWriter(out, 'utf-8');
            await write(csvLine(['customer_id', 'address', 'status', 'reason']));
            const tracker = exportTracker(db);
            const summary = await writeAudience(db, { channel, definition }, async (cells) => {
              await tracker.see(cells[0]!);
              await write(csvLine(cells));
            });
            await tracker.flush();
            await audit(db, CLI_ACTOR, 'export.campaign_audience', null, {
              channel, rows: summary.considered, send: summary.send, segment: values.segment ?? null, exportId: tracker.exportId, customers: tracker.customers,
            });
            console.error(`${summary.considered} considered, ${summary.send} to send${summary.suppressed.map((s) => `, ${s.reason} ${s.count}`).join('')} (${summary.ms} ms)`);
            return summary.considered;
          });
        } catch (error) {
          if (error instanceof AppError && error.code === 'validation_failed') {
            console.error(`The segment definition is invalid (セグメントの条件が正しくありません):\n${error.fieldErrors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`);
            return 1;
          }
          throw error;
        }
      });
    }
  }
  console.error(`Unknown command: ${argv.join(' ')}\n\n${HELP}`);
  return 2;
}

/** A definition file: the condition tree, or an object holding it as "definition" (a saved segment's JSON). */
function readDefinitionFile(command: Command, file: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(command, `cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  return parsed && typeof parsed === 'object' && 'definition' in parsed ? (parsed as { definition: unknown }).definition : parsed;
}

/** Writes an export to --out (or stdout), reporting the rows written to a file. */
async function writeExport(file: string | undefined, write: (out: ReturnType<typeof openOutput>) => Promise<number>): Promise<number> {
  const out = openOutput(file);
  const n = await write(out);
  if (file) {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    console.error(`Wrote ${n} rows to ${file}`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exit(code); },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`daicho ${error.command}: ${error.message}\n\nUsage: ${USAGE[error.command]}\n(daicho help describes every command)`);
      process.exit(2);
    }
    if (error instanceof AppError) {
      console.error(`Error: ${error.message}${error.fieldErrors.map((f) => `\n  ${f.field}: ${f.message}`).join('')}`);
    } else {
      console.error(error instanceof Error ? error.message : error);
    }
    process.exit(1);
  },
);

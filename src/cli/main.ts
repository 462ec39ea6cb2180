import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { createUser } from '../features/users/users.service.ts';
import { AppError } from '../app/errors.ts';
import { serve } from './serve.ts';
import fs from 'node:fs';
import os from 'node:os';
import type { Actor } from '../app/context.ts';
import type { Db } from '../db/database.ts';
import { parseImportProfile } from '../domain/import/profile.ts';
import { runImport, type ImportSummary } from '../features/import/import.service.ts';
import { validateImport, type ValidationReport } from '../features/import/validate.service.ts';
import { checkImportTarget } from '../features/sources/sources.service.ts';
import { isCommerceProfileJson } from '../domain/commerce/profile.ts';
import { importCommerceFile } from '../features/commerce/cli.ts';
import { exportCustomers, exportLinks, importReportLines, openOutput } from '../features/import/export.service.ts';

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
    `  values flagged ${s.flagged}; merged into existing or shared customers ${s.merged}, new customers ${s.customersCreated}, sent to review ${s.review}`,
    ...(s.quarantined > 0 ? [`  set aside because their identity resolution failed (see 名寄せレビュー; retry there after a fix) ${s.quarantined}`] : []),
    `  run ${s.runId}`,
  ].join('\n');
}

function formatValidation(r: ValidationReport): string {
  const byField = Object.entries(r.flaggedByField).map(([field, n]) => `${field} ${n}`).join(', ');
  return [
    `Validated ${r.file} as source "${r.source}" (${r.encoding ?? 'xlsx'}) in ${r.seconds.toFixed(1)} s; nothing was written`,
    `  rows read ${r.read}, rejected ${r.rejected}; values flagged ${r.flagged}${byField ? ` (${byField})` : ''}`,
    `  records new ${r.new}, updated ${r.updated}, unchanged ${r.unchanged}; repeated ids ${r.duplicateIds}, blank ids ${r.blankIds}`,
    ...r.issues.map((i) => `  line ${i.line}: ${i.severity}${i.field ? ` ${i.field}` : ''}: ${i.reason}${i.value === null ? '' : ` (${JSON.stringify(i.value)})`}`),
    ...(r.issuesTruncated ? [`  … only the first ${r.issues.length} issues are listed`] : []),
  ].join('\n');
}

async function writeReport(db: Db, runId: string, file: string): Promise<void> {
  fs.writeFileSync(file, `${(await importReportLines(db, runId)).join('\n')}\n`);
}

const HELP = `Daicho (台帳) — customer data platform

Usage: npm run daicho -- <command> [options]     (or: daicho <command> when installed)

Commands:
  serve                         Start the server (web UI + API). Applies migrations first.
  migrate                       Apply database migrations and exit.
  user create --email E --password P [--role admin|manager|marketing|sales|viewer] [--name NAME]
                                Create a user (role defaults to viewer). The password needs 10+ characters and
                                may not be a common one, a repeated or consecutive run, or the e-mail address.
  import FILE --mapping PROFILE.json [--report REPORT.csv] [--validate]
                                Import a CSV/TSV/XLSX export (UTF-8, UTF-8 BOM or CP932, detected) with an
                                import profile; resolves identities; prints a summary.
                                --validate reads the whole file as the import would and writes nothing: prints
                                the rows it would reject, the values it would flag and the records it would
                                add, change or leave unchanged.
                                A profile with "kind": "orders" imports orders (one row per line, grouped by
                                order_id_column); "kind": "event_attendance" imports registrations/attendance
                                (--event ID unless the profile has event_column).
  export links [--out FILE]     CSV source,external_id,customer_id: one row per imported source record.
  export customers [--format csv|jsonl] [--encoding utf-8|cp932] [--out FILE]
                                Golden records (audited).
  help                          Show this help.

The database is PGlite in DAICHO_DATA_DIR (default ./data), or PostgreSQL when DATABASE_URL is set.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve':
      await serve(config);
      return -1; // keeps running
    case 'migrate': {
      const handle = await openDatabase(config);
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
      const { values } = parseArgs({
        args,
        options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string', default: 'viewer' }, name: { type: 'string' } },
        strict: true,
      });
      if (!values.email || !values.password) {
        console.error('user create needs --email and --password');
        return 2;
      }
      const handle = await openDatabase(config);
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
      const { values, positionals } = parseArgs({
        args: rest,
        options: { mapping: { type: 'string' }, report: { type: 'string' }, event: { type: 'string' }, validate: { type: 'boolean', default: false } },
        allowPositionals: true,
        strict: true,
      });
      const file = positionals[0];
      if (!file || !values.mapping) {
        console.error('import needs a FILE and --mapping PROFILE.json');
        return 2;
      }
      const profileJson: unknown = JSON.parse(fs.readFileSync(values.mapping, 'utf8'));
      // Order and event-attendance profiles ("kind") have their own importer.
      if (isCommerceProfileJson(profileJson)) return withDatabase(config, (db) => importCommerceFile(db, file, profileJson, { eventId: values.event, report: values.report, actor: CLI_ACTOR }));
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
    case 'export': {
      const [what, ...args] = rest;
      const { values } = parseArgs({
        args,
        options: { out: { type: 'string' }, format: { type: 'string', default: 'csv' }, encoding: { type: 'string', default: 'utf-8' } },
        strict: true,
      });
      if (what !== 'links' && what !== 'customers') break;
      if (values.format !== 'csv' && values.format !== 'jsonl') { console.error('--format is csv or jsonl'); return 2; }
      if (values.encoding !== 'utf-8' && values.encoding !== 'cp932') { console.error('--encoding is utf-8 or cp932'); return 2; }
      const format = values.format;
      const encoding = values.encoding;
      return withDatabase(config, async (db) => {
        const out = openOutput(values.out);
        const n = what === 'links' ? await exportLinks(db, out, CLI_ACTOR) : await exportCustomers(db, out, format, encoding, CLI_ACTOR);
        if (values.out) {
          await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
          console.error(`Wrote ${n} rows to ${values.out}`);
        }
        return 0;
      });
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP);
      return 0;
  }
  console.error(`Unknown command: ${argv.join(' ')}\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exit(code); },
  (error: unknown) => {
    if (error instanceof AppError) {
      console.error(`Error: ${error.message}${error.fieldErrors.map((f) => `\n  ${f.field}: ${f.message}`).join('')}`);
    } else {
      console.error(error instanceof Error ? error.message : error);
    }
    process.exit(1);
  },
);

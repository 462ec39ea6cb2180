import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { createUser } from '../features/users/users.service.ts';
import { AppError } from '../app/errors.ts';
import { serve } from './serve.ts';

const HELP = `Daicho (台帳) — customer data platform

Usage: npm run daicho -- <command> [options]     (or: daicho <command> when installed)

Commands:
  serve                         Start the server (web UI + API). Applies migrations first.
  migrate                       Apply database migrations and exit.
  user create --email E --password P [--role admin|manager|marketing|sales|viewer] [--name NAME]
                                Create a user (role defaults to viewer).
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

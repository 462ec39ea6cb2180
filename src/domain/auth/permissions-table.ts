import { PERMISSIONS, ROLES, ROLE_PERMISSIONS, type Permission } from './permissions.ts';

/** The permission matrix as a Markdown table (docs/PERMISSIONS.md embeds it; a test keeps the two equal). */
export function permissionsMarkdownTable(): string {
  const header = `| permission | what it allows | ${ROLES.join(' | ')} |`;
  const rule = `|---|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = (Object.keys(PERMISSIONS) as Permission[]).map(
    (p) => `| \`${p}\` | ${PERMISSIONS[p]} | ${ROLES.map((r) => (ROLE_PERMISSIONS[r].has(p) ? '✔' : '—')).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}

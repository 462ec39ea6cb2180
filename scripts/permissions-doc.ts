// Prints the permission matrix table for docs/PERMISSIONS.md: npx tsx scripts/permissions-doc.ts
import { permissionsMarkdownTable } from '../src/domain/auth/permissions-table.ts';
console.log(permissionsMarkdownTable());

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { permissionsMarkdownTable } from '../../src/domain/auth/permissions-table.ts';
import { ROLE_PERMISSIONS } from '../../src/domain/auth/permissions.ts';

test('docs/PERMISSIONS.md shows the matrix the code enforces', () => {
  const doc = fs.readFileSync(new URL('../../docs/PERMISSIONS.md', import.meta.url), 'utf8');
  assert.ok(doc.includes(permissionsMarkdownTable()), 'regenerate with: npx tsx scripts/permissions-doc.ts');
});

test('roles are ordered: each role can do no more than the one above it, viewers cannot see personal data', () => {
  const order = ['admin', 'manager', 'marketing', 'viewer'] as const;
  for (let i = 1; i < order.length; i++) {
    for (const p of ROLE_PERMISSIONS[order[i]!]) assert.ok(ROLE_PERMISSIONS[order[i - 1]!].has(p), `${order[i]} has ${p} but ${order[i - 1]} does not`);
  }
  assert.equal(ROLE_PERMISSIONS.viewer.has('customers:read_personal'), false);
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLES, can, type Permission, type Role } from '../../src/domain/auth/permissions.ts';
import { createUser } from '../../src/platform/accounts/users.service.ts';
import { ENGINES } from '../support/engines.ts';
import { sessionClient, startTestApp, type TestApp } from '../support/app.ts';

interface Operation { method: string; path: string; access: string }

const PASSWORD = 'matrix password 1';

/**
 * Walks every operation of the OpenAPI document with every role: each gets exactly what the permission
 * matrix (src/domain/auth/permissions.ts, docs/PERMISSIONS.md) says — 403 where it is not allowed, never
 * 401/403 where it is. Allowed calls may answer 400/404 here (placeholder ids and bodies): that is past the check.
 */
for (const engine of ENGINES) {
  describe(`permission matrix [${engine}]`, () => {
    let t: TestApp;
    let operations: Operation[];
    const sessions = new Map<Role, Awaited<ReturnType<typeof sessionClient>>>();

    before(async () => {
      t = await startTestApp(engine);
      for (const role of ROLES) {
        await createUser(t.database.db, { email: `${role}@matrix.example`, password: PASSWORD, role });
        sessions.set(role, await sessionClient(t.app, `${role}@matrix.example`, PASSWORD));
      }
      const doc = await (await t.app.request('/api/openapi.json')).json() as { paths: Record<string, Record<string, { 'x-permission'?: string }>> };
      operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, access: op['x-permission'] ?? '(none)' })));
    });
    after(async () => t.close());

    test('every operation declares who may call it', () => {
      assert.ok(operations.length >= 25, `found ${operations.length} operations`);
      for (const op of operations) assert.notEqual(op.access, '(none)', `${op.method} ${op.path} has no x-permission`);
    });

    test('without credentials every non-public operation answers 401', async () => {
      for (const op of operations.filter((o) => o.access !== 'public')) {
        const res = await t.app.request(concrete(op.path), { method: op.method, headers: { 'content-type': 'application/json' }, ...(hasBody(op) ? { body: '{}' } : {}) });
        assert.equal(res.status, 401, `${op.method} ${op.path}`);
      }
    });

    test('each role gets exactly what the matrix says', async () => {
      const ordered = [...operations.filter((o) => o.path !== '/api/v1/auth/logout'), ...operations.filter((o) => o.path === '/api/v1/auth/logout')];
      for (const role of ROLES) {
        const session = sessions.get(role)!;
        for (const op of ordered.filter((o) => o.access !== 'public')) {
          const res = await session.request(op.method, concrete(op.path), hasBody(op) ? {} : undefined);
          const allowed = op.access === 'authenticated' || can(role, op.access as Permission);
          if (allowed) assert.ok(![401, 403].includes(res.status), `${role} ${op.method} ${op.path} → ${res.status} ${await res.text()}`);
          else assert.equal(res.status, 403, `${role} ${op.method} ${op.path}`);
          assert.notEqual(res.status, 500, `${role} ${op.method} ${op.path}`);
        }
      }
    });
  });
}

function concrete(path: string): string {
  return path.replace(/\{id\}/g, '00000000-0000-4000-8000-000000000000');
}

function hasBody(op: Operation): boolean {
  return op.method === 'POST' || op.method === 'PATCH' || op.method === 'PUT';
}

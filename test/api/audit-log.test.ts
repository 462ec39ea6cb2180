import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { audit } from '../../src/platform/audit/audit.service.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

const CUSTOMER_A = '11111111-1111-4111-8111-111111111111';
const CUSTOMER_B = '22222222-2222-4222-8222-222222222222';

for (const engine of ENGINES) {
  describe(`audit log API [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let sales: Client;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      sales = await t.as('sales');
      const db = t.database.db;
      const asUser = (c: Client) => ({ auth: { userId: c.userId, apiKeyId: null, email: c.email, role: 'admin' as const }, ip: '127.0.0.1', userAgent: 'test' }) as never;
      // Ten views of A by sales on 2026-03-0N, two updates of B by admin on 2026-04-01, one view of B by admin.
      for (let day = 1; day <= 9; day++) {
        await audit(db, asUser(sales), 'customer.view', { type: 'customer', id: CUSTOMER_A }, { day });
        await sql`UPDATE audit_log SET occurred_at = ${`2026-03-0${day}T03:00:00Z`}::timestamptz WHERE id = (SELECT max(id) FROM audit_log)`.execute(db);
      }
      for (const n of [1, 2]) {
        await audit(db, asUser(admin), 'customer.update', { type: 'customer', id: CUSTOMER_B }, { n });
        await sql`UPDATE audit_log SET occurred_at = '2026-04-01T03:00:00Z'::timestamptz WHERE id = (SELECT max(id) FROM audit_log)`.execute(db);
      }
      await audit(db, asUser(admin), 'customer.view', { type: 'customer', id: CUSTOMER_B });
      await sql`UPDATE audit_log SET occurred_at = '2026-04-02T03:00:00Z'::timestamptz WHERE id = (SELECT max(id) FROM audit_log)`.execute(db);
    });
    after(async () => t.close());

    const list = async (query: string) => {
      const { status, body } = await admin.json('GET', `/api/v1/audit-log?${query}`);
      assert.equal(status, 200, JSON.stringify(body));
      return body as { items: Array<{ id: number; action: string; entityId: string | null; actorUserId: string | null; occurredAt: string; details: Record<string, unknown> }>; nextCursor: string | null };
    };

    test('filters by user, action, target and date range, all together', async () => {
      const bySales = await list(`actorUserId=${sales.userId}`);
      assert.equal(bySales.items.length, 9);
      assert.ok(bySales.items.every((i) => i.actorUserId === sales.userId));

      const updates = await list('action=customer.update');
      assert.deepEqual(updates.items.map((i) => i.details.n), [2, 1], 'newest first');

      const onB = await list(`entityType=customer&entityId=${CUSTOMER_B}`);
      assert.deepEqual(onB.items.map((i) => i.action), ['customer.view', 'customer.update', 'customer.update']);

      // from inclusive, to exclusive: March 3rd up to (not including) March 6th.
      const range = await list(`from=${encodeURIComponent('2026-03-03T00:00:00+09:00')}&to=${encodeURIComponent('2026-03-06T00:00:00Z')}`);
      assert.deepEqual(range.items.map((i) => i.details.day), [5, 4, 3]);

      const combined = await list(`action=customer.view&entityId=${CUSTOMER_B}&from=2026-04-01T00:00:00Z`);
      assert.equal(combined.items.length, 1);
      assert.equal(combined.items[0]!.actorUserId, admin.userId);
    });

    test('pages by an opaque keyset cursor without gaps or repeats, under the same filters', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list(`action=customer.view&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        seen.push(...page.items.map((i) => i.id));
        assert.ok(page.items.every((i) => i.action === 'customer.view'));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      assert.equal(seen.length, 10);
      assert.equal(new Set(seen).size, 10);
      assert.deepEqual(seen, [...seen].sort((a, b) => b - a));
      assert.equal((await admin.request('GET', '/api/v1/audit-log?cursor=not-a-cursor')).status, 400);
      assert.equal((await admin.request('GET', '/api/v1/audit-log?from=yesterday')).status, 400);
    });

    test('exports the filtered log as CSV, and the export is audited with its filters', async () => {
      const query = `action=customer.view&entityId=${CUSTOMER_A}&from=2026-03-08T00:00:00Z`;
      const res = await admin.request('GET', `/api/v1/exports/audit-log.csv?${query}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/csv/u);
      const lines = (await res.text()).replace(/^\uFEFF/u, '').trim().split('\n');
      assert.equal(lines[0], 'id,occurred_at,actor_user_id,actor,via,action,entity_type,entity_id,ip,user_agent,details');
      assert.equal(lines.length, 3, lines.join('\n'));
      assert.ok(lines.slice(1).every((l) => l.includes(CUSTOMER_A) && l.includes('customer.view')));
      assert.match(lines[1]!, /2026-03-09T03:00:00\.000Z/u);

      const exports = await list('action=audit.export');
      assert.equal(exports.items.length, 1);
      assert.equal(exports.items[0]!.actorUserId, admin.userId);
      assert.deepEqual(exports.items[0]!.details, {
        rows: 2, filters: { action: 'customer.view', entityId: CUSTOMER_A, from: '2026-03-08T00:00:00Z' },
      });
    });

    test('the log and its export need audit:read', async () => {
      assert.equal((await sales.request('GET', '/api/v1/audit-log')).status, 403);
      assert.equal((await sales.request('GET', '/api/v1/exports/audit-log.csv')).status, 403);
    });
  });
}

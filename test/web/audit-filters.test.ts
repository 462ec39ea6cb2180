import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DICTIONARIES } from '../../src/web/i18n.ts';
import { AUDIT_ACTIONS, auditFilterProblems, auditPagePath, auditQueryOf, filtersFromSearch } from '../../src/web/pages/audit-filters.ts';

const empty = { user: '', action: '', customer: '', from: '', to: '' };
const CUSTOMER = '0f8fad5b-d9cb-469f-a165-70867728950e';

/** The instant of local midnight of a calendar day, however this process's time zone is set. */
const localMidnight = (y: number, m: number, d: number) => new Date(y, m - 1, d).toISOString();

test('a date range covers both days in the reader\'s calendar: from the first midnight to the midnight after the last day', () => {
  const q = auditQueryOf({ ...empty, from: '2026-03-01', to: '2026-03-31' });
  assert.deepEqual(q, { from: localMidnight(2026, 3, 1), to: localMidnight(2026, 4, 1) });
  // One day: from its midnight to the next; a year's last day rolls into the next year.
  assert.deepEqual(auditQueryOf({ ...empty, from: '2026-12-31', to: '2026-12-31' }), { from: localMidnight(2026, 12, 31), to: localMidnight(2027, 1, 1) });
});

test('a customer is the target (entityType customer); malformed ids and dates are left out, not sent', () => {
  assert.deepEqual(auditQueryOf({ ...empty, customer: CUSTOMER.toUpperCase(), user: 'u1', action: 'customer.view' }),
    { actorUserId: 'u1', action: 'customer.view', entityType: 'customer', entityId: CUSTOMER });
  assert.deepEqual(auditQueryOf({ ...empty, customer: 'yamada', from: '2026-02-30', to: 'tomorrow' }), {});
  assert.deepEqual(auditFilterProblems({ ...empty, customer: 'yamada' }), ['customer']);
  assert.deepEqual(auditFilterProblems({ ...empty, from: '2026-04-02', to: '2026-04-01' }), ['range']);
  assert.deepEqual(auditFilterProblems({ ...empty, customer: CUSTOMER, from: '2026-04-01', to: '2026-04-01' }), []);
});

test('the filters round-trip through the page URL, empty ones left out', () => {
  const filters = { ...empty, action: 'export.customers', from: '2026-03-01' };
  const path = auditPagePath(filters);
  assert.equal(path, '/audit-log?action=export.customers&from=2026-03-01');
  assert.deepEqual(filtersFromSearch(new URL(path, 'http://x').searchParams), filters);
  assert.equal(auditPagePath(empty), '/audit-log');
});

test('every action of the filter reads in Japanese and in English', () => {
  for (const action of AUDIT_ACTIONS) {
    const key = `audit.action.${action}`;
    const ja = (DICTIONARIES.ja as Record<string, string>)[key];
    const en = (DICTIONARIES.en as Record<string, string>)[key];
    assert.ok(ja && /[\u3040-\u30ff\u4e00-\u9fff]/u.test(ja), `ja: ${key}`);
    assert.ok(en, `en: ${key}`);
  }
});

test('the action filter offers every action the services record', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const recorded = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !full.includes(`${path.sep}web${path.sep}`)) {
        for (const m of fs.readFileSync(full, 'utf8').matchAll(/\baudit\([^']{0,300}?'([a-z_]+\.[a-z_]+)'/gu)) recorded.add(m[1]!);
      }
    }
  };
  walk('src');
  assert.ok(recorded.size > 30, `found ${recorded.size} actions`);
  assert.deepEqual([...recorded].filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a)).sort(), []);
});

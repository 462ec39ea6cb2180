import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/config.ts';
import { deleteStaleRateLimits } from '../../src/platform/accounts/auth.repository.ts';
import { issueSetupTokenIfNeeded } from '../../src/platform/accounts/auth.service.ts';
import { createUser } from '../../src/platform/accounts/users.service.ts';
import { ENGINES } from '../support/engines.ts';
import { sessionClient, startTestApp, type TestApp } from '../support/app.ts';

const post = (t: TestApp, path: string, body: unknown, headers: Record<string, string> = {}) =>
  t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

for (const engine of ENGINES) {
  describe(`auth [${engine}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine, { loginRateLimit: { ...loadConfig({}).loginRateLimit, maxAttempts: 5 } });
    });
    after(async () => t.close());

    test('first run needs the console token, creates the admin once, then closes', async () => {
      assert.deepEqual(await (await t.app.request('/api/v1/auth/setup')).json(), { needsSetup: true });
      const token = await issueSetupTokenIfNeeded(t.database.db);
      assert.ok(token);
      const wrong = await post(t, '/api/v1/auth/setup', { token: 'guess', email: 'boss@example.co.jp', password: 'long enough pw' });
      assert.equal(wrong.status, 400);
      const weak = await post(t, '/api/v1/auth/setup', { token, email: 'boss@example.co.jp', password: 'short' });
      assert.equal(weak.status, 400);
      const ok = await post(t, '/api/v1/auth/setup', { token, email: 'boss@example.co.jp', password: 'long enough pw', displayName: '社長' });
      assert.equal(ok.status, 201, await ok.clone().text());
      assert.equal((await ok.json()).role, 'admin');
      const again = await post(t, '/api/v1/auth/setup', { token, email: 'x@example.co.jp', password: 'long enough pw' });
      assert.equal(again.status, 409);
      assert.deepEqual(await (await t.app.request('/api/v1/auth/setup')).json(), { needsSetup: false });
      assert.equal(await issueSetupTokenIfNeeded(t.database.db), null);
    });

    test('login sets an httpOnly SameSite=Lax cookie; writes need the CSRF header', async () => {
      const session = await sessionClient(t.app, 'BOSS@example.co.jp', 'long enough pw');
      assert.match(session.setCookie, /HttpOnly/i);
      assert.match(session.setCookie, /SameSite=Lax/i);
      assert.doesNotMatch(session.setCookie, /Secure/i, 'plain http in tests');
      const me = await session.request('GET', '/api/v1/auth/me');
      assert.equal(me.status, 200);
      assert.equal((await me.json()).user.displayName, '社長');
      const noCsrf = await session.request('POST', '/api/v1/customers', { familyName: '山田' }, { csrf: false });
      assert.equal(noCsrf.status, 403);
      assert.equal((await noCsrf.json()).code, 'csrf_failed');
      const withCsrf = await session.request('POST', '/api/v1/customers', { familyName: '山田' });
      assert.equal(withCsrf.status, 201);
      const logout = await session.request('POST', '/api/v1/auth/logout');
      assert.equal(logout.status, 204);
      assert.equal((await session.request('GET', '/api/v1/auth/me')).status, 401);
    });

    test('Secure cookie behind https', async () => {
      const secure = await startTestApp(engine, { publicUrl: 'https://daicho.example.co.jp' });
      try {
        await secure.as('admin');
        const res = await post(secure, '/api/v1/auth/login', { email: 'admin@example.co.jp', password: 'correct horse battery' });
        assert.match(res.headers.get('set-cookie') ?? '', /Secure/);
      } finally {
        await secure.close();
      }
    });

    test('failed logins are rate limited and audited, and never say which part was wrong', async () => {
      const unknown = await post(t, '/api/v1/auth/login', { email: 'nobody@example.co.jp', password: 'whatever pw' });
      const wrongPw = await post(t, '/api/v1/auth/login', { email: 'boss@example.co.jp', password: 'wrong password' });
      assert.equal(unknown.status, 401);
      assert.equal(wrongPw.status, 401);
      assert.equal((await unknown.json()).title, (await wrongPw.json()).title);
      let last = 0;
      for (let i = 0; i < 6; i++) last = (await post(t, '/api/v1/auth/login', { email: 'boss@example.co.jp', password: 'wrong password' })).status;
      assert.equal(last, 429);
      const limited = await post(t, '/api/v1/auth/login', { email: 'boss@example.co.jp', password: 'long enough pw' });
      assert.equal(limited.status, 429, 'even the right password waits out the window');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      const rows = await t.database.db.selectFrom('audit_log').select('action').where('action', 'like', 'auth.%').execute();
      const actions = rows.map((r) => r.action);
      assert.ok(actions.includes('auth.login'));
      assert.ok(actions.includes('auth.login_failed'));
      assert.ok(actions.includes('auth.login_rate_limited'));
      assert.ok(actions.includes('auth.setup'));
      const details = await t.database.db.selectFrom('audit_log').select('details').execute();
      assert.ok(!JSON.stringify(details).includes('wrong password'), 'passwords never reach the audit log');
    });

    test('API keys: shown once, stored hashed, revocable; keys cannot mint keys', async () => {
      await t.database.db.deleteFrom('rate_limits').execute();
      const session = await sessionClient(t.app, 'boss@example.co.jp', 'long enough pw');
      const created = await session.request('POST', '/api/v1/auth/api-keys', { name: 'ETL' });
      assert.equal(created.status, 201);
      const { key, id, prefix } = await created.json();
      assert.match(key, /^dk_[A-Za-z0-9]{8}_/);
      const stored = await t.database.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.notEqual(stored.key_hash, key);
      assert.ok(!stored.key_hash.includes(key.slice(12)));
      const list = await (await session.request('GET', '/api/v1/auth/api-keys')).json();
      assert.equal(list.items[0].prefix, prefix);
      assert.ok(!JSON.stringify(list).includes(key), 'the secret is never shown again');
      const bearer = (path: string, method = 'GET', body?: unknown) => t.app.request(path, {
        method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}),
      });
      assert.equal((await bearer('/api/v1/customers')).status, 200);
      assert.equal((await bearer('/api/v1/customers', 'POST', { familyName: '田中' })).status, 201, 'API keys need no CSRF token');
      assert.equal((await bearer('/api/v1/auth/api-keys', 'POST', { name: 'nested' })).status, 403);
      assert.equal((await session.request('DELETE', `/api/v1/auth/api-keys/${id}`)).status, 204);
      assert.equal((await bearer('/api/v1/customers')).status, 401);
      const forged = await t.app.request('/api/v1/customers', { headers: { authorization: `Bearer ${key.slice(0, -2)}xx` } });
      assert.equal(forged.status, 401);
    });

    test('an API key cannot be created already expired: 400 on expiresAt, and no key is made', async () => {
      await t.database.db.deleteFrom('rate_limits').execute();
      const session = await sessionClient(t.app, 'boss@example.co.jp', 'long enough pw');
      const before = (await (await session.request('GET', '/api/v1/auth/api-keys')).json()).items.length;
      for (const expiresAt of [new Date(Date.now() - 60_000).toISOString(), new Date().toISOString()]) {
        const refused = await session.request('POST', '/api/v1/auth/api-keys', { name: 'stale', expiresAt });
        assert.equal(refused.status, 400, expiresAt);
        const problem = await refused.json();
        assert.equal(problem.code, 'validation_failed');
        assert.deepEqual(problem.errors.map((e: { field: string }) => e.field), ['expiresAt']);
      }
      assert.equal((await (await session.request('GET', '/api/v1/auth/api-keys')).json()).items.length, before);
      const later = new Date(Date.now() + 86_400_000).toISOString();
      const ok = await session.request('POST', '/api/v1/auth/api-keys', { name: 'tomorrow', expiresAt: later });
      assert.equal(ok.status, 201);
      assert.equal((await ok.json()).expiresAt, later);
    });

    test('common and trivial passwords are refused wherever a password is set: setup, user create, password change', async () => {
      const fresh = await startTestApp(engine);
      try {
        const token = await issueSetupTokenIfNeeded(fresh.database.db);
        for (const password of ['aaaaaaaaaa', ' '.repeat(10), 'Password123', 'boss@example.co.jp']) {
          const refused = await post(fresh, '/api/v1/auth/setup', { token, email: 'boss@example.co.jp', password });
          assert.equal(refused.status, 400, JSON.stringify(password));
          const problem = await refused.json();
          assert.deepEqual(problem.errors.map((e: { field: string }) => e.field), ['password'], JSON.stringify(problem));
        }
        assert.deepEqual(await (await fresh.app.request('/api/v1/auth/setup')).json(), { needsSetup: true }, 'no administrator was made');
      } finally {
        await fresh.close();
      }
      const admin = await t.as('admin');
      const created = await admin.json('POST', '/api/v1/users', { email: 'weak@example.co.jp', password: 'qwertyuiop', role: 'sales' });
      assert.equal(created.status, 400);
      assert.match(created.body.errors[0].message, /most commonly used/);
      const spaces = await admin.json('POST', '/api/v1/users', { email: 'weak@example.co.jp', password: '　'.repeat(12), role: 'sales' });
      assert.equal(spaces.status, 400);
      assert.match(spaces.body.errors[0].message, /only spaces/);
      const user = await admin.json('POST', '/api/v1/users', { email: 'weak@example.co.jp', password: 'a sound passphrase', role: 'sales' });
      assert.equal(user.status, 201);
      const change = await admin.json('PATCH', `/api/v1/users/${user.body.id}`, { password: '1111111111' });
      assert.equal(change.status, 400);
      assert.match(change.body.errors[0].message, /repeated/);
      const own = await admin.json('PATCH', `/api/v1/users/${user.body.id}`, { password: 'weak@example.co.jp' });
      assert.equal(own.status, 400);
      assert.match(own.body.errors[0].message, /e-mail address/);
      assert.equal((await admin.json('PATCH', `/api/v1/users/${user.body.id}`, { password: 'another sound one' })).status, 200);
    });

    test('role changes are audited and end the user’s sessions; the last admin stays', async () => {
      const admin = await t.as('admin');
      const sales = await t.as('sales');
      const salesSession = await sessionClient(t.app, sales.email, 'correct horse battery');
      const change = await admin.json('PATCH', `/api/v1/users/${sales.userId}`, { role: 'viewer' });
      assert.equal(change.status, 200);
      assert.equal(change.body.role, 'viewer');
      assert.equal((await salesSession.request('GET', '/api/v1/auth/me')).status, 401);
      const log = await admin.json('GET', `/api/v1/audit-log?action=user.role_change&entityId=${sales.userId}`);
      assert.deepEqual(log.body.items[0].details, { from: 'sales', to: 'viewer' });
      const users = (await admin.json('GET', '/api/v1/users')).body.items as Array<{ id: string; role: string }>;
      for (const u of users.filter((u) => u.role === 'admin' && u.id !== admin.userId)) {
        assert.equal((await admin.json('PATCH', `/api/v1/users/${u.id}`, { disabled: true })).status, 200);
      }
      const demoteSelf = await admin.json('PATCH', `/api/v1/users/${admin.userId}`, { role: 'viewer' });
      assert.equal(demoteSelf.status, 409);
    });
  });
}

for (const engine of ENGINES) {
  describe(`login rate limits [${engine}]`, () => {
    // Client addresses come from X-Forwarded-For (DAICHO_TRUST_PROXY), as behind a reverse proxy.
    const login = (t: TestApp, email: string, password: string, address: string) =>
      post(t, '/api/v1/auth/login', { email, password }, { 'x-forwarded-for': address });
    const retryAfter = (res: Response) => Number(res.headers.get('retry-after'));
    /** As if the lockouts' time had passed: every window is over and every lockout ended a second ago (its step is kept). */
    const expireLockouts = (t: TestApp) => t.database.db.updateTable('rate_limits').set({
      window_start: sql<Date>`window_start - interval '1 day'`,
      locked_until: sql<Date | null>`CASE WHEN locked_until IS NOT NULL THEN now() - interval '1 second' END`,
    }).execute();
    const auditActions = async (t: TestApp, email: string) => (await t.database.db.selectFrom('audit_log')
      .select(['action', 'ip', 'details']).where('action', 'like', 'auth.login%').orderBy('id').execute())
      .filter((r) => (r.details as { email?: string }).email === email || r.action === 'auth.login');

    describe('with the default limits', () => {
      let t: TestApp;
      before(async () => {
        t = await startTestApp(engine, { trustProxy: true, trustedProxyHops: 1 });
        await createUser(t.database.db, { email: 'owner@example.co.jp', password: 'correct horse battery', role: 'sales' });
      });
      after(async () => t.close());

      test('a correct sign-in never counts: fifteen in a row from one address all succeed', async () => {
        for (let i = 0; i < 15; i++) {
          const res = await login(t, 'owner@example.co.jp', 'correct horse battery', '198.51.100.1');
          assert.equal(res.status, 200, `sign-in ${i + 1}`);
        }
      });

      test('eleven wrong passwords from one address lock that address out of the account, not the owner elsewhere', async () => {
        const statuses: number[] = [];
        let last: Response | undefined;
        for (let i = 0; i < 11; i++) {
          last = await login(t, 'owner@example.co.jp', `wrong password ${i}`, '203.0.113.10');
          statuses.push(last.status);
        }
        assert.deepEqual(statuses, [...Array(10).fill(401), 429], 'ten failures (DAICHO_LOGIN_MAX_ATTEMPTS), then wait');
        assert.ok(retryAfter(last!) > 290 && retryAfter(last!) <= 300, `Retry-After ${retryAfter(last!)}: the window`);
        const owner = await login(t, 'owner@example.co.jp', 'correct horse battery', '192.0.2.20');
        assert.equal(owner.status, 200, 'the owner signs in from another address');
        const attacker = await login(t, 'owner@example.co.jp', 'correct horse battery', '203.0.113.10');
        assert.equal(attacker.status, 429, 'the failing address waits, even with the right password');
        assert.ok(retryAfter(attacker) > 0 && retryAfter(attacker) <= 300);
        assert.equal((await login(t, 'owner@example.co.jp', 'correct horse battery', '198.51.100.1')).status, 200);

        const trail = await auditActions(t, 'owner@example.co.jp');
        const from = (ip: string, action: string) => trail.filter((r) => r.ip === ip && r.action === action);
        assert.equal(from('203.0.113.10', 'auth.login_failed').length, 10);
        assert.deepEqual(from('203.0.113.10', 'auth.login_lockout').map((r) => r.details),
          [{ email: 'owner@example.co.jp', scope: 'account_address', seconds: 300, step: 1 }]);
        assert.equal(from('203.0.113.10', 'auth.login_rate_limited').length, 2);
        assert.equal((from('203.0.113.10', 'auth.login_rate_limited')[0]!.details as { scope: string }).scope, 'account_address');
        assert.equal(from('192.0.2.20', 'auth.login').length, 1);
      });

      test('the address is the one the trusted proxy appended: a client writing its own X-Forwarded-For entries cannot pick another', async () => {
        await createUser(t.database.db, { email: 'spoofed@example.co.jp', password: 'correct horse battery', role: 'sales' });
        const statuses: number[] = [];
        for (let i = 0; i < 11; i++) {
          // The client sends a different address each time; the proxy appends the one it saw, 203.0.113.77.
          statuses.push((await login(t, 'spoofed@example.co.jp', `wrong password ${i}`, `198.51.100.${100 + i}, 203.0.113.77`)).status);
        }
        assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
        const ips = new Set((await auditActions(t, 'spoofed@example.co.jp')).filter((r) => r.action === 'auth.login_failed').map((r) => r.ip));
        assert.deepEqual([...ips], ['203.0.113.77']);
      });
    });

    describe('with small limits', () => {
      let t: TestApp;
      before(async () => {
        t = await startTestApp(engine, {
          trustProxy: true,
          trustedProxyHops: 1,
          loginRateLimit: { maxAttempts: 3, windowSeconds: 60, addressMaxFailures: 6, accountMaxFailures: 5, maxLockoutSeconds: 200 },
        });
        for (const name of ['kato', 'sato', 'ito', 'endo', 'ueda']) {
          await createUser(t.database.db, { email: `${name}@example.co.jp`, password: 'correct horse battery', role: 'sales' });
        }
      });
      after(async () => t.close());

      test('a repeated lockout lasts longer, up to the bound', async () => {
        const seen: number[] = [];
        for (let round = 0; round < 4; round++) {
          for (let i = 0; i < 3; i++) assert.equal((await login(t, 'kato@example.co.jp', 'wrong password', '203.0.113.50')).status, 401);
          const refused = await login(t, 'kato@example.co.jp', 'correct horse battery', '203.0.113.50');
          assert.equal(refused.status, 429);
          seen.push(retryAfter(refused));
          await expireLockouts(t);
        }
        const expected = [60, 120, 200, 200];
        seen.forEach((s, i) => assert.ok(s > expected[i]! - 10 && s <= expected[i]!, `lockout ${i + 1}: Retry-After ${s}, expected ${expected[i]}`));
        const steps = (await auditActions(t, 'kato@example.co.jp')).filter((r) => r.action === 'auth.login_lockout').map((r) => (r.details as { step: number }).step);
        assert.deepEqual(steps, [1, 2, 3, 4]);
        assert.equal((await login(t, 'kato@example.co.jp', 'correct horse battery', '203.0.113.50')).status, 200, 'after the last lockout, the right password');
        for (let i = 0; i < 3; i++) await login(t, 'kato@example.co.jp', 'wrong password', '203.0.113.50');
        const fresh = await login(t, 'kato@example.co.jp', 'correct horse battery', '203.0.113.50');
        assert.ok(retryAfter(fresh) > 50 && retryAfter(fresh) <= 60, 'a sign-in clears that address’s failures and backoff for the account');
        await expireLockouts(t);
      });

      test('a lockout that ended over a day ago no longer lengthens the next; buckets a day stale are pruned', async () => {
        const lockOnce = async () => {
          for (let i = 0; i < 3; i++) assert.equal((await login(t, 'sato@example.co.jp', 'wrong password', '203.0.113.55')).status, 401);
          const refused = await login(t, 'sato@example.co.jp', 'correct horse battery', '203.0.113.55');
          assert.equal(refused.status, 429);
          return retryAfter(refused);
        };
        assert.ok(await lockOnce() <= 60);
        await expireLockouts(t);
        assert.ok(await lockOnce() > 60, 'the second lockout within a day is longer');
        await t.database.db.updateTable('rate_limits').set({
          window_start: sql<Date>`now() - interval '2 days'`, locked_until: sql<Date>`now() - interval '25 hours'`,
        }).where((eb) => eb.or([eb('bucket', 'like', '%203.0.113.55%'), eb('bucket', 'like', '%sato@%')])).execute();
        assert.ok(await lockOnce() <= 60, 'a day after the last lockout ended, the next is the first again');

        await t.database.db.insertInto('rate_limits').values([
          { bucket: 'login:ip:stale', window_start: sql<Date>`now() - interval '2 days'`, hits: 2, locked_until: sql<Date>`now() - interval '25 hours'` },
          { bucket: 'login:ip:remembered', window_start: sql<Date>`now() - interval '2 days'`, hits: 0, locked_until: sql<Date>`now() - interval '2 hours'` },
          { bucket: 'form:x:stale', window_start: sql<Date>`now() - interval '2 days'`, hits: 3 },
        ]).execute();
        await deleteStaleRateLimits(t.database.db);
        const left = (await t.database.db.selectFrom('rate_limits').select('bucket').execute()).map((r) => r.bucket);
        assert.ok(!left.includes('login:ip:stale') && !left.includes('form:x:stale'));
        assert.ok(left.includes('login:ip:remembered'), 'a lockout within the day is kept for its backoff');
        assert.ok(left.some((b) => b.includes('203.0.113.55')), 'live buckets stay');
        await expireLockouts(t);
      });

      test('past the account-wide bar, an address that has been failing waits; one that has not may still try, once', async () => {
        for (let i = 0; i < 3; i++) await login(t, 'ito@example.co.jp', 'wrong password', '203.0.113.61');
        for (let i = 0; i < 2; i++) assert.equal((await login(t, 'ito@example.co.jp', 'wrong password', '203.0.113.62')).status, 401);
        // Five failures for the account from two addresses: the account-wide bar (5) is reached.
        const failing = await login(t, 'ito@example.co.jp', 'correct horse battery', '203.0.113.62');
        assert.equal(failing.status, 429, 'an address that has been failing for the account waits');
        assert.ok(retryAfter(failing) > 50 && retryAfter(failing) <= 60);
        assert.equal((await login(t, 'ito@example.co.jp', 'correct horse battery', '192.0.2.70')).status, 200, 'the owner, from an address that has not been failing');
        assert.equal((await login(t, 'ito@example.co.jp', 'wrong password', '198.51.100.71')).status, 401, 'a new address gets one try');
        assert.equal((await login(t, 'ito@example.co.jp', 'correct horse battery', '198.51.100.71')).status, 429, 'and only one while the account is locked');
        assert.equal((await login(t, 'endo@example.co.jp', 'correct horse battery', '203.0.113.62')).status, 200, 'other accounts from that address are not affected');
        const scopes = (await auditActions(t, 'ito@example.co.jp')).filter((r) => r.action === 'auth.login_lockout').map((r) => (r.details as { scope: string }).scope);
        assert.deepEqual(scopes, ['account_address', 'account', 'account_address']);
        await expireLockouts(t);
      });

      test('one address trying many accounts is locked out of all of them; other addresses are not', async () => {
        for (const [i, name] of ['a', 'b', 'c', 'd', 'e', 'f'].entries()) {
          assert.equal((await login(t, `${name}@example.co.jp`, 'correct horse battery', '203.0.113.80')).status, 401, `account ${i + 1}`);
        }
        const sprayer = await login(t, 'ueda@example.co.jp', 'correct horse battery', '203.0.113.80');
        assert.equal(sprayer.status, 429, 'even a real account with its right password, from that address');
        assert.ok(retryAfter(sprayer) > 50 && retryAfter(sprayer) <= 60);
        assert.equal((await login(t, 'ueda@example.co.jp', 'correct horse battery', '192.0.2.81')).status, 200);
        const lockout = (await t.database.db.selectFrom('audit_log').select(['details', 'ip']).where('action', '=', 'auth.login_lockout').where('ip', '=', '203.0.113.80').execute());
        assert.deepEqual(lockout.map((r) => (r.details as { scope: string }).scope), ['address']);
        await expireLockouts(t);
      });

      test('IPv6 clients count per /64: a guesser cannot step through the addresses of its own line', async () => {
        for (const host of ['a', 'b', 'c']) assert.equal((await login(t, 'endo@example.co.jp', 'wrong password', `2001:db8:1:2::${host}`)).status, 401);
        assert.equal((await login(t, 'endo@example.co.jp', 'correct horse battery', '2001:db8:1:2:ffff::d')).status, 429);
        assert.equal((await login(t, 'endo@example.co.jp', 'correct horse battery', '2001:db8:1:3::a')).status, 200, 'another /64');
        const ips = (await auditActions(t, 'endo@example.co.jp')).filter((r) => r.action === 'auth.login_failed').map((r) => r.ip);
        assert.deepEqual(ips, ['2001:db8:1:2::a', '2001:db8:1:2::b', '2001:db8:1:2::c'], 'the audit log keeps each full address');
        await expireLockouts(t);
      });

      test('attempts sent at once cannot go past the bar: the count is taken before the password is checked', async () => {
        const all = await Promise.all(Array.from({ length: 12 }, () => login(t, 'ueda@example.co.jp', 'wrong password', '203.0.113.90')));
        const statuses = all.map((r) => r.status);
        assert.ok(statuses.filter((s) => s === 401).length <= 3, `at most three answered, got ${statuses.join(',')}`);
        assert.equal(statuses.filter((s) => s === 401 || s === 429).length, 12);
        assert.equal((await login(t, 'ueda@example.co.jp', 'correct horse battery', '203.0.113.90')).status, 429);
        assert.equal((await login(t, 'ueda@example.co.jp', 'correct horse battery', '192.0.2.91')).status, 200);
      });
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueSetupTokenIfNeeded } from '../../src/features/auth/auth.service.ts';
import { ENGINES } from '../support/engines.ts';
import { sessionClient, startTestApp, type TestApp } from '../support/app.ts';

const post = (t: TestApp, path: string, body: unknown, headers: Record<string, string> = {}) =>
  t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

for (const engine of ENGINES) {
  describe(`auth [${engine}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine, { loginRateLimit: { maxAttempts: 5, windowSeconds: 300 } });
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

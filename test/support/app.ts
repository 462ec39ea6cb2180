import { createApp, type App } from '../../src/app/app.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import type { Role } from '../../src/domain/auth/permissions.ts';
import { createApiKey } from '../../src/platform/accounts/auth.service.ts';
import { createUser } from '../../src/platform/accounts/users.service.ts';
import type { Engine } from '../../src/db/database.ts';
import { openTestDatabase, type TestDatabase } from './engines.ts';

/** A test app on a fresh database, with helpers to call it as a given role. */
export interface TestApp {
  app: App;
  database: TestDatabase;
  config: Config;
  /** API-key credentials for a user of each role, created on first use. */
  as(role: Role): Promise<Client>;
  close(): Promise<void>;
}

export interface Client {
  userId: string;
  email: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export async function startTestApp(engine: Engine, overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await openTestDatabase(engine);
  const config: Config = { ...loadConfig({}), responseValidation: 'strict', ...overrides };
  const app = createApp({ db: database.db, config });
  const clients = new Map<Role, Client>();
  return {
    app,
    database,
    config,
    async as(role) {
      const existing = clients.get(role);
      if (existing) return existing;
      const email = `${role}@example.co.jp`;
      const user = await createUser(database.db, { email, password: 'correct horse battery', role, displayName: `${role} user` });
      const { key } = await createApiKey(database.db, user.id, `${role} test key`);
      const client = bearerClient(app, key, user.id, email);
      clients.set(role, client);
      return client;
    },
    async close() {
      await database.destroy();
    },
  };
}

export function bearerClient(app: App, key: string, userId: string, email: string): Client {
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    Promise.resolve(app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined && !(body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}), ...headers },
      // A Uint8Array is sent as it is (file uploads), anything else as JSON.
      ...(body instanceof Uint8Array ? { body: body as Uint8Array<ArrayBuffer> } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    }));
  return {
    userId,
    email,
    request,
    async json(method, path, body) {
      const res = await request(method, path, body);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
  };
}

/** Cookie-session client: logs in through the API like the browser does (cookie + CSRF header). */
export async function sessionClient(app: App, email: string, password: string) {
  const res = await app.request('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const me = (await res.json()) as { csrfToken: string };
  return {
    cookie,
    setCookie,
    csrfToken: me.csrfToken,
    request(method: string, path: string, body?: unknown, options: { csrf?: boolean } = { csrf: true }) {
      return Promise.resolve(app.request(path, {
        method,
        headers: {
          cookie,
          ...(options.csrf !== false ? { 'x-csrf-token': me.csrfToken } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }));
    },
  };
}

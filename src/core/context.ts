import type { Db } from '../db/database.ts';
import type { Config } from '../config/config.ts';
import type { Role } from '../domain/auth/permissions.ts';

/** Who is calling: a user by session cookie or by API key. */
export interface AuthContext {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  via: 'session' | 'api_key';
  apiKeyId: string | null;
  csrfToken: string | null;
}

/** Who did something, and from where: what the audit log records. */
export interface Actor {
  auth: AuthContext | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AppDeps {
  db: Db;
  config: Config;
  /** Where the built web UI lives; undefined serves no UI (API-only tests). */
  webDir?: string | undefined;
}

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    auth: AuthContext | null;
    actor: Actor;
  };
};

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

/**
 * An accepted form submission, told to whoever the app wires in (the voice-of-customer inbox takes the forms whose
 * message field is marked): intake never imports use, so the app passes the listener down.
 */
export interface FormSubmittedEvent {
  formId: string; submissionId: number; sourceRecordId: number; customerId: string; submittedAt: Date; values: Record<string, string | string[]>;
}
export type FormSubmittedListener = (db: Db, event: FormSubmittedEvent) => Promise<unknown>;

export interface AppDeps {
  db: Db;
  config: Config;
  /** Set by createApp (src/app/app.ts); tests that build deps by hand may leave it out. */
  onFormSubmitted?: FormSubmittedListener | undefined;
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

import { z } from '@hono/zod-openapi';
import { ROLES } from '../../domain/auth/permissions.ts';

// ── users ──

export const UserSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  department: z.string().nullable(),
  disabled: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
}).openapi('User');
export type User = z.infer<typeof UserSchema>;

export const UserCreate = z.object({
  email: z.string().max(254),
  password: z.string().max(256),
  role: z.enum(ROLES),
  displayName: z.string().trim().max(100).optional(),
  department: z.string().trim().max(100).nullable().optional(),
}).openapi('UserCreate');

export const UserPatch = z.object({
  displayName: z.string().trim().min(1).max(100).optional(),
  role: z.enum(ROLES).optional(),
  department: z.string().trim().max(100).nullable().optional(),
  disabled: z.boolean().optional(),
  password: z.string().max(256).optional(),
}).openapi('UserPatch');

export const UserListSchema = z.object({ items: z.array(UserSchema) });
export type UserList = z.infer<typeof UserListSchema>;

/** Names only: what everyone who picks or reads a customer's owner may see. */
export const UserDirectorySchema = z.object({ items: z.array(z.object({ id: z.string().uuid(), displayName: z.string(), department: z.string().nullable() })) });
export type UserDirectory = z.infer<typeof UserDirectorySchema>;

// ── sign-in, first run, API keys ──

export const MeSchema = z.object({
  user: UserSchema,
  permissions: z.array(z.string()),
  csrfToken: z.string().nullable().openapi({ description: 'Send as X-CSRF-Token on cookie-authenticated writes' }),
  via: z.enum(['session', 'api_key']),
}).openapi('Me');
export type Me = z.infer<typeof MeSchema>;

export const LoginBody = z.object({ email: z.string().max(254), password: z.string().min(1).max(256) });
export const SetupBody = z.object({
  token: z.string().min(1).max(200).openapi({ description: 'The one-time setup token printed in the server console' }),
  email: z.string().max(254),
  password: z.string().max(256),
  displayName: z.string().max(100).optional(),
});
export type SetupInput = z.infer<typeof SetupBody>;

export const SetupStatusSchema = z.object({ needsSetup: z.boolean() });
export type SetupStatus = z.infer<typeof SetupStatusSchema>;

export const ApiKeySchema = z.object({
  id: z.string().uuid(), name: z.string(), prefix: z.string(), createdAt: z.string(),
  lastUsedAt: z.string().nullable(), expiresAt: z.string().nullable(), revoked: z.boolean(),
}).openapi('ApiKey');
export const ApiKeyListSchema = z.object({ items: z.array(ApiKeySchema) });

export const ApiKeyCreate = z.object({ name: z.string().trim().min(1).max(100), expiresAt: z.string().datetime().optional() });
/** The new key with its secret, shown this once. */
export const CreatedApiKeySchema = z.object({ id: z.string(), name: z.string(), prefix: z.string(), key: z.string(), createdAt: z.string(), expiresAt: z.string().nullable() });
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

import type { Actor } from '../../core/context.ts';
import { AppError, PG_UNIQUE_VIOLATION, notFound, sqlState } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { UserRow } from '../../db/schema.ts';
import { passwordProblem } from '../../domain/auth/password-policy.ts';
import { isRole } from '../../domain/auth/permissions.ts';
import type { User } from './accounts.schemas.ts';
import { audit } from '../audit/audit.service.ts';
import { hashPassword } from './passwords.ts';
import { deleteSessionsOfUser } from './auth.repository.ts';
import * as repo from './users.repository.ts';

export function userRowToUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: isRole(row.role) ? row.role : 'viewer',
    department: row.department,
    disabled: row.disabled_at !== null,
    lastLoginAt: row.last_login_at ? row.last_login_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
  };
}

export function normalizeLoginEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export interface CreateUserInput {
  email: string;
  password: string;
  role: string;
  displayName?: string | undefined;
  department?: string | null | undefined;
}

/** Creates a user; the CLI, the first-run page and the users API all come through here. */
export async function createUser(db: Db, input: CreateUserInput, actor?: Actor): Promise<User> {
  const email = input.email.normalize('NFKC').trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new AppError('validation_failed', 'Invalid e-mail address', [{ field: 'email', message: 'Enter an e-mail address such as taro@example.co.jp' }]);
  }
  const problem = passwordProblem(input.password, { email });
  if (problem) throw new AppError('validation_failed', problem, [{ field: 'password', message: problem }]);
  if (!isRole(input.role)) {
    throw new AppError('validation_failed', `Unknown role "${input.role}"`, [{ field: 'role', message: 'One of admin, manager, marketing, sales, viewer' }]);
  }
  try {
    const row = await repo.insertUser(db, {
      email,
      emailNormalized: normalizeLoginEmail(email),
      displayName: input.displayName?.trim() || email.split('@')[0]!,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      department: input.department ?? null,
    });
    if (actor) await audit(db, actor, 'user.create', { type: 'user', id: row.id }, { email, role: row.role });
    return userRowToUser(row);
  } catch (error) {
    if (sqlState(error) === PG_UNIQUE_VIOLATION) {
      throw new AppError('conflict', 'A user with this e-mail already exists', [{ field: 'email', message: 'Already registered' }]);
    }
    throw error;
  }
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await repo.listUsers(db)).map(userRowToUser);
}

export async function getUser(db: Db, id: string): Promise<User> {
  const row = await repo.findUserById(db, id);
  if (!row) throw notFound('User');
  return userRowToUser(row);
}

export interface UpdateUserInput {
  displayName?: string | undefined;
  role?: string | undefined;
  department?: string | null | undefined;
  disabled?: boolean | undefined;
  password?: string | undefined;
}

export async function updateUser(db: Db, id: string, input: UpdateUserInput, actor: Actor): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const before = await repo.findUserById(trx, id);
    if (!before) throw notFound('User');
    if (input.role !== undefined && !isRole(input.role)) {
      throw new AppError('validation_failed', `Unknown role "${input.role}"`, [{ field: 'role', message: 'One of admin, manager, marketing, sales, viewer' }]);
    }
    const losesAdmin = before.role === 'admin' && before.disabled_at === null && ((input.role !== undefined && input.role !== 'admin') || input.disabled === true);
    if (losesAdmin && (await repo.countActiveAdmins(trx)) <= 1) {
      throw new AppError('conflict', 'The last active administrator cannot be demoted or disabled');
    }
    let passwordHash: string | undefined;
    if (input.password !== undefined) {
      const problem = passwordProblem(input.password, { email: before.email });
      if (problem) throw new AppError('validation_failed', problem, [{ field: 'password', message: problem }]);
      passwordHash = await hashPassword(input.password);
    }
    const row = await repo.updateUser(trx, id, {
      ...(input.displayName !== undefined ? { display_name: input.displayName.trim() } : {}),
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.department !== undefined ? { department: input.department } : {}),
      ...(input.disabled !== undefined ? { disabled_at: input.disabled ? new Date() : null } : {}),
      ...(passwordHash ? { password_hash: passwordHash } : {}),
    });
    if (!row) throw notFound('User');
    if (input.disabled === true || passwordHash || (input.role !== undefined && input.role !== before.role)) {
      await deleteSessionsOfUser(trx, id);
    }
    if (input.role !== undefined && input.role !== before.role) {
      await audit(trx, actor, 'user.role_change', { type: 'user', id }, { from: before.role, to: input.role });
    }
    const changed = Object.keys(input).filter((k) => k !== 'role' && k !== 'password');
    if (changed.length > 0 || passwordHash) {
      await audit(trx, actor, 'user.update', { type: 'user', id }, { fields: [...changed, ...(passwordHash ? ['password'] : [])] });
    }
    return userRowToUser(row);
  });
}

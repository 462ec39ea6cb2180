import type { Db } from '../../db/database.ts';
import type { UserRow } from '../../db/schema.ts';

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Db, emailNormalized: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email_normalized', '=', emailNormalized).executeTakeFirst();
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function insertUser(
  db: Db,
  values: { email: string; emailNormalized: string; displayName: string; passwordHash: string; role: string; department: string | null },
): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({
      email: values.email,
      email_normalized: values.emailNormalized,
      display_name: values.displayName,
      password_hash: values.passwordHash,
      role: values.role,
      department: values.department,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateUser(
  db: Db,
  id: string,
  patch: Partial<{ display_name: string; role: string; department: string | null; disabled_at: Date | null; password_hash: string; last_login_at: Date }>,
): Promise<UserRow | undefined> {
  return db.updateTable('users').set({ ...patch, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function countActiveAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Which of the given ids are users who are not disabled. */
export async function findActiveUserIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('id').where('id', 'in', [...ids]).where('disabled_at', 'is', null).execute();
  return new Set(rows.map((r) => r.id));
}

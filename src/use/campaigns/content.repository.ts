import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { urlGlobToLike } from '../../domain/campaigns/content.ts';
import { escapeLike } from '../../domain/search/grams.ts';

/** Reads of what a campaign e-mail is made of for a batch of recipients: their fields and the behaviour blocks hold. */

export interface RecipientRow {
  id: string;
  kind: 'person' | 'organization';
  family_name: string | null;
  given_name: string | null;
  display_name: string;
  email: string | null;
  department: string | null;
  title: string | null;
  company_name: string | null;
  owner_name: string | null;
}

/** The merge fields' data of live customers, in one query (company name, the owner's display name). */
export async function recipientsOf(db: Db, customerIds: readonly string[]): Promise<RecipientRow[]> {
  if (customerIds.length === 0) return [];
  return db.selectFrom('customers as c')
    .leftJoin('companies as co', 'co.id', 'c.company_id')
    .leftJoin('users as u', 'u.id', 'c.owner_user_id')
    .select(['c.id', 'c.kind', 'c.family_name', 'c.given_name', 'c.display_name', 'c.email', 'c.department', 'c.title', 'co.name as company_name', 'u.display_name as owner_name'])
    .where('c.id', 'in', [...customerIds]).where('c.deleted_at', 'is', null)
    .execute() as Promise<RecipientRow[]>;
}

/** Of these customers, those with a page view matching the glob (`/pricing*`) since `since`. */
export async function viewedUrl(db: Db, customerIds: readonly string[], pattern: string, since: Date): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  const { column, like } = urlGlobToLike(pattern, escapeLike);
  const value = column === 'path' ? sql<string>`(a.properties ->> 'path')` : sql<string>`(a.properties ->> 'url')`;
  const rows = await db.selectFrom('activities as a').select('a.customer_id').distinct()
    .where('a.customer_id', 'in', [...customerIds]).where('a.type', '=', 'page_view').where('a.occurred_at', '>=', since)
    .where(sql<boolean>`${value} LIKE ${like}`)
    .execute();
  return new Set(rows.map((r) => r.customer_id));
}

/** Of these customers, those who bought in the product category on or after the Japan date `sinceDay`. */
export async function boughtCategory(db: Db, customerIds: readonly string[], category: string, sinceDay: string): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  const { rows } = await sql<{ customer_id: string }>`SELECT DISTINCT customer_id FROM customer_category_days
    WHERE customer_id = ANY(${[...customerIds]}::uuid[]) AND category = ${category} AND day >= ${sinceDay}::date AND orders > 0`.execute(db);
  return new Set(rows.map((r) => r.customer_id));
}

/** The signed-in user's own address and name (a test send goes to them only). */
export async function userById(db: Db, id: string) {
  return db.selectFrom('users').select(['id', 'email', 'display_name']).where('id', '=', id).executeTakeFirst();
}

export async function campaignExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('campaigns').select('id').where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst()) !== undefined;
}

import { type Insertable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { FormsTable } from '../../db/schema.ts';

// ── forms ──

export async function insertForm(db: Db, values: Insertable<FormsTable>) {
  return db.insertInto('forms').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateForm(db: Db, id: string, values: Updateable<FormsTable>) {
  return db.updateTable('forms').set({ ...values, updated_at: new Date() }).where('id', '=', id).where('archived_at', 'is', null)
    .returningAll().executeTakeFirst();
}

export async function findFormRow(db: Db, id: string) {
  return db.selectFrom('forms').selectAll().where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst();
}

export async function findFormBySlug(db: Db, slug: string) {
  return db.selectFrom('forms').innerJoin('sources', 'sources.id', 'forms.source_id')
    .selectAll('forms').select(['sources.name as source_name'])
    .where('forms.slug', '=', slug).where('forms.archived_at', 'is', null).executeTakeFirst();
}

export async function slugTaken(db: Db, slug: string): Promise<boolean> {
  return Boolean(await db.selectFrom('forms').select('id').where('slug', '=', slug).executeTakeFirst());
}

/** Forms with their submission counts (accepted, spam) and the time of the latest accepted one. */
export async function listFormRows(db: Db, filter: { status?: string | undefined }) {
  let query = db.selectFrom('forms').selectAll('forms')
    .select((eb) => [
      eb.selectFrom('form_submissions').select(eb.fn.countAll<number>().as('n'))
        .whereRef('form_submissions.form_id', '=', 'forms.id').where('form_submissions.status', '=', 'accepted').as('accepted_count'),
      eb.selectFrom('form_submissions').select(eb.fn.countAll<number>().as('n'))
        .whereRef('form_submissions.form_id', '=', 'forms.id').where('form_submissions.status', '=', 'spam').as('spam_count'),
      eb.selectFrom('form_submissions').select((sb) => sb.fn.max('form_submissions.created_at').as('t'))
        .whereRef('form_submissions.form_id', '=', 'forms.id').where('form_submissions.status', '=', 'accepted').as('last_submitted_at'),
    ])
    .where('forms.archived_at', 'is', null);
  if (filter.status) query = query.where('forms.status', '=', filter.status as 'draft');
  return query.orderBy('forms.created_at', 'desc').orderBy('forms.id').limit(500).execute();
}

export async function countSubmissions(db: Db, formId: string) {
  const rows = await db.selectFrom('form_submissions').select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('form_id', '=', formId).groupBy('status').execute();
  const of = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { accepted: of('accepted'), spam: of('spam') };
}

// ── submissions ──

export async function findSubmission(db: Db, formId: string, key: string) {
  return db.selectFrom('form_submissions').selectAll().where('form_id', '=', formId).where('submission_key', '=', key).executeTakeFirst();
}

export interface NewSubmission {
  formId: string;
  key: string;
  status: 'accepted' | 'spam';
  values: Record<string, unknown>;
  consentGiven: boolean | null;
  consentVersion: number | null;
  ipHash: string | null;
  userAgent: string | null;
  visitorId: string | null;
  pageUrl: string | null;
}

/** Inserts a submission once: a second POST with the same key (double click, retry) returns the first row. */
export async function insertSubmissionOnce(db: Db, s: NewSubmission) {
  const inserted = await db.insertInto('form_submissions').values({
    form_id: s.formId,
    submission_key: s.key,
    status: s.status,
    values: JSON.stringify(s.values),
    consent_given: s.consentGiven,
    consent_version: s.consentVersion,
    ip_hash: s.ipHash,
    user_agent: s.userAgent,
    visitor_id: s.visitorId,
    page_url: s.pageUrl,
  }).onConflict((oc) => oc.columns(['form_id', 'submission_key']).doNothing()).returningAll().executeTakeFirst();
  return { row: inserted ?? (await findSubmission(db, s.formId, s.key))!, inserted: Boolean(inserted) };
}

export async function setSubmissionRecord(db: Db, id: number, sourceRecordId: number): Promise<void> {
  await db.updateTable('form_submissions').set({ source_record_id: sourceRecordId }).where('id', '=', id).execute();
}

/** A form's submissions, newest first, with the customer each one's source record belongs to now. */
export async function listSubmissionRows(db: Db, formId: string, filter: { status?: string | undefined }, beforeId: number | null, limit: number) {
  let query = db.selectFrom('form_submissions')
    .leftJoin('source_records', 'source_records.id', 'form_submissions.source_record_id')
    .leftJoin('customers', 'customers.id', 'source_records.customer_id')
    .selectAll('form_submissions')
    .select(['source_records.customer_id as customer_id', 'customers.display_name as customer_name'])
    .where('form_submissions.form_id', '=', formId);
  if (filter.status) query = query.where('form_submissions.status', '=', filter.status as 'accepted');
  if (beforeId !== null) query = query.where('form_submissions.id', '<', beforeId);
  return query.orderBy('form_submissions.id', 'desc').limit(limit).execute();
}

export async function listCustomFieldTargets(db: Db) {
  return db.selectFrom('custom_field_definitions').select(['key', 'label_ja', 'label_en', 'type', 'options'])
    .where('entity', '=', 'customer').where('archived_at', 'is', null).orderBy('sort_order').orderBy('key').execute();
}

/** 消去 (src/ledger/privacy): the submissions that became these records (their values are the person's). */
export async function eraseSubmissionsOf(db: Db, recordIds: readonly number[]): Promise<number> {
  if (recordIds.length === 0) return 0;
  const r = await db.deleteFrom('form_submissions').where('source_record_id', 'in', recordIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}

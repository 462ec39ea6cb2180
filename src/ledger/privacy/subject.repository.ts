import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CampaignMessageStatus } from '../../db/schema.ts';

/**
 * Reads of what Daicho holds on a person, across the ledger's tables (reads may join anything; each table's writer
 * stays its owner's): who the person is (their customers, those merged into them, their records) for an erasure, and
 * the default sections of a disclosure report.
 */

/** The customers and every customer merged into them (a merged-away row keeps its last golden values), to closure. */
export async function customersWithMergedAway(db: Db, customerIds: readonly string[]): Promise<string[]> {
  const all = new Set(customerIds);
  let frontier = [...customerIds];
  while (frontier.length) {
    const rows = await db.selectFrom('match_decisions').select('other_customer_id').distinct()
      .where('customer_id', 'in', frontier).where('kind', 'in', ['accept', 'manual_merge', 'auto_merge']).where('other_customer_id', 'is not', null).execute();
    frontier = rows.map((r) => r.other_customer_id!).filter((id) => !all.has(id));
    for (const id of frontier) all.add(id);
  }
  // Only customers that exist (a decision may name one erased before).
  const existing = await db.selectFrom('customers').select('id').where('id', 'in', [...all]).execute();
  return existing.map((r) => r.id);
}

export async function recordsOfCustomers(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('source_records').select(['id', 'raw', 'normalized', 'match_record']).where('customer_id', 'in', customerIds).orderBy('id').execute();
}

export async function contactsOfCustomers(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('customers').select(['email', 'phone']).where('id', 'in', customerIds).execute();
}

// ── disclosure sections ──

export async function goldenRecords(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('customers as c').leftJoin('companies as co', 'co.id', 'c.company_id')
    .select(['c.id', 'c.kind', 'c.family_name', 'c.given_name', 'c.family_name_kana', 'c.given_name_kana', 'c.display_name', 'c.email', 'c.phone',
      'c.postal_code', 'c.prefecture', 'c.address', 'c.building', 'c.birth_date', 'c.gender', 'co.name as company_name', 'c.department', 'c.title',
      'c.lifecycle_stage', 'c.acquisition_channel', 'c.custom_fields', 'c.provenance', 'c.created_at', 'c.updated_at', 'c.deleted_at'])
    .where('c.id', 'in', customerIds).orderBy('c.created_at').execute();
}

export async function sourceRecordsAsReceived(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('source_records as sr').innerJoin('sources as s', 's.id', 'sr.source_id')
    .select(['sr.id', 's.label as source', 'sr.external_id', 'sr.raw', 'sr.received_at'])
    .where('sr.customer_id', 'in', customerIds).orderBy('sr.received_at').orderBy('sr.id').execute();
}

export async function activitiesOf(db: Db, customerIds: readonly string[], afterId: number, limit: number) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('activities').select(['id', 'type', 'occurred_at', 'title', 'properties', 'amount', 'currency'])
    .where('customer_id', 'in', customerIds).where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

export async function consentEventsOf(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('consents as k').leftJoin('source_records as sr', 'sr.id', 'k.source_record_id')
    .select(['k.id', 'k.purpose', 'k.purpose_code', 'k.state', 'k.method', 'k.text_shown', 'k.text_version', 'k.recorded_at'])
    .where((eb) => eb.or([eb('k.customer_id', 'in', customerIds), eb('sr.customer_id', 'in', customerIds)]))
    .orderBy('k.recorded_at').orderBy('k.id').execute();
}

export async function segmentMembershipsOf(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('segment_members as m').innerJoin('segments as s', 's.id', 'm.segment_id')
    .select(['s.name as segment', 'm.added_at']).where('m.customer_id', 'in', customerIds).orderBy('m.added_at').execute();
}

/** The person's campaign messages, and the campaigns that left them out with the reason (campaign_audience, one id space). */
export async function campaignMessagesOf(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  const sent = db.selectFrom('campaign_messages as m').innerJoin('campaigns as c', 'c.id', 'm.campaign_id')
    .select(['m.id', 'c.name as campaign', 'm.channel', 'm.address', 'm.status', 'm.reason', 'm.sent_at', 'm.opened_at', 'm.clicked_at', 'm.unsubscribed_at'])
    .where('m.customer_id', 'in', customerIds);
  const left = db.selectFrom('campaign_audience as a').innerJoin('campaigns as c', 'c.id', 'a.campaign_id')
    .select(['a.id', 'c.name as campaign', 'c.channel', 'a.address', sql<CampaignMessageStatus>`'suppressed'`.as('status'), 'a.reason', sql<null>`NULL::timestamptz`.as('sent_at'),
      sql<null>`NULL::timestamptz`.as('opened_at'), sql<null>`NULL::timestamptz`.as('clicked_at'), sql<null>`NULL::timestamptz`.as('unsubscribed_at')])
    .where('a.customer_id', 'in', customerIds).where('a.reason', 'is not', null);
  const rows = await sent.unionAll(left).orderBy('id').execute();
  return rows.map(({ id: _id, ...r }) => r);
}

export async function ordersOf(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('orders as o').innerJoin('source_records as sr', 'sr.id', 'o.source_record_id')
    .select(['o.external_id', 'o.ordered_at', 'o.channel', 'o.status', 'o.total_amount', 'o.returned_amount', 'o.currency',
      sql<unknown>`(SELECT json_agg(json_build_object('product', l.product_name, 'sku', l.sku, 'quantity', l.quantity, 'amount', l.amount) ORDER BY l.line_no)
        FROM order_lines l WHERE l.order_id = o.id)`.as('lines')])
    .where('sr.customer_id', 'in', customerIds).orderBy('o.ordered_at').execute();
}

export async function formSubmissionsOf(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('form_submissions as f').innerJoin('forms', 'forms.id', 'f.form_id').innerJoin('source_records as sr', 'sr.id', 'f.source_record_id')
    .select(['forms.title as form', 'f.values', 'f.consent_given', 'f.page_url', 'f.created_at'])
    .where('sr.customer_id', 'in', customerIds).orderBy('f.created_at').execute();
}

export async function eventRegistrationsOf(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('event_registrations as r').innerJoin('events as e', 'e.id', 'r.event_id').innerJoin('source_records as sr', 'sr.id', 'r.source_record_id')
    .select(['e.name as event', 'e.starts_at', 'r.status', 'r.registered_at']).where('sr.customer_id', 'in', customerIds).orderBy('r.registered_at').execute();
}

export async function provisionsOf(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('provision_records as p').innerJoin('provision_record_customers as pc', 'pc.provision_id', 'p.id')
    .select(['p.recipient', 'p.purpose', 'p.items', 'p.provided_at']).distinct()
    .where('pc.customer_id', 'in', customerIds).orderBy('p.provided_at').execute();
}

/**
 * Who viewed, edited or exported the person's data: entries naming one of their customers, and the entries of the
 * exports that carried one of them (details.exportId listed in export_customers, migration 0037) with their row count.
 */
export async function auditEntriesOf(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  const exported = db.selectFrom('export_customers').select(sql<string>`export_id::text`.as('export_id')).where('customer_id', 'in', customerIds);
  return db.selectFrom('audit_log').select(['occurred_at', 'actor_label', 'action', 'entity_type', sql<string | null>`details->>'rows'`.as('rows')])
    .where((eb) => eb.or([
      eb.and([eb('entity_type', '=', 'customer'), eb('entity_id', 'in', customerIds)]),
      eb.and([sql<boolean>`details ? 'exportId'`, eb(sql<string>`details->>'exportId'`, 'in', exported)]),
    ]))
    .orderBy('occurred_at').orderBy('id').limit(10_000).execute();
}

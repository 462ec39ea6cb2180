import type { Db } from '../../db/database.ts';

/** SQL of the outbox: the one writer of outbox_messages (messages kept, not sent, while no SMTP server is configured). */

export async function insertOutboxMessage(db: Db, m: {
  messageId: number | null; campaignId: string | null; to: string; subject: string; raw: string; isTest: boolean;
}): Promise<number> {
  const row = await db.insertInto('outbox_messages').values({
    message_id: m.messageId, campaign_id: m.campaignId, to_address: m.to, subject: m.subject, raw: m.raw, is_test: m.isTest,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Newest first (by id: the order they were written), keyset after `beforeId`. */
export async function listOutbox(db: Db, q: { beforeId: number | null; limit: number; campaignId?: string | undefined; withRaw: boolean }) {
  let query = db.selectFrom('outbox_messages')
    .select(['id', 'message_id', 'campaign_id', 'to_address', 'subject', 'is_test', 'created_at'])
    .$if(q.withRaw, (qb) => qb.select('raw'))
    .orderBy('id', 'desc').limit(q.limit + 1);
  if (q.beforeId !== null) query = query.where('id', '<', q.beforeId);
  if (q.campaignId) query = query.where('campaign_id', '=', q.campaignId);
  return query.execute();
}

/** 消去 (src/ledger/privacy): stored messages to the customers (by campaign message) or to their addresses. */
export async function eraseOutboxOf(db: Db, customerIds: readonly string[], addresses: readonly string[]): Promise<number> {
  if (customerIds.length === 0 && addresses.length === 0) return 0;
  const r = await db.deleteFrom('outbox_messages').where((eb) => eb.or([
    ...(customerIds.length ? [eb('message_id', 'in', eb.selectFrom('campaign_messages').select('id').where('customer_id', 'in', customerIds))] : []),
    ...(addresses.length ? [eb(eb.fn('lower', ['to_address']), 'in', addresses)] : []),
  ])).executeTakeFirst();
  return Number(r.numDeletedRows);
}

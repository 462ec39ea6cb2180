import type { Db } from '../../db/database.ts';

/**
 * SQL of suppressions by address: the one writer of contact_suppressions. A hard bounce or a complaint stops an
 * e-mail address, returned post a DM address (household key), whoever the address belongs to now.
 */

export type SuppressionReason = 'hard_bounce' | 'soft_bounce' | 'complaint' | 'returned_mail' | 'manual';

export interface NewSuppression {
  channel: 'email' | 'dm';
  /** The e-mail (lower-cased here) or the household key of the postal address. */
  addressKey: string;
  reason: SuppressionReason;
  customerId?: string | null | undefined;
  campaignId?: string | null | undefined;
  messageId?: number | null | undefined;
  detail?: string | null | undefined;
}

/** Records a suppression (bounces, complaints, DM returned mail); each report is one row, the latest counts. */
export async function recordSuppression(db: Db, s: NewSuppression): Promise<number> {
  const row = await db.insertInto('contact_suppressions').values({
    channel: s.channel,
    address_key: s.channel === 'email' ? s.addressKey.trim().toLowerCase() : s.addressKey,
    reason: s.reason,
    customer_id: s.customerId ?? null,
    campaign_id: s.campaignId ?? null,
    message_id: s.messageId ?? null,
    detail: s.detail ?? null,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** The suppressions of an address, newest first. */
export async function suppressionsOf(db: Db, channel: 'email' | 'dm', addressKey: string) {
  return db.selectFrom('contact_suppressions').selectAll()
    .where('channel', '=', channel).where('address_key', '=', channel === 'email' ? addressKey.trim().toLowerCase() : addressKey)
    .orderBy('recorded_at', 'desc').orderBy('id', 'desc').execute();
}


/** 消去 (src/ledger/privacy): bounce and complaint rows of the customers or of their addresses. */
export async function eraseSuppressionsOf(db: Db, customerIds: readonly string[], addresses: readonly string[]): Promise<number> {
  if (customerIds.length === 0 && addresses.length === 0) return 0;
  const r = await db.deleteFrom('contact_suppressions').where((eb) => eb.or([
    ...(customerIds.length ? [eb('customer_id', 'in', customerIds)] : []),
    ...(addresses.length ? [eb('address_key', 'in', addresses)] : []),
  ])).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The customers whose DM piece of this campaign was recorded as returned (宛先不明). */
export async function returnedInCampaign(db: Db, campaignId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('contact_suppressions').select('customer_id').distinct()
    .where('campaign_id', '=', campaignId).where('reason', '=', 'returned_mail').where('customer_id', 'is not', null).execute();
  return new Set(rows.map((r) => r.customer_id!));
}

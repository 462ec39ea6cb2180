import type { Db } from '../../db/database.ts';

/**
 * SQL of campaign messages: the one writer of campaign_messages. A message is one person of one campaign: its address,
 * its fate (queued → claimed → sending → sent, or suppressed/skipped with a reason; unknown when a process died in the
 * SMTP transaction) and what the person did with it (opened, clicked, unsubscribed, bounced).
 */

export interface MessageByToken {
  id: number;
  campaignId: string;
  customerId: string;
  channel: 'email' | 'dm';
  address: string | null;
  status: string;
}

/** The message a link, pixel, unsubscribe page or return path names; null when the token is unknown. */
export async function messageByToken(db: Db, token: string): Promise<MessageByToken | null> {
  const row = await db.selectFrom('campaign_messages')
    .select(['id', 'campaign_id', 'customer_id', 'channel', 'address', 'status'])
    .where('token', '=', token).executeTakeFirst();
  return row === undefined ? null : {
    id: row.id, campaignId: row.campaign_id, customerId: row.customer_id, channel: row.channel, address: row.address, status: row.status,
  };
}

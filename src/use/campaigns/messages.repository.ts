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

// ── what comes back: opens, clicks, unsubscribes, bounces (the message's own timestamps; the first one counts) ──

export interface TrackedMessage extends MessageByToken {
  sentAt: Date | null;
  openedAt: Date | null;
  clickedAt: Date | null;
  unsubscribedAt: Date | null;
  bouncedAt: Date | null;
  bounceKind: 'hard' | 'soft' | null;
  campaignName: string;
  content: { subject: string; bodyText: string; bodyHtml: string | null; blocks: unknown };
}

const TRACKED = ['m.id', 'm.campaign_id', 'm.customer_id', 'm.channel', 'm.address', 'm.status', 'm.sent_at', 'm.opened_at', 'm.clicked_at',
  'm.unsubscribed_at', 'm.bounced_at', 'm.bounce_kind', 'c.name', 'c.subject', 'c.body_text', 'c.body_html', 'c.blocks'] as const;

type TrackedRow = {
  id: number; campaign_id: string; customer_id: string; channel: 'email' | 'dm'; address: string | null; status: string;
  sent_at: Date | string | null; opened_at: Date | string | null; clicked_at: Date | string | null; unsubscribed_at: Date | string | null;
  bounced_at: Date | string | null; bounce_kind: 'hard' | 'soft' | null; name: string; subject: string; body_text: string; body_html: string | null; blocks: unknown;
};

const when = (v: Date | string | null) => (v === null ? null : new Date(v));
function trackedOf(r: TrackedRow): TrackedMessage {
  return {
    id: r.id, campaignId: r.campaign_id, customerId: r.customer_id, channel: r.channel, address: r.address, status: r.status,
    sentAt: when(r.sent_at), openedAt: when(r.opened_at), clickedAt: when(r.clicked_at), unsubscribedAt: when(r.unsubscribed_at),
    bouncedAt: when(r.bounced_at), bounceKind: r.bounce_kind, campaignName: r.name,
    content: { subject: r.subject, bodyText: r.body_text, bodyHtml: r.body_html, blocks: r.blocks },
  };
}

/** A message by its token with its campaign's stored content (what a tracked link's target is read from). */
export async function trackedMessageByToken(db: Db, token: string): Promise<TrackedMessage | null> {
  const row = await db.selectFrom('campaign_messages as m').innerJoin('campaigns as c', 'c.id', 'm.campaign_id')
    .select(TRACKED).where('m.token', '=', token).executeTakeFirst();
  return row === undefined ? null : trackedOf(row as TrackedRow);
}

/** The last message sent to an e-mail address (a bounce reported by address). */
export async function lastSentMessageTo(db: Db, address: string): Promise<TrackedMessage | null> {
  const row = await db.selectFrom('campaign_messages as m').innerJoin('campaigns as c', 'c.id', 'm.campaign_id')
    .select(TRACKED).where((eb) => eb(eb.fn('lower', ['m.address']), '=', address.trim().toLowerCase())).where('m.channel', '=', 'email')
    .where('m.sent_at', 'is not', null).orderBy('m.sent_at', 'desc').orderBy('m.id', 'desc').limit(1).executeTakeFirst();
  return row === undefined ? null : trackedOf(row as TrackedRow);
}

/** First open (a click is an open too): true when this call set it. */
export async function markOpened(db: Db, id: number, at: Date): Promise<boolean> {
  const rows = await db.updateTable('campaign_messages').set({ opened_at: at }).where('id', '=', id).where('opened_at', 'is', null).returning('id').execute();
  return rows.length > 0;
}

/** First click (and the open it implies): true when this call set the click. */
export async function markClicked(db: Db, id: number, at: Date): Promise<boolean> {
  const rows = await db.updateTable('campaign_messages').set((eb) => ({ clicked_at: at, opened_at: eb.fn.coalesce('opened_at', eb.val(at)) }))
    .where('id', '=', id).where('clicked_at', 'is', null).returning('id').execute();
  return rows.length > 0;
}

/** The unsubscribe through this message: true when this call set it (a repeat changes nothing). */
export async function markUnsubscribed(db: Db, id: number, at: Date): Promise<boolean> {
  const rows = await db.updateTable('campaign_messages').set({ unsubscribed_at: at }).where('id', '=', id).where('unsubscribed_at', 'is', null).returning('id').execute();
  return rows.length > 0;
}

/** A bounce: the first one sets it, a hard one after a soft one upgrades it; true when this call changed the row. */
export async function markBounced(db: Db, id: number, kind: 'hard' | 'soft', at: Date): Promise<boolean> {
  const rows = await db.updateTable('campaign_messages').set({ bounced_at: at, bounce_kind: kind })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('bounced_at', 'is', null), ...(kind === 'hard' ? [eb('bounce_kind', '=', 'soft')] : [])]))
    .returning('id').execute();
  return rows.length > 0;
}

/**
 * What comes back from a campaign e-mail: the open pixel, tracked links, the unsubscribe page and one-click
 * unsubscribe (RFC 8058), bounces (the API, the built-in listener). Each first event sets the message's timestamp
 * and writes one activity on the customer's timeline (keyed per message and kind, so a repeat writes nothing new).
 */
import type { Actor } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { contentLinks, type Block } from '../../domain/campaigns/content.ts';
import { originAllowed } from '../../domain/tracker/origin.ts';
import { insertCampaignActivities } from '../../ledger/activities/activities.repository.ts';
import { recordConsent } from '../../ledger/consents/consents.service.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import * as messages from './messages.repository.ts';
import { recordSuppression } from './suppressions.repository.ts';
import { trackedOrigins } from './tracking.repository.ts';

/** The query parameter a tracked link adds to a page of a tracked site: the snippet reports it, the visitor is joined. */
export const VISITOR_JOIN_PARAM = 'daicho_ct';

export type MessageActivity = 'email_sent' | 'email_opened' | 'email_clicked' | 'email_unsubscribed' | 'email_bounced' | 'dm_mailed';

const TITLES: Record<MessageActivity, string> = {
  email_sent: 'メール送信', email_opened: 'メール開封', email_clicked: 'メール内リンクのクリック',
  email_unsubscribed: 'メール配信停止', email_bounced: 'メール不達', dm_mailed: 'DM発送',
};

/**
 * Writes the activity of a message event on its customer's timeline, once per message and kind (dedupe key
 * `campaign:<message id>:<type>`; a repeat writes nothing). The activities table's one writer for campaigns is the
 * ledger's insertCampaignActivities (the send loop, triggers and DM use it too): it hangs the activity off the
 * customer's record with that address, so merge and unmerge move it.
 */
export async function recordMessageActivity(
  db: Db, m: Pick<messages.TrackedMessage, 'id' | 'campaignId' | 'customerId' | 'address' | 'campaignName'>,
  type: MessageActivity, at: Date, properties: Record<string, unknown> = {}, keySuffix = '',
): Promise<void> {
  await insertCampaignActivities(db, [{
    dedupeKey: `campaign:${m.id}:${type}${keySuffix}`, customerId: m.customerId, type, occurredAt: at,
    title: `${TITLES[type]}: ${m.campaignName}`,
    properties: { campaignId: m.campaignId, campaignName: m.campaignName, messageId: m.id, ...properties },
    address: m.address,
  }]);
}

/** The send loop, after the SMTP server (or the outbox) took a message: the email_sent activity. */
export async function recordSent(db: Db, token: string, at: Date = new Date(), delivery: 'smtp' | 'outbox' = 'smtp'): Promise<void> {
  const m = await messages.trackedMessageByToken(db, token);
  if (m) await recordMessageActivity(db, m, 'email_sent', at, { delivery });
}

/** The open pixel: the first open sets opened_at and writes email_opened; false for an unknown token. */
export async function recordOpen(db: Db, token: string, at: Date = new Date()): Promise<boolean> {
  const m = await messages.trackedMessageByToken(db, token);
  if (!m) return false;
  if (await messages.markOpened(db, m.id, at)) await recordMessageActivity(db, m, 'email_opened', at);
  return true;
}

/**
 * A tracked link: the target is link n of the campaign's stored content (never a URL from the request, so this is
 * no open redirect); null when the token or n is unknown. The first click sets clicked_at (and opened_at), and each
 * distinct link clicked is an email_clicked activity with its URL. A link to a page of a tracked site gets
 * `daicho_ct=<token>`: the snippet there reports it and the visitor's anonymous browsing joins the customer.
 */
export async function recordClick(db: Db, token: string, n: number, at: Date = new Date()): Promise<string | null> {
  const m = await messages.trackedMessageByToken(db, token);
  if (!m || m.channel !== 'email') return null;
  const links = contentLinks({ subject: m.content.subject, bodyText: m.content.bodyText, bodyHtml: m.content.bodyHtml, blocks: Array.isArray(m.content.blocks) ? (m.content.blocks as Block[]) : [] });
  const target = links[n];
  if (target === undefined) return null;
  await messages.markClicked(db, m.id, at);
  await recordMessageActivity(db, m, 'email_clicked', at, { url: target, link: n }, `:${n}`);
  return withVisitorJoin(target, token, await trackedOrigins(db));
}

/** The target with the join parameter when its origin is a tracked site's (other sites never see the token). */
export function withVisitorJoin(target: string, token: string, origins: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return target;
  }
  if (!originAllowed(url.origin, origins.map((o) => o.toLowerCase()))) return target;
  url.searchParams.set(VISITOR_JOIN_PARAM, token);
  return url.toString();
}

export interface UnsubscribeView { campaignName: string; address: string | null; unsubscribed: boolean }

/** What the unsubscribe page shows; null for an unknown token. */
export async function unsubscribeView(db: Db, token: string): Promise<UnsubscribeView | null> {
  const m = await messages.trackedMessageByToken(db, token);
  return m ? { campaignName: m.campaignName, address: m.address, unsubscribed: m.unsubscribedAt !== null } : null;
}

/**
 * The unsubscribe (the page's button or RFC 8058 one-click): a customer-level consent event withdrawing
 * email_marketing (method unsubscribe, the campaign), so every campaign stops for the person; the message's
 * unsubscribed_at and an email_unsubscribed activity. Idempotent: a repeat records nothing new. Null: unknown token.
 */
export async function unsubscribe(db: Db, token: string, how: 'page' | 'one_click', at: Date = new Date()): Promise<UnsubscribeView | null> {
  const m = await messages.trackedMessageByToken(db, token);
  if (!m) return null;
  await db.transaction().execute(async (trx) => {
    if (!(await messages.markUnsubscribed(trx, m.id, at))) return;
    await recordConsent(trx, {
      customerId: m.customerId, purposeCode: 'email_marketing', state: 'withdrawn', method: 'unsubscribe', campaignId: m.campaignId,
      dedupeKey: `unsubscribe:${m.id}`, recordedAt: at,
    });
    await recordMessageActivity(trx, m, 'email_unsubscribed', at, { how });
  });
  return { campaignName: m.campaignName, address: m.address, unsubscribed: true };
}

export interface BounceInput { token?: string | undefined; address?: string | undefined; messageId?: number | undefined; kind: 'hard' | 'soft'; detail?: string | null | undefined }

/**
 * A bounce (the API, the listener's DSN): the message's bounced_at/bounce_kind, a suppression row of the address
 * (hard_bounce / soft_bounce: the audience decides what a soft one stops) and an email_bounced activity. By address,
 * the last message sent to it. Returns the messages marked (0 or 1) and whether an address was suppressed.
 */
export async function recordBounce(db: Db, input: BounceInput, actor: Actor | null, at: Date = new Date()): Promise<{ messages: number; suppressed: boolean }> {
  const m = input.token ? await messages.trackedMessageByToken(db, input.token)
    : input.messageId !== undefined ? await messages.trackedMessageById(db, input.messageId)
      : input.address ? await messages.lastSentMessageTo(db, input.address) : null;
  if (input.token && !m) throw new AppError('not_found', 'そのトークンのメッセージはありません (no message has this token)');
  if (input.messageId !== undefined && (!m || m.channel !== 'email')) throw new AppError('not_found', 'そのメールのメッセージはありません (no e-mail message has this id)');
  const address = m?.address ?? input.address ?? null;
  const result = await db.transaction().execute(async (trx) => {
    let marked = 0;
    if (m && await messages.markBounced(trx, m.id, input.kind, at)) {
      marked = 1;
      await recordMessageActivity(trx, m, 'email_bounced', at, { kind: input.kind, detail: input.detail ?? null });
    }
    if (address) {
      await recordSuppression(trx, {
        channel: 'email', addressKey: address, reason: input.kind === 'hard' ? 'hard_bounce' : 'soft_bounce',
        customerId: m?.customerId ?? null, campaignId: m?.campaignId ?? null, messageId: m?.id ?? null, detail: input.detail ?? null,
      });
    }
    return { messages: marked, suppressed: address !== null };
  });
  if (actor) await audit(db, actor, 'campaign.bounce', m ? { type: 'customer', id: m.customerId } : null, { messageId: m?.id ?? null, kind: input.kind, byAddress: input.address !== undefined });
  return result;
}

/**
 * Composing campaign e-mails: each recipient's subject, text and HTML (merge fields, the blocks their behaviour
 * shows, their cross-sell candidates), tracked links, the open pixel, the law footer, List-Unsubscribe (RFC 8058) and
 * the VERP return path. What blocks need is loaded for the whole batch: one query per block.
 */
import type { Actor } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import {
  checkSender, compileContent, renderMessage, verpAddress, type CampaignContent, type CompiledContent, type RenderedMessage,
} from '../../domain/campaigns/content.ts';
import type { Recipient, Recommendation } from '../../domain/campaigns/template.ts';
import { maskEmail } from '../../domain/customers/masking.ts';
import { tokyoDay } from '../../domain/tracker/day.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { customerCandidates } from '../recommend/recommend.service.ts';
import * as repo from './content.repository.ts';
import type { Mailer, MailMessage } from './mailer.ts';
import type { MessagingSettings } from './settings.service.ts';

/** Candidates shown at {{おすすめ商品}}. */
const RECOMMENDATIONS = 3;

export interface ComposeRecipient { messageId: number; customerId: string; token: string; address: string }

/** The content's problems (unknown merge fields, undefined blocks, links with fields) and the sender's, as a 400. */
export function assertSendable(content: CampaignContent, settings: MessagingSettings): CompiledContent {
  const { compiled, errors } = compileContent(content);
  const all = [...errors, ...checkSender(settings)];
  if (all.length) throw new AppError('validation_failed', 'メールの内容または配信設定に問題があります (The message content or sender settings have problems)', all);
  return compiled;
}

/**
 * One MailMessage per recipient, by campaign message id. A recipient whose customer is no longer live (deleted, merged
 * away) is left out of the map: the send loop skips it. Throws a 400 when the content or the sender settings are not
 * sendable (see assertSendable), before anything is composed.
 */
export async function composeMessages(
  db: Db, content: CampaignContent, recipients: readonly ComposeRecipient[], settings: MessagingSettings, options: { publicUrl: string; now?: Date },
): Promise<Map<number, MailMessage>> {
  const compiled = assertSendable(content, settings);
  const ids = [...new Set(recipients.map((r) => r.customerId))];
  const [people, shown, recommendations] = await Promise.all([
    repo.recipientsOf(db, ids), shownBlocks(db, compiled, ids, options.now ?? new Date()), recommendationsFor(db, compiled, ids),
  ]);
  const byId = new Map(people.map((p) => [p.id, p]));
  const base = options.publicUrl.replace(/\/+$/u, '');
  const out = new Map<number, MailMessage>();
  for (const r of recipients) {
    const person = byId.get(r.customerId);
    if (!person) continue;
    const unsubscribeUrl = `${base}/u/${r.token}`;
    const rendered = renderMessage(compiled, { recipient: recipientOf(person), recommendations: recommendations.get(r.customerId) ?? [] }, {
      linkUrl: (n) => `${base}/c/${r.token}/${n}`,
      openPixelUrl: `${base}/o/${r.token}.gif`,
      unsubscribeUrl,
      sender: settings,
      shownBlocks: shown.get(r.customerId) ?? new Set(),
    });
    out.set(r.messageId, mailOf(rendered, r.address, settings, {
      messageId: `<${r.token}@${domainOf(settings.fromEmail)}>`,
      envelopeFrom: verpAddress(r.token, settings.fromEmail),
      unsubscribeUrl,
    }));
  }
  return out;
}

function mailOf(m: RenderedMessage, to: string, s: MessagingSettings, o: { messageId: string; envelopeFrom: string; unsubscribeUrl: string | null }): MailMessage {
  return {
    from: { name: s.senderName, address: s.fromEmail },
    to,
    ...(s.replyTo ? { replyTo: s.replyTo } : {}),
    subject: m.subject,
    text: m.text,
    ...(m.html !== null ? { html: m.html } : {}),
    messageId: o.messageId,
    envelope: { from: o.envelopeFrom, to },
    headers: o.unsubscribeUrl
      ? { 'List-Unsubscribe': `<${o.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
      : {},
  };
}

function domainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? 'localhost' : email.slice(at + 1);
}

function recipientOf(p: repo.RecipientRow): Recipient {
  return {
    kind: p.kind,
    familyName: p.family_name ?? (p.kind === 'person' && !p.given_name ? p.display_name : null),
    givenName: p.given_name,
    companyName: p.company_name ?? (p.kind === 'organization' ? p.display_name : null),
    department: p.department,
    title: p.title,
    ownerName: p.owner_name,
  };
}

/** Per customer, the keys of the blocks whose condition holds: one query per behaviour block for the whole batch. */
export async function shownBlocks(db: Db, compiled: CompiledContent, customerIds: readonly string[], now: Date): Promise<Map<string, Set<string>>> {
  const shown = new Map<string, Set<string>>(customerIds.map((id) => [id, new Set<string>()]));
  for (const [key, { block }] of compiled.blocks) {
    const when = block.when;
    let holders: Iterable<string>;
    if (when.type === 'always') holders = customerIds;
    else if (when.type === 'viewed_url') holders = await repo.viewedUrl(db, customerIds, when.pattern, new Date(now.getTime() - when.days * 86_400_000));
    else holders = await repo.boughtCategory(db, customerIds, when.category, tokyoDay(new Date(now.getTime() - when.days * 86_400_000)));
    for (const id of holders) shown.get(id)?.add(key);
  }
  return shown;
}

const usesRecommendations = (c: CompiledContent) => [...c.text, ...(c.html ?? [])].some((t) => t.type === 'recommendations');

/** Each customer's top candidates from the cross-sell model (src/use/recommend), only when the content shows them. */
async function recommendationsFor(db: Db, compiled: CompiledContent, customerIds: readonly string[]): Promise<Map<string, Recommendation[]>> {
  const out = new Map<string, Recommendation[]>();
  if (!usesRecommendations(compiled)) return out;
  for (const id of customerIds) {
    const list = await customerCandidates(db, id, RECOMMENDATIONS);
    out.set(id, list.items.map((c) => ({ name: c.name, reason: c.reason.ja })));
  }
  return out;
}

export interface Preview {
  subject: string;
  text: string;
  html: string | null;
  to: string | null;
  shownBlocks: string[];
  errors: Array<{ field: string; message: string }>;
}

/**
 * The message as this customer would get it (links untracked, no pixel), with the content's and the sender's
 * problems listed rather than thrown, so the editor can show them. `personal` false masks the address.
 */
export async function previewMessage(
  db: Db, content: CampaignContent, customerId: string, settings: MessagingSettings, options: { publicUrl: string; personal: boolean; now?: Date },
): Promise<Preview> {
  const { compiled, errors } = compileContent(content);
  const [person] = await repo.recipientsOf(db, [customerId]);
  if (!person) throw notFound('Customer');
  const rendered = await renderFor(db, compiled, person, settings, options.publicUrl, options.now ?? new Date());
  return {
    subject: rendered.subject, text: rendered.text, html: rendered.html,
    to: options.personal ? person.email : maskEmail(person.email),
    shownBlocks: rendered.shown,
    errors: [...errors, ...checkSender(settings)],
  };
}

async function renderFor(db: Db, compiled: CompiledContent, person: repo.RecipientRow | null, settings: MessagingSettings, publicUrl: string, now: Date) {
  const ids = person ? [person.id] : [];
  const shown = (await shownBlocks(db, compiled, ids, now)).get(person?.id ?? '') ?? new Set(compiled.blocks.size ? [...compiled.blocks.keys()].filter((k) => compiled.blocks.get(k)!.block.when.type === 'always') : []);
  const recommendations = person ? (await recommendationsFor(db, compiled, ids)).get(person.id) ?? [] : [];
  const recipient: Recipient = person ? recipientOf(person) : { kind: 'person', familyName: null, givenName: null, companyName: null, department: null, title: null, ownerName: null };
  const rendered = renderMessage(compiled, { recipient, recommendations }, {
    linkUrl: (_n, link) => link, openPixelUrl: null, unsubscribeUrl: `${publicUrl.replace(/\/+$/u, '')}/u/preview`, sender: settings, shownBlocks: shown,
  });
  return { ...rendered, shown: [...shown] };
}

/**
 * A test of the content to the signed-in user's own address only (subject marked 【テスト】), merged for the given
 * customer or with every field empty (fallbacks shown). Links are not tracked and the unsubscribe link goes nowhere:
 * a test never counts as the customer's. Audited.
 */
export async function sendTestMessage(
  db: Db, mailer: Mailer, content: CampaignContent, settings: MessagingSettings,
  input: { customerId?: string | undefined; campaignId?: string | undefined }, actor: Actor, options: { publicUrl: string; now?: Date },
): Promise<{ to: string; delivery: 'smtp' | 'outbox'; messageId: string }> {
  const userId = actor.auth?.userId;
  const user = userId ? await repo.userById(db, userId) : undefined;
  if (!user) throw new AppError('forbidden', 'テスト送信はサインインしたユーザー本人にだけ送れます (a test goes to the signed-in user)');
  const compiled = assertSendable(content, settings);
  let person: repo.RecipientRow | null = null;
  if (input.customerId) {
    [person = null] = await repo.recipientsOf(db, [input.customerId]);
    if (!person) throw notFound('Customer');
  }
  const rendered = await renderFor(db, compiled, person, settings, options.publicUrl, options.now ?? new Date());
  const stamp = `test-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const mail = mailOf({ ...rendered, subject: `【テスト】${rendered.subject}` }, user.email, settings, {
    messageId: `<${stamp}@${domainOf(settings.fromEmail)}>`, envelopeFrom: settings.fromEmail, unsubscribeUrl: null,
  });
  const sent = await mailer.send(mail, { campaignId: input.campaignId, isTest: true });
  await audit(db, actor, 'campaign.test_send', input.customerId ? { type: 'customer', id: input.customerId } : null, {
    campaignId: input.campaignId ?? null, delivery: mailer.kind, subject: mail.subject,
  });
  return { to: user.email, delivery: mailer.kind, messageId: sent.messageId };
}

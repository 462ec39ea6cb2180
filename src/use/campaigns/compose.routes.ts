import { z } from '@hono/zod-openapi';
import { simpleParser } from 'mailparser';
import { can } from '../../domain/auth/permissions.ts';
import { MASK, maskEmail } from '../../domain/customers/masking.ts';
import { cursorBigId, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError } from '../../core/errors.ts';
import { createRouter, json, secureRoute, type Router } from '../../core/route.ts';
import {
  BounceRequest, BounceResultSchema, BlocksSchema, OutboxPageSchema, OutboxQuery, PreviewRequest, PreviewSchema, SettingsSchema, SettingsUpdate,
  TestSendRequest, TestSendSchema,
} from './content.schemas.ts';
import { campaignExists } from './content.repository.ts';
import { previewMessage, sendTestMessage } from './compose.service.ts';
import { createMailer } from './mailer.ts';
import { listOutbox } from './outbox.repository.ts';
import { getSettings, publicBase, settingsView, updateSettings } from './settings.service.ts';
import { recordBounce } from './tracking.service.ts';

/** The messaging API of campaigns (issue 23): preview, test send, sender settings, the outbox, bounces reported. */
export function messagingRoutes(): Router {
  const app = createRouter();
  const body = <T extends z.ZodTypeAny>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/campaigns/preview', access: 'campaigns:read', tags: ['campaigns'],
      summary: 'The e-mail as one customer would get it (merge fields, behaviour blocks, recommendations, law footer), with the content\'s problems',
      request: body(PreviewRequest), responses: { 200: json(PreviewSchema, 'The preview'), 404: json(z.object({}), 'No such customer') } }),
    async (c) => {
      const { db, config } = c.get('deps');
      const input = c.req.valid('json');
      const auth = c.get('auth');
      const preview = await previewMessage(db, content(input), input.customerId, await getSettings(db), {
        publicUrl: publicBase(config), personal: auth !== null && can(auth.role, 'customers:read_personal'),
      });
      return c.json(preview, 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/campaigns/test-send', access: 'campaigns:write', tags: ['campaigns'],
      summary: 'Send the e-mail as a test to the signed-in user\'s own address (subject marked 【テスト】; to the outbox without SMTP); audited',
      request: body(TestSendRequest), responses: { 200: json(TestSendSchema, 'Sent (or kept in the outbox)'), 404: json(z.object({}), 'No such customer') } }),
    async (c) => {
      const { db, config } = c.get('deps');
      const input = c.req.valid('json');
      if (input.campaignId && !(await campaignExists(db, input.campaignId))) throw new AppError('validation_failed', 'No such campaign', [{ field: 'campaignId', message: 'キャンペーンが見つかりません' }]);
      const mailer = createMailer(db, config);
      try {
        return c.json(await sendTestMessage(db, mailer, content(input), await getSettings(db), input, c.get('actor'), { publicUrl: publicBase(config) }), 200);
      } finally {
        mailer.close();
      }
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/messaging/settings', access: 'campaigns:read', tags: ['campaigns'],
      summary: 'Sender identity (特定電子メール法), frequency cap, sending rate, and whether mail goes to SMTP or the outbox',
      responses: { 200: json(SettingsSchema, 'The settings') } }),
    async (c) => {
      const { db, config } = c.get('deps');
      return c.json(settingsView(await getSettings(db), config), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'put', path: '/api/v1/messaging/settings', access: 'messaging:settings', tags: ['campaigns'],
      summary: 'Change the sender identity, frequency cap or sending rate (the fields given); audited',
      request: body(SettingsUpdate), responses: { 200: json(SettingsSchema, 'The settings') } }),
    async (c) => {
      const { db, config } = c.get('deps');
      return c.json(settingsView(await updateSettings(db, c.req.valid('json'), c.get('actor')), config), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/outbox', access: 'campaigns:read', tags: ['campaigns'],
      summary: 'Messages kept, not sent (no SMTP configured), newest first; the raw message, the address and the subject of a message outside campaigns (a reply) only with customers:read_personal',
      request: { query: OutboxQuery }, responses: { 200: json(OutboxPageSchema, 'A page of the outbox') } }),
    async (c) => {
      const { db } = c.get('deps');
      const q = c.req.valid('query');
      const auth = c.get('auth');
      const personal = auth !== null && can(auth.role, 'customers:read_personal');
      const limit = q.limit ?? 50;
      const beforeId = q.cursor ? cursorBigId(decodeCursor(q.cursor).i) : null;
      const rows = await listOutbox(db, { beforeId, limit, campaignId: q.campaignId, withRaw: personal });
      const page = rows.slice(0, limit);
      const items = await Promise.all(page.map(async (r) => {
        const raw = personal && 'raw' in r ? (r as { raw: string }).raw : null;
        return {
          id: r.id, messageId: r.message_id, campaignId: r.campaign_id, to: personal ? r.to_address : maskEmail(r.to_address) ?? '',
          // A campaign's subject is the campaign's; any other (a reply to a customer's voice) is written to one person about what they said.
          subject: personal || r.campaign_id !== null || r.is_test ? r.subject : MASK,
          isTest: r.is_test, createdAt: new Date(r.created_at).toISOString(), raw, text: raw === null ? null : (await simpleParser(raw)).text ?? '',
        };
      }));
      return c.json({
        items,
        nextCursor: rows.length > limit ? encodeCursor({ i: page[page.length - 1]!.id }) : null,
      }, 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/campaigns/bounces', access: 'campaigns:send', tags: ['campaigns'],
      summary: 'Report a bounce (by message token or address; hard or soft): the message, a suppression of the address, the customer\'s timeline; audited',
      request: body(BounceRequest), responses: { 200: json(BounceResultSchema, 'Recorded'), 404: json(z.object({}), 'No message has this token') } }),
    async (c) => c.json(await recordBounce(c.get('deps').db, c.req.valid('json'), c.get('actor')), 200),
  );
  return app;
}

function content(input: { subject: string; bodyText: string; bodyHtml?: string | null | undefined; blocks?: z.infer<typeof BlocksSchema> | undefined }) {
  return { subject: input.subject, bodyText: input.bodyText, bodyHtml: input.bodyHtml ?? null, blocks: input.blocks ?? [] };
}

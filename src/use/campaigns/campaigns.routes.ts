import { PassThrough, Readable } from 'node:stream';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../core/context.ts';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import {
  AudienceListQuery, AudienceListSchema, CampaignListQuery, AudienceRequestSchema, AudienceSummarySchema, CampaignInputSchema, CampaignListSchema,
  CampaignPatchSchema, CampaignReportSchema, CampaignSchema, DmListQuery, LabelsQuery, MessageListQuery, MessageListSchema,
  ReportQuery, ReturnedImportResultSchema, ReturnedMailSchema, StartRequestSchema, UnknownDecisionSchema,
} from './campaigns.schemas.ts';
import * as campaigns from './campaigns.service.ts';
import * as dm from './dm.service.ts';

const notFound = json(z.object({}), 'No such campaign');
const conflict = json(z.object({}), 'Not possible in the campaign\'s current status');
const body = <T extends z.ZodTypeAny>(schema: T) => ({ content: { 'application/json': { schema } } });
const delivery = (c: Context<AppEnv>): campaigns.Delivery => (c.get('deps').config.smtpUrl ? 'smtp' : 'outbox');

export function campaignRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/campaigns', access: 'campaigns:read', tags: ['campaigns'],
      summary: 'Campaigns, newest first, with their message counts: those people made (default), or the instances behaviour triggers created (origin=trigger, or all)',
      request: { query: CampaignListQuery }, responses: { 200: json(CampaignListSchema, 'Campaigns') } }),
    async (c) => c.json(await campaigns.listCampaigns(c.get('deps').db, delivery(c), c.req.valid('query').origin ?? 'user'), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/campaigns', access: 'campaigns:write', tags: ['campaigns'],
      summary: 'Create a campaign (a draft): channel, segments (none = the whole ledger), content',
      request: { body: body(CampaignInputSchema) }, responses: { 201: json(CampaignSchema, 'Created') } }),
    async (c) => c.json(await campaigns.createCampaign(c.get('deps').db, c.req.valid('json'), c.get('actor'), delivery(c)), 201),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/campaigns/audience', access: 'campaigns:read', tags: ['campaigns'],
      summary: 'Who would get a campaign of this channel for these segments if it were sent now: counts sent and suppressed per reason (live, nothing stored)',
      request: { body: body(AudienceRequestSchema) }, responses: { 200: json(AudienceSummarySchema, 'The audience') } }),
    async (c) => c.json(await campaigns.previewAudience(c.get('deps').db, c.req.valid('json')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/campaigns/{id}', access: 'campaigns:read', tags: ['campaigns'],
      summary: 'One campaign with its content and message counts', request: { params: IdParam },
      responses: { 200: json(CampaignSchema, 'The campaign'), 404: notFound } }),
    async (c) => c.json(await campaigns.getCampaign(c.get('deps').db, c.req.valid('param').id, delivery(c)), 200),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/campaigns/{id}', access: 'campaigns:write', tags: ['campaigns'],
      summary: 'Edit a draft or scheduled campaign', request: { params: IdParam, body: body(CampaignPatchSchema) },
      responses: { 200: json(CampaignSchema, 'The campaign'), 404: notFound, 409: conflict } }),
    async (c) => c.json(await campaigns.updateCampaign(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor'), delivery(c)), 200),
  );
  app.openapi(
    secureRoute({ method: 'delete', path: '/api/v1/campaigns/{id}', access: 'campaigns:write', tags: ['campaigns'],
      summary: 'Delete a draft or cancelled campaign (soft)', request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, 404: notFound, 409: conflict } }),
    async (c) => { await campaigns.deleteCampaign(c.get('deps').db, c.req.valid('param').id, c.get('actor')); return c.body(null, 204); },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/campaigns/{id}/audience', access: 'campaigns:read', tags: ['campaigns'],
      summary: 'The campaign\'s audience: live until it starts, then as resolved when it started', request: { params: IdParam },
      responses: { 200: json(AudienceSummarySchema, 'The audience'), 404: notFound } }),
    async (c) => c.json(await campaigns.campaignAudience(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/campaigns/{id}/audience/list', access: 'campaigns:read', tags: ['campaigns'],
      summary: 'The people considered now, each to be sent or suppressed with its reason (addresses masked without customers:read_personal)',
      request: { params: IdParam, query: AudienceListQuery }, responses: { 200: json(AudienceListSchema, 'A page'), 404: notFound } }),
    async (c) => c.json(await campaigns.audienceList(c.get('deps').db, c.req.valid('param').id, c.req.valid('query'), c.get('auth')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/campaigns/{id}/start', access: 'campaigns:send', tags: ['campaigns'],
      summary: 'Start now (returns at once with status preparing: the audience is stored in the background with its progress, then sent) or at scheduledAt',
      request: { params: IdParam, body: body(StartRequestSchema) }, responses: { 200: json(CampaignSchema, 'The campaign'), 404: notFound, 409: conflict } }),
    async (c) => c.json(await campaigns.startCampaign(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor'), delivery(c)), 200),
  );
  for (const [action, summary, run] of [
    ['pause', 'Pause sending (messages in flight finish; the rest waits)', campaigns.pauseCampaign],
    ['resume', 'Resume a paused campaign', campaigns.resumeCampaign],
    ['cancel', 'Stop the campaign for good (what was not sent stays unsent)', campaigns.cancelCampaign],
  ] as const) {
    app.openapi(
      secureRoute({ method: 'post', path: `/api/v1/campaigns/{id}/${action}`, access: 'campaigns:send', tags: ['campaigns'], summary,
        request: { params: IdParam }, responses: { 200: json(CampaignSchema, 'The campaign'), 404: notFound, 409: conflict } }),
      async (c) => c.json(await run(c.get('deps').db, c.req.valid('param').id, c.get('actor'), delivery(c)), 200),
    );
  }
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/campaigns/{id}/messages', access: 'campaigns:read', tags: ['campaigns'],
      summary: 'The campaign\'s messages with their fate (addresses masked without customers:read_personal)',
      request: { params: IdParam, query: MessageListQuery }, responses: { 200: json(MessageListSchema, 'A page'), 404: notFound } }),
    async (c) => c.json(await campaigns.listMessages(c.get('deps').db, c.req.valid('param').id, c.req.valid('query'), c.get('auth')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/campaigns/{id}/unknown', access: 'campaigns:send', tags: ['campaigns'],
      summary: 'Decide messages whose fate is unknown (the sending process died during the SMTP transaction): send again, or count as sent',
      request: { params: IdParam, body: body(UnknownDecisionSchema) }, responses: { 200: json(CampaignSchema, 'The campaign'), 404: notFound } }),
    async (c) => c.json(await campaigns.decideUnknown(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor'), delivery(c)), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/campaigns/{id}/report', access: 'campaigns:read', tags: ['campaigns'],
      summary: 'Counts, rates, suppressions by reason and the orders recipients placed within N days (default 30)',
      request: { params: IdParam, query: ReportQuery }, responses: { 200: json(CampaignReportSchema, 'The report'), 404: notFound } }),
    async (c) => c.json(await campaigns.campaignReport(c.get('deps').db, c.req.valid('param').id, c.req.valid('query').days ?? 30), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/campaigns/{id}/dm-list', access: 'campaigns:send', tags: ['campaigns', 'exports'],
      summary: 'DM: the mailing list for label software (〒, 住所1/2, 会社名, 部署, 役職, 氏名, 敬称; one piece per household), CP932 or UTF-8; marks the pieces mailed; audited (export.dm_list)',
      request: { params: IdParam, query: DmListQuery },
      responses: { 200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV' }, 404: notFound, 409: conflict } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { encoding } = c.req.valid('query');
      const { db } = c.get('deps');
      const campaign = await campaigns.getCampaign(db, id, delivery(c));
      const chunks: Buffer[] = [];
      const out = new PassThrough();
      out.on('data', (chunk: Buffer | string) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
      if (encoding === 'utf-8') out.write('\uFEFF');
      // Written whole before answering: a refusal (409) must be an error response, not a broken download.
      await dm.exportDmList(db, id, out, encoding, c.get('actor'));
      out.end();
      return new Response(Readable.toWeb(Readable.from([Buffer.concat(chunks)])) as unknown as ReadableStream<Uint8Array>, {
        status: 200,
        headers: {
          'Content-Type': `text/csv; charset=${encoding === 'cp932' ? 'Shift_JIS' : 'utf-8'}`,
          'Content-Disposition': `attachment; filename="dm-list.csv"; filename*=UTF-8''${encodeURIComponent(`${campaign.name}_DM.csv`)}`,
          'Cache-Control': 'no-store',
        },
      }) as never;
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/campaigns/{id}/labels', access: 'campaigns:send', tags: ['campaigns', 'exports'],
      summary: 'DM: a printable A4 label sheet (12 or 24 labels a page); audited (export.dm_labels)',
      request: { params: IdParam, query: LabelsQuery },
      responses: { 200: { content: { 'text/html': { schema: z.string() } }, description: 'HTML to print' }, 404: notFound, 409: conflict } }),
    async (c) => {
      const html = await dm.dmLabelSheet(c.get('deps').db, c.req.valid('param').id, c.req.valid('query').layout, c.get('actor'));
      return c.html(html, 200, { 'Cache-Control': 'no-store' }) as never;
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/campaigns/returned-mail', access: 'campaigns:send', tags: ['campaigns'],
      summary: 'DM post came back (宛先不明): the household address is suppressed for later DMs; on the timeline; audited',
      request: { body: body(ReturnedMailSchema) }, responses: { 204: { description: 'Recorded' }, 404: json(z.object({}), 'No such customer'), 409: conflict } }),
    async (c) => { await dm.recordReturnedMail(c.get('deps').db, c.req.valid('json'), c.get('actor')); return c.body(null, 204); },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/campaigns/{id}/returned-mail', access: 'campaigns:send', tags: ['campaigns'],
      summary: 'DM pieces that came back (宛先不明), as a CSV (UTF-8 or CP932) with a header row: 顧客ID, or 郵便番号 + 住所1 (+ 住所2, 氏名 / 会社名) as on the exported list; each row matched and marked returned like POST /campaigns/returned-mail, or reported with its line and reason; audited',
      request: { params: IdParam, body: { content: { 'text/csv': { schema: z.string() }, 'application/octet-stream': { schema: z.string() } } } },
      responses: { 200: json(ReturnedImportResultSchema, 'Each row: matched, already returned, or not found with its reason'), 400: json(z.object({}), 'No usable header or an unreadable file'), 404: notFound, 409: conflict } }),
    async (c) => {
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      return c.json(await dm.importReturnedMail(c.get('deps').db, c.req.valid('param').id, bytes, c.get('actor')), 200);
    },
  );
  return app;
}

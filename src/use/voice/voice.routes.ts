import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { AppError } from '../../core/errors.ts';
import {
  CreatedItemSchema, DigestListQuery, DigestListSchema, DigestQuery, DigestSchema, FromNoteSchema, GroupListQuery, GroupListSchema, ImportQuery,
  ImportResultSchema, InboundEmailSchema, NoteParam, RoutingRuleInputSchema, RoutingRuleListSchema, RoutingRulePatchSchema, RoutingRuleSchema,
  ScoreSummaryQuery, ScoreSummarySchema, TagCatalogSchema, TagParam, TagRuleInputSchema, TagRuleListSchema, TagRulePatchSchema, TagRuleSchema,
  TeamInputSchema, TeamListSchema, TeamPatchSchema, TeamSchema, TrendQuery, TrendSchema, VoiceCommentInputSchema, VoiceItemDetailSchema,
  VoiceItemInputSchema, VoiceItemPageSchema, VoiceItemPatchSchema, VoiceListQuery, VoiceReplyInputSchema, VoiceTagInputSchema,
} from './voice.schemas.ts';
import * as voice from './voice.service.ts';
import * as reports from './voice-reports.service.ts';
import * as settings from './voice-settings.service.ts';

const notFound = (what: string) => json(z.object({}), `No such ${what}`);
const body = <T extends z.ZodTypeAny>(schema: T) => ({ content: { 'application/json': { schema } } });
const TAGS = ['voice'];
const MAX_CSV_BYTES = 20 * 1024 * 1024;

export function voiceRoutes(): Router {
  const app = createRouter();
  // ── items ──
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/voice/items', access: 'voice:read', tags: TAGS,
      summary: 'The inbox (顧客の声), newest first, with filters and a keyset cursor (text masked without customers:read_personal)',
      request: { query: VoiceListQuery }, responses: { 200: json(VoiceItemPageSchema, 'A page') } }),
    async (c) => c.json(await voice.listItems(c.get('deps').db, c.req.valid('query'), c.get('auth')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/voice/items', access: 'voice:write', tags: TAGS,
      summary: 'Add an item: a customer by id or by contact details (an unknown person becomes a prospect)',
      request: { body: body(VoiceItemInputSchema) }, responses: { 201: json(CreatedItemSchema, 'Created (or the existing item of the same externalId)') } }),
    async (c) => c.json(await voice.createFromApi(c.get('deps').db, c.req.valid('json'), c.get('auth'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/voice/items/{id}', access: 'voice:read', tags: TAGS,
      summary: 'One item with its tags, comments, replies and theme', request: { params: IdParam },
      responses: { 200: json(VoiceItemDetailSchema, 'The item'), 404: notFound('item') } }),
    async (c) => c.json(await voice.getItem(c.get('deps').db, c.req.valid('param').id, c.get('auth')), 200),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/voice/items/{id}', access: 'voice:write', tags: TAGS,
      summary: 'Status (new / in_progress / done), assignee, team, due date, products', request: { params: IdParam, body: body(VoiceItemPatchSchema) },
      responses: { 200: json(VoiceItemDetailSchema, 'The item'), 404: notFound('item') } }),
    async (c) => c.json(await voice.patchItem(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('auth'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/voice/items/{id}/tags', access: 'voice:write', tags: TAGS,
      summary: 'Tag by hand', request: { params: IdParam, body: body(VoiceTagInputSchema) },
      responses: { 200: json(VoiceItemDetailSchema, 'The item'), 404: notFound('item') } }),
    async (c) => c.json(await voice.addTag(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').tag, c.get('auth'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'delete', path: '/api/v1/voice/items/{id}/tags/{tag}', access: 'voice:write', tags: TAGS,
      summary: 'Remove a tag (rule or manual)', request: { params: TagParam },
      responses: { 200: json(VoiceItemDetailSchema, 'The item'), 404: notFound('item or tag') } }),
    async (c) => { const p = c.req.valid('param'); return c.json(await voice.removeTag(c.get('deps').db, p.id, p.tag, c.get('auth'), c.get('actor')), 200); },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/voice/items/{id}/comments', access: 'voice:write', tags: TAGS,
      summary: 'An internal comment (not sent to the customer)', request: { params: IdParam, body: body(VoiceCommentInputSchema) },
      responses: { 200: json(VoiceItemDetailSchema, 'The item'), 404: notFound('item') } }),
    async (c) => c.json(await voice.addComment(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').body, c.get('auth'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/voice/items/{id}/reply', access: 'voice:write', tags: TAGS,
      summary: 'Reply by e-mail (SMTP when configured, else the outbox); on the customer\'s timeline', request: { params: IdParam, body: body(VoiceReplyInputSchema) },
      responses: { 200: json(VoiceItemDetailSchema, 'The item'), 404: notFound('item'), 409: json(z.object({}), 'No address to reply to, or no sender address') } }),
    async (c) => c.json(await voice.reply(c.get('deps').db, c.get('deps').config, c.req.valid('param').id, c.req.valid('json'), c.get('auth'), c.get('actor')), 200),
  );
  // ── channels ──
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/voice/inbound-email', access: 'voice:write', tags: TAGS,
      summary: 'An e-mail to the feedback address (from a mail gateway): the sender is resolved like any record',
      request: { body: body(InboundEmailSchema) }, responses: { 201: json(CreatedItemSchema, 'Created (or the existing item of the same Message-ID)') } }),
    async (c) => {
      const { db } = c.get('deps');
      const created = await voice.createFromEmail(db, c.req.valid('json'), c.get('auth'), c.get('actor'));
      return c.json({ item: created.item ?? await voice.getItem(db, created.id, c.get('auth')), duplicate: created.duplicate }, 201);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/voice/import', access: 'voice:write', tags: TAGS,
      summary: 'CSV of survey answers or call-centre logs (e-mail or phone, comment, score, kind nps/csat, products, time): good rows land, bad rows are reported with their line',
      request: { query: ImportQuery, body: { content: { 'text/csv': { schema: z.string() } } } }, responses: { 200: json(ImportResultSchema, 'What landed and what did not') } }),
    async (c) => {
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (bytes.length === 0) throw new AppError('validation_failed', 'CSV が空です (empty body)', [{ field: '(body)', message: 'CSV を送ってください' }]);
      if (bytes.length > MAX_CSV_BYTES) throw new AppError('validation_failed', 'CSV が大きすぎます (20 MB まで)', [{ field: '(body)', message: '20 MB までです' }]);
      const q = c.req.valid('query');
      return c.json(await reports.importCsv(c.get('deps').db, bytes, { defaultKind: q.defaultKind, encoding: q.encoding }, c.get('actor')), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/voice/notes/{activityId}', access: 'voice:write', tags: TAGS,
      summary: 'Mark a sales note as feedback: its text becomes an item of the customer', request: { params: NoteParam, body: body(FromNoteSchema) },
      responses: { 201: json(CreatedItemSchema, 'Created (or the note\'s existing item)'), 404: notFound('note') } }),
    async (c) => c.json(await voice.createFromNote(c.get('deps').db, c.req.valid('param').activityId, c.req.valid('json'), c.get('auth'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/voice/export.csv', access: 'voice:export', tags: TAGS,
      summary: 'The inbox under the same filters as CSV (UTF-8 with BOM; audited)', request: { query: VoiceListQuery },
      responses: { 200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV' } } }),
    async (c) => {
      const q = c.req.valid('query');
      const { db } = c.get('deps');
      const filter = voice.itemFilterOf(q, c.get('auth'));
      const csv = await reports.exportCsv(db, filter, c.get('auth'), c.get('actor'), q);
      return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="voice.csv"' });
    },
  );
  // ── aggregates ──
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/voice/tags', access: 'voice:read', tags: TAGS, summary: 'Topic tags and the tags in use',
      responses: { 200: json(TagCatalogSchema, 'Tags') } }),
    async (c) => c.json(await voice.tagCatalog(c.get('deps').db), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/voice/groups', access: 'voice:read', tags: TAGS, summary: 'Themes (similar items), most recent first (a near-duplicate theme\'s label quotes an item: masked without customers:read_personal)',
      request: { query: GroupListQuery }, responses: { 200: json(GroupListSchema, 'Themes') } }),
    async (c) => c.json(await voice.listGroups(c.get('deps').db, c.req.valid('query'), c.get('auth')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/voice/trend', access: 'voice:read', tags: TAGS, summary: 'Volume and sentiment by Japan month (?product=SKU for one product)',
      request: { query: TrendQuery }, responses: { 200: json(TrendSchema, 'Months') } }),
    async (c) => c.json(await voice.trend(c.get('deps').db, c.req.valid('query')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/voice/scores', access: 'voice:read', tags: TAGS, summary: 'NPS and CSAT of the items with scores',
      request: { query: ScoreSummaryQuery }, responses: { 200: json(ScoreSummarySchema, 'Scores') } }),
    async (c) => c.json(await reports.scoreSummary(c.get('deps').db, c.req.valid('query')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/voice/digest', access: 'voice:read', tags: TAGS, summary: 'A week\'s digest (of a team, or everyone\'s) computed now',
      request: { query: DigestQuery }, responses: { 200: json(DigestSchema, 'The digest'), 404: notFound('team') } }),
    async (c) => c.json(await reports.digestNow(c.get('deps').db, c.req.valid('query'), c.get('auth')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/voice/digests', access: 'voice:read', tags: TAGS, summary: 'Stored weekly digests, newest week first',
      request: { query: DigestListQuery }, responses: { 200: json(DigestListSchema, 'Digests') } }),
    async (c) => c.json(await reports.listDigests(c.get('deps').db, c.req.valid('query'), c.get('auth')), 200),
  );
  // ── settings ──
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/voice/tag-rules', access: 'voice:read', tags: TAGS, summary: 'Tag rules (the default topic rules included)',
      responses: { 200: json(TagRuleListSchema, 'Rules') } }),
    async (c) => c.json(await settings.listTagRules(c.get('deps').db), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/voice/tag-rules', access: 'voice:settings', tags: TAGS, summary: 'Add a tag rule',
      request: { body: body(TagRuleInputSchema) }, responses: { 201: json(TagRuleSchema, 'Created') } }),
    async (c) => c.json(await settings.createTagRule(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/voice/tag-rules/{id}', access: 'voice:settings', tags: TAGS, summary: 'Edit a tag rule',
      request: { params: IdParam, body: body(TagRulePatchSchema) }, responses: { 200: json(TagRuleSchema, 'The rule'), 404: notFound('rule') } }),
    async (c) => c.json(await settings.updateTagRule(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'delete', path: '/api/v1/voice/tag-rules/{id}', access: 'voice:settings', tags: TAGS, summary: 'Delete a tag rule (tags it set stay)',
      request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, 404: notFound('rule') } }),
    async (c) => { await settings.deleteTagRule(c.get('deps').db, c.req.valid('param').id, c.get('actor')); return c.body(null, 204); },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/voice/routing-rules', access: 'voice:read', tags: TAGS, summary: 'Routing rules in order (the first match routes)',
      responses: { 200: json(RoutingRuleListSchema, 'Rules') } }),
    async (c) => c.json(await settings.listRoutingRules(c.get('deps').db), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/voice/routing-rules', access: 'voice:settings', tags: TAGS, summary: 'Add a routing rule (tag / product / sentiment / customer tier → team or user)',
      request: { body: body(RoutingRuleInputSchema) }, responses: { 201: json(RoutingRuleSchema, 'Created') } }),
    async (c) => c.json(await settings.createRoutingRule(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/voice/routing-rules/{id}', access: 'voice:settings', tags: TAGS, summary: 'Edit a routing rule',
      request: { params: IdParam, body: body(RoutingRulePatchSchema) }, responses: { 200: json(RoutingRuleSchema, 'The rule'), 404: notFound('rule') } }),
    async (c) => c.json(await settings.updateRoutingRule(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'delete', path: '/api/v1/voice/routing-rules/{id}', access: 'voice:settings', tags: TAGS, summary: 'Delete a routing rule',
      request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, 404: notFound('rule') } }),
    async (c) => { await settings.deleteRoutingRule(c.get('deps').db, c.req.valid('param').id, c.get('actor')); return c.body(null, 204); },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/voice/teams', access: 'voice:read', tags: TAGS, summary: 'Teams and their members',
      responses: { 200: json(TeamListSchema, 'Teams') } }),
    async (c) => c.json(await settings.listTeams(c.get('deps').db), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/voice/teams', access: 'voice:settings', tags: TAGS, summary: 'Add a team',
      request: { body: body(TeamInputSchema) }, responses: { 201: json(TeamSchema, 'Created'), 409: json(z.object({}), 'A team of that name exists') } }),
    async (c) => c.json(await settings.createTeam(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/voice/teams/{id}', access: 'voice:settings', tags: TAGS, summary: 'Edit a team (name, address, members)',
      request: { params: IdParam, body: body(TeamPatchSchema) }, responses: { 200: json(TeamSchema, 'The team'), 404: notFound('team') } }),
    async (c) => c.json(await settings.updateTeam(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'delete', path: '/api/v1/voice/teams/{id}', access: 'voice:settings', tags: TAGS, summary: 'Delete a team',
      request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, 404: notFound('team') } }),
    async (c) => { await settings.deleteTeam(c.get('deps').db, c.req.valid('param').id, c.get('actor')); return c.body(null, 204); },
  );
  return app;
}

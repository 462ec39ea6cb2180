/**
 * Identify: a visitor the tracker followed anonymously says who they are (a form, a sign-in, daicho.identify()). The
 * visitor becomes a source record of the site's source, resolved like any record, and their page views join them.
 */
import type { Db } from '../../db/database.ts';
import type { ImportField } from '../../domain/import/profile.ts';
import { identityEmail, traitsToFields } from '../../domain/tracker/traits.ts';
import type { Actor } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { ingestRecords } from '../../resolution/staging.ts';
import * as repo from './tracker.repository.ts';
import { sourceLabel, sourceName } from './site-source.ts';

export interface IdentifyResult {
  siteId: string;
  visitorId: string;
  recordId: number;
  customerId: string;
  /** Page views written to the customer's timeline by this call (the visitor's anonymous history). */
  backfilled: number;
}

export interface IdentifyInput {
  /** The site, by id or by write key; without either, the site where this visitor id was seen last. */
  siteId?: string | undefined;
  writeKey?: string | undefined;
  /** The snippet's anonymous visitor id (window.daicho.visitorId(), cookie _daicho_vid). */
  visitorId: string;
  /** What the person told us: identify traits (email, name, phone, company, …) or import field names. */
  traits?: Record<string, unknown> | undefined;
  fields?: Partial<Record<ImportField, string>> | undefined;
  actor: Actor;
}

const VISITOR_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Makes an anonymous visitor known: the visitor becomes a source record of the site's tracker source (external id =
 * visitor id), which identity resolution links to the right customer, and the visitor's page views so far are
 * written to that customer's timeline (later ones are written as they arrive). Unmerging that source record takes the
 * page views along. If a later identify on the same browser names another e-mail, that is another person: they get
 * their own record (`<visitor id>~1`, …) and only page views from then on.
 *
 * Returns null when there is nothing to identify with (no e-mail, phone or name), or, without a site, when the visitor
 * id was never seen (the browser sent no page view: Do-Not-Track, no consent, blocked script).
 */
export async function identifyVisitor(db: Db, input: IdentifyInput): Promise<IdentifyResult | null> {
  if (!VISITOR_ID.test(input.visitorId)) throw new AppError('validation_failed', 'Not a visitor id', [{ field: 'visitorId', message: '訪問者IDの形式が正しくありません' }]);
  let site: repo.SiteRow | undefined;
  if (input.siteId) site = await repo.findSite(db, input.siteId);
  else if (input.writeKey) site = await repo.findSiteByKey(db, input.writeKey);
  else {
    const seen = (await repo.findSitesOfVisitor(db, input.visitorId))[0];
    if (!seen) return null;
    site = await repo.findSite(db, seen.site_id);
  }
  if (!site) throw notFound('Site');
  const given = { ...(input.traits ? traitsToFields(input.traits).fields : {}), ...(input.fields ?? {}) };
  if (!given.email && !given.phone && !given.full_name && !given.family_name) return null;

  const visitor = await repo.ensureVisitor(db, site.id, input.visitorId);
  const before = visitor.traits as Partial<Record<ImportField, string>>;
  const anotherPerson = identityEmail(before) !== null && identityEmail(given) !== null && identityEmail(before) !== identityEmail(given);
  const seq = anotherPerson ? visitor.identity_seq + 1 : visitor.identity_seq;
  const traits = anotherPerson ? given : { ...before, ...given };
  const externalId = seq === 0 ? input.visitorId : `${input.visitorId}~${seq}`;
  const [record] = await ingestRecords(db, {
    source: { name: sourceName(site.id), label: sourceLabel(site.name), kind: 'tracker' },
    records: [{ externalId, fields: traits, raw: { ...traits, visitorId: input.visitorId, site: site.name } }],
    actor: input.actor,
  });
  if (!record) throw new Error('identify: the record was not stored');
  const backfilled = await db.transaction().execute(async (trx) => {
    await repo.setVisitorIdentity(trx, visitor.id, { sourceRecordId: record.recordId, traits, identitySeq: seq });
    return repo.upsertPageViewActivities(trx, { visitorId: visitor.id }, false);
  });
  await audit(db, input.actor, 'tracker.identify', { type: 'customer', id: record.customerId }, { siteId: site.id, visitorId: input.visitorId, recordId: record.recordId, backfilled, anotherPerson });
  return { siteId: site.id, visitorId: input.visitorId, recordId: record.recordId, customerId: record.customerId, backfilled };
}

import type { Writable } from 'node:stream';
import type { Actor, AuthContext } from '../../core/context.ts';
import { cursorUuid, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { JSIC_MAJOR, JSIC_MIDDLE } from '../../domain/companies/industry.ts';
import { biasWarnings, ORDER_COUNT_BUCKETS } from '../../domain/value/index.ts';
import { listDefinitions as listCustomFields } from '../../ledger/custom-fields/custom-fields.service.ts';
import { writeCustomers } from '../../ledger/customers/customer-export.ts';
import { customerExportRowsByIds, listCustomersByIds } from '../../ledger/customers/customers.service.ts';
import type { CustomerListItem } from '../../ledger/customers/customers.schemas.ts';
import { findSource } from '../../ledger/sources/sources.service.ts';
import { audit, exportTracker } from '../../platform/audit/audit.service.ts';
import { leavesOf, parseDefinition, type DefinitionProblem } from './definition.ts';
import * as compiler from './segment-sql.repository.ts';
import * as repo from './segments.repository.ts';
import { enqueueJob } from '../../platform/jobs/jobs.service.ts';
import type { Segment, SegmentDistribution, SegmentInputBody, SegmentNode, SegmentPatchBody, SegmentPreview, SegmentSizes } from './segments.schemas.ts';

/**
 * Segments: a definition is checked (shape, then what only the database knows: custom fields, sources, forms,
 * events, referenced segments and their cycles), compiled to one SQL predicate and counted, previewed or
 * materialised. Saved segments keep their members as of the last refresh and their size over time.
 */

const TYPES_FOR_OP: Record<string, readonly string[]> = {
  between: ['number', 'date'], is_true: ['boolean'], is_false: ['boolean'], has_any: ['multi_select'], has_all: ['multi_select'],
  contains: ['text'], starts_with: ['text'],
};

function invalid(problems: DefinitionProblem[]): AppError {
  return new AppError('validation_failed', 'The segment definition is invalid', problems.map((p) => ({ field: `definition${p.field.slice(1)}`, message: p.message })));
}

/** Every JSIC code (大分類 letter and its 中分類 digits) under a 大分類. */
function industryCodes(major: string): string[] {
  return [major, ...Object.entries(JSIC_MIDDLE).filter(([, m]) => m.major === major).map(([code]) => code)];
}

interface Checked { node: SegmentNode; context: compiler.CompileContext }

/**
 * The definition checked and ready to compile, or a 400 naming each bad node's JSON path. `selfId`: the segment
 * being edited (it may not refer to itself, even through others).
 */
export async function checkDefinition(db: Db, input: unknown, options: { selfId?: string; now?: Date } = {}): Promise<Checked> {
  const parsed = parseDefinition(input);
  if (!parsed.ok) throw invalid(parsed.problems);
  const problems: DefinitionProblem[] = [];
  const leaves = leavesOf(parsed.node);
  // The custom fields' types, when a condition (or a referenced segment's, compiled inline) may need them.
  const needsFields = leaves.some(({ leaf }) => leaf.type === 'custom_field' || leaf.type === 'segment');
  const customFields = new Map(needsFields ? (await listCustomFields(db, 'customer')).filter((d) => !d.archived).map((d) => [d.key, d.type as string]) : []);
  // Only the names the definition uses, looked up by name: listing the sources counts their records (a scan of
  // source_records that cost ~200 ms at 20k customers and grows with the ledger, on every live count).
  const sources = new Set<string>();
  for (const name of new Set(leaves.flatMap(({ leaf }) => (leaf.type === 'source' ? [leaf.source] : [])))) {
    if (await findSource(db, name)) sources.add(name);
  }
  const forms = new Set(await repo.existingIds(db, 'forms', leaves.flatMap(({ leaf }) => (leaf.type === 'form_submitted' && leaf.formId ? [leaf.formId] : []))));
  const events = new Set(await repo.existingIds(db, 'events', leaves.flatMap(({ leaf }) => (leaf.type === 'event' && leaf.eventId ? [leaf.eventId] : []))));
  const campaigns = new Set(await repo.existingIds(db, 'campaigns', leaves.flatMap(({ leaf }) => (leaf.type === 'email' && leaf.campaignId ? [leaf.campaignId] : []))));
  const skus = new Set(await repo.existingSkus(db, [...new Set(leaves.flatMap(({ leaf }) => (leaf.type === 'candidate' ? [leaf.sku] : [])))]));
  for (const { leaf, path } of leaves) {
    if (leaf.type === 'candidate' && !skus.has(leaf.sku)) problems.push({ field: `${path}.sku`, message: `商品「${leaf.sku}」はありません (unknown SKU)` });
    if (leaf.type === 'custom_field') {
      // A defined custom field, or a column an import kept unmapped (TEL会社, MEMBER_RATING…: compared as text).
      const kind = customFields.get(leaf.key) ?? ((await repo.customKeyInUse(db, leaf.key)) ? 'text' : undefined);
      if (!kind) problems.push({ field: `${path}.key`, message: `カスタム項目「${leaf.key}」はありません (unknown custom field)` });
      else if (TYPES_FOR_OP[leaf.op] && !TYPES_FOR_OP[leaf.op]!.includes(kind)) problems.push({ field: `${path}.op`, message: `演算子 ${leaf.op} は ${kind} 型の項目には使えません (operator does not fit the field type)` });
    }
    if (leaf.type === 'source' && !sources.has(leaf.source)) problems.push({ field: `${path}.source`, message: `データソース「${leaf.source}」はありません (unknown source)` });
    if (leaf.type === 'form_submitted' && leaf.formId && !forms.has(leaf.formId)) problems.push({ field: `${path}.formId`, message: 'フォームが見つかりません (unknown form)' });
    if (leaf.type === 'event' && leaf.eventId && !events.has(leaf.eventId)) problems.push({ field: `${path}.eventId`, message: 'イベントが見つかりません (unknown event)' });
    if (leaf.type === 'email' && leaf.campaignId && !campaigns.has(leaf.campaignId)) problems.push({ field: `${path}.campaignId`, message: 'キャンペーンが見つかりません (unknown campaign)' });
  }
  const segments = await resolveReferences(db, parsed.node, options.selfId ?? null, problems);
  if (problems.length) throw invalid(problems);
  return {
    node: parsed.node,
    context: {
      now: options.now ?? new Date(),
      customFieldTypes: customFields,
      industryCodes: (major) => (major in JSIC_MAJOR ? industryCodes(major) : []),
      segment: (id) => segments.get(id) ?? { type: 'or', conditions: [] },
    },
  };
}

/**
 * Referenced segments, followed to their own references: a dynamic one is compiled inline (live), a snapshot
 * reads its frozen members. A cycle (A uses B uses A) or a missing segment is a problem at the referring node.
 */
async function resolveReferences(db: Db, root: SegmentNode, selfId: string | null, problems: DefinitionProblem[]): Promise<Map<string, SegmentNode | 'snapshot'>> {
  const resolved = new Map<string, SegmentNode | 'snapshot'>();
  const visit = async (node: SegmentNode, chain: string[]) => {
    const refs = leavesOf(node).flatMap(({ leaf, path }) => (leaf.type === 'segment' ? [{ id: leaf.segmentId, path }] : []));
    if (refs.length === 0) return;
    const rows = new Map((await repo.listDefinitions(db, refs.map((r) => r.id))).map((r) => [r.id, r]));
    for (const ref of refs) {
      if (ref.id === selfId || chain.includes(ref.id)) {
        if (chain.length === 0) problems.push({ field: `${ref.path}.segmentId`, message: 'セグメントが自分自身を参照しています (a segment cannot refer to itself)' });
        else problems.push({ field: '$', message: `セグメントの参照が循環しています (segments refer to each other in a cycle)` });
        continue;
      }
      const row = rows.get(ref.id);
      if (!row) {
        if (chain.length === 0) problems.push({ field: `${ref.path}.segmentId`, message: 'セグメントが見つかりません (unknown segment)' });
        continue;
      }
      if (resolved.has(ref.id)) continue;
      if (row.mode === 'snapshot') { resolved.set(ref.id, 'snapshot'); continue; }
      const inner = parseDefinition(row.definition);
      if (!inner.ok) { problems.push({ field: `${ref.path}.segmentId`, message: `参照先のセグメント「${row.name}」の条件が不正です (the referenced segment is invalid)` }); continue; }
      resolved.set(ref.id, inner.node);
      if (chain.length < 10) await visit(inner.node, [...chain, ...(selfId ? [selfId] : []), ref.id]);
    }
  };
  await visit(root, []);
  return resolved;
}

export async function countSegment(db: Db, definition: unknown): Promise<{ count: number; ms: number }> {
  const started = performance.now();
  const { node, context } = await checkDefinition(db, definition);
  const count = await compiler.countMatching(db, compiler.compileNode(node, context));
  return { count, ms: Math.round(performance.now() - started) };
}

export async function distribution(db: Db, predicate: ReturnType<typeof compiler.compileNode>): Promise<SegmentDistribution> {
  const { buckets, tiers, quartiles } = await compiler.distributionOf(db, predicate);
  const byBucket = new Map(buckets.map((b) => [b.bucket, b]));
  const orderCounts = ORDER_COUNT_BUCKETS.map(({ code: bucket }) => ({ bucket, customers: Number(byBucket.get(bucket)?.customers ?? 0), revenue: String(byBucket.get(bucket)?.revenue ?? '0') }));
  const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);
  return {
    members: orderCounts.reduce((s, b) => s + b.customers, 0),
    orderCounts,
    tiers: tiers.map((t) => ({ tier: t.tier, customers: Number(t.customers) })).sort((a, b) => b.customers - a.customers),
    recencyDays: { p25: num(quartiles?.r25), p50: num(quartiles?.r50), p75: num(quartiles?.r75) },
    monetary: { p25: num(quartiles?.m25), p50: num(quartiles?.m50), p75: num(quartiles?.m75) },
    warnings: biasWarnings({
      oneTimeBuyers: orderCounts[1]!.customers, oneTimeRevenue: orderCounts[1]!.revenue,
      repeatBuyers: orderCounts.slice(2).reduce((s, b) => s + b.customers, 0),
      repeatRevenue: orderCounts.slice(2).reduce((s, b) => s + Number(b.revenue), 0).toFixed(2),
    }).map((w) => ({ code: w.code, ja: w.ja, en: w.en })),
  };
}

/** Count, the first members and the distribution (order counts, tiers, recency, monetary, warnings). */
export async function previewSegment(db: Db, definition: unknown, auth: AuthContext | null): Promise<SegmentPreview> {
  const { node, context } = await checkDefinition(db, definition);
  const predicate = compiler.compileNode(node, context);
  // The distribution counts the members too: no separate count.
  const [first, dist] = await Promise.all([compiler.previewMatching(db, predicate, 20), distribution(db, predicate)]);
  const count = dist.members;
  const masked = new Map((await listCustomersByIds(db, first.map((r) => r.id), auth)).map((c) => [c.id, c]));
  return {
    count,
    members: first.map((r) => ({
      id: r.id, displayName: masked.get(r.id)?.displayName ?? r.display_name, prefecture: masked.get(r.id)?.prefecture ?? null,
      companyName: r.company_name, lifecycleStage: r.lifecycle_stage,
    })),
    distribution: dist,
  };
}

// ── saved segments ──

type SegmentRow = NonNullable<Awaited<ReturnType<typeof repo.findSegment>>>;

function toSegment(row: SegmentRow): Segment {
  return {
    id: row.id, name: row.name, description: row.description, definition: row.definition, mode: row.mode,
    ownerUserId: row.owner_user_id, ownerName: row.owner_name ?? null, refreshMinutes: row.refresh_minutes,
    memberCount: row.member_count, refreshedAt: row.refreshed_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString(),
  };
}

async function loadSegment(db: Db, id: string): Promise<SegmentRow> {
  const row = await repo.findSegment(db, id);
  if (!row) throw notFound('Segment');
  return row;
}

export async function listSegments(db: Db): Promise<Segment[]> {
  return (await repo.listSegments(db)).map(toSegment);
}

export async function getSegment(db: Db, id: string): Promise<Segment> {
  return toSegment(await loadSegment(db, id));
}

export async function createSegment(db: Db, input: SegmentInputBody, actor: Actor): Promise<Segment> {
  const checked = await checkDefinition(db, input.definition);
  const id = await db.transaction().execute(async (trx) => {
    const row = await repo.insertSegment(trx, {
      name: input.name, description: input.description ?? null, definition: checked.node, mode: input.mode ?? 'dynamic',
      ownerUserId: actor.auth?.userId ?? null, refreshMinutes: input.refreshMinutes ?? null,
    });
    const counts = await repo.materialize(trx, row.id, compiler.compileNode(checked.node, checked.context));
    await audit(trx, actor, 'segment.create', { type: 'segment', id: row.id }, { name: input.name, mode: row.mode, members: counts.members });
    return row.id;
  });
  return getSegment(db, id);
}

export async function updateSegment(db: Db, id: string, input: SegmentPatchBody, actor: Actor): Promise<Segment> {
  const current = await loadSegment(db, id);
  if (current.mode === 'snapshot' && input.definition !== undefined) {
    throw new AppError('conflict', 'A snapshot keeps the members it was saved with; save a new segment to change its conditions');
  }
  const checked = input.definition !== undefined ? await checkDefinition(db, input.definition, { selfId: id }) : null;
  await db.transaction().execute(async (trx) => {
    await repo.updateSegment(trx, id, {
      name: input.name, description: input.description, refreshMinutes: input.refreshMinutes,
      ...(checked ? { definition: checked.node } : {}),
    });
    if (checked) await repo.materialize(trx, id, compiler.compileNode(checked.node, checked.context));
    await audit(trx, actor, 'segment.update', { type: 'segment', id }, { fields: Object.keys(input) });
  });
  return getSegment(db, id);
}

export async function deleteSegment(db: Db, id: string, actor: Actor): Promise<void> {
  await loadSegment(db, id);
  const users = (await repo.listSegments(db)).filter((s) => s.id !== id && JSON.stringify(s.definition).includes(id));
  if (users.length) throw new AppError('conflict', `Used by other segments: ${users.map((s) => s.name).join(', ')} (他のセグメントが参照しています)`);
  await repo.archiveSegment(db, id);
  await audit(db, actor, 'segment.delete', { type: 'segment', id }, {});
}

/** Re-evaluates a dynamic segment now (a snapshot keeps its members: 409). */
export async function refreshSegment(db: Db, id: string, actor: Actor | null): Promise<Segment> {
  const row = await loadSegment(db, id);
  if (row.mode === 'snapshot') throw new AppError('conflict', 'A snapshot keeps the members it was saved with (スナップショットは更新できません)');
  const checked = await checkDefinition(db, row.definition, { selfId: id });
  await db.transaction().execute(async (trx) => {
    await repo.materialize(trx, id, compiler.compileNode(checked.node, checked.context));
  });
  if (actor) await audit(db, actor, 'segment.refresh', { type: 'segment', id }, {});
  return getSegment(db, id);
}

export const SEGMENT_REFRESH_JOB = 'segment.refresh';

/**
 * The scheduler's pass: the dynamic segments whose interval is up are claimed (so each server takes its own, and a
 * claimed one is not due again for 15 minutes) and a `segment.refresh` job is queued for each. Returns how many.
 */
export async function refreshDueSegments(db: Db, now: Date = new Date()): Promise<number> {
  const due = await repo.claimDueSegments(db, now, 10);
  for (const id of due) await enqueueJob(db, SEGMENT_REFRESH_JOB, { dedupeKey: `${SEGMENT_REFRESH_JOB}:${id}`, payload: { segmentId: id }, maxAttempts: 5 });
  return due.length;
}

/** The `segment.refresh` job: one segment's members rematerialised; one deleted or made a snapshot meanwhile is nothing to do. */
export async function refreshSegmentJob(db: Db, id: string): Promise<void> {
  try {
    await refreshSegment(db, id, null);
  } catch (error) {
    if (error instanceof AppError && (error.code === 'not_found' || error.code === 'conflict')) return;
    throw error;
  }
}

export async function segmentSizes(db: Db, id: string): Promise<SegmentSizes> {
  await loadSegment(db, id);
  return { items: (await repo.listSizes(db, id)).map((s) => ({ measuredAt: s.measured_at.toISOString(), memberCount: s.member_count, added: s.added, removed: s.removed })) };
}

export async function segmentDistribution(db: Db, id: string): Promise<SegmentDistribution> {
  const row = await loadSegment(db, id);
  const checked = await checkDefinition(db, row.definition, { selfId: id });
  const predicate = row.mode === 'snapshot'
    ? compiler.compileNode({ type: 'segment', segmentId: id }, { ...checked.context, segment: () => 'snapshot' })
    : compiler.compileNode(checked.node, checked.context);
  return distribution(db, predicate);
}

export async function listMembers(db: Db, id: string, query: { cursor?: string | undefined; limit?: number | undefined }, auth: AuthContext | null): Promise<{ items: CustomerListItem[]; nextCursor: string | null; hasMore: boolean }> {
  await loadSegment(db, id);
  const limit = query.limit ?? 50;
  let after: string | null = null;
  if (query.cursor) {
    after = cursorUuid(decodeCursor(query.cursor).i);
  }
  const ids = await repo.memberIdsAfter(db, id, after, limit + 1);
  const hasMore = ids.length > limit;
  const page = ids.slice(0, limit);
  const items = await listCustomersByIds(db, page, auth);
  return { items, hasMore, nextCursor: hasMore ? encodeCursor({ i: page[page.length - 1]! }) : null };
}

/** Export rows page by page from a keyset walk over customer ids (`next(after)` gives the ids after one, in order). */
async function* exportPages(db: Db, next: (after: string | null) => Promise<string[]>) {
  let after: string | null = null;
  for (;;) {
    const ids = await next(after);
    if (ids.length === 0) return;
    yield await customerExportRowsByIds(db, ids);
    after = ids[ids.length - 1]!;
  }
}

/** The members as CSV (UTF-8 or CP932), audited like every personal-data export. */
export async function exportMembers(db: Db, id: string, out: Writable, encoding: 'utf-8' | 'cp932', actor: Actor): Promise<number> {
  const row = await loadSegment(db, id);
  const tracker = exportTracker(db);
  const n = await writeCustomers(out, 'csv', encoding, tracker.track(exportPages(db, (after) => repo.memberIdsAfter(db, id, after, 2000))));
  await audit(db, actor, 'export.segment', { type: 'segment', id }, { name: row.name, rows: n, encoding, exportId: tracker.exportId, customers: tracker.customers });
  return n;
}

/** Members of a definition (not saved) as CSV: the CLI's `segment export`. */
export async function exportDefinition(db: Db, definition: unknown, out: Writable, encoding: 'utf-8' | 'cp932', actor: Actor): Promise<number> {
  const { node, context } = await checkDefinition(db, definition);
  const predicate = compiler.compileNode(node, context);
  const tracker = exportTracker(db);
  const n = await writeCustomers(out, 'csv', encoding, tracker.track(exportPages(db, (after) => compiler.matchingIdsAfter(db, predicate, after, 2000))));
  await audit(db, actor, 'export.segment', null, { definition: node, rows: n, encoding, exportId: tracker.exportId, customers: tracker.customers });
  return n;
}

/**
 * Splits a segment by RFM tier: one dynamic sub-segment per tier that has members (and one for members who never
 * bought), each "this segment AND tier = …", so a campaign treats one-time and loyal buyers apart.
 */
export async function splitByTier(db: Db, id: string, tierLabels: Readonly<Record<string, { ja: string }>>, actor: Actor): Promise<Segment[]> {
  const row = await loadSegment(db, id);
  const dist = await segmentDistribution(db, id);
  const created: Segment[] = [];
  for (const { tier, customers } of dist.tiers) {
    if (customers === 0) continue;
    const definition: SegmentNode = tier === 'none'
      ? { type: 'and', conditions: [{ type: 'segment', segmentId: id }, { type: 'purchases', maxCount: 0 }] }
      : { type: 'and', conditions: [{ type: 'segment', segmentId: id }, { type: 'rfm', tiers: [tier] }] };
    const label = tier === 'none' ? '購入なし' : tierLabels[tier]?.ja ?? tier;
    created.push(await createSegment(db, { name: `${row.name} — ${label}`, description: `「${row.name}」をランク「${label}」で分割`, definition }, actor));
  }
  return created;
}

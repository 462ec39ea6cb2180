import { candidateCustomersSql } from '../recommend/recommend.repository.ts';
import { negativeFeedbackCustomersSql } from '../voice/voice.repository.ts';
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import { LINE_NET } from '../../ledger/values/values.repository.ts';
import { CONTACT_ACTIVITY_TYPES, type LeafCondition, type SegmentNode, type TextOp, type Window } from './segments.schemas.ts';

/**
 * Compiles a validated segment definition to one parameterised SQL predicate over `customers c` (a live customer:
 * merged-away customers are soft-deleted, and their records and activities moved to the survivor, so each person is
 * counted once). Behaviour is a semi-join (`c.id IN (SELECT customer_id … GROUP BY … HAVING …)`): PostgreSQL and
 * PGlite hash it once instead of probing per customer. The same text runs on both engines.
 */
export interface CompileContext {
  /** "Now" for windows and ages (tests fix it). */
  now: Date;
  /** custom field key → its type (checked before compiling). */
  customFieldTypes: ReadonlyMap<string, string>;
  /** JSIC codes (大分類 letters and 中分類 digits) per 大分類 letter, for industry conditions. */
  industryCodes: (major: string) => string[];
  /** A referenced dynamic segment's definition, or 'snapshot' when its frozen members are to be read. */
  segment: (id: string) => SegmentNode | 'snapshot';
}

type Predicate = RawBuilder<SqlBool>;
const TRUE = sql<SqlBool>`TRUE`;
const FALSE = sql<SqlBool>`FALSE`;

export function compileNode(node: SegmentNode, ctx: CompileContext): Predicate {
  switch (node.type) {
    case 'and': return node.conditions.length === 0 ? TRUE : sql<SqlBool>`(${sql.join(node.conditions.map((c) => compileNode(c, ctx)), sql` AND `)})`;
    case 'or': return node.conditions.length === 0 ? FALSE : sql<SqlBool>`(${sql.join(node.conditions.map((c) => compileNode(c, ctx)), sql` OR `)})`;
    // Three-valued logic: NOT (NULL) is NULL, which would drop the customer from both a set and its complement.
    case 'not': return sql<SqlBool>`(NOT COALESCE(${compileNode(node.condition, ctx)}, FALSE))`;
    default: return compileLeaf(node, ctx);
  }
}

/** Midnight of a calendar date in Japan time (no daylight saving: +09:00 all year). */
const jstStart = (day: string) => new Date(`${day}T00:00:00+09:00`);
const nextDay = (day: string) => new Date(jstStart(day).getTime() + 86_400_000);

/** [from, to) instants of a window, or nulls for "ever". */
function bounds(window: Window | undefined, now: Date): { from: Date | null; to: Date | null } {
  if (!window) return { from: null, to: null };
  // The last N days end now: a future-dated record (an event next week) is not "in the last 30 days".
  if ('lastDays' in window) return { from: new Date(now.getTime() - window.lastDays * 86_400_000), to: now };
  return { from: 'from' in window && window.from ? jstStart(window.from) : null, to: window.to ? nextDay(window.to) : null };
}

function inWindow(column: RawBuilder<unknown>, window: Window | undefined, now: Date): Predicate {
  const { from, to } = bounds(window, now);
  const parts: Predicate[] = [];
  if (from) parts.push(sql<SqlBool>`${column} >= ${from}`);
  if (to) parts.push(sql<SqlBool>`${column} < ${to}`);
  return parts.length ? sql<SqlBool>`${sql.join(parts, sql` AND `)}` : TRUE;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/gu, (ch) => `\\${ch}`);

function textTest(column: RawBuilder<unknown>, op: TextOp, value: string | undefined, values: readonly string[] | undefined): Predicate {
  const list = values ?? (value !== undefined ? [value] : []);
  switch (op) {
    case 'eq': return sql<SqlBool>`${column} = ${value ?? list[0] ?? ''}`;
    case 'neq': return sql<SqlBool>`COALESCE(${column} <> ${value ?? list[0] ?? ''}, TRUE)`;
    case 'in': return list.length ? sql<SqlBool>`${column} = ANY(${list}::text[])` : FALSE;
    case 'not_in': return list.length ? sql<SqlBool>`COALESCE(NOT (${column} = ANY(${list}::text[])), TRUE)` : TRUE;
    case 'contains': return sql<SqlBool>`${column} LIKE ${`%${escapeLike(value ?? '')}%`}`;
    case 'starts_with': return sql<SqlBool>`${column} LIKE ${`${escapeLike(value ?? '')}%`}`;
    case 'is_set': return sql<SqlBool>`COALESCE(${column}, '') <> ''`;
    case 'is_not_set': return sql<SqlBool>`COALESCE(${column}, '') = ''`;
  }
}

const ATTRIBUTE_COLUMNS: Record<string, RawBuilder<unknown>> = {
  lifecycle_stage: sql`c.lifecycle_stage`,
  acquisition_channel: sql`c.acquisition_channel`,
  prefecture: sql`c.prefecture`,
  // The golden address holds 市区町村 then 番地 (the prefecture apart): a city is how it begins.
  city: sql`c.address`,
  gender: sql`c.gender`,
  owner: sql`c.owner_user_id::text`,
  department: sql`c.department`,
  title: sql`c.title`,
  email_domain: sql`split_part(c.email, '@', 2)`,
};

/** Orders a customer bought: not cancelled, with at least one line of positive quantity (the RFM definition). */
const COUNTED_ORDER = sql<SqlBool>`o.status <> 'cancelled' AND EXISTS (SELECT 1 FROM order_lines pl WHERE pl.order_id = o.id AND pl.quantity > 0)`;

/** A number stored in a custom field (jsonb), or null when it is not one: a bad value never fails the whole count. */
const customNumber = (key: string) => sql`CASE WHEN (c.custom_fields ->> ${key}) ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN (c.custom_fields ->> ${key})::numeric END`;
const customDate = (key: string) => sql`CASE WHEN (c.custom_fields ->> ${key}) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN substr(c.custom_fields ->> ${key}, 1, 10) END`;

function between(column: RawBuilder<unknown>, min: number | string | undefined, max: number | string | undefined): Predicate {
  const parts: Predicate[] = [];
  if (min !== undefined) parts.push(sql<SqlBool>`${column} >= ${min}`);
  if (max !== undefined) parts.push(sql<SqlBool>`${column} <= ${max}`);
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` AND `)})` : sql<SqlBool>`${column} IS NOT NULL`;
}

/** The date `years` years before `now`'s date in Japan (YYYY-MM-DD), for ages. */
function yearsBefore(now: Date, years: number): string {
  const jst = new Date(now.getTime() + 9 * 3_600_000);
  const y = jst.getUTCFullYear() - years;
  const m = jst.getUTCMonth() + 1;
  // 29 February in a year without one: the birthday counts on 1 March.
  const d = Math.min(jst.getUTCDate(), new Date(Date.UTC(y, m, 0)).getUTCDate());
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function compileLeaf(node: LeafCondition, ctx: CompileContext): Predicate {
  switch (node.type) {
    case 'attribute':
      return textTest(ATTRIBUTE_COLUMNS[node.field]!, node.op, node.value, node.values);
    case 'date':
      return inWindow(sql.ref(`c.${node.field}`), node.window, ctx.now);
    case 'age': {
      // Age ≥ min ⇔ born on or before today − min years; age ≤ max ⇔ born after today − (max + 1) years.
      const parts: Predicate[] = [sql<SqlBool>`c.birth_date IS NOT NULL`];
      if (node.min !== undefined) parts.push(sql<SqlBool>`c.birth_date <= ${yearsBefore(ctx.now, node.min)}::date`);
      if (node.max !== undefined) parts.push(sql<SqlBool>`c.birth_date > ${yearsBefore(ctx.now, node.max + 1)}::date`);
      return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
    }
    case 'has':
      switch (node.field) {
        case 'email': return sql<SqlBool>`COALESCE(c.email, '') <> ''`;
        case 'phone': return sql<SqlBool>`COALESCE(c.phone, '') <> ''`;
        case 'address': return sql<SqlBool>`(COALESCE(c.address, '') <> '' OR COALESCE(c.postal_code, '') <> '')`;
        case 'company': return sql<SqlBool>`c.company_id IS NOT NULL`;
        case 'birth_date': return sql<SqlBool>`c.birth_date IS NOT NULL`;
        case 'owner': return sql<SqlBool>`c.owner_user_id IS NOT NULL`;
      }
      break;
    case 'custom_field': {
      const kind = ctx.customFieldTypes.get(node.key) ?? 'text';
      const text = sql`(c.custom_fields ->> ${node.key})`;
      const list = node.values ?? (node.value !== undefined ? [node.value] : []);
      switch (node.op) {
        case 'between':
          return kind === 'date' ? between(customDate(node.key), node.from, node.to) : between(customNumber(node.key), node.min, node.max);
        case 'is_true': return sql<SqlBool>`${text} = 'true'`;
        case 'is_false': return sql<SqlBool>`COALESCE(${text}, 'false') = 'false'`;
        case 'has_any':
          return sql<SqlBool>`(jsonb_typeof(c.custom_fields -> ${node.key}) = 'array' AND (c.custom_fields -> ${node.key}) ?| ${list}::text[])`;
        case 'has_all':
          return sql<SqlBool>`(jsonb_typeof(c.custom_fields -> ${node.key}) = 'array' AND (c.custom_fields -> ${node.key}) ?& ${list}::text[])`;
        default:
          return textTest(text, node.op, node.value, node.values);
      }
    }
    case 'company': {
      const where: Predicate = (() => {
        switch (node.field) {
          case 'industry': return sql<SqlBool>`co.industry_code = ANY(${(node.values ?? []).flatMap((m) => ctx.industryCodes(m))}::text[])`;
          case 'size_band': return sql<SqlBool>`co.size_band = ANY(${node.values ?? []}::text[])`;
          case 'prefecture': return sql<SqlBool>`co.prefecture = ANY(${node.values ?? []}::text[])`;
          case 'employees': return between(sql`co.employee_count`, node.min, node.max);
          case 'capital': return between(sql`co.capital_yen`, node.min, node.max);
        }
      })();
      return sql<SqlBool>`c.company_id IN (SELECT co.id FROM companies co WHERE co.deleted_at IS NULL AND ${where})`;
    }
    case 'source':
      if (node.op === 'has_record') {
        return sql<SqlBool>`c.id IN (SELECT sr.customer_id FROM source_records sr JOIN sources s ON s.id = sr.source_id WHERE s.name = ${node.source} AND sr.customer_id IS NOT NULL)`;
      }
      // First seen in: the customer's earliest record came from this source.
      return sql<SqlBool>`c.id IN (SELECT first_record.customer_id FROM (
          SELECT DISTINCT ON (sr.customer_id) sr.customer_id, sr.source_id FROM source_records sr
          WHERE sr.customer_id IS NOT NULL ORDER BY sr.customer_id, sr.received_at, sr.id) AS first_record
        JOIN sources s ON s.id = first_record.source_id WHERE s.name = ${node.source})`;
    // Sources the customer was found in: edits in the UI or the API (the manual source) are not one.
    case 'source_count': {
      const having = between(sql`count(DISTINCT sr.source_id)`, node.min, node.max);
      if ((node.min ?? 0) === 0) {
        // Zero sources is possible (a manual customer without records): count from the complement.
        const over = node.max === undefined ? FALSE : sql<SqlBool>`c.id IN (SELECT sr.customer_id FROM source_records sr JOIN sources s ON s.id = sr.source_id
          WHERE sr.customer_id IS NOT NULL AND s.kind <> 'manual' GROUP BY sr.customer_id HAVING count(DISTINCT sr.source_id) > ${node.max})`;
        return sql<SqlBool>`NOT ${over}`;
      }
      return sql<SqlBool>`c.id IN (SELECT sr.customer_id FROM source_records sr JOIN sources s ON s.id = sr.source_id
        WHERE sr.customer_id IS NOT NULL AND s.kind <> 'manual' GROUP BY sr.customer_id HAVING ${having})`;
    }
    case 'page_views': {
      const where: Predicate[] = [sql<SqlBool>`a.type = 'page_view'`, inWindow(sql`a.occurred_at`, node.window, ctx.now)];
      if (node.url && node.url.trim()) where.push(urlMatch(node.url.trim()));
      const having: Predicate[] = [sql<SqlBool>`count(*) >= ${Math.max(1, node.minCount ?? 1)}`];
      if (node.minSeconds) having.push(sql<SqlBool>`COALESCE(sum(CASE WHEN (a.properties ->> 'dwellMs') ~ '^[0-9]+$' THEN (a.properties ->> 'dwellMs')::bigint END), 0) >= ${node.minSeconds * 1000}`);
      return sql<SqlBool>`c.id IN (SELECT a.customer_id FROM activities a WHERE ${sql.join(where, sql` AND `)} GROUP BY a.customer_id HAVING ${sql.join(having, sql` AND `)})`;
    }
    case 'form_submitted': {
      const where: Predicate[] = [sql<SqlBool>`fs.status = 'accepted'`, sql<SqlBool>`fs.source_record_id IS NOT NULL`, inWindow(sql`fs.created_at`, node.window, ctx.now)];
      if (node.formId) where.push(sql<SqlBool>`fs.form_id = ${node.formId}`);
      // Each submission's record is looked up by its key: as a join, PostgreSQL hashed all of source_records for a
      // window's 12k submissions (1M customers: 0.77 s of the 1.9 s of bench/segments' nested OR).
      return sql<SqlBool>`c.id IN (SELECT s.customer_id FROM (
          SELECT (SELECT sr.customer_id FROM source_records sr WHERE sr.id = fs.source_record_id) AS customer_id
          FROM form_submissions fs WHERE ${sql.join(where, sql` AND `)}) s
        WHERE s.customer_id IS NOT NULL)`;
    }
    case 'event': {
      // Registered: when they signed up; attended / no-show: when the event took place.
      const status = node.status === 'registered' ? sql<SqlBool>`er.status <> 'cancelled'` : sql<SqlBool>`er.status = ${node.status}`;
      const when = node.status === 'registered' ? sql`er.registered_at` : sql`e.starts_at`;
      const where: Predicate[] = [status, sql<SqlBool>`sr.customer_id IS NOT NULL`, inWindow(when, node.window, ctx.now)];
      if (node.eventId) where.push(sql<SqlBool>`e.id = ${node.eventId}`);
      if (node.eventKind) where.push(sql<SqlBool>`e.kind = ${node.eventKind}`);
      return sql<SqlBool>`c.id IN (SELECT sr.customer_id FROM event_registrations er JOIN events e ON e.id = er.event_id JOIN source_records sr ON sr.id = er.source_record_id WHERE ${sql.join(where, sql` AND `)})`;
    }
    case 'email': {
      const type = { received: 'email_sent', opened: 'email_opened', clicked: 'email_clicked' }[node.action];
      const where: Predicate[] = [sql<SqlBool>`a.type = ${type}`, inWindow(sql`a.occurred_at`, node.window, ctx.now)];
      if (node.campaignId) where.push(sql<SqlBool>`(a.properties ->> 'campaignId') = ${node.campaignId}`);
      // A message that bounced was sent but never received.
      if (node.action === 'received') {
        where.push(sql<SqlBool>`NOT EXISTS (SELECT 1 FROM activities b WHERE b.customer_id = a.customer_id AND b.type = 'email_bounced'
          AND (b.properties ->> 'messageId') = (a.properties ->> 'messageId'))`);
      }
      // Messages, not activities: a message whose two links were clicked counts once.
      return sql<SqlBool>`c.id IN (SELECT a.customer_id FROM activities a WHERE ${sql.join(where, sql` AND `)}
        GROUP BY a.customer_id HAVING count(DISTINCT (a.properties ->> 'messageId')) >= ${Math.max(1, node.minCount ?? 1)})`;
    }
    case 'purchases':
      return purchases(node, ctx);
    case 'no_purchase':
      // Lapsed buyers: bought before, nothing counted in the last N days (people who never bought: purchases maxCount 0).
      return sql<SqlBool>`c.id IN (SELECT sr.customer_id FROM orders o JOIN source_records sr ON sr.id = o.source_record_id
        WHERE sr.customer_id IS NOT NULL AND ${COUNTED_ORDER} GROUP BY sr.customer_id
        HAVING max(o.ordered_at) < ${new Date(ctx.now.getTime() - node.days * 86_400_000)})`;
    case 'negative_feedback':
      return sql<SqlBool>`c.id IN (${negativeFeedbackCustomersSql(new Date(ctx.now.getTime() - node.days * 86_400_000))})`;
    case 'no_contact':
      // The complement of those contacted in the window, so a customer never contacted is in it.
      return sql<SqlBool>`NOT (c.id IN (SELECT a.customer_id FROM activities a
        WHERE a.type = ANY(${[...CONTACT_ACTIVITY_TYPES]}::text[]) AND a.occurred_at >= ${new Date(ctx.now.getTime() - node.days * 86_400_000)}))`;
    case 'rfm': {
      const parts: Predicate[] = [];
      for (const key of ['r', 'f', 'm'] as const) {
        const r = node[key];
        if (r) parts.push(between(sql.ref(`v.${key}`), r.min, r.max));
      }
      if (node.tiers?.length) parts.push(sql<SqlBool>`v.tier = ANY(${node.tiers}::text[])`);
      if (node.segments?.length) parts.push(sql<SqlBool>`v.segment = ANY(${node.segments}::text[])`);
      return sql<SqlBool>`c.id IN (SELECT v.customer_id FROM customer_values v WHERE ${parts.length ? sql.join(parts, sql` AND `) : TRUE})`;
    }
    case 'predicted':
      return sql<SqlBool>`c.id IN (SELECT v.customer_id FROM customer_values v WHERE ${between(sql.ref(`v.${node.metric}`), node.min, node.max)})`;
    case 'candidate':
      return sql<SqlBool>`c.id IN (${candidateCustomersSql(node.sku, node.maxRank ?? 10, node.kind)})`;
    case 'segment': {
      const target = ctx.segment(node.segmentId);
      if (target === 'snapshot') return sql<SqlBool>`c.id IN (SELECT sm.customer_id FROM segment_members sm WHERE sm.segment_id = ${node.segmentId})`;
      return compileNode(target, ctx);
    }
  }
  return FALSE;
}

/** 「/products/*」: * is any text, a leading / matches the path; otherwise the URL contains the text. */
function urlMatch(pattern: string): Predicate {
  const column = pattern.startsWith('/') ? sql`(a.properties ->> 'path')` : sql`(a.properties ->> 'url')`;
  if (!pattern.includes('*')) return pattern.startsWith('/') ? sql<SqlBool>`${column} = ${pattern}` : sql<SqlBool>`${column} LIKE ${`%${escapeLike(pattern)}%`}`;
  return sql<SqlBool>`${column} LIKE ${pattern.split('*').map(escapeLike).join('%')}`;
}

/**
 * Purchases in a window, optionally of one SKU or product category: the number of counted orders and their net
 * amount (LINE_NET: the RFM monetary definition). A bound that zero buyers meet (maxCount, maxAmount without a minimum) takes
 * the customers who never bought too, from the complement of those above it.
 */
function purchases(node: Extract<LeafCondition, { type: 'purchases' }>, ctx: CompileContext): Predicate {
  const where: Predicate[] = [sql<SqlBool>`sr.customer_id IS NOT NULL`, sql<SqlBool>`o.status <> 'cancelled'`, inWindow(sql`o.ordered_at`, node.window, ctx.now)];
  const lineFilter: Predicate[] = [];
  if (node.sku) lineFilter.push(sql<SqlBool>`l.sku = ${node.sku}`);
  if (node.category) lineFilter.push(sql<SqlBool>`l.product_id IN (SELECT p.id FROM products p WHERE p.category = ${node.category})`);
  const lines = lineFilter.length ? sql<SqlBool>` AND ${sql.join(lineFilter, sql` AND `)}` : sql<SqlBool>``;
  // An order counts when it has a line (of that product) with positive quantity; the amount is over the same lines.
  const grouped = (having: Predicate) => sql<SqlBool>`c.id IN (SELECT sr.customer_id FROM orders o
      JOIN source_records sr ON sr.id = o.source_record_id JOIN order_lines l ON l.order_id = o.id
      WHERE ${sql.join(where, sql` AND `)}${lines}
      GROUP BY sr.customer_id HAVING ${having})`;
  const orders = sql`count(DISTINCT o.id) FILTER (WHERE l.quantity > 0)`;
  const amount = sql`COALESCE(sum(${LINE_NET}), 0)`;
  const lower: Predicate[] = [];
  if (node.minCount !== undefined && node.minCount > 0) lower.push(sql<SqlBool>`${orders} >= ${node.minCount}`);
  if (node.minAmount !== undefined) lower.push(sql<SqlBool>`${amount} >= ${node.minAmount}`);
  const upper: Predicate[] = [];
  if (node.maxCount !== undefined) upper.push(sql<SqlBool>`${orders} > ${node.maxCount}`);
  if (node.maxAmount !== undefined) upper.push(sql<SqlBool>`${amount} > ${node.maxAmount}`);
  if (lower.length === 0 && upper.length === 0) return grouped(sql<SqlBool>`${orders} >= 1`);
  const zeroQualifies = lower.length === 0 && (node.maxAmount === undefined || node.maxAmount >= 0);
  const over = upper.length ? grouped(sql<SqlBool>`(${sql.join(upper, sql` OR `)})`) : FALSE;
  if (zeroQualifies) return sql<SqlBool>`NOT ${over}`;
  const within = grouped(sql<SqlBool>`${sql.join(lower, sql` AND `)}`);
  return upper.length ? sql<SqlBool>`(${within} AND NOT ${over})` : within;
}

// ── statements ──

/** A live customer whose use is not stopped (利用停止): counts, previews and members leave the stopped out. */
const live = (predicate: Predicate) => sql<SqlBool>`c.deleted_at IS NULL AND c.use_stopped_request_id IS NULL AND ${predicate}`;

export async function countMatching(db: Db, predicate: Predicate): Promise<number> {
  const result = await sql<{ n: number | string }>`SELECT count(*) AS n FROM customers c WHERE ${live(predicate)}`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

export async function previewMatching(db: Db, predicate: Predicate, limit: number) {
  const result = await sql<{ id: string; display_name: string; prefecture: string | null; company_name: string | null; lifecycle_stage: string }>`
    SELECT c.id, c.display_name, c.prefecture, co.name AS company_name, c.lifecycle_stage
    FROM customers c LEFT JOIN companies co ON co.id = c.company_id
    WHERE ${live(predicate)} ORDER BY c.sort_key, c.id LIMIT ${limit}`.execute(db);
  return result.rows;
}

/**
 * Order-count buckets (0, 1, 2, 3–5, 6–9, 10+) with customers and revenue, tiers, and recency/monetary quartiles, in
 * one statement: the members are found once (a CTE read three times is materialised) and joined to their values.
 */
export async function distributionOf(db: Db, predicate: Predicate) {
  const result = await sql<{ buckets: Array<{ bucket: string; customers: number | string; revenue: string | number | null }> | null; tiers: Array<{ tier: string; customers: number | string }> | null; quartiles: { r25: number | null; r50: number | null; r75: number | null; m25: number | null; m50: number | null; m75: number | null } | null }>`
    WITH members AS (
      SELECT v.frequency, v.monetary, v.tier, v.recency_days
      FROM customers c LEFT JOIN customer_values v ON v.customer_id = c.id
      WHERE ${live(predicate)})
    SELECT
      (SELECT json_agg(b) FROM (
        SELECT CASE WHEN frequency IS NULL OR frequency = 0 THEN '0' WHEN frequency = 1 THEN '1' WHEN frequency = 2 THEN '2'
                    WHEN frequency <= 5 THEN '3-5' WHEN frequency <= 9 THEN '6-9' ELSE '10+' END AS bucket,
               count(*) AS customers, COALESCE(sum(monetary), 0) AS revenue
        FROM members GROUP BY 1) b) AS buckets,
      (SELECT json_agg(t) FROM (SELECT COALESCE(tier, 'none') AS tier, count(*) AS customers FROM members GROUP BY 1) t) AS tiers,
      (SELECT row_to_json(q) FROM (
        SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY recency_days) AS r25, percentile_cont(0.5) WITHIN GROUP (ORDER BY recency_days) AS r50,
               percentile_cont(0.75) WITHIN GROUP (ORDER BY recency_days) AS r75,
               percentile_cont(0.25) WITHIN GROUP (ORDER BY monetary) AS m25, percentile_cont(0.5) WITHIN GROUP (ORDER BY monetary) AS m50,
               percentile_cont(0.75) WITHIN GROUP (ORDER BY monetary) AS m75
        FROM members WHERE frequency IS NOT NULL) q) AS quartiles`.execute(db);
  const row = result.rows[0];
  return { buckets: row?.buckets ?? [], tiers: row?.tiers ?? [], quartiles: row?.quartiles ?? null };
}

/** Member ids in id order after `after`, for materialising and exporting page by page. */
export async function matchingIdsAfter(db: Db, predicate: Predicate, after: string | null, limit: number): Promise<string[]> {
  const result = await sql<{ id: string }>`SELECT c.id FROM customers c WHERE ${live(predicate)}
    ${after ? sql`AND c.id > ${after}::uuid` : sql``} ORDER BY c.id LIMIT ${limit}`.execute(db);
  return result.rows.map((r) => r.id);
}

/** The predicate as SQL text with its parameters (EXPLAIN, the benchmark's comparison). */
export function compiledText(db: Db, predicate: Predicate): { sql: string; parameters: readonly unknown[] } {
  const compiled = sql`SELECT count(*) FROM customers c WHERE ${live(predicate)}`.compile(db);
  return { sql: compiled.sql, parameters: compiled.parameters };
}

import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { TriggerAction } from '../../db/schema.ts';

/** SQL of behaviour triggers: the one writer of trigger_rules, trigger_firings and tasks. */

export interface RuleRowDb {
  id: string; name: string; enabled: boolean; definition: unknown; action: TriggerAction;
  subject: string; body_text: string; body_html: string | null; blocks: unknown;
  task_title: string | null; due_in_days: number | null; fallback_user_id: string | null; cooldown_days: number;
  created_by: string | null; created_at: Date; updated_at: Date; last_run_at: Date | null;
}

const RULE_COLUMNS = ['id', 'name', 'enabled', 'definition', 'action', 'subject', 'body_text', 'body_html', 'blocks', 'task_title',
  'due_in_days', 'fallback_user_id', 'cooldown_days', 'created_by', 'created_at', 'updated_at', 'last_run_at'] as const;

export interface RuleValues {
  name: string; enabled: boolean; definition: unknown; action: TriggerAction;
  subject: string; bodyText: string; bodyHtml: string | null; blocks: unknown;
  taskTitle: string | null; dueInDays: number | null; fallbackUserId: string | null; cooldownDays: number;
}

const columnsOf = (v: RuleValues) => ({
  name: v.name, enabled: v.enabled, definition: JSON.stringify(v.definition), action: v.action,
  subject: v.subject, body_text: v.bodyText, body_html: v.bodyHtml, blocks: JSON.stringify(v.blocks),
  task_title: v.taskTitle, due_in_days: v.dueInDays, fallback_user_id: v.fallbackUserId, cooldown_days: v.cooldownDays,
});

export async function insertRule(db: Db, v: RuleValues, createdBy: string | null): Promise<string> {
  const row = await db.insertInto('trigger_rules').values({ ...columnsOf(v), created_by: createdBy }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateRule(db: Db, id: string, v: RuleValues): Promise<void> {
  await db.updateTable('trigger_rules').set({ ...columnsOf(v), updated_at: sql`now()` }).where('id', '=', id).where('deleted_at', 'is', null).execute();
}

export async function softDeleteRule(db: Db, id: string): Promise<void> {
  await db.updateTable('trigger_rules').set({ deleted_at: sql`now()`, enabled: false, updated_at: sql`now()` }).where('id', '=', id).execute();
}

export async function findRule(db: Db, id: string): Promise<RuleRowDb | undefined> {
  return await db.selectFrom('trigger_rules').select(RULE_COLUMNS).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst() as RuleRowDb | undefined;
}

export async function listRules(db: Db): Promise<RuleRowDb[]> {
  return await db.selectFrom('trigger_rules').select(RULE_COLUMNS).where('deleted_at', 'is', null).orderBy('created_at', 'desc').orderBy('id').limit(500).execute() as RuleRowDb[];
}

/** Enabled rules whose last pass is older than `before` (or that never ran). */
export async function dueRules(db: Db, before: Date): Promise<RuleRowDb[]> {
  return await db.selectFrom('trigger_rules').select(RULE_COLUMNS).where('deleted_at', 'is', null).where('enabled', '=', true)
    .where((eb) => eb.or([eb('last_run_at', 'is', null), eb('last_run_at', '<=', before)])).orderBy('id').execute() as RuleRowDb[];
}

/**
 * Compare-and-set of the rule's last pass: succeeds only if nobody ran it since `seen` was read. Inside the pass's
 * transaction the row stays locked until it commits, so a second server's claim waits, then sees the new value and fails.
 */
export async function claimRule(db: Db, id: string, seen: Date | null, now: Date): Promise<boolean> {
  const result = await sql`UPDATE trigger_rules SET last_run_at = ${now}
    WHERE id = ${id}::uuid AND deleted_at IS NULL AND last_run_at IS NOT DISTINCT FROM ${seen}::timestamptz`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** The rule's condition AND not fired for within its cool-down (a firing of any outcome counts). */
export function dueForRule(condition: RawBuilder<SqlBool>, ruleId: string, cooldownDays: number, now: Date): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${condition} AND NOT (c.id IN (SELECT f.customer_id FROM trigger_firings f
    WHERE f.rule_id = ${ruleId}::uuid AND f.fired_at > ${new Date(now.getTime() - cooldownDays * 86_400_000)})))`;
}

/** A firing per person of the rule's campaign instance: sent (a queued message) or suppressed with the audience's reason. */
export async function insertEmailFirings(db: Db, ruleId: string, campaignId: string, reason: string, now: Date): Promise<{ sent: number; suppressed: number }> {
  const result = await sql<{ outcome: string; n: number | string }>`
    WITH inserted AS (
      INSERT INTO trigger_firings (rule_id, customer_id, fired_at, outcome, reason, suppression_reason, campaign_id, campaign_message_id)
      SELECT ${ruleId}::uuid, m.customer_id, ${now}::timestamptz, 'sent', ${reason}::text, NULL::text, m.campaign_id, m.id
      FROM campaign_messages m WHERE m.campaign_id = ${campaignId}::uuid
      UNION ALL
      -- The suppressed are the instance's audience rows (their id is in the messages' id space).
      SELECT ${ruleId}::uuid, a.customer_id, ${now}::timestamptz, 'suppressed', ${reason}::text, a.reason, a.campaign_id, a.id
      FROM campaign_audience a WHERE a.campaign_id = ${campaignId}::uuid AND a.reason IS NOT NULL
      RETURNING outcome)
    SELECT outcome, count(*) AS n FROM inserted GROUP BY outcome`.execute(db);
  const by = new Map(result.rows.map((r) => [r.outcome, Number(r.n)]));
  return { sent: by.get('sent') ?? 0, suppressed: by.get('suppressed') ?? 0 };
}

/**
 * A task per matching live customer for their owner (an active user), else the rule's fallback user, due `dueOn`
 * (a Japan date), with its firing. Returns the tasks for the timeline.
 */
export async function insertTasks(db: Db, rule: { id: string; title: string; dueOn: string; fallbackUserId: string }, predicate: RawBuilder<SqlBool>, reason: string, now: Date): Promise<Array<{ id: string; customer_id: string; assignee_user_id: string }>> {
  const tasks = await sql<{ id: string; customer_id: string; assignee_user_id: string }>`
    INSERT INTO tasks (customer_id, assignee_user_id, title, due_on, rule_id, created_at)
    SELECT c.id, COALESCE(u.id, ${rule.fallbackUserId}::uuid), ${rule.title}, ${rule.dueOn}::date, ${rule.id}::uuid, ${now}
    FROM customers c LEFT JOIN users u ON u.id = c.owner_user_id AND u.disabled_at IS NULL
    WHERE c.deleted_at IS NULL AND ${predicate}
    RETURNING id, customer_id, assignee_user_id`.execute(db);
  if (tasks.rows.length) {
    await sql`INSERT INTO trigger_firings (rule_id, customer_id, fired_at, outcome, reason, task_id)
      SELECT ${rule.id}::uuid, t.customer_id, ${now}, 'task', ${reason}, t.id FROM tasks t
      WHERE t.id = ANY(${tasks.rows.map((t) => t.id)}::uuid[])`.execute(db);
  }
  return tasks.rows;
}

export interface FiringRowDb {
  id: number; customer_id: string; display_name: string | null; email: string | null; fired_at: Date; outcome: 'sent' | 'task' | 'suppressed';
  reason: string; suppression_reason: string | null; campaign_id: string | null; campaign_message_id: number | null; task_id: string | null;
}

export async function firingsPage(db: Db, ruleId: string, beforeId: number | null, limit: number): Promise<FiringRowDb[]> {
  const result = await sql<FiringRowDb>`
    SELECT f.id, f.customer_id, c.display_name, c.email, f.fired_at, f.outcome, f.reason, f.suppression_reason, f.campaign_id,
           f.campaign_message_id, f.task_id
    FROM trigger_firings f LEFT JOIN customers c ON c.id = f.customer_id
    WHERE f.rule_id = ${ruleId}::uuid ${beforeId !== null ? sql`AND f.id < ${beforeId}` : sql``}
    ORDER BY f.id DESC LIMIT ${limit}`.execute(db);
  return result.rows.map((r) => ({ ...r, id: Number(r.id), campaign_message_id: r.campaign_message_id === null ? null : Number(r.campaign_message_id) }));
}

export async function firingCounts(db: Db, ruleIds: readonly string[]): Promise<Array<{ rule_id: string; outcome: string; n: number }>> {
  if (ruleIds.length === 0) return [];
  const result = await sql<{ rule_id: string; outcome: string; n: number | string }>`
    SELECT rule_id, outcome, count(*) AS n FROM trigger_firings WHERE rule_id = ANY(${ruleIds}::uuid[]) GROUP BY rule_id, outcome`.execute(db);
  return result.rows.map((r) => ({ ...r, n: Number(r.n) }));
}

// ── tasks ──

export interface TaskRowDb {
  id: string; customer_id: string; display_name: string | null; assignee_user_id: string; assignee_name: string | null; title: string;
  due_on: string; status: 'open' | 'done'; rule_id: string | null; rule_name: string | null; created_at: Date; done_at: Date | null;
}

export async function listTasks(db: Db, filter: { assignee?: string | undefined; status?: 'open' | 'done' | undefined }, limit: number): Promise<TaskRowDb[]> {
  const result = await sql<TaskRowDb>`
    SELECT t.id, t.customer_id, c.display_name, t.assignee_user_id, u.display_name AS assignee_name, t.title,
           to_char(t.due_on, 'YYYY-MM-DD') AS due_on, t.status, t.rule_id, r.name AS rule_name, t.created_at, t.done_at
    FROM tasks t LEFT JOIN customers c ON c.id = t.customer_id LEFT JOIN users u ON u.id = t.assignee_user_id
    LEFT JOIN trigger_rules r ON r.id = t.rule_id
    WHERE TRUE ${filter.assignee ? sql`AND t.assignee_user_id = ${filter.assignee}::uuid` : sql``}
      ${filter.status ? sql`AND t.status = ${filter.status}` : sql``}
    ORDER BY t.due_on, t.created_at, t.id LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** One task outside a rule (e.g. the voice inbox's negative feedback of a valued customer for its owner). */
export async function insertTask(db: Db, t: { customerId: string; assigneeUserId: string; title: string; dueOn: string; now: Date }): Promise<string> {
  const row = await db.insertInto('tasks').values({ customer_id: t.customerId, assignee_user_id: t.assigneeUserId, title: t.title, due_on: t.dueOn, rule_id: null, created_at: t.now })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function findTask(db: Db, id: string): Promise<{ id: string; customer_id: string; assignee_user_id: string; status: 'open' | 'done'; title: string } | undefined> {
  return db.selectFrom('tasks').select(['id', 'customer_id', 'assignee_user_id', 'status', 'title']).where('id', '=', id).executeTakeFirst();
}

export async function completeTask(db: Db, id: string, userId: string | null, now: Date): Promise<boolean> {
  const result = await db.updateTable('tasks').set({ status: 'done', done_at: now, done_by: userId }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function activeUserExists(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}

/** 消去 (src/ledger/privacy): the customers' trigger firings and tasks. */
export async function eraseTriggerDataOf(db: Db, customerIds: readonly string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const a = await db.deleteFrom('trigger_firings').where('customer_id', 'in', customerIds).executeTakeFirst();
  const b = await db.deleteFrom('tasks').where('customer_id', 'in', customerIds).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(b.numDeletedRows);
}

/**
 * A merge (src/app/merge-listeners.ts): the merged-away customer's firings and tasks go to the survivor, each
 * recording the customer it came from (0038), so a rule's cool-down holds for the person (it fired for one of their
 * records: it does not fire again for the other) and the owner's task points at the customer that stays. Returns the
 * rows moved.
 */
export async function moveTriggerDataOf(db: Db, fromId: string, toId: string): Promise<number> {
  const a = await db.updateTable('trigger_firings').set({ customer_id: toId, merged_from_customer_id: fromId }).where('customer_id', '=', fromId).executeTakeFirst();
  const b = await db.updateTable('tasks').set({ customer_id: toId, merged_from_customer_id: fromId }).where('customer_id', '=', fromId).executeTakeFirst();
  return Number(a.numUpdatedRows) + Number(b.numUpdatedRows);
}

/**
 * An unmerge that gave back every record of customers merged in earlier (`returned`): the firings and tasks that came
 * with them go to the customer split off (its cool-down and its owner's tasks are its own again). Those of customers
 * only partly split out stay with the survivor: a firing does not say which of the person's records it was for.
 */
export async function returnTriggerDataOnSplit(db: Db, fromId: string, toId: string, returned: readonly string[]): Promise<number> {
  if (returned.length === 0) return 0;
  const a = await db.updateTable('trigger_firings').set({ customer_id: toId, merged_from_customer_id: null })
    .where('customer_id', '=', fromId).where('merged_from_customer_id', 'in', [...returned]).executeTakeFirst();
  const b = await db.updateTable('tasks').set({ customer_id: toId, merged_from_customer_id: null })
    .where('customer_id', '=', fromId).where('merged_from_customer_id', 'in', [...returned]).executeTakeFirst();
  return Number(a.numUpdatedRows) + Number(b.numUpdatedRows);
}

import type { Actor, AuthContext } from '../../core/context.ts';
import { cursorBigId, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { Block } from '../../domain/campaigns/content.ts';
import { can } from '../../domain/auth/permissions.ts';
import { maskEmail } from '../../domain/customers/masking.ts';
import { wakeWorkers } from '../../platform/jobs/jobs.service.ts';
import { insertCampaignActivities } from '../../ledger/activities/activities.repository.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import * as audience from '../campaigns/audience.repository.ts';
import { enqueueSending } from '../campaigns/campaign-jobs.ts';
import * as campaigns from '../campaigns/campaigns.repository.ts';
import { audienceSettings } from '../campaigns/campaigns.service.ts';
import { assertSendable } from '../campaigns/compose.service.ts';
import * as messages from '../campaigns/messages.repository.ts';
import { getSettings } from '../campaigns/settings.service.ts';
import * as compiler from '../segments/segment-sql.repository.ts';
import type { SegmentNode } from '../segments/segments.schemas.ts';
import { checkDefinition } from '../segments/segments.service.ts';
import { describeNode } from './describe.ts';
import * as repo from './triggers.repository.ts';
import type { FiringPage, RunResult, Task, Trigger, TriggerInput, TriggerPatch } from './triggers.schemas.ts';

/**
 * Behaviour triggers. Every minute (src/cli/serve.ts) each enabled rule is claimed (compare-and-set on last_run_at)
 * and run in one transaction: its people are those its condition tree matches now and whom it has not fired for
 * within its cool-down. An e-mail rule creates a campaign instance of itself (status sending, content copied) whose
 * audience is resolved by the campaigns' audienceSql restricted to those people, so consent, lawful basis, bounces
 * and the one frequency cap apply exactly as for campaigns; its `campaign.send` job (queued with it) sends it. A
 * task rule gives each person's owner (else the rule's fallback user) a task with a due date and puts it on the
 * customer's timeline. Each person
 * gets one firing row (sent / task / suppressed with the audience's reason) saying why, in Japanese. The claim, the
 * campaign or tasks and the firings commit together: a pass that dies leaves nothing, and its retry fires once.
 */

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const DAY = 86_400_000;
/** A rule runs at most once a minute (the server's pass); "run now" runs it at once. */
export const RUN_EVERY_MS = 60_000;

function toTrigger(row: repo.RuleRowDb, counts: { sent: number; task: number; suppressed: number }): Trigger {
  return {
    id: row.id, name: row.name, enabled: row.enabled, definition: row.definition, description: describeNode(row.definition as SegmentNode),
    action: row.action, cooldownDays: row.cooldown_days, subject: row.subject, bodyText: row.body_text, bodyHtml: row.body_html,
    blocks: Array.isArray(row.blocks) ? row.blocks : [], taskTitle: row.task_title, dueInDays: row.due_in_days, fallbackUserId: row.fallback_user_id,
    createdBy: row.created_by, createdAt: iso(row.created_at)!, updatedAt: iso(row.updated_at)!, lastRunAt: iso(row.last_run_at), firings: counts,
  };
}

async function countsOf(db: Db, ids: readonly string[]) {
  const out = new Map<string, { sent: number; task: number; suppressed: number }>();
  for (const r of await repo.firingCounts(db, ids)) {
    const c = out.get(r.rule_id) ?? { sent: 0, task: 0, suppressed: 0 };
    c[r.outcome as 'sent' | 'task' | 'suppressed'] += r.n;
    out.set(r.rule_id, c);
  }
  return out;
}

async function load(db: Db, id: string): Promise<repo.RuleRowDb> {
  const row = await repo.findRule(db, id);
  if (!row) throw notFound('trigger rule');
  return row;
}

export async function getTrigger(db: Db, id: string): Promise<Trigger> {
  const row = await load(db, id);
  return toTrigger(row, (await countsOf(db, [id])).get(id) ?? { sent: 0, task: 0, suppressed: 0 });
}

export async function listTriggers(db: Db): Promise<{ items: Trigger[] }> {
  const rows = await repo.listRules(db);
  const counts = await countsOf(db, rows.map((r) => r.id));
  return { items: rows.map((r) => toTrigger(r, counts.get(r.id) ?? { sent: 0, task: 0, suppressed: 0 })) };
}

/** The rule's values checked: its condition tree (400 with JSON paths under `definition`), and what its action needs. */
async function checkedValues(db: Db, input: TriggerInput): Promise<repo.RuleValues> {
  // A bad tree is a 400 whose fields are JSON paths under `definition` (definition.conditions[1].minCount).
  const { node } = await checkDefinition(db, input.definition);
  const problems: Array<{ field: string; message: string }> = [];
  if (input.action === 'email') {
    if (input.subject.trim() === '') problems.push({ field: 'subject', message: '件名を入力してください (subject is required)' });
    if (input.bodyText.trim() === '') problems.push({ field: 'bodyText', message: '本文を入力してください (body is required)' });
  } else {
    if (!input.taskTitle) problems.push({ field: 'taskTitle', message: 'タスクの件名を入力してください (task title is required)' });
    if (input.dueInDays === null || input.dueInDays === undefined) problems.push({ field: 'dueInDays', message: '期限 (何日後) を指定してください (due in days is required)' });
    if (!input.fallbackUserId) problems.push({ field: 'fallbackUserId', message: '担当者がいない顧客のタスクを受け持つユーザーを選んでください (fallback user is required)' });
    else if (!(await repo.activeUserExists(db, input.fallbackUserId))) problems.push({ field: 'fallbackUserId', message: 'ユーザーが見つかりません (unknown user)' });
  }
  if (problems.length) throw new AppError('validation_failed', 'ルールの内容に問題があります (The rule has problems)', problems);
  const content = { subject: input.subject, bodyText: input.bodyText, bodyHtml: input.bodyHtml ?? null, blocks: input.blocks as Block[] };
  // An enabled e-mail rule must be sendable now (merge fields, sender settings), as a campaign must be to start.
  if (input.action === 'email' && input.enabled) assertSendable(content, await getSettings(db));
  return {
    name: input.name, enabled: input.enabled, definition: node, action: input.action, ...content,
    taskTitle: input.action === 'task' ? input.taskTitle ?? null : null, dueInDays: input.action === 'task' ? input.dueInDays ?? null : null,
    fallbackUserId: input.action === 'task' ? input.fallbackUserId ?? null : null, cooldownDays: input.cooldownDays,
  };
}

export async function createTrigger(db: Db, input: TriggerInput, actor: Actor): Promise<Trigger> {
  const values = await checkedValues(db, input);
  const id = await repo.insertRule(db, values, actor.auth?.userId ?? null);
  await audit(db, actor, 'trigger.create', { type: 'trigger', id }, { name: input.name, action: input.action });
  return getTrigger(db, id);
}

export async function updateTrigger(db: Db, id: string, patch: TriggerPatch, actor: Actor): Promise<Trigger> {
  const row = await load(db, id);
  const merged: TriggerInput = {
    name: patch.name ?? row.name, enabled: patch.enabled ?? row.enabled, definition: patch.definition ?? (row.definition as SegmentNode),
    action: patch.action ?? row.action, cooldownDays: patch.cooldownDays ?? row.cooldown_days,
    subject: patch.subject ?? row.subject, bodyText: patch.bodyText ?? row.body_text,
    bodyHtml: patch.bodyHtml !== undefined ? patch.bodyHtml : row.body_html,
    blocks: patch.blocks ?? ((Array.isArray(row.blocks) ? row.blocks : []) as TriggerInput['blocks']),
    taskTitle: patch.taskTitle !== undefined ? patch.taskTitle : row.task_title,
    dueInDays: patch.dueInDays !== undefined ? patch.dueInDays : row.due_in_days,
    fallbackUserId: patch.fallbackUserId !== undefined ? patch.fallbackUserId : row.fallback_user_id,
  };
  await repo.updateRule(db, id, await checkedValues(db, merged));
  await audit(db, actor, 'trigger.update', { type: 'trigger', id }, { fields: Object.keys(patch) });
  return getTrigger(db, id);
}

export async function deleteTrigger(db: Db, id: string, actor: Actor): Promise<void> {
  const row = await load(db, id);
  await repo.softDeleteRule(db, id);
  await audit(db, actor, 'trigger.delete', { type: 'trigger', id }, { name: row.name });
}

// ── evaluation ──

/** Japan's calendar date `days` after `now` (YYYY-MM-DD). */
function jstDatePlus(now: Date, days: number): string {
  return new Date(now.getTime() + 9 * 3_600_000 + days * DAY).toISOString().slice(0, 10);
}

const jstStamp = (now: Date) => new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

export interface RunOptions {
  now?: Date;
  /** Runs inside the pass's transaction just before it commits (a test's stand-in for a crash at that point). */
  beforeCommit?: (trx: Db) => Promise<void>;
}

/**
 * One pass of one rule (see the module comment). `ran` is false when the rule was claimed by someone else since it
 * was read (another server's pass), or is disabled or deleted.
 */
export async function runRule(db: Db, id: string, options: RunOptions = {}): Promise<RunResult> {
  const now = options.now ?? new Date();
  const row = await load(db, id);
  const none: RunResult = { ran: false, matched: 0, sent: 0, suppressed: 0, tasks: 0, campaignId: null };
  if (!row.enabled) return none;
  const checked = await checkDefinition(db, row.definition, { now });
  const predicate = repo.dueForRule(compiler.compileNode(checked.node, checked.context), row.id, row.cooldown_days, now);
  const reason = describeNode(checked.node);
  const settings = row.action === 'email' ? await audienceSettings(db, now) : null;
  return db.transaction().execute(async (trx) => {
    if (!(await repo.claimRule(trx, row.id, row.last_run_at, now))) return none;
    const result: RunResult = { ...none, ran: true };
    result.matched = await compiler.countMatching(trx, predicate);
    if (result.matched > 0 && row.action === 'email') {
      const campaignId = await campaigns.insertCampaign(trx, {
        name: `${row.name} (自動) ${jstStamp(now)}`, channel: 'email', department: null, subject: row.subject, bodyText: row.body_text,
        bodyHtml: row.body_html, blocks: Array.isArray(row.blocks) ? row.blocks : [], createdBy: row.created_by, triggerRuleId: row.id,
      });
      await campaigns.transitionCampaign(trx, campaignId, ['draft'], 'sending', { started: true });
      await audience.tuneForAudience(trx);
      await messages.insertAudience(trx, campaignId, 'email', audience.audienceSql('email', predicate, settings!));
      const fired = await repo.insertEmailFirings(trx, row.id, campaignId, reason, now);
      // Its sending job commits with it: a server's job worker sends the instance.
      await enqueueSending(trx, campaignId);
      Object.assign(result, fired, { campaignId });
    }
    if (result.matched > 0 && row.action === 'task') {
      const tasks = await repo.insertTasks(trx, { id: row.id, title: row.task_title!, dueOn: jstDatePlus(now, row.due_in_days!), fallbackUserId: row.fallback_user_id! }, predicate, reason, now);
      await insertCampaignActivities(trx, tasks.map((t) => ({
        dedupeKey: `task:${t.id}:created`, customerId: t.customer_id, type: 'task_created', occurredAt: now, title: `タスク: ${row.task_title!}`,
        properties: { taskId: t.id, ruleId: row.id, ruleName: row.name, assigneeUserId: t.assignee_user_id, dueOn: jstDatePlus(now, row.due_in_days!), reason },
      })));
      result.tasks = tasks.length;
    }
    if (options.beforeCommit) await options.beforeCommit(trx);
    return result;
  }).then((result) => {
    if (result.campaignId) wakeWorkers();
    return result;
  });
}

/** The server's minute: every enabled rule not run in the last minute, one at a time; a failing rule is logged and skipped. */
export async function runDueRules(db: Db, now = new Date()): Promise<Array<{ id: string; result?: RunResult; error?: string }>> {
  const out: Array<{ id: string; result?: RunResult; error?: string }> = [];
  for (const rule of await repo.dueRules(db, new Date(now.getTime() - RUN_EVERY_MS + 1000))) {
    try {
      out.push({ id: rule.id, result: await runRule(db, rule.id, { now }) });
    } catch (error) {
      out.push({ id: rule.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

export async function runTriggerNow(db: Db, id: string, actor: Actor): Promise<RunResult> {
  const result = await runRule(db, id);
  await audit(db, actor, 'trigger.run', { type: 'trigger', id }, { ...result });
  return result;
}

// ── firings and tasks ──

export async function listFirings(db: Db, id: string, query: { cursor?: string | undefined; limit?: number | undefined }, auth: AuthContext | null): Promise<FiringPage> {
  await load(db, id);
  const personal = auth !== null && can(auth.role, 'customers:read_personal');
  const limit = query.limit ?? 50;
  const before = query.cursor ? cursorBigId(decodeCursor(query.cursor).i) : null;
  const rows = await repo.firingsPage(db, id, before, limit + 1);
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      id: r.id, customerId: r.customer_id, displayName: r.display_name, email: personal ? r.email : maskEmail(r.email), firedAt: iso(r.fired_at)!,
      outcome: r.outcome, reason: r.reason, suppressionReason: r.suppression_reason, campaignId: r.campaign_id,
      campaignMessageId: r.campaign_message_id, taskId: r.task_id,
    })),
    nextCursor: rows.length > limit ? encodeCursor({ i: page[page.length - 1]!.id }) : null,
  };
}

const toTask = (r: repo.TaskRowDb): Task => ({
  id: r.id, customerId: r.customer_id, displayName: r.display_name, assigneeUserId: r.assignee_user_id, assigneeName: r.assignee_name,
  title: r.title, dueOn: r.due_on, status: r.status, ruleId: r.rule_id, ruleName: r.rule_name, createdAt: iso(r.created_at)!, doneAt: iso(r.done_at),
});

export async function listTasks(db: Db, query: { mine?: boolean; status?: 'open' | 'done' | undefined }, auth: AuthContext | null): Promise<{ items: Task[] }> {
  const rows = await repo.listTasks(db, { assignee: query.mine ? auth?.userId ?? '00000000-0000-0000-0000-000000000000' : undefined, status: query.status }, 500);
  return { items: rows.map(toTask) };
}

/** Completes an open task (the route requires customers:write). */
export async function completeTask(db: Db, id: string, actor: Actor): Promise<void> {
  const task = await repo.findTask(db, id);
  if (!task) throw notFound('task');
  if (!(await repo.completeTask(db, id, actor.auth?.userId ?? null, new Date()))) throw new AppError('conflict', 'The task is already done (このタスクは完了済みです)');
  await audit(db, actor, 'task.done', { type: 'task', id }, { title: task.title, customerId: task.customer_id });
}

import { z } from '@hono/zod-openapi';
import { BlocksSchema } from '../campaigns/content.schemas.ts';
import { DefinitionSchema } from '../segments/segments.schemas.ts';

/** Behaviour triggers: a segment condition tree evaluated every minute, an action, a cool-down per person. */

const uuid = z.string().uuid({ error: 'ID の形式が正しくありません (invalid id)' });

export const TriggerInputSchema = z.object({
  name: z.string().trim().min(1, { error: 'ルール名を入力してください (name is required)' }).max(200),
  enabled: z.boolean().default(true),
  definition: DefinitionSchema,
  action: z.enum(['email', 'task']),
  cooldownDays: z.number().int().min(1).max(3650).openapi({ description: 'Fires at most once per person in this many days' }),
  subject: z.string().max(300).default(''),
  bodyText: z.string().max(100_000).default(''),
  bodyHtml: z.string().max(500_000).nullable().optional(),
  blocks: BlocksSchema.default([]),
  taskTitle: z.string().trim().max(300).nullable().optional(),
  dueInDays: z.number().int().min(0).max(365).nullable().optional(),
  fallbackUserId: uuid.nullable().optional().openapi({ description: 'Task assignee when the customer has no (active) owner' }),
}).openapi('TriggerInput');
export type TriggerInput = z.infer<typeof TriggerInputSchema>;
export const TriggerPatchSchema = TriggerInputSchema.partial().openapi('TriggerPatch');
export type TriggerPatch = z.infer<typeof TriggerPatchSchema>;

const FiringCountsSchema = z.object({ sent: z.number().int(), task: z.number().int(), suppressed: z.number().int() });

export const TriggerSchema = z.object({
  id: z.string(), name: z.string(), enabled: z.boolean(), definition: z.unknown(), description: z.string(),
  action: z.enum(['email', 'task']), cooldownDays: z.number().int(),
  subject: z.string(), bodyText: z.string(), bodyHtml: z.string().nullable(), blocks: z.array(z.unknown()),
  taskTitle: z.string().nullable(), dueInDays: z.number().int().nullable(), fallbackUserId: z.string().nullable(),
  createdBy: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(), lastRunAt: z.string().nullable(),
  firings: FiringCountsSchema,
}).openapi('Trigger');
export type Trigger = z.infer<typeof TriggerSchema>;
export const TriggerListSchema = z.object({ items: z.array(TriggerSchema) }).openapi('TriggerList');

export const RunResultSchema = z.object({
  ran: z.boolean().openapi({ description: 'false when another server was running the rule' }),
  matched: z.number().int(), sent: z.number().int(), suppressed: z.number().int(), tasks: z.number().int(),
  campaignId: z.string().nullable(),
}).openapi('TriggerRun');
export type RunResult = z.infer<typeof RunResultSchema>;

export const FiringSchema = z.object({
  id: z.number().int(), customerId: z.string(), displayName: z.string().nullable(), email: z.string().nullable(), firedAt: z.string(),
  outcome: z.enum(['sent', 'task', 'suppressed']), reason: z.string(), suppressionReason: z.string().nullable(),
  campaignId: z.string().nullable(), campaignMessageId: z.number().int().nullable(), taskId: z.string().nullable(),
}).openapi('TriggerFiring');
export const FiringPageSchema = z.object({ items: z.array(FiringSchema), nextCursor: z.string().nullable() }).openapi('TriggerFiringPage');
export type FiringPage = z.infer<typeof FiringPageSchema>;
export const FiringsQuery = z.object({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).optional() });

export const TaskSchema = z.object({
  id: z.string(), customerId: z.string(), displayName: z.string().nullable(), assigneeUserId: z.string(), assigneeName: z.string().nullable(),
  title: z.string(), dueOn: z.string(), status: z.enum(['open', 'done']), ruleId: z.string().nullable(), ruleName: z.string().nullable(),
  createdAt: z.string(), doneAt: z.string().nullable(),
}).openapi('Task');
export type Task = z.infer<typeof TaskSchema>;
export const TaskListSchema = z.object({ items: z.array(TaskSchema) }).openapi('TaskList');
export const TasksQuery = z.object({
  mine: z.enum(['1', '0', 'true', 'false']).optional().openapi({ description: '1: only the signed-in user\'s tasks' }),
  status: z.enum(['open', 'done']).optional(),
});

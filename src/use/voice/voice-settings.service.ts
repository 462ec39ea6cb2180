import type { Actor } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { RFM_TIERS } from '../../domain/value/rfm.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import * as repo from './voice.repository.ts';
import type { RoutingRuleInput, RoutingRuleOut, TagRuleInput, TagRuleOut, TeamInput, TeamOut } from './voice.schemas.ts';
import { seedTagRules } from './voice.service.ts';

/** The inbox's settings: tag rules, routing rules and teams (voice:settings to change, voice:read to see). */

const iso = (d: Date | string): string => new Date(d).toISOString();
const invalid = (field: string, message: string) => new AppError('validation_failed', 'The request has invalid fields', [{ field, message }]);

type TagRuleRow = Awaited<ReturnType<typeof repo.listTagRules>>[number];
const toTagRule = (r: TagRuleRow): TagRuleOut => ({
  id: r.id, tag: r.tag, keywords: r.keywords, formId: r.form_id, productSkus: r.product_skus, channel: r.channel, enabled: r.enabled, seeded: r.seeded,
  createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
});

export async function listTagRules(db: Db): Promise<{ items: TagRuleOut[] }> {
  await seedTagRules(db);
  return { items: (await repo.listTagRules(db, false)).map(toTagRule) };
}

function tagRuleValues(input: TagRuleInput): repo.TagRuleValues {
  const values = { tag: input.tag, keywords: [...new Set(input.keywords)], formId: input.formId ?? null, productSkus: [...new Set(input.productSkus)], channel: input.channel ?? null, enabled: input.enabled };
  // A rule without conditions would tag nothing (the domain refuses to tag the whole inbox): say so instead of saving it.
  if (!values.keywords.length && !values.formId && !values.productSkus.length && !values.channel) throw invalid('keywords', 'キーワード・フォーム・商品・チャネルのいずれかを指定してください (a rule needs a condition)');
  return values;
}

export async function createTagRule(db: Db, input: TagRuleInput, actor: Actor): Promise<TagRuleOut> {
  await seedTagRules(db);
  const [id] = await repo.insertTagRules(db, [tagRuleValues(input)], false, actor.auth?.userId ?? null);
  await audit(db, actor, 'voice.settings', { type: 'voice_tag_rule', id: id! }, { tag: input.tag, action: 'create' });
  return toTagRule((await repo.findTagRule(db, id!))!);
}

export async function updateTagRule(db: Db, id: string, patch: Partial<TagRuleInput>, actor: Actor): Promise<TagRuleOut> {
  const row = await repo.findTagRule(db, id);
  if (!row) throw notFound('tag rule');
  await repo.updateTagRule(db, id, tagRuleValues({
    tag: patch.tag ?? row.tag, keywords: patch.keywords ?? row.keywords, formId: patch.formId !== undefined ? patch.formId : row.form_id,
    productSkus: patch.productSkus ?? row.product_skus, channel: patch.channel !== undefined ? patch.channel : row.channel, enabled: patch.enabled ?? row.enabled,
  }));
  await audit(db, actor, 'voice.settings', { type: 'voice_tag_rule', id }, { action: 'update', fields: Object.keys(patch) });
  return toTagRule((await repo.findTagRule(db, id))!);
}

export async function deleteTagRule(db: Db, id: string, actor: Actor): Promise<void> {
  if (!(await repo.findTagRule(db, id))) throw notFound('tag rule');
  await repo.softDeleteTagRule(db, id);
  await audit(db, actor, 'voice.settings', { type: 'voice_tag_rule', id }, { action: 'delete' });
}

type RoutingRow = Awaited<ReturnType<typeof repo.listRoutingRules>>[number];
const toRouting = (r: RoutingRow): RoutingRuleOut => ({
  id: r.id, name: r.name, position: r.position, enabled: r.enabled, tag: r.tag, productSku: r.product_sku, sentiment: r.sentiment,
  customerTier: r.customer_tier, teamId: r.team_id, teamName: r.team_name, assigneeUserId: r.assignee_user_id, assigneeName: r.assignee_name,
  dueInDays: r.due_in_days, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
});

export async function listRoutingRules(db: Db): Promise<{ items: RoutingRuleOut[] }> {
  return { items: (await repo.listRoutingRules(db, false)).map(toRouting) };
}

async function routingValues(db: Db, input: RoutingRuleInput): Promise<repo.RoutingRuleValues> {
  if (!input.teamId && !input.assigneeUserId) throw invalid('teamId', '振り分け先のチームか担当者を指定してください (team or assignee is required)');
  if (input.teamId && !(await repo.teamExists(db, input.teamId))) throw invalid('teamId', 'チームが見つかりません (unknown team)');
  if (input.assigneeUserId && (await repo.activeUsers(db, [input.assigneeUserId])).length === 0) throw invalid('assigneeUserId', 'ユーザーが見つかりません (unknown user)');
  if (input.customerTier && !(input.customerTier in RFM_TIERS)) throw invalid('customerTier', `顧客ランクは ${Object.keys(RFM_TIERS).join(' / ')} のいずれかです`);
  return {
    name: input.name, position: input.position, enabled: input.enabled, tag: input.tag || null, productSku: input.productSku ?? null, sentiment: input.sentiment ?? null,
    customerTier: input.customerTier || null, teamId: input.teamId ?? null, assigneeUserId: input.assigneeUserId ?? null, dueInDays: input.dueInDays ?? null,
  };
}

async function findRouting(db: Db, id: string): Promise<RoutingRow> {
  const row = (await repo.listRoutingRules(db, false)).find((r) => r.id === id);
  if (!row) throw notFound('routing rule');
  return row;
}

export async function createRoutingRule(db: Db, input: RoutingRuleInput, actor: Actor): Promise<RoutingRuleOut> {
  const id = await repo.insertRoutingRule(db, await routingValues(db, input), actor.auth?.userId ?? null);
  await audit(db, actor, 'voice.settings', { type: 'voice_routing_rule', id }, { action: 'create', name: input.name });
  return toRouting(await findRouting(db, id));
}

export async function updateRoutingRule(db: Db, id: string, patch: Partial<RoutingRuleInput>, actor: Actor): Promise<RoutingRuleOut> {
  const row = await findRouting(db, id);
  const merged: RoutingRuleInput = {
    name: patch.name ?? row.name, position: patch.position ?? row.position, enabled: patch.enabled ?? row.enabled,
    tag: patch.tag !== undefined ? patch.tag : row.tag, productSku: patch.productSku !== undefined ? patch.productSku : row.product_sku,
    sentiment: patch.sentiment !== undefined ? patch.sentiment : row.sentiment, customerTier: patch.customerTier !== undefined ? patch.customerTier : row.customer_tier,
    teamId: patch.teamId !== undefined ? patch.teamId : row.team_id, assigneeUserId: patch.assigneeUserId !== undefined ? patch.assigneeUserId : row.assignee_user_id,
    dueInDays: patch.dueInDays !== undefined ? patch.dueInDays : row.due_in_days,
  };
  await repo.updateRoutingRule(db, id, await routingValues(db, merged));
  await audit(db, actor, 'voice.settings', { type: 'voice_routing_rule', id }, { action: 'update', fields: Object.keys(patch) });
  return toRouting(await findRouting(db, id));
}

export async function deleteRoutingRule(db: Db, id: string, actor: Actor): Promise<void> {
  await findRouting(db, id);
  await repo.softDeleteRoutingRule(db, id);
  await audit(db, actor, 'voice.settings', { type: 'voice_routing_rule', id }, { action: 'delete' });
}

type TeamRow = Awaited<ReturnType<typeof repo.listTeams>>[number];
const toTeam = (t: TeamRow): TeamOut => ({
  id: t.id, name: t.name, email: t.email, members: t.members.map((m) => ({ userId: m.user_id, displayName: m.display_name })), createdAt: iso(t.created_at),
});

export async function listTeams(db: Db): Promise<{ items: TeamOut[] }> {
  return { items: (await repo.listTeams(db)).map(toTeam) };
}

async function checkMembers(db: Db, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  const found = new Set((await repo.activeUsers(db, unique)).map((u) => u.id));
  const missing = unique.filter((u) => !found.has(u));
  if (missing.length) throw invalid('memberUserIds', `ユーザーが見つかりません: ${missing.join(', ')}`);
  return unique;
}

async function findTeam(db: Db, id: string): Promise<TeamRow> {
  const team = (await repo.listTeams(db)).find((t) => t.id === id);
  if (!team) throw notFound('team');
  return team;
}

export async function createTeam(db: Db, input: TeamInput, actor: Actor): Promise<TeamOut> {
  const members = await checkMembers(db, input.memberUserIds);
  if ((await repo.listTeams(db)).some((t) => t.name === input.name)) throw new AppError('conflict', `チーム「${input.name}」は既にあります (a team of that name exists)`);
  const id = await db.transaction().execute(async (trx) => {
    const teamId = await repo.insertTeam(trx, { name: input.name, email: input.email ?? null });
    await repo.setTeamMembers(trx, teamId, members);
    return teamId;
  });
  await audit(db, actor, 'voice.settings', { type: 'voice_team', id }, { action: 'create', name: input.name });
  return toTeam(await findTeam(db, id));
}

export async function updateTeam(db: Db, id: string, patch: Partial<TeamInput>, actor: Actor): Promise<TeamOut> {
  const team = await findTeam(db, id);
  const members = patch.memberUserIds === undefined ? null : await checkMembers(db, patch.memberUserIds);
  const name = patch.name ?? team.name;
  if (name !== team.name && (await repo.listTeams(db)).some((t) => t.name === name)) throw new AppError('conflict', `チーム「${name}」は既にあります (a team of that name exists)`);
  await db.transaction().execute(async (trx) => {
    await repo.updateTeam(trx, id, { name, email: patch.email !== undefined ? patch.email : team.email });
    if (members) await repo.setTeamMembers(trx, id, members);
  });
  await audit(db, actor, 'voice.settings', { type: 'voice_team', id }, { action: 'update', fields: Object.keys(patch) });
  return toTeam(await findTeam(db, id));
}

export async function deleteTeam(db: Db, id: string, actor: Actor): Promise<void> {
  await findTeam(db, id);
  await repo.softDeleteTeam(db, id);
  await audit(db, actor, 'voice.settings', { type: 'voice_team', id }, { action: 'delete' });
}

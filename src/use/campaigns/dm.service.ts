import type { Writable } from 'node:stream';
import type { Actor } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { csvLine } from '../../domain/import/csv.ts';
import { DM_COLUMNS, dmLabel, dmRow, labelSheetHtml, type DmLabel } from '../../domain/campaigns/dm.ts';
import { insertCampaignActivities } from '../../ledger/activities/activities.repository.ts';
import { lineWriter } from '../../ledger/customers/customer-export.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import * as repo from './campaigns.repository.ts';
import * as messages from './messages.repository.ts';
import { householdOf } from './audience.repository.ts';
import { getSettings } from './settings.service.ts';
import { recordSuppression } from './suppressions.repository.ts';

/**
 * DM (postal): a started DM campaign's pieces (one per household, suppressions applied when it started) as the
 * mailing list label software imports, and as a printable label sheet. Exporting the list is the mailing: its pieces
 * count as sent (for the frequency cap and the report) and each becomes a 「DM 送付」 on the person's timeline.
 */

async function dmCampaign(db: Db, id: string) {
  const row = await repo.findCampaign(db, id);
  if (!row) throw notFound('campaign');
  if (row.channel !== 'dm') throw new AppError('conflict', 'Not a DM campaign (DM のキャンペーンではありません)');
  if (row.status === 'draft' || row.status === 'scheduled') {
    throw new AppError('conflict', 'Start the campaign first: its audience is resolved then (先に配信を開始してください: 宛先はその時点で確定します)');
  }
  // The audience is still being stored: a list now would miss people.
  if (row.status === 'preparing') throw new AppError('conflict', 'The audience is still being prepared (配信対象を準備中です。完了してからダウンロードしてください)');
  return row;
}

async function labelsOf(db: Db, id: string): Promise<{ labels: DmLabel[]; messageIds: Array<{ id: number; customerId: string; status: string }> }> {
  const settings = await getSettings(db);
  const pieces = await messages.dmPieces(db, id);
  return {
    labels: pieces.map((p) => dmLabel({
      customerId: p.customer_id, kind: p.kind, postalCode: p.postal_code, prefecture: p.prefecture, address: p.address, building: p.building,
      companyName: p.company_name, department: p.department, title: p.title, familyName: p.family_name, givenName: p.given_name,
      displayName: p.display_name, householdSize: Number(p.household_size),
    }, settings.dmHouseholdAddressing)),
    messageIds: pieces.map((p) => ({ id: p.message_id, customerId: p.customer_id, status: p.status })),
  };
}

/** Writes the mailing list (CP932 by default, for label software on Japanese Windows) and records the mailing. */
export async function exportDmList(db: Db, id: string, out: Writable, encoding: 'utf-8' | 'cp932', actor: Actor, now = new Date()): Promise<number> {
  const row = await dmCampaign(db, id);
  const { labels, messageIds } = await labelsOf(db, id);
  const write = lineWriter(out, encoding);
  await write(csvLine([...DM_COLUMNS]));
  for (const l of labels) await write(csvLine(dmRow(l)));
  const fresh = messageIds.filter((m) => m.status === 'queued');
  await db.transaction().execute(async (trx) => {
    await messages.markDmMailed(trx, id, now);
    await insertCampaignActivities(trx, fresh.map((m) => ({
      dedupeKey: `campaign:${m.id}:dm_mailed`, customerId: m.customerId, type: 'dm_mailed', occurredAt: now, title: `DM発送: ${row.name}`,
      properties: { campaignId: id, campaignName: row.name, messageId: m.id },
    })));
    if (row.status === 'sending' || row.status === 'paused') await repo.transitionCampaign(trx, id, ['sending', 'paused'], 'done', { finished: true });
  });
  await audit(db, actor, 'export.dm_list', { type: 'campaign', id }, { name: row.name, rows: labels.length, encoding, newlyMailed: fresh.length });
  return labels.length;
}

export async function dmLabelSheet(db: Db, id: string, layout: '12' | '24', actor: Actor): Promise<string> {
  const row = await dmCampaign(db, id);
  const { labels } = await labelsOf(db, id);
  await audit(db, actor, 'export.dm_labels', { type: 'campaign', id }, { name: row.name, rows: labels.length, layout });
  return labelSheetHtml(labels, layout, row.name);
}

/**
 * Post came back (宛先不明): the household's address is suppressed for every later DM (reason `bounced`) until the
 * address changes (a new address is a new household key), and the return is on the person's timeline.
 */
export async function recordReturnedMail(db: Db, input: { customerId: string; campaignId?: string | undefined; detail?: string | undefined }, actor: Actor): Promise<void> {
  const household = await householdOf(db, input.customerId);
  if (!household) throw notFound('customer');
  if (!household.hasAddress) throw new AppError('conflict', 'The customer has no postal address (住所が登録されていません)');
  await recordSuppression(db, { channel: 'dm', addressKey: household.household, reason: 'returned_mail', customerId: input.customerId, campaignId: input.campaignId ?? null, detail: input.detail ?? null });
  const now = new Date();
  await insertCampaignActivities(db, [{
    dedupeKey: `returned-mail:${input.customerId}:${now.toISOString()}`, customerId: input.customerId, type: 'dm_returned', occurredAt: now,
    title: 'DM 返送 (宛先不明)', properties: { campaignId: input.campaignId ?? null, detail: input.detail ?? null },
  }]);
  await audit(db, actor, 'campaign.returned_mail', { type: 'customer', id: input.customerId }, { campaignId: input.campaignId ?? null });
}

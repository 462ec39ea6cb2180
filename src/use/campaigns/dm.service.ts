import type { Writable } from 'node:stream';
import type { Actor } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { returnedColumns, returnedHeaderProblem, returnedIndex, type ReturnedColumn } from '../../domain/campaigns/returned.ts';
import { csvLine, detectDelimiter, detectEncoding, parseCsvText } from '../../domain/import/index.ts';
import { DM_COLUMNS, dmLabel, dmRow, labelSheetHtml, type DmLabel } from '../../domain/campaigns/dm.ts';
import { insertCampaignActivities } from '../../ledger/activities/activities.repository.ts';
import { lineWriter } from '../../ledger/customers/customer-export.ts';
import { audit, exportTracker } from '../../platform/audit/audit.service.ts';
import * as repo from './campaigns.repository.ts';
import * as messages from './messages.repository.ts';
import { householdOf } from './audience.repository.ts';
import { getSettings } from './settings.service.ts';
import { recordSuppression, returnedInCampaign } from './suppressions.repository.ts';
import type { ReturnedImportResult } from './campaigns.schemas.ts';

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
  // Who the list carried (export_customers): the disclosure report of each lists it.
  const tracker = exportTracker(db);
  await tracker.add(messageIds.map((m) => m.customerId));
  await audit(db, actor, 'export.dm_list', { type: 'campaign', id }, { name: row.name, rows: labels.length, encoding, newlyMailed: fresh.length, exportId: tracker.exportId, customers: tracker.customers });
  return labels.length;
}

export async function dmLabelSheet(db: Db, id: string, layout: '12' | '24', actor: Actor): Promise<string> {
  const row = await dmCampaign(db, id);
  const { labels, messageIds } = await labelsOf(db, id);
  const tracker = exportTracker(db);
  await tracker.add(messageIds.map((m) => m.customerId));
  await audit(db, actor, 'export.dm_labels', { type: 'campaign', id }, { name: row.name, rows: labels.length, layout, exportId: tracker.exportId, customers: tracker.customers });
  return labelSheetHtml(labels, layout, row.name);
}

/**
 * Post came back (宛先不明): the household's address is suppressed for every later DM (reason `bounced`) until the
 * address changes (a new address is a new household key), and the return is on the person's timeline.
 */
export async function recordReturnedMail(db: Db, input: { customerId: string; campaignId?: string | undefined; detail?: string | undefined }, actor: Actor): Promise<void> {
  // For a campaign, only a piece that was mailed can come back.
  if (input.campaignId && !(await messages.dmMailedTo(db, input.campaignId, input.customerId))) {
    throw new AppError('conflict', 'この顧客にはこのキャンペーンの DM を発送していません (no DM of this campaign was mailed to the customer)');
  }
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

/** The largest returned-DM file accepted (a mailing list of 100,000 households is ~10 MB). */
export const MAX_RETURNED_CSV_BYTES = 20 * 1024 * 1024;

/**
 * Returned DM listed in a CSV (UTF-8 or CP932, as the exported list): each row is found among the campaign's pieces by
 * its 顧客ID, else 〒 + address (+ 氏名 / 会社名), and each piece found is marked returned exactly as the per-customer
 * 「宛先不明で返送」 does (recordReturnedMail). Every row is reported: matched, already returned, or not found with
 * its line and the reason; a bad row never stops the others.
 */
export async function importReturnedMail(db: Db, campaignId: string, bytes: Uint8Array, actor: Actor): Promise<ReturnedImportResult> {
  await dmCampaign(db, campaignId);
  if (bytes.length === 0) throw new AppError('validation_failed', 'CSV が空です (empty file)', [{ field: 'file', message: 'CSV を選んでください' }]);
  if (bytes.length > MAX_RETURNED_CSV_BYTES) throw new AppError('validation_failed', 'CSV が大きすぎます (20 MB まで)', [{ field: 'file', message: '20 MB までです' }]);
  const encoding = detectEncoding(bytes.subarray(0, 64 * 1024)).encoding;
  let text: string;
  try {
    text = new TextDecoder(encoding === 'cp932' ? 'shift_jis' : encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('validation_failed', 'ファイルの文字コードを読み取れません (unreadable encoding)', [{ field: 'file', message: 'UTF-8 か Shift_JIS (cp932) の CSV にしてください' }]);
  }
  const records = parseCsvText(text.replace(/^\uFEFF/u, ''), { delimiter: detectDelimiter(text.slice(0, 64 * 1024)) });
  const header = records[0];
  if (!header || !('fields' in header)) throw new AppError('validation_failed', 'CSV の見出し行がありません (no header row)', [{ field: 'file', message: '1 行目に見出しが必要です' }]);
  const cols = returnedColumns(header.fields);
  const problem = returnedHeaderProblem(cols);
  if (problem) throw new AppError('validation_failed', problem, [{ field: 'file', message: problem }]);
  const { labels, messageIds } = await labelsOf(db, campaignId);
  const index = returnedIndex(labels);
  const pieceOf = new Map(messageIds.map((m) => [m.customerId.toLowerCase(), m]));
  const nameOf = new Map(labels.map((l) => [l.customerId.toLowerCase(), l.name || l.company]));
  const already = await returnedInCampaign(db, campaignId);
  const result: ReturnedImportResult = { rows: 0, matched: 0, alreadyReturned: 0, notFound: 0, lines: [] };
  const seen = new Map<string, number>();
  for (const record of records.slice(1)) {
    if ('fields' in record && record.fields.every((f) => f.trim() === '')) continue;
    result.rows += 1;
    const notFound = (reason: string, message: string) => {
      result.notFound += 1;
      result.lines.push({ line: record.line, status: 'not_found', customerId: null, name: null, reason, message });
    };
    if (!('fields' in record)) { notFound('bad_row', record.error); continue; }
    const cells: Partial<Record<ReturnedColumn, string>> = {};
    for (const [col, i] of Object.entries(cols) as Array<[ReturnedColumn, number]>) cells[col] = record.fields[i] ?? '';
    const match = index.match(cells);
    if (!match.ok) { notFound(match.reason, match.message); continue; }
    const customerId = match.customerId;
    const piece = pieceOf.get(customerId)!;
    const name = nameOf.get(customerId) ?? null;
    if (piece.status !== 'sent') { notFound('not_mailed', 'この DM はまだ発送されていません (送付リストをダウンロードすると発送済みになります)'); continue; }
    const earlier = seen.get(customerId);
    if (earlier !== undefined || already.has(customerId)) {
      result.alreadyReturned += 1;
      result.lines.push({ line: record.line, status: 'already_returned', customerId, name, reason: null,
        message: earlier !== undefined ? `${earlier} 行目と同じ DM です (same piece as line ${earlier})` : '返送は登録済みです (already recorded)' });
      continue;
    }
    try {
      await recordReturnedMail(db, { customerId, campaignId, detail: (cells.detail ?? '').trim().slice(0, 500) || `CSV ${record.line} 行目` }, actor);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      notFound('refused', error.message);
      continue;
    }
    seen.set(customerId, record.line);
    result.matched += 1;
    result.lines.push({ line: record.line, status: 'matched', customerId, name, reason: null, message: null });
  }
  await audit(db, actor, 'campaign.returned_mail_import', { type: 'campaign', id: campaignId }, { rows: result.rows, matched: result.matched, alreadyReturned: result.alreadyReturned, notFound: result.notFound });
  return result;
}

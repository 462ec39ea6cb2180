import type { Config } from '../../config/config.ts';
import type { Actor, AuthContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { MASK } from '../../domain/customers/masking.ts';
import { csvLine, detectDelimiter, parseCsvText } from '../../domain/import/index.ts';
import { csatOf, npsOf } from '../../domain/voice/index.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { ingestRecords } from '../../resolution/staging.ts';
import { createMailer } from '../campaigns/mailer.ts';
import { getSettings } from '../campaigns/settings.service.ts';
import * as repo from './voice.repository.ts';
import type { Digest, DigestContent, ImportResult, VoiceListFilter } from './voice.schemas.ts';
import { CHANNEL_LABELS, SENTIMENT_LABELS, STATUS_LABELS } from './voice.schemas.ts';
import { groupLabel, personalFor, receive } from './voice.service.ts';

/** The inbox's CSV import and export, NPS/CSAT, and the weekly digests. */

const DAY = 86_400_000;
const JST = 9 * 3_600_000;
const jstStart = (date: string): string => new Date(Date.parse(`${date}T00:00:00+09:00`)).toISOString();
const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

// ── CSV import ──

/** Header names (folded to lower case) for each column the import reads; Japanese first. */
const HEADERS: Record<string, readonly string[]> = {
  email: ['メールアドレス', 'メール', 'email', 'e-mail', 'mail'],
  phone: ['電話番号', '電話', 'phone', 'tel'],
  name: ['氏名', '名前', 'お名前', 'name'],
  company: ['会社名', 'company'],
  receivedAt: ['回答日時', '受付日時', '日時', '回答日', '日付', 'date', 'received_at'],
  text: ['コメント', 'ご意見', '内容', '本文', '問い合わせ内容', 'comment', 'text'],
  score: ['スコア', '点数', '評価', 'score', 'nps', 'csat'],
  kind: ['種別', 'スコア種別', 'kind', 'score_kind'],
  products: ['商品コード', '商品', 'sku', 'product', 'products'],
  externalId: ['回答id', '回答 id', '通話id', 'id', 'external_id'],
};

function columnIndexes(header: readonly string[]): Record<string, number> {
  const folded = header.map((h) => h.trim().replace(/^\uFEFF/u, '').toLowerCase());
  const out: Record<string, number> = {};
  for (const [key, names] of Object.entries(HEADERS)) {
    const i = folded.findIndex((h) => names.includes(h));
    if (i >= 0) out[key] = i;
  }
  // A header named nps / csat says the kind of its scores.
  return out;
}

/** Japan local 'YYYY-MM-DD[ HH:MM[:SS]]' or '2026/4/1 9:30' or ISO with offset → Date, else null. */
export function parseJapanTime(value: string): Date | null {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/u.test(v)) { const t = Date.parse(v); return Number.isNaN(t) ? null : new Date(t); }
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/u.exec(v);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1]!, m[2]!, m[3]!, m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s) - JST;
  const check = new Date(t + JST);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return new Date(t);
}

/**
 * Survey answers and call-centre logs: one row per answer (e-mail or phone, comment, score, kind, products, time).
 * Good rows land; each bad row is reported with its line and the reason, and nothing of it is stored.
 */
export async function importCsv(db: Db, bytes: Uint8Array, options: { defaultKind?: 'nps' | 'csat' | undefined; encoding?: string | undefined }, actor: Actor): Promise<ImportResult> {
  let text: string;
  try {
    text = new TextDecoder(options.encoding ?? (looksUtf8(bytes) ? 'utf-8' : 'shift_jis'), { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('validation_failed', 'ファイルの文字コードを読み取れません (unreadable encoding)', [{ field: 'encoding', message: 'UTF-8 か Shift_JIS (cp932) の CSV にしてください' }]);
  }
  const records = parseCsvText(text, { delimiter: detectDelimiter(text.slice(0, 64 * 1024)) });
  const first = records[0];
  if (!first || !('fields' in first)) throw new AppError('validation_failed', 'CSV の見出し行がありません (no header row)', [{ field: '(body)', message: '1 行目に見出しが必要です' }]);
  const col = columnIndexes(first.fields);
  if (col.text === undefined) throw new AppError('validation_failed', 'コメント列がありません (no comment column)', [{ field: '(body)', message: `コメントの列 (${HEADERS.text!.join(' / ')}) が必要です` }]);
  if (col.email === undefined && col.phone === undefined) throw new AppError('validation_failed', '顧客を特定する列がありません (no e-mail or phone column)', [{ field: '(body)', message: 'メールアドレスか電話番号の列が必要です' }]);
  const headerKind = col.score !== undefined ? first.fields[col.score]!.trim().toLowerCase() : '';
  const result: ImportResult = { rows: 0, created: 0, duplicates: 0, errors: [] };
  const knownSkus = new Set<string>();
  for (const record of records.slice(1)) {
    result.rows += 1;
    if (!('fields' in record)) { result.errors.push({ line: record.line, field: null, message: record.error }); continue; }
    const cell = (key: string): string => (col[key] === undefined ? '' : (record.fields[col[key]!] ?? '').trim());
    const problem = (field: string, message: string) => result.errors.push({ line: record.line, field, message });
    const comment = cell('text');
    const email = cell('email');
    const phone = cell('phone');
    if (!comment) { problem('text', 'コメントが空です (empty comment)'); continue; }
    if (!email && !phone) { problem('email', 'メールアドレスも電話番号もありません (no e-mail or phone)'); continue; }
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(email)) { problem('email', `メールアドレスの形式が正しくありません: ${email}`); continue; }
    const kindCell = cell('kind').toLowerCase();
    const kind = (kindCell || (headerKind === 'nps' || headerKind === 'csat' ? headerKind : '') || options.defaultKind || '') as 'nps' | 'csat' | '';
    const scoreCell = cell('score');
    let score: number | null = null;
    if (scoreCell) {
      if (!/^\d{1,2}$/u.test(scoreCell)) { problem('score', `スコアは整数です: ${scoreCell}`); continue; }
      score = Number(scoreCell);
      if (kind !== 'nps' && kind !== 'csat') { problem('kind', 'スコアの種別 (nps / csat) がありません (score kind missing)'); continue; }
      if (kind === 'nps' && score > 10) { problem('score', `NPS は 0〜10 です: ${score}`); continue; }
      if (kind === 'csat' && (score < 1 || score > 5)) { problem('score', `CSAT は 1〜5 です: ${score}`); continue; }
    }
    const receivedCell = cell('receivedAt');
    const receivedAt = receivedCell ? parseJapanTime(receivedCell) : new Date();
    if (!receivedAt) { problem('receivedAt', `日時を読み取れません: ${receivedCell}`); continue; }
    const skus = cell('products').split(/[;,、\s]+/u).filter(Boolean);
    const missing: string[] = [];
    for (const sku of skus) {
      if (knownSkus.has(sku)) continue;
      if ((await repo.productSkusExisting(db, [sku])).length) knownSkus.add(sku); else missing.push(sku);
    }
    if (missing.length) { problem('products', `商品コードが見つかりません: ${missing.join(', ')}`); continue; }
    const externalId = cell('externalId');
    const [who] = await ingestRecords(db, {
      source: { name: 'voice-import', label: '顧客の声 (CSV 取り込み)', kind: 'file_import' },
      records: [{ externalId: (email || phone).toLowerCase(), fields: { ...(email ? { email } : {}), ...(phone ? { phone } : {}), ...(cell('name') ? { full_name: cell('name') } : {}), ...(cell('company') ? { company_name: cell('company') } : {}) } }],
      actor,
    });
    const received = await receive(db, {
      sourceRecordId: who!.recordId, customerId: who!.customerId, channel: 'import', receivedAt,
      dedupeKey: `import:${externalId || `${(email || phone).toLowerCase()}:${receivedAt.toISOString()}:${comment}`}`,
      text: comment, sender: cell('name') || email || phone, score, scoreKind: score === null ? null : kind || null, productSkus: skus, createdBy: actor.auth?.userId ?? null,
    });
    if (received.duplicate) result.duplicates += 1; else result.created += 1;
  }
  await audit(db, actor, 'voice.import', null, { rows: result.rows, created: result.created, duplicates: result.duplicates, errors: result.errors.length });
  return result;
}

function looksUtf8(bytes: Uint8Array): boolean {
  try { new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.min(bytes.length, 256 * 1024))); return true; } catch { return false; }
}

// ── export ──

const EXPORT_HEADER = ['受信日時', 'チャネル', '顧客ID', '顧客名', '件名', '本文', '送信者', 'スコア', 'スコア種別', '商品', '言語', '感情', '感情スコア', 'ステータス', '担当者', 'チーム', '期限', 'タグ'];
const EXPORT_MAX = 100_000;

/** The inbox's items under the filters as CSV (UTF-8 with a BOM, Japanese headers); audited with the filters. */
export async function exportCsv(db: Db, filter: repo.ItemFilter, auth: AuthContext | null, actor: Actor, query: VoiceListFilter): Promise<string> {
  const personal = personalFor(auth);
  const lines = [csvLine(EXPORT_HEADER)];
  let after: { time: string; id: string } | null = null;
  let count = 0;
  for (;;) {
    const rows = await repo.listItems(db, filter, after, 1000, null);
    const tags = await repo.tagsOf(db, rows.map((r) => r.id));
    for (const r of rows) {
      lines.push(csvLine([
        new Date(r.received_at).toISOString(), CHANNEL_LABELS[r.channel], r.customer_id, r.display_name, r.subject === null ? null : personal ? r.subject : MASK,
        personal ? r.text : MASK, r.sender === null ? null : personal ? r.sender : MASK, r.score, r.score_kind, r.product_skus.join(';'), r.language,
        SENTIMENT_LABELS[r.sentiment], Number(r.sentiment_score), STATUS_LABELS[r.status], r.assignee_name, r.team_name, r.due_on,
        tags.filter((t) => t.item_id === r.id).map((t) => t.tag).join(';'),
      ]));
    }
    count += rows.length;
    const last = rows[rows.length - 1];
    if (rows.length < 1000 || !last || count >= EXPORT_MAX) break;
    after = { time: last.received_cursor, id: last.id };
  }
  await audit(db, actor, 'voice.export', null, { rows: count, filters: query, masked: !personal });
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

// ── NPS / CSAT ──

export async function scoreSummary(db: Db, q: { product?: string | undefined; from?: string | undefined; to?: string | undefined; teamId?: string | undefined }) {
  const counts = await repo.scoreCounts(db, {
    product: q.product, teamId: q.teamId, fromTime: q.from ? jstStart(q.from) : undefined,
    beforeTime: q.to ? jstStart(new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY).toISOString().slice(0, 10)) : undefined,
  });
  const expand = (rows: typeof counts) => rows.flatMap((r) => Array.from({ length: r.n }, () => r.score));
  const nps = npsOf(expand(counts.filter((r) => r.kind === 'nps')));
  // CSAT on each scale separately would not add up; every CSAT item is normalised to its own scale's "satisfied".
  const csatRows = counts.filter((r) => r.kind === 'csat');
  let n = 0;
  let satisfied = 0;
  for (const max of new Set(csatRows.map((r) => r.max ?? 5))) {
    const c = csatOf(expand(csatRows.filter((r) => (r.max ?? 5) === max)), max);
    n += c.n;
    satisfied += c.satisfied;
  }
  return { nps, csat: { n, satisfied, csat: n ? Math.round((satisfied / n) * 1000) / 10 : null } };
}

// ── weekly digests ──

/** Monday (Japan) of the week holding `date` (YYYY-MM-DD). */
export function weekStartOf(date: string): string {
  const t = Date.parse(`${date}T00:00:00Z`);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - dow * DAY).toISOString().slice(0, 10);
}

const todayJst = (now: Date): string => new Date(now.getTime() + JST).toISOString().slice(0, 10);

export async function computeDigest(db: Db, teamId: string | null, weekStart: string): Promise<DigestContent> {
  const weekEnd = new Date(Date.parse(`${weekStart}T00:00:00Z`) + 6 * DAY).toISOString().slice(0, 10);
  const filter: repo.ItemFilter = { teamId: teamId ?? undefined, fromTime: jstStart(weekStart), beforeTime: jstStart(new Date(Date.parse(`${weekStart}T00:00:00Z`) + 7 * DAY).toISOString().slice(0, 10)) };
  const c = await repo.digestCounts(db, filter);
  const by = { positive: 0, neutral: 0, negative: 0 };
  for (const r of c.bySentiment) by[r.sentiment] = r.n;
  return {
    weekStart, weekEnd, total: by.positive + by.neutral + by.negative, bySentiment: by, byTag: c.byTag, newGroups: c.newGroups,
    mostNegative: c.mostNegative.map((m) => ({ id: m.id, receivedAt: iso(m.received_at)!, customerName: m.display_name, text: m.text, sentimentScore: Number(m.sentiment_score) })),
  };
}

const maskContent = (c: DigestContent, personal: boolean): DigestContent => (personal ? c : {
  ...c, mostNegative: c.mostNegative.map((m) => ({ ...m, text: MASK })), newGroups: c.newGroups.map((g) => ({ ...g, label: groupLabel(g.label, false) })),
});

/** This (or the given) week's digest computed now, not stored. */
export async function digestNow(db: Db, q: { teamId?: string | undefined; week?: string | undefined }, auth: AuthContext | null, now = new Date()): Promise<Digest> {
  const teamId = q.teamId ?? null;
  const team = teamId ? (await repo.listTeams(db)).find((t) => t.id === teamId) : null;
  if (teamId && !team) throw new AppError('not_found', 'No such team (チームが見つかりません)');
  const weekStart = weekStartOf(q.week ?? todayJst(now));
  const content = await computeDigest(db, teamId, weekStart);
  return { id: null, teamId, teamName: team?.name ?? null, weekStart, computedAt: now.toISOString(), emailedAt: null, content: maskContent(content, personalFor(auth)), masked: !personalFor(auth) };
}

export async function listDigests(db: Db, q: { teamId?: string | undefined }, auth: AuthContext | null): Promise<{ items: Digest[] }> {
  const rows = await repo.listDigests(db, q.teamId, 52);
  const personal = personalFor(auth);
  return {
    items: rows.map((r) => ({
      id: r.id, teamId: r.team_id, teamName: r.team_name, weekStart: r.week_start, computedAt: iso(r.computed_at)!, emailedAt: iso(r.emailed_at),
      content: maskContent(r.content as DigestContent, personal), masked: !personal,
    })),
  };
}

function digestText(teamName: string, c: DigestContent, publicUrl: string | undefined): string {
  const base = publicUrl?.replace(/\/+$/u, '');
  return [
    `${teamName} の顧客の声 週次ダイジェスト (${c.weekStart}〜${c.weekEnd})`, '',
    `件数: ${c.total} (肯定的 ${c.bySentiment.positive} / 中立 ${c.bySentiment.neutral} / 否定的 ${c.bySentiment.negative})`, '',
    'タグ別:', ...(c.byTag.length ? c.byTag.map((t) => `  ${t.tag}: ${t.count} 件 (否定的 ${t.negative})`) : ['  なし']), '',
    '新しいテーマ:', ...(c.newGroups.length ? c.newGroups.map((g) => `  ${groupLabel(g.label, false)} (${g.itemCount} 件)`) : ['  なし']), '',
    // Item text is personal data and a team may hold members who may not read it: the e-mail names the items (when,
    // whose, how negative, where), the app shows the text to those allowed.
    `最も否定的な声 (${c.mostNegative.length} 件、本文はアプリでご確認ください):`,
    ...(c.mostNegative.length ? c.mostNegative.map((m) => `  ${jstDateTime(m.receivedAt)} ${m.customerName ?? '(名前なし)'} 感情スコア ${m.sentimentScore.toFixed(2)}${base ? ` ${base}/voice/${m.id}` : ` (ID ${m.id})`}`) : ['  なし']),
  ].join('\n');
}

const jstDateTime = (at: string): string => new Date(Date.parse(at) + JST).toISOString().slice(0, 16).replace('T', ' ');

/**
 * The server's tick: once the previous week (Japan) is over, stores its digest for every team and for everyone
 * (team null), and mails each team's to its members (and its address) when SMTP is configured. Idempotent per week.
 */
export async function storeWeeklyDigests(db: Db, config: Pick<Config, 'smtpUrl' | 'publicUrl'>, now = new Date()): Promise<number> {
  const lastWeek = weekStartOf(new Date(now.getTime() + JST - 7 * DAY).toISOString().slice(0, 10));
  const teams = await repo.listTeams(db);
  let stored = 0;
  const settings = config.smtpUrl ? await getSettings(db) : null;
  for (const team of [null, ...teams]) {
    const teamId = team?.id ?? null;
    if (await repo.digestExists(db, teamId, lastWeek)) continue;
    const content = await computeDigest(db, teamId, lastWeek);
    const id = await repo.upsertDigest(db, { teamId, weekStart: lastWeek, content, computedAt: now });
    stored += 1;
    if (team && settings?.fromEmail) {
      const to = [...team.members.filter((m) => m.disabled_at === null).map((m) => m.email), ...(team.email ? [team.email] : [])];
      if (to.length) {
        const mailer = createMailer(db, config);
        try {
          await mailer.send({ from: { name: settings.senderName || settings.fromEmail, address: settings.fromEmail }, to, subject: `【顧客の声】${team.name} 週次ダイジェスト ${lastWeek}`, text: digestText(team.name, content, config.publicUrl) }, {});
          await repo.markDigestEmailed(db, id, new Date());
        } catch (error) {
          console.error(`Voice digest mail for team ${team.name}: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          mailer.close();
        }
      }
    }
  }
  return stored;
}

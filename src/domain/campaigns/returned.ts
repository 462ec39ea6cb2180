import type { DmLabel } from './dm.ts';

/**
 * Returned DM (宛先不明) listed in a CSV: each row found among a DM campaign's labels (pure). A user has the mailing
 * list the campaign exported (郵便番号, 住所1, 住所2, 会社名, 部署, 役職, 氏名, 敬称, 顧客ID) or what is printed on the
 * piece that came back, so a row is found by its 顧客ID, else by 〒 + address (+ 氏名 or 会社名 as printed).
 */

export type ReturnedColumn = 'customerId' | 'postalCode' | 'address1' | 'address2' | 'name' | 'company' | 'detail';

const HEADERS: Record<ReturnedColumn, readonly string[]> = {
  customerId: ['顧客id', 'customerid', 'customer_id', 'id'],
  postalCode: ['郵便番号', '〒', 'postalcode', 'postal_code', 'zip', 'zipcode'],
  address1: ['住所1', '住所', 'address1', 'address'],
  address2: ['住所2', 'address2', '建物', '建物名'],
  name: ['氏名', '宛名', 'name', '名前'],
  company: ['会社名', 'company', '法人名'],
  detail: ['理由', '備考', 'detail', 'note', 'メモ'],
};

const headerKey = (h: string) => h.normalize('NFKC').replace(/^\uFEFF/u, '').replace(/\s+/gu, '').toLowerCase();

/** Which column holds what (the first header of each kind). */
export function returnedColumns(headers: readonly string[]): Partial<Record<ReturnedColumn, number>> {
  const out: Partial<Record<ReturnedColumn, number>> = {};
  headers.forEach((h, i) => {
    const k = headerKey(h);
    for (const [col, names] of Object.entries(HEADERS) as Array<[ReturnedColumn, readonly string[]]>) {
      if (out[col] === undefined && names.includes(k)) out[col] = i;
    }
  });
  return out;
}

/** Why a header row cannot be used, or null. */
export function returnedHeaderProblem(cols: Partial<Record<ReturnedColumn, number>>): string | null {
  if (cols.customerId !== undefined || (cols.postalCode !== undefined && cols.address1 !== undefined)) return null;
  return '「顧客ID」の列か、「郵便番号」と「住所1」の列が必要です (a 顧客ID column, or 郵便番号 and 住所1 columns)';
}

const digits = (s: string) => s.normalize('NFKC').replace(/[^0-9]/gu, '');
/** Addresses compare without spaces and with every dash alike (1-2-3, 1−2−3, 1ー2ー3, 1丁目2番3号 stays as written). */
const foldAddress = (s: string) => s.normalize('NFKC').replace(/[\s\u3000]+/gu, '').replace(/[-‐‑‒–—―−ーｰ]/gu, '-').toLowerCase();
/** Names compare without spaces and without the honorific printed after them. */
const foldName = (s: string) => s.normalize('NFKC').replace(/[\s\u3000]+/gu, '').replace(/(ご家族様|御中|様|殿)$/u, '').toLowerCase();

const addressKey = (postal: string, a1: string, a2: string) => `${digits(postal)}|${foldAddress(a1 + a2)}`;

export type ReturnedMatch =
  | { ok: true; customerId: string }
  | { ok: false; reason: 'no_key' | 'not_in_list' | 'ambiguous'; message: string };

export interface ReturnedIndex { match(cells: Partial<Record<ReturnedColumn, string>>): ReturnedMatch }

/** An index of a campaign's labels for matching rows. */
export function returnedIndex(labels: readonly DmLabel[]): ReturnedIndex {
  const byId = new Set(labels.map((l) => l.customerId.toLowerCase()));
  const byAddress = new Map<string, DmLabel[]>();
  for (const l of labels) {
    const k = addressKey(l.postalCode, l.address1, l.address2);
    byAddress.set(k, [...(byAddress.get(k) ?? []), l]);
  }
  return {
    match(cells) {
      const id = (cells.customerId ?? '').trim().toLowerCase();
      if (id) {
        return byId.has(id) ? { ok: true, customerId: id }
          : { ok: false, reason: 'not_in_list', message: `顧客ID ${id} はこの DM の送付リストにありません (not in this DM's list)` };
      }
      const postal = cells.postalCode ?? '';
      const a1 = cells.address1 ?? '';
      if (!digits(postal) || !a1.trim()) {
        return { ok: false, reason: 'no_key', message: '顧客ID も 郵便番号・住所 もありません (no 顧客ID, no 〒 and address)' };
      }
      const here = byAddress.get(addressKey(postal, a1, cells.address2 ?? '')) ?? [];
      if (here.length === 0) {
        return { ok: false, reason: 'not_in_list', message: `〒${postal} ${a1}${cells.address2 ?? ''} はこの DM の送付リストにありません (no piece at this address)` };
      }
      const name = foldName(cells.name ?? '');
      const company = foldName(cells.company ?? '');
      const named = name || company
        ? here.filter((l) => (name ? foldName(l.name) === name : true) && (company ? foldName(l.company) === company : true))
        : here;
      if (named.length === 1) return { ok: true, customerId: named[0]!.customerId.toLowerCase() };
      if (named.length === 0) {
        return { ok: false, reason: 'not_in_list', message: `この住所への DM の宛名に「${cells.name || cells.company}」はありません (no piece to this name at the address)` };
      }
      return { ok: false, reason: 'ambiguous', message: 'この住所には複数の DM があります。氏名か顧客ID を入れてください (several pieces at this address: add the name or 顧客ID)' };
    },
  };
}

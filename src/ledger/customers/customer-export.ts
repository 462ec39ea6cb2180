import { once } from 'node:events';
import type { Writable } from 'node:stream';
import iconv from 'iconv-lite';
import { csvLine } from '../../domain/import/csv.ts';
import type { CustomerExportRow } from './customers.service.ts';

/** Where export lines go: a file, or stdout. CP932 for Excel users on Japanese Windows. */
export function lineWriter(out: Writable, encoding: 'utf-8' | 'cp932') {
  return async (line: string) => {
    const chunk = encoding === 'cp932' ? iconv.encode(`${line}\r\n`, 'cp932') : `${line}\n`;
    if (!out.write(chunk)) await once(out, 'drain');
  };
}

/** Every column is text (dates as ISO strings): its cells are escaped as csvLine escapes text. */
/** The items an export carries (a provision record lists them: APPI asks what was provided). */
export const EXPORT_ITEMS = (): string[] => CUSTOMER_COLUMNS.map(([h]) => h);

const CUSTOMER_COLUMNS: Array<[string, (r: CustomerExportRow) => string | null]> = [
  ['id', (r) => r.id],
  ['姓', (r) => r.family_name],
  ['名', (r) => r.given_name],
  ['セイ', (r) => r.family_name_kana],
  ['メイ', (r) => r.given_name_kana],
  ['メールアドレス', (r) => r.email],
  ['電話番号', (r) => r.phone],
  ['郵便番号', (r) => r.postal_code],
  ['都道府県', (r) => r.prefecture],
  ['住所', (r) => r.address],
  ['建物名', (r) => r.building],
  ['生年月日', (r) => r.birth_date],
  ['性別', (r) => r.gender],
  ['会社名', (r) => r.company_name],
  ['部署', (r) => r.department],
  ['役職', (r) => r.title],
  ['ステージ', (r) => r.lifecycle_stage],
  ['獲得経路', (r) => r.acquisition_channel],
  ['登録日時', (r) => r.created_at.toISOString()],
  ['更新日時', (r) => r.updated_at.toISOString()],
];

/**
 * Writes golden records page by page as CSV (header first; UTF-8, or CP932 for Excel on Japanese Windows) or JSON
 * Lines; returns the number of rows. The caller audits the export.
 */
export async function writeCustomers(
  out: Writable, format: 'csv' | 'jsonl', encoding: 'utf-8' | 'cp932', pages: AsyncIterable<CustomerExportRow[]>,
): Promise<number> {
  const write = lineWriter(out, format === 'csv' ? encoding : 'utf-8');
  if (format === 'csv') await write(csvLine(CUSTOMER_COLUMNS.map(([h]) => h)));
  let n = 0;
  for await (const page of pages) {
    for (const r of page) {
      if (format === 'csv') {
        await write(csvLine(CUSTOMER_COLUMNS.map(([, get]) => get(r))));
      } else {
        const { search_grams: _g, search_text: _t, sort_key: _s, provenance: _p, ...rest } = r;
        await write(JSON.stringify(rest));
      }
    }
    n += page.length;
  }
  return n;
}

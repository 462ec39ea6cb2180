/** Test helper: a CSV as records with their physical lines, decoded and parsed with the domain's own parser (no readers). */
import fs from 'node:fs';
import { parseCsvText } from '../../../src/domain/import/csv.ts';
import { detectDelimiter, detectEncoding } from '../../../src/domain/import/encoding.ts';

export interface Rec {
  line: number;
  fields: string[];
}

export function csvRecords(text: string, delimiter = ','): Rec[] {
  return parseCsvText(text.replace(/^\ufeff/u, ''), { delimiter }).flatMap((r) => ('fields' in r ? [{ line: r.line, fields: r.fields }] : []));
}

export function fixtureText(name: string): string {
  return fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** The first `bytes` of a data file (CP932 or UTF-8) as records. */
export function fileRecords(file: string, bytes = 256 * 1024): Rec[] {
  const buffer = fs.readFileSync(file).subarray(0, bytes);
  const encoding = detectEncoding(buffer).encoding;
  const text = new TextDecoder(encoding === 'cp932' ? 'shift_jis' : encoding).decode(buffer);
  const delimiter = detectDelimiter(text, { complete: buffer.length === fs.statSync(file).size });
  const records = csvRecords(text, delimiter);
  return buffer.length < fs.statSync(file).size ? records.slice(0, -1) : records; // the last one may be cut
}

/** Rows under a header as the readers give them: header → cell text. */
export function sampleRows(headers: readonly string[], records: readonly Rec[]): Array<Record<string, string>> {
  return records.map((r) => Object.fromEntries(headers.map((h, i) => [h, r.fields[i] ?? ''])));
}

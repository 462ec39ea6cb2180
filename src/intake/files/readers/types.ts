import type { CsvErrorCode, Delimiter } from '../../../domain/import/csv.ts';
import type { EncodingDetection, TextEncoding } from '../../../domain/import/encoding.ts';

export type TableFormat = 'csv' | 'tsv' | 'xlsx';

/**
 * One item of a table: a data row (header → raw cell text, header names trimmed and unique) or a bad row.
 * `line` is the physical line the record starts on (CSV/TSV, 1-based, the header is usually line 1) or the sheet
 * row number (xlsx).
 */
export type TableRow =
  | { line: number; values: Record<string, string> }
  | { line: number; error: string; code: TableErrorCode };

export type TableErrorCode = CsvErrorCode | 'extra_cells';

export interface OpenTableOptions {
  /** Force an encoding (any name canonicalEncoding() knows: cp932, shift_jis, utf-8…). Default: detect. */
  encoding?: TextEncoding | string | null;
  /** Force a delimiter. Default: '\t' for .tsv/.tab, else detected. */
  delimiter?: Delimiter | null;
  /** xlsx: sheet name or 1-based position. Default: the first sheet. */
  sheet?: string | number | null;
  /** Force the format instead of looking at the file's bytes and extension. */
  format?: TableFormat | null;
  /** The line (CSV/TSV) or sheet row (xlsx) of the header, for files with title lines above it. Lines before it are
   *  ignored. Default: detected (detectHeaderRow over the first rows; usually the first non-blank one). */
  headerRow?: number | null;
  /** CSV: a record longer than this (an unterminated quote, usually) is reported and skipped. */
  maxRecordChars?: number;
}

export interface OpenedTable {
  format: TableFormat;
  /** Text encoding (null for xlsx). For an auto-detected file whose first 64 KiB are ASCII, this is 'utf-8' until
   *  the first non-ASCII bytes decide it; read it again after iterating. */
  readonly encoding: TextEncoding | null;
  /** How the encoding was decided (null when forced by an option, and for xlsx). */
  readonly encodingDetection: EncodingDetection | null;
  delimiter: Delimiter | null;
  headers: string[];
  /** The line (CSV/TSV, 1-based) or sheet row (xlsx) the headers were read from: the profile's header_row, or the one
   *  detectHeaderRow chose under title lines. Null for a table with no header at all (an empty file). */
  headerLine: number | null;
  /** Why that row was taken as the header (Japanese, then English); null when the profile named it. */
  headerReason: string | null;
  /** Data rows and bad rows in file order. Single pass: iterate once. Blank lines/rows are skipped. */
  rows: AsyncIterable<TableRow>;
  /** Notes for the user (renamed headers, undecodable bytes…). Grows while rows are read. */
  warnings: string[];
  /** Bytes of the file consumed so far, and the file size (for progress bars). */
  progress(): { bytesRead: number; totalBytes: number };
  /** Releases the file if the rows are not read to the end (breaking out of for-await does it too). */
  close(): Promise<void>;
}

/**
 * A file that cannot be read as a table (not a text table, a header PostgreSQL cannot store, a broken .xlsx, an .xls,
 * an unknown encoding, an xlsx value too long to hold…): openTable throws it, and an xlsx table's rows when the sheet
 * breaks off, with a message for the person who chose the file. Bad rows (CSV) are rows.
 */
export class UnreadableTableError extends Error {}

/** The note a reader adds when it skipped title lines to find the header (the wizard shows it beside the preview). */
export function headerChosenWarning(line: number, reason: string): string {
  return `${line}行目を見出しとしました (line ${line} is taken as the header): ${reason}`;
}

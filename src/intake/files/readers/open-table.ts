/**
 * Opening an uploaded table: the format from its first bytes (xlsx is a zip) or extension, then a streaming reader.
 *
 * @example
 * const table = await openTable('meishi.csv');           // encoding, delimiter and header detected
 * for await (const row of table.rows) {
 *   if ('error' in row) report(row.line, row.error);     // bad row: the rows after it are still read
 *   else store(mapRow(row.values, profile, row.line));
 * }
 */
import path from 'node:path';
import type { EncodingDetection, TextEncoding } from '../../../domain/import/encoding.ts';
import type { Delimiter } from '../../../domain/import/csv.ts';
import { suggestMapping, type MappingSuggestion } from '../../../domain/import/suggest.ts';
import { headerRefusal } from '../../../domain/import/text-table.ts';
import { openCsv, readSample } from './csv-reader.ts';
import { UnreadableTableError, type OpenedTable, type OpenTableOptions, type TableFormat, type TableRow } from './types.ts';

export async function detectFormat(file: string): Promise<TableFormat> {
  const { sample } = await readSample(file, 8);
  if (sample.length >= 4 && sample[0] === 0x50 && sample[1] === 0x4b && sample[2] === 0x03 && sample[3] === 0x04) return 'xlsx';
  if (sample.length >= 4 && sample[0] === 0xd0 && sample[1] === 0xcf && sample[2] === 0x11 && sample[3] === 0xe0) {
    throw new Error('古い Excel 形式 (.xls) は読めません。.xlsx か CSV で保存してください (.xls is not supported: save as .xlsx or CSV)');
  }
  const ext = path.extname(file).toLowerCase();
  return ext === '.tsv' || ext === '.tab' ? 'tsv' : 'csv';
}

/**
 * Opens a CSV/TSV/xlsx file for streaming. Throws UnreadableTableError for files that cannot be read as a table (not for bad
 * rows: those are rows), among them a header PostgreSQL cannot store: the one verdict of the preview, the validation
 * and the import.
 */
export async function openTable(file: string, options: OpenTableOptions = {}): Promise<OpenedTable> {
  let table: OpenedTable;
  try {
    const format = options.format ?? (await detectFormat(file));
    if (format === 'xlsx') {
      const { openXlsx } = await import('./xlsx-reader.ts'); // exceljs is heavy: load it only for xlsx
      table = await openXlsx(file, options);
    } else {
      table = await openCsv(file, { ...options, format, delimiter: options.delimiter ?? (format === 'tsv' ? '\t' : null) });
    }
  } catch (error) {
    throw error instanceof UnreadableTableError ? error : new UnreadableTableError(error instanceof Error ? error.message : String(error));
  }
  const refusal = headerRefusal(table.headers);
  if (refusal) {
    await table.close();
    throw new UnreadableTableError(refusal);
  }
  return table;
}

export interface TablePreview {
  format: TableFormat;
  encoding: TextEncoding | null;
  encodingDetection: EncodingDetection | null;
  delimiter: Delimiter | null;
  headers: string[];
  /** Where the headers were read (OpenedTable.headerLine) and why (null when the options named the line). */
  headerLine: number | null;
  headerReason: string | null;
  /** The first `n` items (data rows and bad rows). */
  rows: TableRow[];
  /** True when the file has more rows than shown. */
  more: boolean;
  /** Suggested mapping from the headers (the id column checked for uniqueness against the previewed rows). */
  suggestion: MappingSuggestion;
  warnings: string[];
}

/** The wizard's first step: detection, headers, the first rows and a suggested mapping. */
export async function previewTable(file: string, n = 20, options: OpenTableOptions = {}): Promise<TablePreview> {
  const table = await openTable(file, options);
  const rows: TableRow[] = [];
  let more = false;
  try {
    for await (const row of table.rows) {
      if (rows.length >= n) {
        more = true;
        break;
      }
      rows.push(row);
    }
  } finally {
    await table.close();
  }
  const sample = rows.flatMap((r) => ('values' in r ? [r.values] : []));
  return {
    format: table.format,
    encoding: table.encoding,
    encodingDetection: table.encodingDetection,
    delimiter: table.delimiter,
    headers: table.headers,
    headerLine: table.headerLine,
    headerReason: table.headerReason,
    rows,
    more,
    suggestion: suggestMapping(table.headers, sample),
    warnings: [...table.warnings],
  };
}

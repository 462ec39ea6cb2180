/**
 * Streaming .xlsx reader (exceljs WorkbookReader: SAX over the zipped sheet, shared strings and styles cached).
 * Cells become text the way a person reads them: dates as ISO strings (YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS when there
 * is a time), text cells as they are (leading zeros kept), numbers with a zero-padding format ("00000") padded,
 * formulas as their cached result, rich text flattened, booleans TRUE/FALSE, errors as #N/A etc.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { uniqueHeaders } from '../../../domain/import/headers.ts';
import { setOwn } from '../../../domain/import/profile.ts';
import type { OpenedTable, OpenTableOptions, TableRow } from './types.ts';

type Row = ExcelJS.Row;

export async function openXlsx(file: string, options: OpenTableOptions = {}): Promise<OpenedTable> {
  const { size } = await fs.promises.stat(file);
  const input = fs.createReadStream(file);
  let bytesRead = 0;
  input.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const sheets = reader[Symbol.asyncIterator]();
  const wanted = options.sheet ?? 1;
  let position = 0;
  let sheet: AsyncGenerator<Row> | null = null;
  const seenNames: string[] = [];
  try {
    for (;;) {
      const next = await sheets.next();
      if (next.done) break;
      position++;
      const ws = next.value as unknown as { name: string; [Symbol.asyncIterator](): AsyncGenerator<Row> };
      seenNames.push(ws.name);
      if (typeof wanted === 'number' ? position === wanted : ws.name === wanted || ws.name.trim() === String(wanted).trim()) {
        sheet = ws[Symbol.asyncIterator]();
        break;
      }
    }
  } catch (error) {
    input.destroy();
    throw new Error(`xlsx として読めません (not a readable .xlsx file): ${(error as Error).message}`);
  }
  if (!sheet) {
    input.destroy();
    throw new Error(`シート ${JSON.stringify(wanted)} がありません (no sheet ${JSON.stringify(wanted)}; sheets: ${seenNames.join(', ') || 'none'})`);
  }
  const rowsOfSheet = sheet;

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    input.destroy();
    await rowsOfSheet.return(undefined).catch(() => undefined);
    await sheets.return(undefined).catch(() => undefined);
  };

  // Header: the first row with a non-blank cell; its width is the last non-blank header cell.
  let rawHeaders: string[] = [];
  const headerRow = options.headerRow ?? 1;
  try {
    for (;;) {
      const next = await rowsOfSheet.next();
      if (next.done) break;
      if (next.value.number < headerRow) continue;
      const cells = rowTexts(next.value);
      if (cells.every((c) => c.trim() === '')) continue;
      let width = cells.length;
      while (width > 0 && cells[width - 1]!.trim() === '') width--;
      rawHeaders = cells.slice(0, width);
      break;
    }
  } catch (error) {
    await close();
    throw new Error(`xlsx として読めません (not a readable .xlsx file): ${(error as Error).message}`);
  }
  const { headers, warnings } = uniqueHeaders(rawHeaders);
  const width = headers.length;

  async function* rows(): AsyncGenerator<TableRow> {
    try {
      for (;;) {
        const next = await rowsOfSheet.next();
        if (next.done) break;
        const row = next.value;
        const cells = rowTexts(row);
        if (cells.every((c) => c.trim() === '')) continue;
        const beyond = cells.findIndex((c, i) => i >= width && c.trim() !== '');
        if (beyond !== -1) {
          yield {
            line: row.number,
            code: 'extra_cells',
            error: `見出しのない ${beyond + 1} 列目に値があります (a value in column ${beyond + 1}, beyond the ${width} headed columns)`,
          };
          continue;
        }
        const values: Record<string, string> = {};
        for (let i = 0; i < width; i++) setOwn(values, headers[i]!, cells[i] ?? '');
        yield { line: row.number, values };
      }
    } finally {
      await close();
    }
  }

  return {
    format: 'xlsx',
    encoding: null,
    encodingDetection: null,
    delimiter: null,
    headers,
    rows: rows(),
    warnings,
    progress: () => ({ bytesRead, totalBytes: size }),
    close,
  };
}

/** The row's cells as text, index 0 = column A. */
function rowTexts(row: Row): string[] {
  const out: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    while (out.length < col - 1) out.push('');
    out[col - 1] = cellText(cell.value, cell.numFmt);
  });
  return out;
}

export function cellText(value: unknown, numFmt?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value, numFmt);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return (v.richText as Array<{ text?: string }>).map((r) => r.text ?? '').join('');
    if ('formula' in v || 'sharedFormula' in v) return cellText(v.result, numFmt);
    if ('error' in v) return String(v.error);
    if ('text' in v) return cellText(v.text, numFmt); // hyperlink
  }
  return String(value);
}

function numberText(n: number, numFmt?: string): string {
  if (numFmt && isDateFormat(numFmt)) return dateText(excelSerialToDate(n));
  if (numFmt && /^0+$/u.test(numFmt) && Number.isInteger(n) && n >= 0) return String(n).padStart(numFmt.length, '0');
  return String(n);
}

/** Excel's 1900 date system as exceljs reads it (UTC calendar fields = the wall clock written in the sheet). */
function excelSerialToDate(serial: number): Date {
  return new Date(Math.round((serial - 25569) * 86_400_000));
}

function isDateFormat(format: string): boolean {
  const f = format.replace(/"[^"]*"/gu, '').replace(/\\./gu, '').replace(/\[[^\]]*\]/gu, '');
  return /[ymdhs]/iu.test(f) && !/^general$/iu.test(f.trim());
}

function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const time = iso.slice(11, 19);
  if (time === '00:00:00') return iso.slice(0, 10);
  if (iso.startsWith('1899-12-30') || iso.startsWith('1899-12-31')) return time; // a time without a date
  return iso.slice(0, 19);
}

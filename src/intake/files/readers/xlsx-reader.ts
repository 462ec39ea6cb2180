/**
 * Streaming .xlsx reader (exceljs WorkbookReader: SAX over the zipped sheet, shared strings and styles cached).
 * Cells become text the way a person reads them: dates as ISO strings (YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS when there
 * is a time), text cells as they are (leading zeros kept), numbers with a zero-padding format ("00000") padded,
 * formulas as their cached result, rich text flattened, booleans TRUE/FALSE, errors as #N/A etc.
 *
 * The archive is read through its central directory (unzipper Open), not in one streaming pass: exceljs 4.4's own
 * pass (unzipper.Parse) does not reliably deliver the last zip entry on Node >= 18, and exceljs stores
 * xl/workbook.xml last, so imports failed at random (exceljs/exceljs#3064, fix proposed in #3065). We therefore drive
 * the WorkbookReader's internal parsers ourselves, in a fixed order, with the entries they need, and stream only the
 * chosen sheet's entry through its worksheet reader.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { awaitedLater } from '../../../core/awaited-later.ts';
import { detectHeaderRow, HEADER_PROBE_ROWS } from '../../../domain/import/header-row.ts';
import { uniqueHeaders } from '../../../domain/import/headers.ts';
import { setOwn } from '../../../domain/import/profile.ts';
import { headerChosenWarning, UnreadableTableError, type OpenedTable, type OpenTableOptions, type TableRow } from './types.ts';
import { xmlGuard } from './xml-guard.ts';

type Row = ExcelJS.Row;

/** The part of unzipper 0.10 (exceljs's own dependency, untyped) used here. */
interface ZipSource {
  stream(offset: number, length?: number): Readable;
  size(): Promise<number>;
}
interface ZipEntry {
  path: string;
  type: 'File' | 'Directory';
  uncompressedSize: number;
  stream(): Readable;
}
interface Unzipper {
  Open: { custom(source: ZipSource): Promise<{ files: ZipEntry[] }> };
}
const unzipper = createRequire(import.meta.url)('unzipper') as Unzipper;

/** exceljs WorkbookReader internals driven directly, because its own zip pass is racy (see the header). */
interface WorkbookReaderInternals {
  model?: { sheets?: Array<{ id: number; name: string; rId: string; state?: string }> };
  workbookRels?: Array<{ Id: string; Target: string }>;
  sharedStrings?: unknown[];
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(
    iterator: AsyncIterable<Buffer>,
    sheetNo: number,
  ): Generator<{ eventType: string; value: { [Symbol.asyncIterator](): AsyncGenerator<Row> } }, void, undefined>;
}

export async function openXlsx(file: string, options: OpenTableOptions = {}): Promise<OpenedTable> {
  const { size } = await fs.promises.stat(file);

  // Every read of the file goes through here, so close() can release them all (unzipper opens the file once per
  // read and only closes it when an entry has been read to its end).
  const reads = new Set<Readable>();
  /** The entry being read: destroyed with the file's read error, or by close(). */
  let current: Readable | null = null;
  let failSource: (error: Error) => void = () => undefined;
  const sourceFailed = new Promise<never>((_resolve, reject) => {
    failSource = reject;
  });
  // Raced while the directory is read; a read error after that reaches the entry being read (`current`) instead.
  awaitedLater(sourceFailed);
  const source: ZipSource = {
    stream(offset, length) {
      const read = fs.createReadStream(file, { start: offset, end: length ? offset + length : undefined });
      reads.add(read);
      read.on('close', () => reads.delete(read));
      read.on('error', (error) => {
        failSource(error);
        current?.destroy(error);
      });
      return read;
    },
    size: () => Promise.resolve(size),
  };
  const releaseFile = () => {
    current?.destroy();
    for (const read of reads) read.destroy();
  };
  /**
   * An entry's decompressed stream, through the guard that bounds what exceljs's parser may hold (xml-guard.ts; a row
   * of the sheet or a shared string as a whole too). Its errors reach whoever iterates it; none goes unhandled once
   * dropped, and a failed or destroyed guard stops the inflation.
   */
  const openEntry = (entry: ZipEntry, element?: 'row' | 'si'): Readable => {
    const inflated = entry.stream();
    const stream = xmlGuard({ entry: entry.path, ...(element ? { element } : {}) });
    inflated.on('error', () => undefined);
    stream.on('error', () => undefined);
    pipeline(inflated, stream, () => undefined);
    current = stream;
    return stream;
  };
  const readEntry = async <T>(entry: ZipEntry, parse: (stream: Readable) => Promise<T>, element?: 'si'): Promise<T> => {
    const stream = openEntry(entry, element);
    try {
      return await parse(stream);
    } finally {
      current = null;
      stream.destroy();
    }
  };

  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as WorkbookReaderInternals;
  const wanted = options.sheet ?? 1;
  let sheetEntry: ZipEntry;
  let sheetId: number;
  try {
    const directory = await Promise.race([unzipper.Open.custom(source), sourceFailed]);
    releaseFile(); // the directory is read: its reads are no longer needed
    const entries = new Map<string, ZipEntry>();
    for (const entry of directory.files) if (entry.type === 'File') entries.set(entry.path, entry);
    const find = (name: string): ZipEntry | undefined =>
      entries.get(name) ?? [...entries.values()].find((e) => e.path.toLowerCase() === name.toLowerCase());
    const rels = find('xl/_rels/workbook.xml.rels');
    const workbook = find('xl/workbook.xml');
    if (!workbook) throw new Error('xl/workbook.xml がありません (no xl/workbook.xml)');
    if (!rels) throw new Error('xl/_rels/workbook.xml.rels がありません (no xl/_rels/workbook.xml.rels)');
    await readEntry(rels, (s) => reader._parseRels(s));
    await readEntry(workbook, (s) => reader._parseWorkbook(s));
    const sharedStrings = find('xl/sharedStrings.xml');
    if (sharedStrings) {
      await readEntry(sharedStrings, async (s) => {
        for await (const _ of reader._parseSharedStrings(s)) {
          // 'cache' fills reader.sharedStrings and yields nothing
        }
      }, 'si');
    }
    reader.sharedStrings ??= []; // inline strings only
    const styles = find('xl/styles.xml');
    if (styles) await readEntry(styles, (s) => reader._parseStyles(s));

    // Worksheets in tab order (a chart sheet or a dialog sheet has no rows to import and takes no position).
    // A sheet's part as a path in the archive (partPath), or undefined when the rels do not name it.
    const partOf = (rId: string) => {
      const target = reader.workbookRels?.find((rel) => rel.Id === rId)?.Target;
      return target === undefined ? undefined : partPath(target);
    };
    const sheets = (reader.model?.sheets ?? []).filter((s) => /(^|\/)worksheets\//u.test(partOf(s.rId) ?? ''));
    const sheet =
      typeof wanted === 'number'
        ? sheets[wanted - 1]
        : (sheets.find((s) => s.name === wanted) ?? sheets.find((s) => s.name.trim() === String(wanted).trim()));
    if (!sheet) {
      const names = sheets.map((s) => s.name).join(', ') || 'none';
      throw new MissingSheet(`シート ${JSON.stringify(wanted)} がありません (no sheet ${JSON.stringify(wanted)}; sheets: ${names})`);
    }
    const target = partOf(sheet.rId);
    const entry = target === undefined ? undefined : find(target);
    if (!entry) {
      const part = JSON.stringify(target ?? sheet.rId);
      throw new Error(`シート ${JSON.stringify(sheet.name)} の中身がありません (the sheet's part ${part} is missing)`);
    }
    sheetEntry = entry;
    sheetId = sheet.id;
  } catch (error) {
    releaseFile();
    if (error instanceof MissingSheet) throw new Error(error.message, { cause: error });
    throw new Error(`xlsx として読めません (not a readable .xlsx file): ${(error as Error).message}`, { cause: error });
  }

  // Progress: the sheet entry's decompressed bytes read so far, scaled to the file size.
  const sheetStream = openEntry(sheetEntry, 'row');
  const sheetSize = sheetEntry.uncompressedSize;
  let sheetBytes = 0;
  let finished = false;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of sheetStream as AsyncIterable<Buffer>) {
      sheetBytes += chunk.length;
      yield chunk;
    }
  }
  const worksheet = reader._parseWorksheet(counted(), sheetId).next().value;
  if (!worksheet) {
    releaseFile();
    throw new Error('xlsx として読めません (not a readable .xlsx file): no worksheet reader');
  }
  const rowsOfSheet = worksheet.value[Symbol.asyncIterator]();
  const bytesRead = () => {
    if (finished) return size;
    if (!(sheetSize > 0)) return 0;
    return Math.min(size, Math.floor((sheetBytes / sheetSize) * size));
  };

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    releaseFile();
    // The file was just released under the parser, which may fail on it: that says nothing the caller needs.
    await rowsOfSheet.return(undefined).catch(() => undefined);
  };

  // Header: the profile's row, or the row detectHeaderRow picks among the first rows (title rows above it skipped);
  // its width is the last non-blank header cell. Rows read past the header while looking are replayed.
  const pending: Array<{ number: number; cells: string[] }> = [];
  let rawHeaders: string[] = [];
  let headerLine: number | null = null;
  let headerReason: string | null = null;
  const chosen: string[] = [];
  const trimmed = (cells: string[]) => {
    let width = cells.length;
    while (width > 0 && cells[width - 1]!.trim() === '') width--;
    return cells.slice(0, width);
  };
  const nextRow = async (): Promise<{ number: number; cells: string[] } | null> => {
    const next = await rowsOfSheet.next();
    if (next.done) {
      finished = true;
      return null;
    }
    return { number: next.value.number, cells: rowTexts(next.value) };
  };
  try {
    if (options.headerRow != null) {
      for (;;) {
        const row = await nextRow();
        if (!row) break;
        if (row.number < options.headerRow || isBlankRow(row.cells)) continue;
        rawHeaders = trimmed(row.cells);
        headerLine = row.number;
        break;
      }
    } else {
      // Blank rows are left out by the sheet itself (exceljs emits only rows that have cells) and skipped here.
      const probe: Array<{ number: number; cells: string[] }> = [];
      while (probe.length < HEADER_PROBE_ROWS) {
        const row = await nextRow();
        if (!row) break;
        if (!isBlankRow(row.cells)) probe.push(row);
      }
      const detection = detectHeaderRow(probe.map((r) => r.cells));
      const header = probe[detection.index];
      if (header) {
        rawHeaders = trimmed(header.cells);
        headerLine = header.number;
        headerReason = detection.reason;
        pending.push(...probe.slice(detection.index + 1));
        if (detection.skipped > 0) chosen.push(headerChosenWarning(header.number, detection.reason));
      }
    }
  } catch (error) {
    await close();
    throw new Error(`xlsx として読めません (not a readable .xlsx file): ${(error as Error).message}`, { cause: error });
  }
  const { headers, warnings } = uniqueHeaders(rawHeaders);
  warnings.unshift(...chosen);
  const width = headers.length;

  async function* rows(): AsyncGenerator<TableRow> {
    try {
      for (;;) {
        let row: { number: number; cells: string[] } | null;
        if (pending.length > 0) row = pending.shift()!;
        else {
          try {
            row = await nextRow();
          } catch (error) {
            throw new UnreadableTableError(`xlsx として読めません (not a readable .xlsx file): ${(error as Error).message}`);
          }
        }
        if (!row) break;
        const cells = row.cells;
        if (isBlankRow(cells)) continue;
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
    headerLine,
    headerReason,
    rows: rows(),
    warnings,
    progress: () => ({ bytesRead: bytesRead(), totalBytes: size }),
    close,
  };
}

/** A sheet asked for that the workbook does not have (its message is shown as is). */
class MissingSheet extends Error {}

/** A relationship target of xl/workbook.xml as a zip entry path: relative to xl/, or absolute from the root. */
function partPath(target: string): string {
  const t = target.replace(/\\/gu, '/');
  return t.startsWith('/') ? path.posix.normalize(t).slice(1) : path.posix.normalize(`xl/${t}`);
}

function isBlankRow(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '');
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

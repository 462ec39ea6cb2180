/**
 * Incremental CSV/TSV parser over decoded text (pure, no I/O).
 *
 * Why not csv-parse: it reports the line where a record *ends* (and counts a CRLF inside a quoted field as two
 * lines), and an unterminated quote swallows the rest of the file. Here every record carries the physical line it
 * starts on, and a structural error costs only the line it starts on: parsing resumes on the next physical line.
 *
 * Grammar (RFC 4180, lenient where Excel is): fields separated by `delimiter`, records by CRLF, LF or CR; a field
 * that starts with `"` is quoted (`""` is a quote, line breaks are kept as they are); a quote inside an unquoted
 * field is an ordinary character. Lines that are completely empty are skipped.
 */

export type Delimiter = ',' | '\t' | ';';
export const DELIMITERS: readonly Delimiter[] = [',', '\t', ';'];

export type CsvErrorCode = 'unterminated_quote' | 'bad_quote' | 'record_too_long' | 'column_count';

export type CsvRecord =
  | { line: number; endLine: number; fields: string[] }
  | { line: number; endLine: number; error: string; code: CsvErrorCode };

export interface CsvParserOptions {
  delimiter: string;
  /** A record (incl. quoted line breaks) longer than this is reported and skipped. Bounds memory. */
  maxRecordChars?: number;
}

export const DEFAULT_MAX_RECORD_CHARS = 1 << 20;

const QUOTE = 34;
const LF = 10;
const CR = 13;

type Step =
  | { kind: 'record'; fields: string[]; next: number; breaks: number }
  | { kind: 'empty'; next: number }
  | { kind: 'more' }
  | { kind: 'error'; code: CsvErrorCode; message: string };

export class CsvParser {
  private readonly delim: number;
  private readonly delimiter: string;
  private readonly maxRecordChars: number;
  /** Unparsed text; always starts at a record boundary (or inside a line being skipped). */
  private buf = '';
  private chunks: string[] = [];
  private chunkChars = 0;
  /** Do not re-parse an incomplete record until this many characters are available (amortises long records). */
  private needed = 0;
  /** Physical line number (1-based) of buf[0]. */
  private line = 1;
  /** Discarding the rest of an over-long line. */
  private skipping = false;
  private ended = false;

  constructor(options: CsvParserOptions) {
    if (options.delimiter.length !== 1 || options.delimiter === '"' || options.delimiter === '\n' || options.delimiter === '\r') {
      throw new Error(`Unsupported delimiter ${JSON.stringify(options.delimiter)}`);
    }
    this.delimiter = options.delimiter;
    this.delim = options.delimiter.charCodeAt(0);
    this.maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  }

  /** Feeds decoded text; returns the records completed by it. */
  push(text: string): CsvRecord[] {
    if (this.ended) throw new Error('CsvParser: push after end');
    if (text.length === 0) return [];
    this.chunks.push(text);
    this.chunkChars += text.length;
    if (this.buf.length + this.chunkChars < this.needed) return [];
    return this.run(false);
  }

  /** Signals the end of input; returns the last records (and an error for an unterminated quote). */
  end(): CsvRecord[] {
    if (this.ended) return [];
    this.ended = true;
    return this.run(true);
  }

  private run(eof: boolean): CsvRecord[] {
    if (this.chunks.length > 0) {
      this.buf = this.buf + this.chunks.join('');
      this.chunks = [];
      this.chunkChars = 0;
    }
    this.needed = 0;
    const out: CsvRecord[] = [];
    const buf = this.buf;
    const n = buf.length;
    let pos = 0;
    // Fast path for the common line: no quote and no stray CR before its LF → split it natively.
    // Positions of the next LF / CR / quote at or after pos (n = none), recomputed only when passed.
    let nextLF = -1;
    let nextCR = -1;
    let nextQuote = -1;
    while (pos < n) {
      if (!this.skipping) {
        if (nextLF < pos) nextLF = indexOr(buf, '\n', pos, n);
        if (nextLF < n) {
          if (nextQuote < pos) nextQuote = indexOr(buf, '"', pos, n);
          if (nextCR < pos) nextCR = indexOr(buf, '\r', pos, n);
          if (nextQuote > nextLF && (nextCR > nextLF || nextCR === nextLF - 1)) {
            const end = nextCR === nextLF - 1 ? nextLF - 1 : nextLF;
            if (end !== pos) out.push({ line: this.line, endLine: this.line, fields: buf.slice(pos, end).split(this.delimiter) });
            this.line += 1;
            pos = nextLF + 1;
            continue;
          }
        }
      }
      if (this.skipping) {
        const brk = findLineBreak(buf, pos);
        if (brk === -1) {
          pos = n;
          break;
        }
        const after = afterLineBreak(buf, brk, eof);
        if (after === -1) {
          pos = brk; // a CR at the very end: wait for a possible LF
          break;
        }
        this.skipping = false;
        this.line += 1;
        pos = after;
        continue;
      }
      const step = this.parseRecord(buf, pos, eof);
      if (step.kind === 'record') {
        out.push({ line: this.line, endLine: this.line + step.breaks, fields: step.fields });
        this.line += step.breaks + 1;
        pos = step.next;
      } else if (step.kind === 'empty') {
        this.line += 1;
        pos = step.next;
      } else if (step.kind === 'more') {
        const pending = n - pos;
        if (pending > this.maxRecordChars) {
          out.push({
            line: this.line,
            endLine: this.line,
            code: 'record_too_long',
            error: tooLong(this.maxRecordChars),
          });
          pos = this.resumeOnNextLine(buf, pos, eof);
          continue;
        }
        this.needed = pending * 2;
        break;
      } else {
        out.push({ line: this.line, endLine: this.line, code: step.code, error: step.message });
        pos = this.resumeOnNextLine(buf, pos, eof);
      }
    }
    this.buf = pos >= n ? '' : buf.slice(pos);
    return out;
  }

  /** After an error in the record starting at `pos`: continue with the physical line after its first line. */
  private resumeOnNextLine(buf: string, pos: number, eof: boolean): number {
    const brk = findLineBreak(buf, pos);
    if (brk === -1) {
      this.skipping = true;
      return buf.length;
    }
    const after = afterLineBreak(buf, brk, eof);
    if (after === -1) {
      this.skipping = true;
      return brk;
    }
    this.line += 1;
    return after;
  }

  private parseRecord(buf: string, start: number, eof: boolean): Step {
    const n = buf.length;
    const d = this.delim;
    const fields: string[] = [];
    let breaks = 0;
    let quotedAny = false;
    let i = start;
    let end: number; // position of the record's line break, or n at end of input
    for (;;) {
      if (i < n && buf.charCodeAt(i) === QUOTE) {
        quotedAny = true;
        let j = i + 1;
        let value = '';
        for (;;) {
          const k = buf.indexOf('"', j);
          if (k === -1) {
            if (!eof) return { kind: 'more' };
            return {
              kind: 'error',
              code: 'unterminated_quote',
              message: `引用符が閉じられていません (unterminated quoted field in column ${fields.length + 1})`,
            };
          }
          if (k + 1 >= n && !eof) return { kind: 'more' };
          value += buf.slice(j, k);
          if (buf.charCodeAt(k + 1) === QUOTE) {
            value += '"';
            j = k + 2;
            continue;
          }
          i = k + 1;
          break;
        }
        breaks += countLineBreaks(value);
        fields.push(value);
        if (i >= n) {
          end = n; // eof (otherwise we returned 'more' above)
          break;
        }
        const c = buf.charCodeAt(i);
        if (c === d) {
          i += 1;
          continue;
        }
        if (c === LF || c === CR) {
          end = i;
          break;
        }
        return {
          kind: 'error',
          code: 'bad_quote',
          message: `閉じ引用符の後に ${JSON.stringify(buf[i])} があります (unexpected character after closing quote in column ${fields.length})`,
        };
      }
      let j = i;
      let c = 0;
      while (j < n) {
        c = buf.charCodeAt(j);
        if (c === d || c === LF || c === CR) break;
        j++;
      }
      if (j >= n && !eof) return { kind: 'more' };
      fields.push(buf.slice(i, j));
      if (j >= n) {
        end = n;
        break;
      }
      if (c === d) {
        i = j + 1;
        continue;
      }
      end = j;
      break;
    }
    let next = end;
    if (end < n) {
      next = afterLineBreak(buf, end, eof);
      if (next === -1) return { kind: 'more' };
    }
    if (!quotedAny && fields.length === 1 && fields[0] === '') return { kind: 'empty', next };
    return { kind: 'record', fields, next, breaks };
  }
}

function tooLong(max: number): string {
  return `レコードが長すぎます (record longer than ${max} characters; unterminated quote?)`;
}

function indexOr(buf: string, needle: string, from: number, none: number): number {
  const i = buf.indexOf(needle, from);
  return i === -1 ? none : i;
}

function findLineBreak(buf: string, from: number): number {
  const lf = buf.indexOf('\n', from);
  const cr = buf.indexOf('\r', from);
  if (lf === -1) return cr;
  if (cr === -1) return lf;
  return Math.min(lf, cr);
}

/** Position after the line break at `at` (CRLF counts as one); -1 when a final CR may still be followed by LF. */
function afterLineBreak(buf: string, at: number, eof: boolean): number {
  if (buf.charCodeAt(at) === CR) {
    if (at + 1 >= buf.length) return eof ? at + 1 : -1;
    return buf.charCodeAt(at + 1) === LF ? at + 2 : at + 1;
  }
  return at + 1;
}

/** Line breaks inside a value: CRLF, LF and CR each count once. */
export function countLineBreaks(value: string): number {
  if (value.indexOf('\n') === -1 && value.indexOf('\r') === -1) return 0;
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR) {
      count++;
      if (value.charCodeAt(i + 1) === LF) i++;
    }
  }
  return count;
}

/** Parses a whole text at once (tests, samples). */
export function parseCsvText(text: string, options: CsvParserOptions): CsvRecord[] {
  const parser = new CsvParser(options);
  return [...parser.push(text), ...parser.end()];
}

/**
 * A cell of a CSV file people open in a spreadsheet: text that came from data (a customer, a department's file, a form
 * visitor), or a number the export computed itself (a line number, a count, an amount).
 */
export type CsvCell = string | number | null;

/**
 * Text a spreadsheet reads as a formula (Excel, LibreOffice, Google Sheets): a cell that starts with = + - @, tab or
 * CR (OWASP, CSV injection), or a line feed; also after leading spaces (LibreOffice's import can trim them), and the
 * full-width ＝ ＋ － ＠, which Japanese Excel may take for their ASCII forms.
 */
const FORMULA_START = /^(?:[\t\r\n]|\s*[=+\-@＝＋－＠])/u;

/**
 * One CSV cell as Daicho writes it: text that would start a formula is prefixed with ' and quoted (OWASP: the quote
 * makes it text, and quoting keeps the quote and the value one cell), so a planted =HYPERLINK(…) is shown, never run.
 * Text is escaped by where it comes from, not by how it looks: a customer's "-1200" or "+81…" is text and gets the
 * quote too. A number (the export's own figure) is written as a number. Quotes, delimiters, line breaks and
 * leading/trailing spaces are quoted (RFC 4180).
 */
function formatCsvCell(value: CsvCell, delimiter: string): string {
  if (value === null || value === '') return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (FORMULA_START.test(value)) return `"'${value.replaceAll('"', '""')}"`;
  const needs =
    value.includes('"') || value.includes(delimiter) || value.includes('\n') || value.includes('\r') || /^\s|\s$/u.test(value);
  return needs ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * One line of a CSV file (no line break): the one way Daicho writes CSV (exports, import and order reports, the CLI).
 * A lone empty cell is written as "" so the line is not taken for an empty (skipped) line.
 */
export function csvLine(cells: readonly CsvCell[], delimiter: string = ','): string {
  if (cells.length === 1 && (cells[0] === '' || cells[0] === null)) return '""';
  return cells.map((cell) => formatCsvCell(cell, delimiter)).join(delimiter);
}

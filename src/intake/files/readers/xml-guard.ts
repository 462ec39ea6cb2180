/**
 * What exceljs's XML parser is fed from an .xlsx entry: the inflated bytes, checked as they pass, so that no value can
 * make the parser hold more than a bound, and cut at character boundaries.
 *
 * The parser (saxes, through exceljs's parse-sax) collects a text node whole before it hands it on, and exceljs builds
 * a row or a shared string whole: a 1 GiB cell, a few MB compressed, grew one string to V8's limit (~512 MiB) before it
 * failed, and the process kept its RSS (~650 MiB) afterwards. Here an entry is refused as soon as a run of bytes
 * without a '<' (a text node, or a tag with its attributes) or one element (a sheet's row, a shared string) grows
 * past its bound, having inflated only that much of it.
 *
 * exceljs also decodes each chunk on its own (TextDecoder without `stream`), so a character split between two chunks
 * became two U+FFFD: every chunk passed on here ends on a whole UTF-8 character.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** A cell's text, an attribute or a tag: Excel's own cells hold 32,767 characters (~100 KB of UTF-8, ~200 KB escaped). */
export const MAX_XML_VALUE_BYTES = 1 << 20;
/** A sheet's row or a shared string (with its rich-text runs and formatting) as XML. */
export const MAX_XML_ELEMENT_BYTES = 4 << 20;

const LT = 0x3c;
const SLASH = 0x2f;
const GT = 0x3e;
const MiB = 1 << 20;

export interface XmlGuardOptions {
  /** The entry's path, for messages. */
  entry: string;
  /** An element bounded as a whole: 'row' in a sheet, 'si' in the shared strings. */
  element?: 'row' | 'si';
  maxValueBytes?: number;
  maxElementBytes?: number;
}

export function xmlGuard(options: XmlGuardOptions): Transform {
  const maxValue = options.maxValueBytes ?? MAX_XML_VALUE_BYTES;
  const maxElement = options.maxElementBytes ?? MAX_XML_ELEMENT_BYTES;
  const bounded = options.element ? BOUNDED[options.element] : null;
  /** Bytes held back for the next chunk: an unfinished UTF-8 character, or a '<' whose name is not complete yet. */
  let held: Buffer | null = null;
  /** Absolute offset of the first byte of the next chunk passed on. */
  let offset = 0;
  /** Absolute offset of the last '<' (-1: none yet). */
  let lastLt = -1;
  /** Absolute offset where the bounded element being read started (-1: outside one). */
  let elementAt = -1;

  const valueTooLong = () => new Error(
    `xlsx の値が長すぎます: ${options.entry} に ${maxValue / MiB} MiB を超えるセルの値があります (a value longer than ${maxValue / MiB} MiB in ${options.entry})`,
  );
  const elementTooLong = () => options.element === 'row'
    ? new Error(`xlsx の行が長すぎます: ${options.entry} に ${maxElement / MiB} MiB を超える行があります (a row longer than ${maxElement / MiB} MiB in ${options.entry})`)
    : new Error(`xlsx の値が長すぎます: ${options.entry} に ${maxElement / MiB} MiB を超える文字列があります (a string longer than ${maxElement / MiB} MiB in ${options.entry})`);

  /**
   * Checks a slice of the bytes passed on, `data` at absolute `at`, no longer than the bounds: no run or element can
   * exceed its bound inside it, so only the ones that cross its edges are measured (with native searches, so the
   * guard costs a fraction of the parsing).
   */
  const checkSlice = (data: Buffer, at: number): Error | null => {
    const end = at + data.length;
    const firstLt = data.indexOf(LT);
    if (firstLt !== -1) {
      if (at + firstLt - lastLt - 1 > maxValue) return valueTooLong();
      lastLt = at + data.lastIndexOf(LT);
    }
    if (end - lastLt - 1 > maxValue) return valueTooLong();
    if (bounded) {
      // The element read before this slice ends at the first start or end in it.
      const firstStart = firstOpening(data, bounded.start);
      const firstEnd = firstOf(data, bounded.ends);
      const firstEvent = firstStart === -1 ? firstEnd : firstEnd === -1 ? firstStart : Math.min(firstStart, firstEnd);
      if (elementAt !== -1 && firstEvent !== -1 && at + firstEvent - elementAt > maxElement) return elementTooLong();
      const lastStart = lastOpening(data, bounded.start);
      const lastEnd = lastOf(data, bounded.ends);
      if (lastStart > lastEnd) elementAt = at + lastStart;
      else if (lastEnd !== -1) elementAt = -1;
      if (elementAt !== -1 && end - elementAt > maxElement) return elementTooLong();
    }
    return null;
  };
  /** Checks the bytes passed on, in slices no longer than the bounds cut before a '<' (so no tag is split). */
  const check = (data: Buffer, at: number): Error | null => {
    const slice = Math.min(maxValue, maxElement);
    let from = 0;
    while (data.length - from > slice) {
      let to = data.lastIndexOf(LT, from + slice);
      if (to <= from) to = from + slice;
      const error = checkSlice(data.subarray(from, to), at + from);
      if (error) return error;
      from = to;
    }
    return checkSlice(data.subarray(from), at + from);
  };

  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      const data = held ? Buffer.concat([held, chunk]) : chunk;
      const cut = Math.min(utf8Boundary(data), pendingTag(data, bounded?.longest ?? 0));
      held = cut < data.length ? Buffer.from(data.subarray(cut)) : null;
      const passed = data.subarray(0, cut);
      const error = check(passed, offset);
      if (error) {
        done(error);
        return;
      }
      offset += passed.length;
      done(null, passed);
    },
    flush(done: TransformCallback) {
      const rest = held ?? Buffer.alloc(0);
      held = null;
      const error = check(rest, offset);
      done(error, rest.length > 0 ? rest : undefined);
    },
  });
}

/**
 * The bounded elements: where one starts, and what ends it (its closing tag, or the end of its container, for an
 * element written self-closing, such as an empty row with a height: `<row r="5" ht="20" customHeight="1"/>`).
 */
const BOUNDED = {
  row: { start: Buffer.from('<row'), ends: [Buffer.from('</row>'), Buffer.from('</sheetData>')], longest: '</sheetData>'.length },
  si: { start: Buffer.from('<si'), ends: [Buffer.from('</si>'), Buffer.from('</sst>')], longest: '</sst>'.length },
};

function firstOf(data: Buffer, tokens: readonly Buffer[]): number {
  let first = -1;
  for (const token of tokens) {
    const i = data.indexOf(token);
    if (i !== -1 && (first === -1 || i < first)) first = i;
  }
  return first;
}

function lastOf(data: Buffer, tokens: readonly Buffer[]): number {
  let last = -1;
  for (const token of tokens) last = Math.max(last, data.lastIndexOf(token));
  return last;
}

/** The first `<row` or `<si` that opens that element (not `<rowBreaks`, `<sheetData`…), or -1. */
function firstOpening(data: Buffer, start: Buffer): number {
  for (let i = data.indexOf(start); i !== -1; i = data.indexOf(start, i + 1)) {
    if (isNameEnd(data[i + start.length])) return i;
  }
  return -1;
}

/** The last `<row` or `<si` that opens that element, or -1. */
function lastOpening(data: Buffer, start: Buffer): number {
  for (let i = data.lastIndexOf(start); i !== -1; i = i === 0 ? -1 : data.lastIndexOf(start, i - 1)) {
    if (isNameEnd(data[i + start.length])) return i;
  }
  return -1;
}

/** After `<row` or `<si`: a space, '>' or '/' ends the name (`<rowBreaks` is another element). */
function isNameEnd(c: number | undefined): boolean {
  return c === GT || c === SLASH || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Where the last whole UTF-8 character ends: an unfinished one at the end waits for the next chunk. */
function utf8Boundary(data: Buffer): number {
  const n = data.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const c = data[n - back]!;
    if (c < 0x80) return n; // ASCII: whole
    if (c >= 0xc0) {
      // A lead byte `back` bytes from the end: its sequence needs 2, 3 or 4 bytes.
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return need > back ? n - back : n;
    }
  }
  return n; // continuation bytes only: not UTF-8 anyway, the parser says so
}

/** Where a '<' too close to the end to read its tag's name (`</sheetData>` at most) starts; data.length when none. */
function pendingTag(data: Buffer, longest: number): number {
  if (longest === 0) return data.length;
  const from = Math.max(0, data.length - longest);
  const lt = data.indexOf(LT, from);
  return lt === -1 ? data.length : lt;
}

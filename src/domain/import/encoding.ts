/**
 * Character-encoding and delimiter detection for uploaded tables (pure, no I/O).
 *
 * Japanese exports come as CP932 ("Shift_JIS" from Excel and most back-office systems), UTF-8 with a BOM
 * (Excel "CSV UTF-8"), plain UTF-8 (web tools), or UTF-16LE with a BOM (Excel "Unicode text", tab-separated).
 */
import { CsvParser, DELIMITERS, type Delimiter } from './csv.ts';

export type TextEncoding = 'utf-8' | 'cp932' | 'utf-16le' | 'utf-16be';

export interface EncodingDetection {
  encoding: TextEncoding;
  /** The sample starts with a byte-order mark (the reader strips it). */
  bom: boolean;
  /** 0..1: 1 = BOM, ~0.99 = plenty of unambiguous evidence, 0.5 = ASCII only (UTF-8 and CP932 read it alike). */
  confidence: number;
}

/**
 * Decides between UTF-8 and CP932 from the first bytes of a file: a BOM wins; otherwise bytes that are valid UTF-8
 * are UTF-8, bytes that fit the Shift_JIS structure are CP932, and when both fail the one with fewer errors wins
 * (low confidence). An incomplete multi-byte sequence at the end of the sample is not held against either.
 */
export function detectEncoding(sample: Uint8Array): EncodingDetection {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return { encoding: 'utf-8', bom: true, confidence: 1 };
  }
  if (sample.length >= 2 && sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: true, confidence: 1 };
  if (sample.length >= 2 && sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: true, confidence: 1 };

  const utf8 = scanUtf8(sample);
  if (utf8.nonAscii === 0) return { encoding: 'utf-8', bom: false, confidence: 0.5 };
  const sjis = scanShiftJis(sample);
  // (A sample whose only non-ASCII bytes are a sequence cut off at its end is evidence for neither.)
  if (utf8.errors === 0 && utf8.sequences > 0) return { encoding: 'utf-8', bom: false, confidence: utf8.sequences >= 3 ? 0.99 : 0.9 };
  if (sjis.errors === 0 && sjis.characters > 0) return { encoding: 'cp932', bom: false, confidence: sjis.characters >= 3 ? 0.99 : 0.9 };
  if (utf8.errors === 0 && sjis.errors === 0) return { encoding: 'utf-8', bom: false, confidence: 0.5 };
  // Both broken: pick the lesser evil, with a confidence that shrinks with the error rate.
  const utf8Rate = utf8.errors / utf8.nonAscii;
  const sjisRate = sjis.errors / Math.max(1, sjis.characters + sjis.errors);
  return utf8Rate <= sjisRate
    ? { encoding: 'utf-8', bom: false, confidence: round2(Math.max(0.1, 0.5 * (1 - utf8Rate))) }
    : { encoding: 'cp932', bom: false, confidence: round2(Math.max(0.1, 0.5 * (1 - sjisRate))) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Strict UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF). */
function scanUtf8(b: Uint8Array): { nonAscii: number; sequences: number; errors: number } {
  let nonAscii = 0;
  let sequences = 0;
  let errors = 0;
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    nonAscii++;
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else {
      errors++;
      i++;
      continue;
    }
    let ok = true;
    let k = 1;
    for (; k <= need; k++) {
      if (i + k >= n) {
        // Cut off at the end of the sample: neither an error nor a sequence.
        return { nonAscii, sequences, errors };
      }
      const t = b[i + k]!;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (t < min || t > max) {
        ok = false;
        break;
      }
    }
    if (!ok) {
      errors++;
      i += k;
      continue;
    }
    sequences++;
    i += need + 1;
  }
  return { nonAscii, sequences, errors };
}

/** Shift_JIS/CP932 byte structure: single bytes 00–7F and A1–DF (half-width kana), pairs lead 81–9F/E0–FC + trail 40–7E/80–FC. */
function scanShiftJis(b: Uint8Array): { characters: number; errors: number } {
  let characters = 0;
  let errors = 0;
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xa1 && c <= 0xdf) {
      characters++;
      i++;
      continue;
    }
    if ((c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)) {
      if (i + 1 >= n) break; // truncated
      const t = b[i + 1]!;
      if ((t >= 0x40 && t <= 0x7e) || (t >= 0x80 && t <= 0xfc)) {
        characters++;
        i += 2;
        continue;
      }
    }
    errors++;
    i++;
  }
  return { characters, errors };
}

/**
 * Canonical encoding for a user-supplied name (profiles, CLI, UI): utf8/utf-8-bom → utf-8; Shift_JIS, SJIS, MS932,
 * Windows-31J, CP932 → cp932 (CP932 is the superset every Japanese Windows tool actually writes); utf-16/unicode
 * → utf-16le. Returns null for anything else.
 */
export function canonicalEncoding(name: string): TextEncoding | null {
  const key = name.trim().toLowerCase().replace(/[\s_-]/gu, '');
  switch (key) {
    case 'utf8':
    case 'utf8bom':
    case 'utf8sig':
      return 'utf-8';
    case 'cp932':
    case 'ms932':
    case 'windows31j':
    case 'shiftjis':
    case 'sjis':
    case 'xsjis':
    case 'mskanji':
    case 'csshiftjis':
    case 'windows932':
      return 'cp932';
    case 'utf16':
    case 'utf16le':
    case 'unicode':
      return 'utf-16le';
    case 'utf16be':
      return 'utf-16be';
    default:
      return null;
  }
}

export const ENCODING_NAMES_HELP = 'utf-8, cp932 (= shift_jis, sjis, ms932, windows-31j), utf-16le, utf-16be';

/**
 * Picks the delimiter that splits the first records of a sample into the most consistent number (≥ 2) of fields,
 * quotes respected; ties go to the larger field count. A text without any of them is one column: ','.
 * The last line of the sample is ignored unless the sample ends with a line break (it may be cut off).
 */
export function detectDelimiter(sampleText: string, options: { maxRecords?: number; complete?: boolean } = {}): Delimiter {
  const maxRecords = options.maxRecords ?? 50;
  let text = sampleText.length > 65536 ? sampleText.slice(0, 65536) : sampleText;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const complete = options.complete ?? (sampleText.length <= 65536 && /[\r\n]$/u.test(sampleText));
  let best: { delimiter: Delimiter; consistency: number; columns: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const parser = new CsvParser({ delimiter });
    const records = parser.push(text);
    if (complete) records.push(...parser.end());
    const counts: number[] = [];
    let errors = 0;
    for (const r of records.slice(0, maxRecords)) {
      if ('fields' in r) counts.push(r.fields.length);
      else errors++;
    }
    if (counts.length === 0) continue;
    const freq = new Map<number, number>();
    for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
    let columns = 0;
    let top = 0;
    for (const [c, f] of freq) if (f > top || (f === top && c > columns)) [columns, top] = [c, f];
    if (columns < 2) continue;
    const consistency = top / (counts.length + errors);
    if (!best || consistency > best.consistency + 1e-9 || (Math.abs(consistency - best.consistency) <= 1e-9 && columns > best.columns)) {
      best = { delimiter, consistency, columns };
    }
  }
  return best?.delimiter ?? ',';
}

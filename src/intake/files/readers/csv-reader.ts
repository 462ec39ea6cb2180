/**
 * Streaming CSV/TSV reader: fs read stream (backpressure by pulling) → decoder (iconv-lite) → incremental parser.
 * Memory is bounded by one read chunk plus the longest record (maxRecordChars), whatever the file size.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CsvParser, DEFAULT_MAX_RECORD_CHARS, type CsvRecord, type Delimiter } from '../../../domain/import/csv.ts';
import { canonicalEncoding, detectDelimiter, detectEncoding, ENCODING_NAMES_HELP, type EncodingDetection, type TextEncoding } from '../../../domain/import/encoding.ts';
import { detectHeaderRow, HEADER_PROBE_ROWS } from '../../../domain/import/header-row.ts';
import { uniqueHeaders } from '../../../domain/import/headers.ts';
import { notTextTableReason, TEXT_PROBE_CHARS } from '../../../domain/import/text-table.ts';
import { setOwn } from '../../../domain/import/profile.ts';
import { createDecoder, decodeBuffer, type StreamDecoder } from './decoder.ts';
import { headerChosenWarning, UnreadableTableError, type OpenedTable, type OpenTableOptions, type TableRow } from './types.ts';

export const SAMPLE_BYTES = 64 * 1024;
const READ_CHUNK = 256 * 1024;

export async function readSample(file: string, bytes = SAMPLE_BYTES): Promise<{ sample: Buffer; size: number }> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(bytes, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { sample: buffer.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

export async function openCsv(file: string, options: OpenTableOptions = {}): Promise<OpenedTable> {
  const { sample, size } = await readSample(file);

  let detection: EncodingDetection | null = null;
  let encoding: TextEncoding;
  if (options.encoding) {
    const forced = canonicalEncoding(options.encoding);
    if (!forced) throw new Error(`Unknown encoding "${options.encoding}" (use ${ENCODING_NAMES_HELP})`);
    encoding = forced;
  } else {
    detection = detectEncoding(sample);
    encoding = detection.encoding;
  }
  // ASCII-only sample: UTF-8 and CP932 agree so far; let the first non-ASCII bytes decide.
  const late = detection !== null && detection.confidence <= 0.5 && !detection.bom && isAscii(sample);
  const decoder: StreamDecoder = createDecoder(encoding, { late });
  // Random bytes, an image, UTF-16 without its BOM…: refused here rather than read as a table of garbage (4 bytes a
  // character at most: enough bytes for the probe's characters).
  const notText = notTextTableReason(decodeBuffer(sample.subarray(0, 4 * TEXT_PROBE_CHARS), encoding), encoding);
  if (notText) throw new UnreadableTableError(notText);

  const ext = path.extname(file).toLowerCase();
  let delimiter: Delimiter;
  if (options.delimiter) delimiter = options.delimiter;
  else if (options.format === 'tsv' || ext === '.tsv' || ext === '.tab') delimiter = '\t';
  else delimiter = detectDelimiter(decodeBuffer(sample, encoding), { complete: sample.length === size });

  const maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const stream = fs.createReadStream(file, { highWaterMark: READ_CHUNK });
  let bytesRead = 0;
  let closed = false;
  const parser = new CsvParser({ delimiter, maxRecordChars });

  async function* records(): AsyncGenerator<CsvRecord> {
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytesRead += chunk.length;
        const batch = parser.push(decoder.write(chunk));
        for (let i = 0; i < batch.length; i++) yield batch[i]!;
      }
      const tail = [...parser.push(decoder.end()), ...parser.end()];
      for (const r of tail) yield r;
    } finally {
      closed = true;
      stream.destroy();
    }
  }

  const headerNotes: string[] = [];
  const source = records();
  // The header: the profile's line, or the row detectHeaderRow picks among the first records (title lines above it,
  // as in Eight's export, are skipped). Bad records read on the way, and the records after the header, are replayed
  // as rows in file order.
  const pending: CsvRecord[] = [];
  let rawHeaders: string[] = [];
  let headerLine: number | null = null;
  let headerReason: string | null = null;
  if (options.headerRow != null) {
    for (;;) {
      const next = await source.next();
      if (next.done) break;
      const r = next.value;
      if (r.line < options.headerRow) continue;
      if ('error' in r) {
        pending.push(r);
        continue;
      }
      if (isBlank(r.fields)) continue;
      rawHeaders = r.fields;
      headerLine = r.line;
      break;
    }
  } else {
    const probe: CsvRecord[] = [];
    const parsed: Array<CsvRecord & { fields: string[] }> = [];
    while (parsed.length < HEADER_PROBE_ROWS) {
      const next = await source.next();
      if (next.done) break;
      probe.push(next.value);
      if (!('error' in next.value)) parsed.push(next.value);
    }
    const detection = detectHeaderRow(parsed.map((r) => r.fields));
    const header = parsed[detection.index];
    if (header && !isBlank(header.fields)) {
      rawHeaders = header.fields;
      headerLine = header.line;
      headerReason = detection.reason;
    }
    for (const r of probe) if ('error' in r || headerLine === null || r.line > headerLine) pending.push(r);
    if (detection.skipped > 0 && headerLine !== null) headerNotes.push(headerChosenWarning(headerLine, detection.reason));
  }
  const { headers, warnings } = uniqueHeaders(rawHeaders);
  warnings.unshift(...headerNotes);
  const width = headers.length;
  const protoAt = headers.indexOf('__proto__'); // assigned with defineProperty, not as the prototype
  let replacementLines = 0;
  let firstReplacementLine = 0;

  async function* rows(): AsyncGenerator<TableRow> {
    try {
      for (;;) {
        let r: CsvRecord;
        if (pending.length > 0) r = pending.shift()!;
        else {
          const next = await source.next();
          if (next.done) break;
          r = next.value;
        }
        if ('error' in r) {
          yield { line: r.line, error: r.error, code: r.code };
          continue;
        }
        let fields = r.fields;
        if (isBlank(fields)) continue;
        if (fields.length !== width) {
          if (fields.length > width && isBlank(fields.slice(width))) {
            fields = fields.slice(0, width); // trailing empty cells (a trailing delimiter): nothing is lost
          } else {
            const span = r.endLine > r.line ? ` (${r.line}〜${r.endLine}行目 / lines ${r.line}-${r.endLine})` : '';
            yield {
              line: r.line,
              code: 'column_count',
              error: `列数が見出しと違います: 見出し ${width} 列、この行 ${fields.length} 列 (expected ${width} fields, got ${fields.length})${span}`,
            };
            continue;
          }
        }
        const values: Record<string, string> = {};
        let replaced = false;
        for (let i = 0; i < width; i++) {
          const v = fields[i]!;
          if (v.indexOf('\ufffd') !== -1) replaced = true;
          if (protoAt === i) setOwn(values, headers[i]!, v);
          else values[headers[i]!] = v;
        }
        if (replaced) {
          replacementLines++;
          if (firstReplacementLine === 0) firstReplacementLine = r.line;
        }
        yield { line: r.line, values };
      }
      if (replacementLines > 0) {
        warnings.push(
          `${replacementLines} 行に ${decoder.encoding} として読めない文字 (U+FFFD) があります。最初は ${firstReplacementLine} 行目 ` +
            `(${replacementLines} rows contain U+FFFD, i.e. bytes that are not valid ${decoder.encoding}; first at line ${firstReplacementLine})`,
        );
      }
      const lateDetection = decoder.lateDetection;
      if (lateDetection && lateDetection.confidence < 0.9) {
        warnings.push(`文字コードの判定が不確かです: ${lateDetection.encoding} (uncertain encoding detection: ${lateDetection.encoding}, confidence ${lateDetection.confidence})`);
      }
    } finally {
      await source.return(undefined);
    }
  }

  if (detection && !late && detection.confidence < 0.9) {
    warnings.push(`文字コードの判定が不確かです: ${detection.encoding} (uncertain encoding detection: ${detection.encoding}, confidence ${detection.confidence})`);
  }

  return {
    format: delimiter === '\t' ? 'tsv' : 'csv',
    get encoding() {
      return decoder.encoding;
    },
    get encodingDetection() {
      return decoder.lateDetection ?? detection;
    },
    delimiter,
    headers,
    headerLine,
    headerReason,
    rows: rows(),
    warnings,
    progress: () => ({ bytesRead, totalBytes: size }),
    close: async () => {
      if (!closed) await source.return(undefined);
      stream.destroy();
    },
  };
}

function isBlank(fields: readonly string[]): boolean {
  for (let i = 0; i < fields.length; i++) if (fields[i] !== '' && fields[i]!.trim() !== '') return false;
  return true;
}

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return false;
  return true;
}

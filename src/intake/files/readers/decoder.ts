import iconv from 'iconv-lite';
import { detectEncoding, type EncodingDetection, type TextEncoding } from '../../../domain/import/encoding.ts';

/** Incremental bytes → text (multi-byte characters split across chunks are handled; a leading BOM is dropped). */
export interface StreamDecoder {
  readonly encoding: TextEncoding;
  /** Set when the encoding was decided from bytes after the sample (ASCII-only sample). */
  readonly lateDetection: EncodingDetection | null;
  write(chunk: Buffer): string;
  end(): string;
}

const ICONV_NAME: Record<TextEncoding, string> = { 'utf-8': 'utf8', cp932: 'cp932', 'utf-16le': 'utf16le', 'utf-16be': 'utf16be' };

class FixedDecoder implements StreamDecoder {
  readonly lateDetection = null;
  private readonly inner: { write(b: Buffer): string; end(): string | undefined };
  private first = true;
  constructor(readonly encoding: TextEncoding) {
    this.inner = iconv.getDecoder(ICONV_NAME[encoding], { stripBOM: true });
  }
  write(chunk: Buffer): string {
    const text = this.inner.write(chunk);
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) return text.slice(1);
    }
    return text;
  }
  end(): string {
    return this.inner.end() ?? '';
  }
}

/** Evidence wanted after the first non-ASCII byte before deciding. */
const LATE_SAMPLE = 16 * 1024;

/**
 * For files whose sample was pure ASCII (UTF-8 and CP932 agree on it): passes ASCII through and decides the
 * encoding at the first non-ASCII bytes, from what follows them.
 */
class LateDecoder implements StreamDecoder {
  private inner: FixedDecoder | null = null;
  private held: Buffer | null = null;
  private detection: EncodingDetection | null = null;

  get encoding(): TextEncoding {
    return this.inner?.encoding ?? 'utf-8';
  }
  get lateDetection(): EncodingDetection | null {
    return this.detection;
  }

  write(chunk: Buffer): string {
    if (this.inner) return this.inner.write(chunk);
    const data = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = null;
    const i = firstNonAscii(data);
    if (i === -1) return data.toString('latin1');
    if (data.length - i < LATE_SAMPLE) {
      this.held = Buffer.from(data.subarray(i));
      return data.toString('latin1', 0, i);
    }
    return data.toString('latin1', 0, i) + this.decide(data.subarray(i)).write(data.subarray(i));
  }

  end(): string {
    if (!this.inner) {
      if (!this.held) return '';
      const held = this.held;
      this.held = null;
      const d = this.decide(held);
      return d.write(held) + d.end();
    }
    return this.inner.end();
  }

  private decide(evidence: Buffer): FixedDecoder {
    this.detection = detectEncoding(evidence);
    this.inner = new FixedDecoder(this.detection.encoding);
    return this.inner;
  }
}

function firstNonAscii(b: Buffer): number {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return i;
  return -1;
}

/** A decoder for a known encoding, or — when the detection only saw ASCII — one that decides later. */
export function createDecoder(encoding: TextEncoding, options: { late?: boolean } = {}): StreamDecoder {
  return options.late ? new LateDecoder() : new FixedDecoder(encoding);
}

/** Decodes a whole buffer (samples). */
export function decodeBuffer(bytes: Buffer, encoding: TextEncoding): string {
  const d = new FixedDecoder(encoding);
  return d.write(bytes) + d.end();
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { xmlGuard } from '../../../../src/intake/files/readers/xml-guard.ts';

/** Runs bytes through a guard in the given chunks; what came out (chunk by chunk) and the error, if any. */
async function guard(chunks: readonly Buffer[], options: Parameters<typeof xmlGuard>[0]): Promise<{ out: Buffer[]; error: Error | null }> {
  const g = xmlGuard(options);
  const out: Buffer[] = [];
  g.on('data', (d: Buffer) => out.push(d));
  const ended = new Promise<Error | null>((resolve) => {
    g.on('end', () => resolve(null));
    g.on('error', (e) => resolve(e));
  });
  for (const c of chunks) g.write(c);
  g.end();
  return { out, error: await ended };
}

function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) chunks.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  return chunks;
}

/**
 * What the whole text holds, read at once: a run without '<' longer than maxValue, a row (from `<row` to `</row>`,
 * `</sheetData>` or the next `<row`) longer than maxElement.
 */
function reference(xml: Buffer, maxValue: number, maxElement: number): { value: boolean; row: boolean } {
  const text = xml.toString('latin1');
  const found = { value: false, row: false };
  let lastLt = -1;
  let rowAt = -1;
  for (let i = 0; i <= text.length; i++) {
    const atEnd = i === text.length;
    if (!atEnd && text[i] !== '<') continue;
    if (i - lastLt - 1 > maxValue) found.value = true;
    if (rowAt !== -1 && i - rowAt > maxElement) found.row = true;
    if (atEnd) break;
    lastLt = i;
    if (text.startsWith('</row>', i) || text.startsWith('</sheetData>', i)) rowAt = -1;
    else if (/^<row[\s>/]/u.test(text.slice(i, i + 5))) rowAt = i;
  }
  return found;
}

describe('xmlGuard', () => {
  test('passes the bytes through unchanged, each chunk ending on a whole UTF-8 character', async () => {
    const xml = Buffer.from(`<sheetData>${Array.from({ length: 200 }, (_, i) => `<row r="${i}"><c><is><t>山田 𠮷${i}</t></is></c></row>`).join('')}</sheetData>`);
    await fc.assert(fc.asyncProperty(fc.array(fc.nat(), { maxLength: 40 }), async (cuts) => {
      const { out, error } = await guard(split(xml, cuts), { entry: 'sheet', element: 'row' });
      assert.equal(error, null);
      assert.ok(Buffer.concat(out).equals(xml));
      for (const chunk of out) new TextDecoder('utf-8', { fatal: true }).decode(chunk);
    }), { numRuns: 200 });
  });

  test('the verdict does not depend on how the entry is cut into chunks', async () => {
    const part = fc.oneof(
      fc.nat(30).map((n) => `<row r="1">${'<c><v>1</v></c>'.repeat(n)}</row>`),
      fc.constant('<row r="2" ht="20"/>'),
      fc.nat(40).map((n) => `<c><is><t>${'あ'.repeat(n)}</t></is></c>`),
      fc.constant('<rowBreaks count="1"/>'),
      fc.constant('</sheetData><mergeCells>'),
      fc.nat(60).map((n) => 'x'.repeat(n)),
    );
    await fc.assert(fc.asyncProperty(fc.array(part, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 30 }), async (parts, cuts) => {
      const xml = Buffer.from(`<sheetData>${parts.join('')}`);
      const holds = reference(xml, 64, 200);
      const { error } = await guard(split(xml, cuts), { entry: 'sheet', element: 'row', maxValueBytes: 64, maxElementBytes: 200 });
      // Refused exactly when the text holds a value or a row too long, for one of the reasons it holds (the first met).
      assert.equal(error !== null, holds.value || holds.row, xml.toString());
      if (error) assert.ok(/row longer/u.test(error.message) ? holds.row : holds.value, `${error.message}: ${xml.toString()}`);
    }), { numRuns: 1000 });
  });

  test('a value up to the bound passes (the bytes between two \'<\', "t>" included); one byte more is refused, with the entry named', async () => {
    const ok = await guard([Buffer.from(`<t>${'a'.repeat(62)}`), Buffer.from('</t>')], { entry: 'xl/sharedStrings.xml', maxValueBytes: 64 });
    assert.equal(ok.error, null);
    const tooLong = await guard([Buffer.from(`<t>${'a'.repeat(63)}`), Buffer.from('</t>')], { entry: 'xl/sharedStrings.xml', maxValueBytes: 64 });
    assert.match(tooLong.error?.message ?? '', /値が長すぎます.*xl\/sharedStrings\.xml.*longer than/su);
  });
});

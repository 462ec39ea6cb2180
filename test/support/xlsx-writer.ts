/**
 * Hand-made .xlsx files for reader tests: exceljs cannot write what a hostile or broken workbook holds (it drops
 * control characters, and builds every entry in memory), so the parts are written here as XML and zipped as they are.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

/** A zip entry's data: text (deflated here), or raw deflate data built by the caller with its CRC and size. */
export type ZipData = string | { deflated: Buffer; crc32: number; size: number };

/** Writes a zip archive (deflate, no data descriptors, sizes below 4 GiB). */
export function writeZip(file: string, entries: Record<string, ZipData>): void {
  const out = fs.openSync(file, 'w');
  try {
    const central: Buffer[] = [];
    let offset = 0;
    const write = (b: Buffer) => {
      fs.writeSync(out, b);
      offset += b.length;
    };
    for (const [name, data] of Object.entries(entries)) {
      const entry = typeof data === 'string'
        ? { deflated: zlib.deflateRawSync(Buffer.from(data)), crc32: zlib.crc32(data), size: Buffer.byteLength(data) }
        : data;
      const nameBytes = Buffer.from(name);
      const at = offset;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4); // version needed
      local.writeUInt16LE(0x0800, 6); // UTF-8 names
      local.writeUInt16LE(8, 8); // deflate
      local.writeUInt32LE(entry.crc32 >>> 0, 14);
      local.writeUInt32LE(entry.deflated.length, 18);
      local.writeUInt32LE(entry.size, 22);
      local.writeUInt16LE(nameBytes.length, 26);
      write(local);
      write(nameBytes);
      write(entry.deflated);
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(20, 4);
      header.writeUInt16LE(20, 6);
      header.writeUInt16LE(0x0800, 8);
      header.writeUInt16LE(8, 10);
      header.writeUInt32LE(entry.crc32 >>> 0, 16);
      header.writeUInt32LE(entry.deflated.length, 20);
      header.writeUInt32LE(entry.size, 24);
      header.writeUInt16LE(nameBytes.length, 28);
      header.writeUInt32LE(at, 42);
      central.push(header, nameBytes);
    }
    const directory = Buffer.concat(central);
    const directoryAt = offset;
    write(directory);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Object.keys(entries).length, 8);
    end.writeUInt16LE(Object.keys(entries).length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(directoryAt, 16);
    write(end);
  } finally {
    fs.closeSync(out);
  }
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** XML text content, escaped. */
export function xmlText(s: string): string {
  return s.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

/**
 * A one-sheet workbook ("Sheet1") from its parts: the sheet's XML (whole, or given as raw deflate data), and shared
 * strings if any.
 */
export function writeXlsx(file: string, parts: { sheet: ZipData; sharedStrings?: ZipData }): void {
  writeZip(file, {
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/></Types>',
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>${parts.sharedStrings ? `<Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` : ''}</Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ...(parts.sharedStrings ? { 'xl/sharedStrings.xml': parts.sharedStrings } : {}),
    'xl/worksheets/sheet1.xml': parts.sheet,
  });
}

/** A sheet's XML with rows of inline strings (cells in columns A, B, C…). */
export function inlineSheet(rows: readonly (readonly string[])[]): string {
  const col = (i: number) => String.fromCharCode(65 + i);
  const body = rows.map((cells, r) => `<row r="${r + 1}">${cells.map((v, i) => `<c r="${col(i)}${r + 1}" t="inlineStr"><is><t>${v}</t></is></c>`).join('')}</row>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>${body}</sheetData></worksheet>`;
}

/** Shared strings XML (values given as XML text: escape with xmlText unless the test means raw markup). */
export function sharedStringsXml(values: readonly string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN}" count="${values.length}" uniqueCount="${values.length}">${values.map((v) => `<si><t>${v}</t></si>`).join('')}</sst>`;
}

/** A sheet's XML whose cells refer to shared strings by index. */
export function sharedSheet(rows: readonly (readonly number[])[]): string {
  const col = (i: number) => String.fromCharCode(65 + i);
  const body = rows.map((cells, r) => `<row r="${r + 1}">${cells.map((s, i) => `<c r="${col(i)}${r + 1}" t="s"><v>${s}</v></c>`).join('')}</row>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>${body}</sheetData></worksheet>`;
}

/**
 * A zip entry of `prefix`, then `unit` repeated to about `bytes` bytes (in runs of up to a MiB), then `suffix`, deflated
 * without ever holding the long middle: one deflated MiB of the unit is repeated (each copy a non-final block,
 * byte-aligned by a sync flush), so a 1 GiB cell costs ~1 MB on disk and half a second to write.
 */
export function repeatedEntry(prefix: string, unit: string, bytes: number, suffix: string): { deflated: Buffer; crc32: number; size: number } {
  const MiB = 1 << 20;
  const run = Buffer.from(unit.repeat(Math.max(1, Math.floor(Math.min(MiB, bytes) / Buffer.byteLength(unit)))));
  const sync = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const runDeflated = zlib.deflateRawSync(run, sync);
  const copies = Math.max(1, Math.round(bytes / run.length));
  const parts = [zlib.deflateRawSync(Buffer.from(prefix), sync)];
  let crc = zlib.crc32(prefix);
  for (let i = 0; i < copies; i++) {
    parts.push(runDeflated);
    crc = zlib.crc32(run, crc);
  }
  parts.push(zlib.deflateRawSync(Buffer.from(suffix)));
  crc = zlib.crc32(suffix, crc);
  return { deflated: Buffer.concat(parts), crc32: crc, size: Buffer.byteLength(prefix) + copies * run.length + Buffer.byteLength(suffix) };
}

/** A workbook whose row 2, column B holds `bytes` of one character: inline in the sheet, or as a shared string. */
export function writeLongCellXlsx(file: string, where: 'inline' | 'shared', bytes: number, char = 'A'): void {
  if (where === 'inline') {
    const prefix = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>` +
      '<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c><c r="B1" t="inlineStr"><is><t>氏名</t></is></c></row>' +
      '<row r="2"><c r="A2" t="inlineStr"><is><t>K1</t></is></c><c r="B2" t="inlineStr"><is><t>';
    writeXlsx(file, { sheet: repeatedEntry(prefix, char, bytes, '</t></is></c></row></sheetData></worksheet>') });
  } else {
    const prefix = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN}" count="4" uniqueCount="4"><si><t>ID</t></si><si><t>氏名</t></si><si><t>K1</t></si><si><t>`;
    writeXlsx(file, { sheet: sharedSheet([[0, 1], [2, 3]]), sharedStrings: repeatedEntry(prefix, char, bytes, '</t></si></sst>') });
  }
}

/** A workbook whose row 2 has about `bytes` of short cells (a row too wide to hold). */
export function writeWideRowXlsx(file: string, bytes: number): void {
  const prefix = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>` +
    '<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row><row r="2">';
  writeXlsx(file, { sheet: repeatedEntry(prefix, '<c r="B2"><v>1</v></c>', bytes, '</row></sheetData></worksheet>') });
}

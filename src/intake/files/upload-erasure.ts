/**
 * 消去 of uploaded import files (src/ledger/privacy): an upload waiting in the folder (the wizard's file, kept up to
 * UPLOAD_TTL_MS) is a copy of what the person's records were made from. Every stored upload is read as a table (the
 * readers detect encoding, delimiter and xlsx) and deleted when a cell is one of the erased person's values; a file
 * that cannot be read as a table is searched as UTF-8 bytes instead. A deleted upload only means the wizard's step
 * must be uploaded again; redacting a spreadsheet in place would rewrite someone else's file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findUpload, removeUpload, uploadRoot } from './uploads.ts';
import { openTable } from './readers/index.ts';

/** Deletes the stored uploads that quote one of `values` (exact cells, or case-insensitive for e-mail `addresses`); returns how many. */
export async function eraseUploadsQuoting(values: readonly string[], addresses: readonly string[]): Promise<number> {
  const exact = new Set(values.map((v) => v.trim()).filter((v) => v.length >= 4));
  const lower = new Set(addresses.map((a) => a.trim().toLowerCase()).filter((a) => a.length >= 4));
  if (exact.size === 0 && lower.size === 0) return 0;
  let entries: string[];
  try {
    entries = fs.readdirSync(uploadRoot());
  } catch {
    return 0;
  }
  let removed = 0;
  for (const id of entries) {
    const upload = findUpload(id);
    if (!upload) continue;
    if (await quotes(upload.filePath, exact, lower)) {
      removeUpload(upload.id);
      removed++;
    }
  }
  return removed;
}

const cellMatches = (cell: string, exact: ReadonlySet<string>, lower: ReadonlySet<string>) => {
  const v = cell.trim();
  return exact.has(v) || lower.has(v.toLowerCase());
};

async function quotes(file: string, exact: ReadonlySet<string>, lower: ReadonlySet<string>): Promise<boolean> {
  try {
    const table = await openTable(file);
    try {
      if (table.headers.some((h) => cellMatches(h, exact, lower))) return true;
      for await (const row of table.rows) {
        if ('values' in row && Object.values(row.values).some((cell) => cellMatches(cell, exact, lower))) return true;
      }
      return false;
    } finally {
      await table.close();
    }
  } catch {
    // Not a readable table (or it broke off): look for the values' bytes.
    const bytes = fs.readFileSync(path.resolve(file));
    const text = bytes.toString('utf8');
    const folded = text.toLowerCase();
    return [...exact].some((v) => text.includes(v)) || [...lower].some((a) => folded.includes(a));
  }
}

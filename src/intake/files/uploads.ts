/**
 * Uploaded import files: stored under a random id in a private temp folder, never under a client-chosen path.
 *
 * Layout: <root>/<uuid>/<safe file name>, and <root>/<uuid>/.owner with the id of the user who uploaded it (only they
 * and admins may use it: owner.ts). The id is a server-generated UUID (the API only accepts UUIDs back), and the
 * client's file name is reduced to a plain base name, which never starts with a dot (it is kept because the import run
 * records it and because its extension tells TSV from CSV). Uploads older than UPLOAD_TTL_MS are swept on the next
 * upload.
 *
 * Note: uploads live on the local disk of the process that received them; several Daicho processes behind one load
 * balancer need sticky sessions (or a shared folder via DAICHO_UPLOAD_DIR) for the wizard's two steps.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { stripUnstorable } from '../../domain/normalize/storable.ts';

export const UPLOAD_MAX_BYTES = 200 * 1024 * 1024;
export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;
const ALLOWED_EXTENSIONS = new Set(['.csv', '.tsv', '.tab', '.txt', '.xlsx']);
const OWNER_FILE = '.owner';

export function uploadRoot(): string {
  const configured = process.env.DAICHO_UPLOAD_DIR?.trim();
  return configured ? path.resolve(configured) : path.join(os.tmpdir(), 'daicho-uploads');
}

/** A base name safe to use inside our own folder: no separators, no control characters, no leading dots. */
export function safeFileName(name: string | null | undefined): string {
  const base = (name ?? '').split(/[\\/]/u).pop() ?? '';
  let clean = stripUnstorable(base).normalize('NFC').replace(/[\u0000-\u001f\u007f<>:"|?*]/gu, '_').replace(/^\.+/u, '').trim();
  if (clean.length > 120) {
    const ext = path.extname(clean).slice(0, 10);
    clean = clean.slice(0, 120 - ext.length) + ext;
  }
  if (!clean) clean = 'upload.csv';
  if (!ALLOWED_EXTENSIONS.has(path.extname(clean).toLowerCase())) clean = `${clean}.csv`;
  return clean;
}

export interface StoredUpload {
  id: string;
  filePath: string;
  fileName: string;
  size: number;
  /** The user who uploaded it (null: unknown, e.g. an upload stored before owners were recorded). */
  ownerUserId: string | null;
}

/** Streams an uploaded file to disk under a new random id, owned by `ownerUserId`. */
export async function storeUpload(body: ReadableStream<Uint8Array>, clientName: string | null | undefined, ownerUserId: string | null): Promise<StoredUpload> {
  const root = uploadRoot();
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  sweepUploads(root);
  const id = randomUUID();
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { mode: 0o700 });
  const fileName = safeFileName(clientName);
  const filePath = path.join(dir, fileName);
  try {
    fs.writeFileSync(path.join(dir, OWNER_FILE), ownerUserId ?? '', { flag: 'wx', mode: 0o600 });
    await pipeline(Readable.fromWeb(body as unknown as NodeWebReadableStream<Uint8Array>), fs.createWriteStream(filePath, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    removeUpload(id);
    throw error;
  }
  return { id, filePath, fileName, size: fs.statSync(filePath).size, ownerUserId };
}

/** The stored file of an upload, or null when the id is unknown (or expired). */
export function findUpload(id: string): StoredUpload | null {
  if (!UUID.test(id)) return null;
  const dir = path.join(uploadRoot(), id);
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return null;
  }
  const fileName = entries.find((entry) => entry !== OWNER_FILE);
  if (!fileName) return null;
  const filePath = path.join(dir, fileName);
  let ownerUserId: string | null = null;
  try {
    ownerUserId = fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8').trim() || null;
  } catch {
    // stored before owners were recorded: no one's (admins only)
  }
  return { id, filePath, fileName, size: fs.statSync(filePath).size, ownerUserId };
}

export function removeUpload(id: string): void {
  if (!UUID.test(id)) return;
  fs.rmSync(path.join(uploadRoot(), id), { recursive: true, force: true });
}

function sweepUploads(root: string): void {
  const cutoff = Date.now() - UPLOAD_TTL_MS;
  for (const entry of fs.readdirSync(root)) {
    if (!UUID.test(entry)) continue;
    try {
      if (fs.statSync(path.join(root, entry)).mtimeMs < cutoff) fs.rmSync(path.join(root, entry), { recursive: true, force: true });
    } catch {
      // another process swept it first
    }
  }
}

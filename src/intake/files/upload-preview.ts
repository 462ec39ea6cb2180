/**
 * The wizards' first step, shared by the customer import (import.routes.ts) and the order import
 * (src/intake/orders): a file received from a request (the raw body with X-File-Name, streamed to disk, or multipart
 * field "file"), its preview (format, encoding, header line, first rows, the customer mapping suggestion) in the API's
 * form, and an upload found again for its owner.
 */
import { AppError } from '../../core/errors.ts';
import type { AuthContext } from '../../core/context.ts';
import type { ImportPreview, MappingSuggestion } from './import.schemas.ts';
import { unreadableFile } from './open-with-profile.ts';
import { isOwnOrAdmin } from './owner.ts';
import { previewTable, type TablePreview } from './readers/index.ts';
import { findUpload, removeUpload, storeUpload, type StoredUpload } from './uploads.ts';

/** Rows a preview shows (and the mapping suggestions look at). */
export const PREVIEW_ROWS = 20;
/** Body types accepted as the raw file (the browser wizards send application/octet-stream). */
const RAW_TYPES = ['application/octet-stream', 'text/csv', 'text/tab-separated-values', 'text/plain', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

/** Stores the file a request carries as `ownerUserId`'s upload; a missing or empty file is a 400 in Japanese. */
export async function receiveUpload(request: Request, ownerUserId: string | null): Promise<StoredUpload> {
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await request.formData();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('bad_request', 'Malformed multipart body', [{ field: 'file', message: 'required' }]);
    }
    const file = form.get('file');
    if (file === null || typeof file === 'string') throw new AppError('validation_failed', 'No file in the field "file"', [{ field: 'file', message: 'ファイルを選んでください (choose a file)' }]);
    if (file.size === 0) throw new AppError('validation_failed', 'The file is empty', [{ field: 'file', message: 'ファイルが空です (empty file)' }]);
    return storeUpload(file.stream(), file.name, ownerUserId);
  }
  if (RAW_TYPES.some((t) => type.startsWith(t)) && request.body) {
    // The file itself as the body: streamed to disk as it arrives, so memory stays flat whatever its size.
    const name = request.headers.get('x-file-name');
    let fileName: string | null;
    try {
      fileName = name ? decodeURIComponent(name) : null;
    } catch {
      throw new AppError('validation_failed', 'X-File-Name must be URL-encoded', [{ field: 'file', message: 'X-File-Name' }]);
    }
    const stored = await storeUpload(request.body, fileName, ownerUserId);
    if (stored.size === 0) {
      removeUpload(stored.id);
      throw new AppError('validation_failed', 'The file is empty', [{ field: 'file', message: 'ファイルが空です (empty file)' }]);
    }
    return stored;
  }
  throw new AppError('bad_request', 'Send the file as the request body (application/octet-stream, X-File-Name header) or as multipart/form-data in the field "file"', [{ field: 'file', message: 'required' }]);
}

/** The preview of a stored upload, its header read from `headerRow` (1-based) or detected; an unreadable file is a 400. */
export async function previewUpload(upload: StoredUpload, headerRow?: number): Promise<TablePreview> {
  try {
    return await previewTable(upload.filePath, PREVIEW_ROWS, headerRow ? { headerRow } : {});
  } catch (error) {
    throw unreadableFile(error);
  }
}

/** A fresh upload's preview: a file that cannot be read is removed again before the 400. */
export async function previewNewUpload(upload: StoredUpload): Promise<TablePreview> {
  try {
    return await previewUpload(upload);
  } catch (error) {
    removeUpload(upload.id);
    throw error;
  }
}

/** An upload of the caller's (admins: anyone's); 404 when it expired, never was, or is someone else's. */
export function findOwnUpload(id: string, auth: AuthContext | null): StoredUpload {
  const upload = findUpload(id);
  if (!upload || !isOwnOrAdmin(upload.ownerUserId, auth)) throw new AppError('not_found', 'Upload not found (expired or never uploaded): upload the file again');
  return upload;
}

/** A preview in the API's form. */
export function previewJson(preview: TablePreview): ImportPreview {
  return {
    format: preview.format,
    encoding: preview.encoding,
    delimiter: preview.delimiter,
    headers: preview.headers,
    headerLine: preview.headerLine,
    headerReason: preview.headerReason,
    rows: preview.rows.map((r) => ('error' in r ? { line: r.line, error: r.error } : { line: r.line, values: r.values })),
    more: preview.more,
    suggestion: preview.suggestion as MappingSuggestion,
    warnings: preview.warnings,
  };
}

/** The preview's readable rows as header → value: the sample a mapping suggestion checks values against. */
export function sampleRows(preview: TablePreview): Array<Record<string, string>> {
  return preview.rows.flatMap((r) => ('values' in r ? [r.values] : []));
}

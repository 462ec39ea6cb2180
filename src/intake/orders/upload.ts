import { bodyLimit } from 'hono/body-limit';
import { AppError, type FieldError } from '../../core/errors.ts';
import { CommerceProfileError, parseCommerceProfile, type CommerceProfile } from '../../domain/commerce/profile.ts';
import { refuseUnstorableInput } from '../../core/input-guard.ts';
import { UPLOAD_MAX_BYTES, removeUpload, storeUpload, type StoredUpload } from '../files/uploads.ts';
import { unreadableFile } from '../files/open-with-profile.ts';
import { UnreadableTableError } from '../files/readers/index.ts';

/** The same size limit as customer-file uploads. */
export const uploadLimit = bodyLimit({
  maxSize: UPLOAD_MAX_BYTES,
  onError: () => {
    throw new AppError('bad_request', `ファイルが大きすぎます (最大 ${UPLOAD_MAX_BYTES / 1024 / 1024} MB) / file too large`);
  },
});

/**
 * A profile in its JSON form (the kind may be left out: the door says it) parsed, or a 400 with one field error per
 * issue under profile.* (Japanese and English). Text the database cannot store is refused here (input-guard.ts).
 */
export function commerceProfileOr400<K extends CommerceProfile['kind']>(json: unknown, kind: K): Extract<CommerceProfile, { kind: K }> {
  let profile: CommerceProfile;
  try {
    refuseUnstorableInput('profile', json);
    profile = parseCommerceProfile(json && typeof json === 'object' && !Array.isArray(json) && !('kind' in json) ? { ...json, kind } : json);
  } catch (error) {
    if (!(error instanceof CommerceProfileError)) throw error;
    const errors: FieldError[] = error.issues.map((i) => {
      const m = /^([A-Za-z0-9_.]+): (.*)$/su.exec(i);
      return m ? { field: `profile.${m[1]}`, message: m[2]! } : { field: 'profile', message: i };
    });
    throw new AppError('validation_failed', 'プロファイルが正しくありません (invalid profile)', errors);
  }
  if (profile.kind !== kind) throw new AppError('validation_failed', `プロファイルの kind は "${kind}" です`, [{ field: 'profile.kind', message: kind }]);
  return profile as Extract<CommerceProfile, { kind: K }>;
}

/**
 * Reads a multipart upload of an order or attendance file: the file (field "file") is stored under a random id in
 * the upload folder (never a client-chosen path) as the caller's, the profile (field "profile", JSON) is parsed; `work`
 * runs on the stored file, which is removed afterwards.
 */
export async function withUploadedFile<T>(request: Request, ownerUserId: string | null, kind: CommerceProfile['kind'], work: (upload: StoredUpload, profile: CommerceProfile, form: FormData) => Promise<T>): Promise<T> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) throw new AppError('bad_request', 'ファイルを multipart/form-data の "file" で送ってください (send the file as multipart/form-data)', [{ field: 'file', message: 'required' }]);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new AppError('bad_request', 'Malformed multipart body', [{ field: 'file', message: 'required' }]);
  }
  const rawProfile = form.get('profile');
  if (typeof rawProfile !== 'string' || !rawProfile.trim()) throw new AppError('validation_failed', 'プロファイルがありません (no profile)', [{ field: 'profile', message: 'required' }]);
  let json: unknown;
  try {
    json = JSON.parse(rawProfile);
  } catch {
    throw new AppError('validation_failed', 'プロファイルが JSON ではありません (profile is not JSON)', [{ field: 'profile', message: 'JSON' }]);
  }
  const profile = commerceProfileOr400(json, kind);
  const file = form.get('file');
  if (file === null || typeof file === 'string') throw new AppError('validation_failed', 'ファイルを選んでください (choose a file)', [{ field: 'file', message: 'required' }]);
  if (file.size === 0) throw new AppError('validation_failed', 'ファイルが空です (empty file)', [{ field: 'file', message: 'empty' }]);
  const stored = await storeUpload(file.stream(), file.name, ownerUserId);
  try {
    return await work(stored, profile, form);
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof UnreadableTableError || (error instanceof Error && /読めません|cannot|decode|xls/iu.test(error.message))) throw unreadableFile(error);
    throw error;
  } finally {
    removeUpload(stored.id);
  }
}

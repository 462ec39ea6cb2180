import { z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { AppError, describeError, notFound, type FieldError } from '../../core/errors.ts';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import type { Db } from '../../db/database.ts';
import { ImportProfileError, MAX_HEADER_ROW, parseImportProfile, profileToJson, type ImportProfile } from '../../domain/import/profile.ts';
import { exportCustomers, exportLinks, importReportLines } from './export.service.ts';
import { CustomerListQuery } from '../../ledger/customers/customers.schemas.ts';
import { findRun, listProfileRows, listRunRows } from './import.repository.ts';
import {
  cancelValidationJob, enqueueImport, findImportJob, findValidationJob, startValidationJob, type ValidationJob,
} from './import.jobs.ts';
import {
  JobSchema, PreviewSchema, ProfileListSchema, RunListQuery, RunListSchema, RunRequest, SummarySchema, UploadResultSchema, ValidationJobSchema,
  ValidationSchema, type ImportRun, type ImportValidationJob, type StoredImportProfile,
} from './import.schemas.ts';
import { RUN_STALE_SECONDS } from './import.service.ts';
import { importInThread, validateInThread } from './job-thread.ts';
import { checkImportTarget } from '../../ledger/sources/sources.service.ts';
import { UPLOAD_MAX_BYTES, type StoredUpload } from './uploads.ts';
import { findOwnUpload, previewJson, previewNewUpload, previewUpload, receiveUpload } from './upload-preview.ts';
import { isOwnOrAdmin } from './owner.ts';
import type { AuthContext } from '../../core/context.ts';

function validationJobJson(job: ValidationJob): ImportValidationJob {
  return {
    id: job.id, status: job.status, startedAt: job.startedAt.toISOString(), finishedAt: job.finishedAt?.toISOString() ?? null,
    progress: job.progress, report: job.result, error: job.error,
  };
}

const csvBody = (description: string) => ({ content: { 'text/csv': { schema: z.string() } }, description });

/** An export takes the customer list's search, filters and sort (not its paging): it exports what the list shows. */
const ExportListQuery = CustomerListQuery.omit({ cursor: true, limit: true }).extend({
  provisionTo: z.string().trim().min(1).max(300).optional().openapi({ description: '第三者提供: the recipient. Only customers who granted third_party are exported; a provision record is kept' }),
  provisionPurpose: z.string().trim().max(500).optional().openapi({ description: 'The recipient\'s purpose of use (with provisionTo)' }),
});
const provisionOf = (q: { provisionTo?: string | undefined; provisionPurpose?: string | undefined }) =>
  q.provisionTo ? { recipient: q.provisionTo, purpose: q.provisionPurpose ?? null } : undefined;

export function importRoutes(): Router {
  const app = createRouter();
  app.use('/api/v1/imports/uploads', bodyLimit({
    maxSize: UPLOAD_MAX_BYTES,
    onError: () => {
      throw new AppError('bad_request', `ファイルが大きすぎます (最大 ${UPLOAD_MAX_BYTES / 1024 / 1024} MB) / file too large`);
    },
  }));

  app.openapi(
    secureRoute({
      method: 'post', path: '/api/v1/imports/uploads', access: 'imports:run', tags: ['imports'],
      summary: `Upload a CSV/TSV/XLSX file (the raw body with an X-File-Name header, streamed to disk; or multipart field "file"; up to ${UPLOAD_MAX_BYTES / 1024 / 1024} MB); returns an upload id and a preview with a suggested mapping`,
      responses: { 201: json(UploadResultSchema, 'Stored and previewed') },
    }),
    async (c) => {
      const stored = await receiveUpload(c.req.raw, c.get('auth')?.userId ?? null);
      const preview = await previewNewUpload(stored);
      return c.json({ uploadId: stored.id, fileName: stored.fileName, size: stored.size, preview: previewJson(preview) }, 201);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get', path: '/api/v1/imports/uploads/{id}/preview', access: 'imports:run', tags: ['imports'],
      summary: 'The preview of an uploaded file again, with the header read from another line (headerRow, 1-based; the profile\'s header_row) or detected when it is left out',
      request: { params: IdParam, query: z.object({ headerRow: z.coerce.number().int().min(1).max(MAX_HEADER_ROW).optional() }) },
      responses: { 200: json(PreviewSchema, 'Preview'), 404: json(z.object({}), 'Unknown upload') },
    }),
    async (c) => {
      const upload = findOwnUpload(c.req.valid('param').id, c.get('auth'));
      return c.json(previewJson(await previewUpload(upload, c.req.valid('query').headerRow)), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'post', path: '/api/v1/imports', access: 'imports:run', tags: ['imports'],
      summary: 'Run an import of an uploaded file with a profile (synchronous: answers with the summary when done)',
      request: { body: { content: { 'application/json': { schema: RunRequest } }, required: true } },
      responses: { 200: json(SummarySchema, 'Import summary'), 404: json(z.object({}), 'Unknown upload') },
    }),
    async (c) => {
      const { profile, upload } = uploadWithProfile(c.req.valid('json'), c.get('auth'));
      const summary = await importInThread(c.get('deps').db, { filePath: upload.filePath, profile, actor: c.get('actor') });
      return c.json(summary, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'post', path: '/api/v1/imports/validate', access: 'imports:run', tags: ['imports'],
      summary: 'Check an import of an uploaded file with a profile without running it: the whole file is read and mapped as an import would; answers with the rows it would reject, the values it would flag and how many records would be new, updated or unchanged. Writes nothing',
      request: { body: { content: { 'application/json': { schema: RunRequest } }, required: true } },
      responses: { 200: json(ValidationSchema, 'Validation report'), 404: json(z.object({}), 'Unknown upload') },
    }),
    async (c) => {
      const { profile, upload } = uploadWithProfile(c.req.valid('json'), c.get('auth'));
      await checkImportTarget(c.get('deps').db, profile.source, 'customers', c.get('actor'));
      return c.json(await validateInThread(c.get('deps').db, { filePath: upload.filePath, profile }), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'post', path: '/api/v1/imports/validations', access: 'imports:run', tags: ['imports'],
      summary: 'Start the validation of an uploaded file with a profile in the background (as POST /imports/validate, which answers only when the whole file is read); poll GET /imports/validations/{id} for progress and the report',
      request: { body: { content: { 'application/json': { schema: RunRequest } }, required: true } },
      responses: { 202: json(ValidationJobSchema, 'Validation started'), 404: json(z.object({}), 'Unknown upload') },
    }),
    async (c) => {
      const { profile, upload } = uploadWithProfile(c.req.valid('json'), c.get('auth'));
      await checkImportTarget(c.get('deps').db, profile.source, 'customers', c.get('actor'));
      const job = startValidationJob(c.get('deps').db, { filePath: upload.filePath, profile }, c.get('auth')?.userId ?? null);
      return c.json(validationJobJson(job), 202);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get', path: '/api/v1/imports/validations/{id}', access: 'imports:run', tags: ['imports'],
      summary: 'Progress of a background validation (rows, bytes), then its report or error. Your own validations; admins see all',
      request: { params: IdParam }, responses: { 200: json(ValidationJobSchema, 'Validation job'), 404: json(z.object({}), 'Unknown validation') },
    }),
    async (c) => {
      const job = findValidationJob(c.req.valid('param').id, c.get('auth'));
      if (!job) throw notFound('Validation');
      return c.json(validationJobJson(job), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'delete', path: '/api/v1/imports/validations/{id}', access: 'imports:run', tags: ['imports'],
      summary: 'Stop a background validation (it ends as cancelled within a batch of rows; one that has finished is left as it is)',
      request: { params: IdParam }, responses: { 200: json(ValidationJobSchema, 'Validation job'), 404: json(z.object({}), 'Unknown validation') },
    }),
    async (c) => {
      const job = cancelValidationJob(c.req.valid('param').id, c.get('auth'));
      if (!job) throw notFound('Validation');
      return c.json(validationJobJson(job), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'post', path: '/api/v1/imports/jobs', access: 'imports:run', tags: ['imports'],
      summary: 'Queue an import of an uploaded file as a background job (kind import.run of GET /api/v1/jobs: any server process may run it, a killed one\'s is taken again and lands every good row once); poll GET /imports/jobs/{id} for progress and the summary',
      request: { body: { content: { 'application/json': { schema: RunRequest } }, required: true } },
      responses: { 202: json(JobSchema, 'Job started'), 404: json(z.object({}), 'Unknown upload') },
    }),
    async (c) => {
      const { profile, upload } = uploadWithProfile(c.req.valid('json'), c.get('auth'));
      // Refused here, not as a failed job: the job would only say so later.
      await checkImportTarget(c.get('deps').db, profile.source, 'customers', c.get('actor'));
      return c.json(await enqueueImport(c.get('deps').db, upload, profile, c.get('actor')), 202);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get', path: '/api/v1/imports/jobs/{id}', access: 'imports:run', tags: ['imports'],
      summary: 'Progress of a background import (phase, rows, bytes), then its summary or error. Your own jobs; admins see all',
      request: { params: IdParam }, responses: { 200: json(JobSchema, 'Job'), 404: json(z.object({}), 'Unknown job') },
    }),
    async (c) => {
      const job = await findImportJob(c.get('deps').db, c.req.valid('param').id, c.get('auth'));
      if (!job) throw notFound('Import job');
      return c.json(job, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get', path: '/api/v1/imports', access: 'imports:run', tags: ['imports'], summary: 'Import runs, newest first, with counts and status',
      request: { query: RunListQuery },
      responses: { 200: json(RunListSchema, 'Runs') },
    }),
    async (c) => c.json({ items: await listRuns(c.get('deps').db, c.req.valid('query').limit ?? 50, c.get('auth')) }, 200),
  );

  app.openapi(
    secureRoute({
      method: 'get', path: '/api/v1/imports/profiles', access: 'imports:run', tags: ['imports'], summary: 'Stored import profiles, one per source',
      responses: { 200: json(ProfileListSchema, 'Profiles') },
    }),
    async (c) => c.json({ items: await listProfiles(c.get('deps').db) }, 200),
  );

  app.openapi(
    secureRoute({
      method: 'get', path: '/api/v1/imports/{id}/report.csv', access: 'imports:run', tags: ['imports'],
      summary: 'Per-row report of a run (rejected rows, flagged values): line, severity, field, reason, value. UTF-8 with BOM. Your own runs; admins see all',
      request: { params: IdParam },
      responses: { 200: csvBody('CSV report'), 404: json(z.object({}), 'Unknown run') },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const id = c.req.valid('param').id;
      const run = await findRun(db, id);
      if (!run || !isOwnOrAdmin(run.created_by_user_id, c.get('auth'))) throw new AppError('not_found', 'Import run not found');
      const lines = await importReportLines(db, id);
      return new Response(`\uFEFF${lines.join('\r\n')}\r\n`, {
        status: 200,
        headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachment(`import-report-${id.slice(0, 8)}.csv`), 'Cache-Control': 'no-store' },
      });
    },
  );

  // ── exports (the service audits each one) ──

  app.openapi(
    secureRoute({
      method: 'get', path: '/api/v1/exports/customers.csv', access: 'customers:export', tags: ['exports'],
      summary: 'Customers (golden records) as CSV: those of the list with the same search, filters and sort (none: all); encoding=cp932 for Excel on Japanese Windows, utf-8 (with BOM) otherwise. Audited with its filters',
      request: { query: ExportListQuery.extend({ encoding: z.enum(['cp932', 'utf-8']).optional() }) },
      responses: { 200: csvBody('CSV, streamed') },
    }),
    async (c) => {
      const { encoding: asked, provisionTo, provisionPurpose, ...list } = c.req.valid('query');
      const encoding = asked ?? 'utf-8';
      const { db } = c.get('deps');
      const actor = c.get('actor');
      return streamed(
        async (out) => {
          if (encoding === 'utf-8') out.write('\uFEFF');
          await exportCustomers(db, out, 'csv', encoding, actor, list, provisionOf({ provisionTo, provisionPurpose }));
        },
        `text/csv; charset=${encoding === 'cp932' ? 'Shift_JIS' : 'utf-8'}`,
        `customers-${stamp()}${encoding === 'cp932' ? '-sjis' : ''}.csv`,
      );
    },
  );

  app.openapi(
    secureRoute({
      method: 'get', path: '/api/v1/exports/customers.jsonl', access: 'customers:export', tags: ['exports'],
      summary: 'Customers (golden records) as JSON Lines, UTF-8: those of the list with the same search, filters and sort (none: all). Audited with its filters',
      request: { query: ExportListQuery },
      responses: { 200: { content: { 'application/x-ndjson': { schema: z.string() } }, description: 'JSON Lines, streamed' } },
    }),
    async (c) => {
      const { provisionTo, provisionPurpose, ...list } = c.req.valid('query');
      const { db } = c.get('deps');
      const actor = c.get('actor');
      // ndjson is not JSON to the typed-response helper: the handler answers a raw streamed Response.
      return streamed((out) => exportCustomers(db, out, 'jsonl', 'utf-8', actor, list, provisionOf({ provisionTo, provisionPurpose })), 'application/x-ndjson; charset=utf-8', `customers-${stamp()}.jsonl`) as never;
    },
  );

  app.openapi(
    secureRoute({
      method: 'get', path: '/api/v1/exports/links.csv', access: 'customers:export', tags: ['exports'],
      summary: 'source,external_id,customer_id: which customer each imported source record belongs to (UTF-8). Audited',
      responses: { 200: csvBody('CSV, streamed') },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const actor = c.get('actor');
      return streamed((out) => exportLinks(db, out, actor), 'text/csv; charset=utf-8', `links-${stamp()}.csv`);
    },
  );
  return app;
}

/**
 * A run or validation request's upload (404 when expired, unknown or someone else's: isOwnOrAdmin) and profile (400
 * with field errors).
 */
function uploadWithProfile(body: z.infer<typeof RunRequest>, auth: AuthContext | null): { profile: ImportProfile; upload: StoredUpload } {
  const profile = parseProfileOr400(body.profile);
  return { profile, upload: findOwnUpload(body.uploadId, auth) };
}

/** Profile validation as problem details: each issue "path: message" becomes a field error under profile.*. */

function parseProfileOr400(json: unknown): ImportProfile {
  try {
    return parseImportProfile(json);
  } catch (error) {
    if (!(error instanceof ImportProfileError)) throw error;
    const fieldErrors: FieldError[] = error.issues.map((issue) => {
      const m = /^([A-Za-z0-9_.]+): (.*)$/su.exec(issue);
      return m ? { field: `profile.${m[1]}`, message: m[2]! } : { field: 'profile', message: issue };
    });
    throw new AppError('validation_failed', 'The import profile is invalid', fieldErrors);
  }
}

/**
 * Streams what `work` writes to a response. The export services await 'drain'; if the client goes away the stream
 * is closed and an error is raised on it so a pending write does not wait forever.
 */
function streamed(work: (out: Writable) => Promise<unknown>, contentType: string, fileName: string): Response {
  const pass = new PassThrough();
  let finished = false;
  pass.on('error', () => {});
  pass.on('close', () => {
    if (!finished) pass.emit('error', new Error('client went away'));
  });
  work(pass).then(
    () => {
      finished = true;
      pass.end();
    },
    (error: unknown) => {
      finished = true;
      console.error(`[${new Date().toISOString()}] export failed: ${describeError(error)}`);
      pass.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  );
  return new Response(Readable.toWeb(pass) as unknown as ReadableStream<Uint8Array>, {
    status: 200,
    headers: { 'Content-Type': contentType, 'Content-Disposition': attachment(fileName), 'Cache-Control': 'no-store' },
  });
}

function attachment(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^\x20-\x7e]|"/gu, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function stamp(): string {
  return new Date().toISOString().slice(0, 10).replace(/-/gu, '');
}

// ── read models ──

async function listRuns(db: Db, limit: number, auth: AuthContext | null): Promise<ImportRun[]> {
  const rows = await listRunRows(db, limit, RUN_STALE_SECONDS);
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    sourceLabel: r.source_label,
    fileName: r.file_name,
    status: r.status,
    encoding: r.encoding,
    counts: numbers(r.counts),
    error: r.error,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
    startedBy: r.started_by ?? null,
    reportAvailable: isOwnOrAdmin(r.created_by_user_id, auth),
  }));
}

async function listProfiles(db: Db): Promise<StoredImportProfile[]> {
  const rows = await listProfileRows(db);
  return rows.map((r) => ({
    source: r.source,
    sourceLabel: r.source_label,
    profile: storedProfileJson(r.profile),
    updatedAt: r.updated_at.toISOString(),
  }));
}

/** Profiles are stored in their parsed form (idColumn, fields as arrays); the API speaks the JSON form. */
function storedProfileJson(stored: unknown): Record<string, unknown> {
  const p = (typeof stored === 'string' ? JSON.parse(stored) : stored) as Partial<ImportProfile> & Record<string, unknown>;
  if (p && typeof p === 'object' && 'fields' in p && 'source' in p && !('id_column' in p)) {
    return profileToJson({ source: String(p.source), idColumn: p.idColumn ?? null, encoding: p.encoding ?? null, delimiter: p.delimiter ?? null, sheet: p.sheet ?? null, ...(p.headerRow != null ? { headerRow: p.headerRow } : {}), fields: p.fields ?? {}, ...(p.emailBasis ? { emailBasis: p.emailBasis } : {}), ...(p.consent ? { consent: p.consent } : {}) }) as unknown as Record<string, unknown>;
  }
  return (p ?? {}) as Record<string, unknown>;
}

function numbers(value: unknown): Record<string, number> {
  const o = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown> | null;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (typeof v === 'number') out[k] = v;
  return out;
}

import { z } from '@hono/zod-openapi';

// ── upload and preview ──

export const SuggestionSchema = z.object({
  fields: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  idColumn: z.string().nullable(),
  confidence: z.record(z.string(), z.number()),
  idConfidence: z.number(),
  columns: z.array(z.object({
    header: z.string(), kind: z.string().nullable(), score: z.number(), used: z.boolean(),
    misfit: z.object({ fit: z.record(z.string(), z.unknown()), message: z.string() }).optional()
      .openapi({ description: 'The sample values do not fit the field the header names (a timestamp under 氏名…): why, for the person mapping' }),
  })),
  unmapped: z.array(z.string()),
}).openapi('ImportMappingSuggestion');
export type MappingSuggestion = z.infer<typeof SuggestionSchema>;

export const PreviewSchema = z.object({
  format: z.enum(['csv', 'tsv', 'xlsx']),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  headers: z.array(z.string()),
  headerLine: z.number().int().nullable().openapi({ description: 'The line (CSV/TSV) or sheet row (xlsx) the headers were read from: detected under title lines, or the one asked for' }),
  headerReason: z.string().nullable().openapi({ description: 'Why that row was taken as the header (null when it was asked for)' }),
  rows: z.array(z.object({ line: z.number().int(), values: z.record(z.string(), z.string()).optional(), error: z.string().optional() })),
  more: z.boolean(),
  suggestion: SuggestionSchema,
  warnings: z.array(z.string()),
}).openapi('ImportPreview');
export type ImportPreview = z.infer<typeof PreviewSchema>;

export const UploadResultSchema = z.object({ uploadId: z.string().uuid(), fileName: z.string(), size: z.number().int(), preview: PreviewSchema }).openapi('ImportUpload');
export type ImportUpload = z.infer<typeof UploadResultSchema>;

// ── running and validating an import ──

export const RunRequest = z.object({
  uploadId: z.string().uuid(),
  profile: z.record(z.string(), z.unknown()).openapi({
    description: 'Import profile (JSON form): { source, id_column?, encoding?, delimiter?, sheet?, fields: { full_name: "氏名", address: ["住所1", "住所2"] }, email_basis?: "business_card", consent?: { email_marketing: "メルマガ" } }',
  }),
}).openapi('ImportRunRequest');

export const SummarySchema = z.object({
  runId: z.string().uuid(), source: z.string(), file: z.string(), encoding: z.string().nullable(),
  read: z.number().int(), new: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), rejected: z.number().int(),
  flagged: z.number().int(), merged: z.number().int(), review: z.number().int(), customersCreated: z.number().int(),
  quarantined: z.number().int().openapi({ description: 'Records whose identity resolution failed on their own, set aside with their error (GET /resolution/quarantine)' }),
  bridged: z.number().int().optional().openapi({ description: 'Existing customers merged into another because this file’s records tie them by strong evidence (absent in runs before it was counted)' }),
  consentEvents: z.number().int().optional().openapi({ description: 'Consent events written from the profile’s consent columns (absent without them)' }),
  seconds: z.number(),
  /**
   * Of which reading the file and writing its rows while no chunk was being resolved (rows are prepared in worker
   * threads beside it; on PostgreSQL, rows staged while a chunk is resolved count as resolution time).
   */
  stagingSeconds: z.number(),
  /** Of which identity resolution (a large file's chunks are resolved as it is staged). */
  resolutionSeconds: z.number(),
}).openapi('ImportSummary');
export type ImportSummary = z.infer<typeof SummarySchema>;

export const ValidationIssueSchema = z.object({
  line: z.number().int(), severity: z.enum(['rejected', 'flagged']), field: z.string().nullable(), reason: z.string(), value: z.string().nullable(),
});
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;

export const ValidationSchema = z.object({
  source: z.string(), file: z.string(), encoding: z.string().nullable(),
  /** Rows read (data rows and unreadable ones; blank lines are not rows). */
  read: z.number().int(),
  /** Rows an import would reject (unparseable line, wrong number of cells). */
  rejected: z.number().int(),
  /** Values an import would keep as received and flag (an e-mail without @, an impossible date…). */
  flagged: z.number().int(),
  flaggedByField: z.record(z.string(), z.number().int()).openapi({ description: 'Flagged values per profile field (email, birth_date…)' }),
  /** Against the ledger as it is now: records the file would add, change, or leave as they are. */
  new: z.number().int().openapi({ description: 'Records the file would add to its source (one per id; the last row of a repeated id counts)' }),
  updated: z.number().int(), unchanged: z.number().int(),
  duplicateIds: z.number().int().openapi({ description: 'Rows whose id an earlier row of the file already had (the last wins)' }),
  blankIds: z.number().int().openapi({ description: 'Rows with a blank id column (identified by a hash of their content)' }),
  /** The first VALIDATION_ISSUE_LIMIT issues in file order; `issuesTruncated` when there are more. */
  issues: z.array(ValidationIssueSchema).openapi({ description: 'The first 200 rejected rows and flagged values, in file order' }),
  issuesTruncated: z.boolean(),
  seconds: z.number(),
}).openapi('ImportValidation');
export type ImportValidation = z.infer<typeof ValidationSchema>;

// ── background jobs ──

const JobStatus = z.enum(['running', 'completed', 'failed', 'cancelled']);
const JobError = z.object({ code: z.string(), message: z.string(), errors: z.array(z.object({ field: z.string(), message: z.string() })) });

export const JobSchema = z.object({
  id: z.string().uuid(),
  status: JobStatus.openapi({ description: 'running while queued, running or waiting for a retry; completed; failed once it gave up (the dead-letter list). An import is never cancelled (a killed import is re-run instead)' }),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  progress: z.object({
    phase: z.enum(['reading', 'resolving']), rows: z.number().int(), bytesRead: z.number().int(), totalBytes: z.number().int(),
    resolved: z.number().int().openapi({ description: 'Records resolved so far (identity resolution runs in chunks)' }), pending: z.number().int(),
  }),
  summary: SummarySchema.nullable(),
  error: JobError.nullable(),
  queue: z.object({
    status: z.enum(['queued', 'running', 'failed', 'dead', 'done']).openapi({ description: 'The job queue\'s state: queued (waiting for a worker), running, failed (waiting for its retry), dead (gave up), done' }),
    attempts: z.number().int(), maxAttempts: z.number().int(),
    lastError: z.string().nullable().openapi({ description: 'Why the last attempt failed (a retry follows while status is failed)' }),
  }).openapi({ description: 'The import as a job of the shared queue (GET /api/v1/jobs, the ジョブ page): any server process may run it, and a killed one\'s import is taken again' }),
}).openapi('ImportJob');
export type ImportJobView = z.infer<typeof JobSchema>;

export const ValidationJobSchema = z.object({
  id: z.string().uuid(),
  status: JobStatus,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  progress: z.object({ rows: z.number().int(), bytesRead: z.number().int(), totalBytes: z.number().int() }),
  report: ValidationSchema.nullable(),
  error: JobError.nullable(),
}).openapi('ImportValidationJob');
export type ImportValidationJob = z.infer<typeof ValidationJobSchema>;

// ── runs and stored profiles ──

export const RunListQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional() });

export const RunSchema = z.object({
  id: z.string().uuid(), source: z.string(), sourceLabel: z.string(), fileName: z.string(),
  status: z.enum(['running', 'completed', 'failed', 'interrupted']).openapi({
    description: 'interrupted: the process running it stopped (killed) before it finished; the rows of its committed batches are in the ledger, and importing the file again completes the same ledger',
  }),
  encoding: z.string().nullable(), counts: z.record(z.string(), z.number()),
  error: z.string().nullable(), startedAt: z.string(), finishedAt: z.string().nullable(), startedBy: z.string().nullable(),
  reportAvailable: z.boolean().openapi({ description: 'Whether you may download its report (GET /imports/{id}/report.csv): your own runs; admins all' }),
}).openapi('ImportRun');
export type ImportRun = z.infer<typeof RunSchema>;
export const RunListSchema = z.object({ items: z.array(RunSchema) });
export type ImportRunList = z.infer<typeof RunListSchema>;

export const ProfileSchema = z.object({
  source: z.string(), sourceLabel: z.string(), profile: z.record(z.string(), z.unknown()), updatedAt: z.string(),
}).openapi('ImportProfile');
export type StoredImportProfile = z.infer<typeof ProfileSchema>;
export const ProfileListSchema = z.object({ items: z.array(ProfileSchema) });
export type StoredImportProfileList = z.infer<typeof ProfileListSchema>;

export const ExportQuery = z.object({ encoding: z.enum(['cp932', 'utf-8']).optional() });

/**
 * A small typed client for the Daicho API (/api/v1). Cookie session + X-CSRF-Token on writes;
 * RFC 9457 problem details become an ApiError carrying the field errors.
 *
 * What the API answers is typed by the server's own zod schemas (each feature's *.schemas.ts, which also make the
 * OpenAPI document), imported as types only: they are erased at build time, so neither zod nor server code reaches the
 * browser bundle. Declared here are only shapes no schema describes: what the forms send, and client helpers.
 */
import type { Me, SetupInput, SetupStatus, User, UserDirectory, UserList } from '../platform/accounts/accounts.schemas.ts';
import type { AuditEntry, AuditPage, AuditQuery } from '../platform/audit/audit.schemas.ts';
import type { Labelled, Reference } from '../ledger/reference/reference.schemas.ts';
import type {
  AffiliationHistory, Customer, CustomerInput, CustomerList, CustomerListItem, CustomerListParams, CustomerSourceValues, OtherSourceValue, Provenance, SourceAttribute,
} from '../ledger/customers/customers.schemas.ts';
import type { Activity, Timeline } from '../ledger/activities/activities.schemas.ts';
import type {
  PrivacyRequest, ProvisionList, Report, ReportList, RequestInput, RequestList, RetentionJobBody, RetentionPlanBody, RetentionResult, TombstoneMatchList,
} from '../ledger/privacy/privacy.schemas.ts';
import type { OutboxPage, Settings as MessagingSettings } from '../use/campaigns/content.schemas.ts';
import type {
  Company, CompanyDetail, CompanyList, CompanyMergeResult, CompanyReview, CompanyReviewDecided, CompanyReviewList, CompanyUnmergeResult, FormerPeople,
} from '../ledger/companies/companies.schemas.ts';
import type { Source, SourceList, SourceRecompute } from '../ledger/sources/sources.schemas.ts';
import type { CustomerQuality, SourceQuality, StaleQueue } from '../ledger/quality/quality.schemas.ts';
import type { JobDto } from '../platform/jobs/jobs.schemas.ts';
import type { CustomFieldDefinition } from '../ledger/custom-fields/custom-fields.schemas.ts';
import type {
  CustomerIdentity, MatchEvidence, MergeResult, PatternDecision, QuarantinedRecord, QuarantineList, QuarantineRetry, ReviewDecision, ReviewItem, ReviewPage,
  ReviewRecord, ReviewStatus, UnmergeResult,
} from '../resolution/identity/identity.schemas.ts';
import type {
  ImportJobView, ImportPreview, ImportRun, ImportRunList, ImportSummary, ImportUpload, ImportValidation, ImportValidationJob, StoredImportProfileList,
} from '../intake/files/import.schemas.ts';
import type {
  Form, FormFieldCatalog, FormFieldDef, FormFieldType, FormKind, FormList, FormStatus, FormSubmission, FormSubmissionPage, FormTarget,
} from '../intake/forms/forms.schemas.ts';
import type {
  Order, OrderImportPreview, OrderImportSummary, OrderImportUpload, OrderLine, OrderPage, OrderStatus, OrderValidation, Product, ProductPage, PurchaseSummary,
  RowProblem,
} from '../intake/orders/orders.schemas.ts';
import type {
  AttendanceImportSummary, EventItem, EventKind, EventPage, Registration, RegistrationList, RegistrationStatus,
} from '../intake/events/events.schemas.ts';
import type {
  Segment, SegmentDistribution, SegmentInputBody, SegmentList, SegmentNode, SegmentPatchBody, SegmentPreview, SegmentSizes, SegmentSplitResult, LeafCondition,
} from '../use/segments/segments.schemas.ts';
import type { DrillQuery, Panel, PanelId, PanelQuery } from '../use/dashboards/dashboards.schemas.ts';
import type { CustomerValueResponse, RecomputeSummarySchema, RfmOverviewBody } from '../ledger/values/values.schemas.ts';
import type {
  Candidate, CustomerCandidates, ProductAffinity, ProductCandidateCustomers, Run as RecommendRun, RunListSchema, RunStartedSchema,
} from '../use/recommend/recommend.schemas.ts';
import type {
  AudienceListSchema, AudienceRow, AudienceSummary, Campaign, CampaignInput, CampaignList, CampaignPatch, CampaignReport, MessageCounts, MessageListSchema,
  MessageRow, ReturnedImportResult, SuppressionReason,
} from '../use/campaigns/campaigns.schemas.ts';
import type { PreviewRequest, PreviewSchema, SettingsUpdate, TestSendSchema } from '../use/campaigns/content.schemas.ts';
import type { FiringPage, RunResult, Task, Trigger, TriggerInput } from '../use/triggers/triggers.schemas.ts';
import type { z } from '@hono/zod-openapi';
import type { ConsentEvent, ConsentLedger, CurrentConsent, EmailEligibility } from '../ledger/consents/consents.schemas.ts';
import type { TrackerSite as TrackerSiteFields, TrackerSiteList, TrackerSiteWithStats } from '../intake/tracker/tracker.schemas.ts';
import type {
  Digest as VoiceDigestOut, DigestListSchema, GroupListSchema, RoutingRuleInput as VoiceRoutingInput, RoutingRuleListSchema, RoutingRuleOut as VoiceRoutingOut,
  ScoreSummarySchema, TagCatalogSchema, TagRuleInput as VoiceTagRuleInput, TagRuleListSchema, TagRuleOut as VoiceTagRuleOut, TeamInput as VoiceTeamInput,
  TeamListSchema, TeamOut as VoiceTeamOut, Trend as VoiceTrendOut, VoiceItemDetail as VoiceDetailOut, VoiceItemPage as VoicePageOut,
  VoiceItemPatch as VoicePatchIn, VoiceReplyInput, ImportResultSchema as VoiceImportResultSchema,
} from '../use/voice/voice.schemas.ts';

export type {
  AffiliationHistory, FormerPeople,
  Activity, AttendanceImportSummary, AuditEntry, AuditQuery, Company, CompanyDetail, CompanyReview, Customer, CustomerIdentity, CustomerSourceValues, OtherSourceValue, SourceAttribute, CustomerInput, CustomerListItem, EventItem, EventKind, FormFieldDef,
  FormFieldType, FormKind, FormStatus, FormSubmission, FormTarget, ImportPreview, ImportRun, ImportSummary, ImportUpload, ImportValidation,
  ImportValidationJob, Labelled, MatchEvidence, Me, Order, OrderImportPreview, OrderImportSummary, OrderImportUpload, OrderValidation, OrderLine, OrderStatus, Product, Provenance, PurchaseSummary,
  QuarantinedRecord, Reference, RegistrationStatus, ReviewItem, ReviewRecord, ReviewStatus, RowProblem, Source, SourceRecompute, User,
  Segment, SegmentDistribution, SegmentNode, SegmentPreview, LeafCondition,
};
export type Role = User['role'];
export type CustomerListQuery = CustomerListParams;
export type ImportJob = ImportJobView;
export type FormDef = Form;
export type EventRegistration = Registration;
/** A site as the list answers it (with today's counts) or as a write answers it (without). */
export type TrackerSite = TrackerSiteFields & Partial<Pick<TrackerSiteWithStats, 'stats'>>;
/** Either file import's per-row report (the panel shows what they share). */
export type CommerceImportSummary = OrderImportSummary | AttendanceImportSummary;

/** What the company edit page sends (PATCH /companies/{id}): text as written; null clears. */
export interface CompanyPatch {
  name?: string;
  nameKana?: string | null;
  legalForm?: string | null;
  corporateNumber?: string | null;
  industry?: string | null;
  employees?: string | null;
  capital?: string | null;
  revenueBand?: string | null;
  website?: string | null;
  phone?: string | null;
  postalCode?: string | null;
  prefecture?: string | null;
  address?: string | null;
}

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly fieldErrors: FieldError[];

  constructor(status: number, code: string, title: string, fieldErrors: FieldError[] = []) {
    super(title);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.title = title;
    this.fieldErrors = fieldErrors;
  }

  /** Field name → first message, for showing next to inputs. */
  byField(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.fieldErrors) if (!(e.field in out)) out[e.field] = e.message;
    return out;
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an API call (other than the auth ones) answers 401: the session ended. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

type Query = Record<string, string | number | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, options: { quiet401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Network error');
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  const payload: unknown = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const p = (payload ?? {}) as { title?: string; code?: string; errors?: FieldError[] };
    const error = new ApiError(response.status, p.code ?? `http_${response.status}`, p.title ?? response.statusText, Array.isArray(p.errors) ? p.errors : []);
    if (response.status === 401 && !options.quiet401 && onUnauthenticated) onUnauthenticated();
    throw error;
  }
  return payload as T;
}

const get = <T>(path: string, query?: Query, options?: { quiet401?: boolean }) => request<T>('GET', withQuery(path, query), undefined, options);

export const api = {
  // auth
  setupStatus: () => get<SetupStatus>('/auth/setup', undefined, { quiet401: true }),
  setup: (body: SetupInput) => request<User>('POST', '/auth/setup', body, { quiet401: true }),
  login: (email: string, password: string) => request<Me>('POST', '/auth/login', { email, password }, { quiet401: true }),
  logout: () => request<void>('POST', '/auth/logout', undefined, { quiet401: true }),
  me: () => get<Me>('/auth/me', undefined, { quiet401: true }),
  reference: () => get<Reference>('/reference'),

  // customers
  listCustomers: (query: CustomerListQuery) => get<CustomerList>('/customers', { ...query }),
  getCustomer: (id: string) => get<Customer>(`/customers/${encodeURIComponent(id)}`),
  createCustomer: (input: CustomerInput) => request<Customer>('POST', '/customers', input),
  updateCustomer: (id: string, input: CustomerInput) => request<Customer>('PATCH', `/customers/${encodeURIComponent(id)}`, input),
  deleteCustomer: (id: string) => request<void>('DELETE', `/customers/${encodeURIComponent(id)}`),
  customerSourceValues: (id: string) => get<CustomerSourceValues>(`/customers/${encodeURIComponent(id)}/other-values`),
  activities: (id: string, query: { types?: string; cursor?: string; limit?: number }) =>
    get<Timeline>(`/customers/${encodeURIComponent(id)}/activities`, { ...query }),
  addNote: (id: string, body: string, mentions: string[] = []) =>
    request<Activity>('POST', `/customers/${encodeURIComponent(id)}/notes`, { body, ...(mentions.length ? { mentions } : {}) }),

  // companies
  listCompanies: (query: { q?: string; prefecture?: string; cursor?: string; limit?: number }) => get<CompanyList>('/companies', { ...query }),
  getCompany: (id: string) => get<CompanyDetail>(`/companies/${encodeURIComponent(id)}`),
  companyFormerPeople: (id: string) => get<FormerPeople>(`/companies/${encodeURIComponent(id)}/former-people`),
  createCompany: (input: Partial<Company> & { name: string }) => request<Company>('POST', '/companies', input),
  updateCompany: (id: string, input: CompanyPatch) => request<Company>('PATCH', `/companies/${encodeURIComponent(id)}`, input),
  /** 法人の重複確認: open pairs with both companies' facts. */
  listCompanyReviews: (query: { cursor?: string; limit?: number }) => get<CompanyReviewList>('/company-reviews', { ...query }),
  decideCompanyReview: (id: number, decision: { decision: 'merge'; survivorId: string } | { decision: 'distinct' }) =>
    request<CompanyReviewDecided>('POST', `/company-reviews/${id}/decide`, decision),
  /** 「この法人に統合」: `otherId` is merged into `id`. */
  mergeCompany: (id: string, otherId: string) => request<CompanyMergeResult>('POST', `/companies/${encodeURIComponent(id)}/merge`, { otherId }),
  unmergeCompany: (id: string) => request<CompanyUnmergeResult>('POST', `/companies/${encodeURIComponent(id)}/unmerge`),

  // sources
  listSources: () => get<SourceList>('/sources'),
  createSource: (input: { name: string; label: string; kind: string; party: string; owningDepartment?: string | null; priority?: number; freshnessSlaDays?: number | null; description?: string | null; emailBasis?: Source['emailBasis']; purposeOfUse?: string | null; retentionDays?: number | null }) =>
    request<Source>('POST', '/sources', input),
  /** A new priority recomputes the source's customers' golden records before it answers (recomputedCustomers). */
  updateSource: (id: string, input: { label?: string; party?: string; owningDepartment?: string | null; priority?: number; freshnessSlaDays?: number | null; description?: string | null; emailBasis?: Source['emailBasis']; purposeOfUse?: string | null; retentionDays?: number | null }) =>
    request<Source>('PATCH', `/sources/${encodeURIComponent(id)}`, input),
  retrySourceRecompute: (id: string) => request<SourceRecompute>('POST', `/sources/${encodeURIComponent(id)}/recompute`),

  // users
  listUsers: () => get<UserList>('/users'),
  userDirectory: () => get<UserDirectory>('/users/directory'),
  listAuditLog: (query: AuditQuery & { cursor?: string; limit?: number }) => get<AuditPage>('/audit-log', { ...query }),
  listOutbox: (query: { cursor?: string; limit?: number; campaignId?: string }) => get<OutboxPage>('/outbox', { ...query }),
  messagingSettings: () => get<MessagingSettings>('/messaging/settings'),
  /** The CSV download of the log under the same filters (the server audits the export itself). */
  auditExportUrl: (query: AuditQuery) => `/api/v1${withQuery('/exports/audit-log.csv', { ...query })}`,
  createUser: (input: { email: string; password: string; role: Role; displayName?: string; department?: string | null }) => request<User>('POST', '/users', input),
  updateUser: (id: string, input: { displayName?: string; role?: Role; department?: string | null; disabled?: boolean }) =>
    request<User>('PATCH', `/users/${encodeURIComponent(id)}`, input),

  // identity (名寄せ)
  listReviewItems: (query: { status?: ReviewStatus; cursor?: string; limit?: number }) =>
    get<ReviewPage>('/review-items', { ...query }),
  decideReviewItem: (id: number, decision: 'accept' | 'reject' | 'never') =>
    request<ReviewDecision>('POST', `/review-items/${id}/decision`, { decision }),
  decideReviewPattern: (id: number, decision: 'accept' | 'reject') =>
    request<PatternDecision>('POST', `/review-items/${id}/pattern-decision`, { decision }),
  mergeCustomers: (customerIds: string[]) => request<MergeResult>('POST', '/customers/merge', { customerIds }),
  unmergeCustomer: (id: string, sourceRecordIds: number[]) =>
    request<UnmergeResult>('POST', `/customers/${encodeURIComponent(id)}/unmerge`, { sourceRecordIds }),
  customerIdentity: (id: string) => get<CustomerIdentity>(`/customers/${encodeURIComponent(id)}/identity`),
  customerAffiliations: (id: string) => get<AffiliationHistory>(`/customers/${encodeURIComponent(id)}/affiliations`),
  listQuarantine: () => get<QuarantineList>('/resolution/quarantine', {}),
  retryQuarantined: (recordIds?: number[]) =>
    request<QuarantineRetry>('POST', '/resolution/quarantine/retry', recordIds ? { recordIds } : {}),

  // website tracker (サイト)
  listSites: () => get<TrackerSiteList>('/sites'),
  createSite: (input: { name: string; allowedOrigins: string[] }) => request<TrackerSite>('POST', '/sites', input),
  updateSite: (id: string, input: { name?: string; allowedOrigins?: string[]; active?: boolean; ratePerMinute?: number; ipRatePerMinute?: number }) =>
    request<TrackerSite>('PATCH', `/sites/${encodeURIComponent(id)}`, input),
  rotateSiteKey: (id: string) => request<TrackerSite>('POST', `/sites/${encodeURIComponent(id)}/rotate-key`),
};

// ── imports & exports (multipart upload, runs, downloads) ──
export interface ImportProfileJson {
  source: string;
  id_column?: string | null;
  encoding?: string | null;
  delimiter?: string | null;
  sheet?: string | number | null;
  /** The 1-based line of the header, for exports with title lines above it. */
  header_row?: number | null;
  fields: Record<string, string | string[]>;
}

/** The stored profiles: the schema publishes a profile as any JSON object; the server sends it in this JSON form. */
type StoredImportProfiles = { items: Array<Omit<StoredImportProfileList['items'][number], 'profile'> & { profile: ImportProfileJson }> };

/**
 * A wizard's upload: the file as the raw request body (the server streams it to disk) to `path` (/imports/uploads,
 * /orders/import/uploads); not JSON, so it does not go through request().
 */
async function uploadRawFile<T>(path: string, file: File, contentType = 'application/octet-stream'): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        'Content-Type': contentType,
        'X-File-Name': encodeURIComponent(file.name),
        ...(csrfToken ? { 'X-CSRF-Token': csrfToken } : {}),
      },
      credentials: 'same-origin',
      body: file,
    });
  } catch {
    throw new ApiError(0, 'network', 'Network error');
  }
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const p = (payload ?? {}) as { title?: string; code?: string; errors?: FieldError[] };
    if (response.status === 401 && onUnauthenticated) onUnauthenticated();
    throw new ApiError(response.status, p.code ?? `http_${response.status}`, p.title ?? response.statusText, Array.isArray(p.errors) ? p.errors : []);
  }
  return payload as T;
}

export const importApi = {
  upload: (file: File) => uploadRawFile<ImportUpload>('/imports/uploads', file),
  /** The upload's preview again, its header read from `headerRow` (1-based), or detected when it is null. */
  preview: (uploadId: string, headerRow: number | null) =>
    request<ImportPreview>('GET', `/imports/uploads/${encodeURIComponent(uploadId)}/preview${headerRow ? `?headerRow=${headerRow}` : ''}`),
  run: (uploadId: string, profile: ImportProfileJson) => request<ImportSummary>('POST', '/imports', { uploadId, profile }),
  validate: (uploadId: string, profile: ImportProfileJson) => request<ImportValidation>('POST', '/imports/validate', { uploadId, profile }),
  startValidation: (uploadId: string, profile: ImportProfileJson) => request<ImportValidationJob>('POST', '/imports/validations', { uploadId, profile }),
  validation: (id: string) => get<ImportValidationJob>(`/imports/validations/${encodeURIComponent(id)}`),
  stopValidation: (id: string) => request<ImportValidationJob>('DELETE', `/imports/validations/${encodeURIComponent(id)}`),
  startJob: (uploadId: string, profile: ImportProfileJson) => request<ImportJob>('POST', '/imports/jobs', { uploadId, profile }),
  job: (id: string) => get<ImportJob>(`/imports/jobs/${encodeURIComponent(id)}`),
  runs: () => get<ImportRunList>('/imports'),
  profiles: () => get<StoredImportProfiles>('/imports/profiles'),
  /** Plain links (GET with the session cookie): the browser downloads them. */
  reportUrl: (runId: string) => `/api/v1/imports/${encodeURIComponent(runId)}/report.csv`,
  exportUrls: {
    csvCp932: '/api/v1/exports/customers.csv?encoding=cp932',
    csvUtf8: '/api/v1/exports/customers.csv?encoding=utf-8',
    jsonl: '/api/v1/exports/customers.jsonl',
    links: '/api/v1/exports/links.csv',
  },
};

// ── forms (資料請求・イベント申込・お問い合わせ) ──
export type FormInput = Partial<Omit<FormDef, 'id' | 'kindLabel' | 'consentVersion' | 'sourceId' | 'hostedPath' | 'submissionCount' | 'spamCount' | 'lastSubmittedAt' | 'createdAt' | 'updatedAt'>>;

// ── custom fields (カスタム項目): their definitions, for the segment builder ──
export type { CustomFieldDefinition };
export const customFieldsApi = {
  list: (entity: CustomFieldDefinition['entity']) => get<{ items: CustomFieldDefinition[] }>('/custom-fields', { entity }),
};

export const formsApi = {
  list: () => get<FormList>('/forms'),
  get: (id: string) => get<FormDef>(`/forms/${encodeURIComponent(id)}`),
  catalog: () => get<FormFieldCatalog>('/forms/field-catalog'),
  create: (input: FormInput & { slug: string; kind: FormKind; title: string }) => request<FormDef>('POST', '/forms', input),
  update: (id: string, input: FormInput) => request<FormDef>('PATCH', `/forms/${encodeURIComponent(id)}`, input),
  archive: (id: string) => request<void>('DELETE', `/forms/${encodeURIComponent(id)}`),
  submissions: (id: string, query: { status?: 'accepted' | 'spam'; cursor?: string; limit?: number }) =>
    get<FormSubmissionPage>(
      `/forms/${encodeURIComponent(id)}/submissions`, { ...query }),
};

// ── purchases and events (商品・注文・イベント) ──
/** Multipart upload of an order or attendance file with its profile (JSON); answers the per-row report. */
async function uploadCommerceFile<T extends CommerceImportSummary>(path: string, file: File, profile: unknown, extra: Record<string, string> = {}): Promise<T> {
  const form = new FormData();
  form.append('file', file, file.name);
  form.append('profile', JSON.stringify(profile));
  for (const [k, v] of Object.entries(extra)) if (v) form.append(k, v);
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: 'POST',
      headers: { Accept: 'application/json', ...(csrfToken ? { 'X-CSRF-Token': csrfToken } : {}) },
      credentials: 'same-origin',
      body: form,
    });
  } catch {
    throw new ApiError(0, 'network', 'Network error');
  }
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const p = (payload ?? {}) as { title?: string; code?: string; errors?: FieldError[] };
    if (response.status === 401 && onUnauthenticated) onUnauthenticated();
    throw new ApiError(response.status, p.code ?? `http_${response.status}`, p.title ?? response.statusText, Array.isArray(p.errors) ? p.errors : []);
  }
  return payload as T;
}

export const commerceApi = {
  products: (query: { q?: string; cursor?: string; limit?: number }) => get<ProductPage>('/products', { ...query }),
  createProduct: (input: { sku: string; name: string; category?: string | null; price?: string | null }) => request<Product>('POST', '/products', input),
  updateProduct: (id: string, input: Partial<{ sku: string; name: string; category: string | null; price: string | null; active: boolean }>) =>
    request<Product>('PATCH', `/products/${encodeURIComponent(id)}`, input),
  orders: (query: { customerId?: string; status?: string; channel?: string; cursor?: string; limit?: number }) => get<OrderPage>('/orders', { ...query }),
  order: (id: string) => get<Order>(`/orders/${encodeURIComponent(id)}`),
  cancelOrder: (id: string) => request<Order>('POST', `/orders/${encodeURIComponent(id)}/cancel`),
  returnLines: (id: string, lines: Array<{ sku: string; quantity: string }>) => request<Order>('POST', `/orders/${encodeURIComponent(id)}/returns`, { lines }),
  importOrders: (file: File, profile: unknown) => uploadCommerceFile<OrderImportSummary>('/orders/import', file, profile),
  summary: (customerId: string) => get<PurchaseSummary>(`/customers/${encodeURIComponent(customerId)}/purchases/summary`),
  product: (id: string) => get<Product>(`/products/${encodeURIComponent(id)}`),
};

/** An order profile in its JSON form, as the wizard builds it (the server adds kind "orders"). */
export interface OrderProfileJson {
  source: string;
  order_id_column: string;
  encoding?: string;
  header_row?: number;
  channel?: string;
  fields: Record<string, string>;
}

/** The order import wizard: upload with a suggested mapping, the preview from another header line, validate, run. */
export const orderImportApi = {
  upload: (file: File) => uploadRawFile<OrderImportUpload>('/orders/import/uploads', file),
  preview: (uploadId: string, headerRow: number | null) =>
    get<OrderImportPreview>(`/orders/import/uploads/${encodeURIComponent(uploadId)}/preview`, { headerRow }),
  validate: (uploadId: string, profile: OrderProfileJson) => request<OrderValidation>('POST', '/orders/import/validate', { uploadId, profile }),
  run: (uploadId: string, profile: OrderProfileJson) => request<OrderImportSummary>('POST', '/orders/import/run', { uploadId, profile }),
};

export const eventsApi = {
  list: (query: { q?: string; kind?: string; cursor?: string; limit?: number }) => get<EventPage>('/events', { ...query }),
  get: (id: string) => get<EventItem>(`/events/${encodeURIComponent(id)}`),
  create: (input: { name: string; kind: EventKind; startsAt: string; endsAt?: string | null; venue?: string | null; capacity?: number | null }) => request<EventItem>('POST', '/events', input),
  registrations: (id: string) => get<RegistrationList>(`/events/${encodeURIComponent(id)}/registrations`),
  register: (id: string, input: { name?: string; email?: string; phone?: string; companyName?: string; status?: RegistrationStatus }) =>
    request<EventRegistration>('POST', `/events/${encodeURIComponent(id)}/registrations`, input),
  setStatus: (id: string, registrationId: string, status: RegistrationStatus) =>
    request<EventRegistration>('PATCH', `/events/${encodeURIComponent(id)}/registrations/${encodeURIComponent(registrationId)}`, { status }),
  importAttendance: (file: File, profile: unknown, eventId: string) => uploadCommerceFile<AttendanceImportSummary>('/events/attendance/import', file, profile, { eventId }),
};

// ── segments and purchase values (セグメント・RFM) ──
export type RfmOverview = RfmOverviewBody;
/** GET /customers/{id}/value: null when the customer never bought (values.schemas.ts CustomerValueSchema). */
export type CustomerValue = NonNullable<z.infer<typeof CustomerValueResponse>['value']>;
export type CustomerValueAnswer = z.infer<typeof CustomerValueResponse>;
export type ValuesRecomputeSummary = z.infer<typeof RecomputeSummarySchema>;
export type SegmentSplit = z.infer<typeof SegmentSplitResult>;

export const segmentsApi = {
  count: (definition: SegmentNode) => request<{ count: number; ms: number }>('POST', '/segments/count', { definition }),
  preview: (definition: SegmentNode) => request<SegmentPreview>('POST', '/segments/preview', { definition }),
  list: () => get<SegmentList>('/segments'),
  get: (id: string) => get<Segment>(`/segments/${encodeURIComponent(id)}`),
  create: (input: SegmentInputBody) => request<Segment>('POST', '/segments', input),
  update: (id: string, input: SegmentPatchBody) => request<Segment>('PATCH', `/segments/${encodeURIComponent(id)}`, input),
  archive: (id: string) => request<void>('DELETE', `/segments/${encodeURIComponent(id)}`),
  refresh: (id: string) => request<Segment>('POST', `/segments/${encodeURIComponent(id)}/refresh`),
  split: (id: string) => request<SegmentSplit>('POST', `/segments/${encodeURIComponent(id)}/split`),
  members: (id: string, query: { cursor?: string; limit?: number }) => get<CustomerList>(`/segments/${encodeURIComponent(id)}/members`, { ...query }),
  distribution: (id: string) => get<SegmentDistribution>(`/segments/${encodeURIComponent(id)}/distribution`),
  sizes: (id: string) => get<SegmentSizes>(`/segments/${encodeURIComponent(id)}/sizes`),
  /** A plain link: the browser downloads the CSV (the server audits the export). */
  exportUrl: (id: string, encoding: 'utf-8' | 'cp932') => `/api/v1/segments/${encodeURIComponent(id)}/export.csv?encoding=${encoding}`,
};

export const valuesApi = {
  rfm: () => get<RfmOverview>('/rfm'),
  recompute: () => request<ValuesRecomputeSummary>('POST', '/rfm/recompute', {}),
  customer: (id: string) => get<CustomerValueAnswer>(`/customers/${encodeURIComponent(id)}/value`),
};

// ── dashboards (ダッシュボード) ──
export type DashboardPanel = Panel;
export type { DrillQuery, PanelId, PanelQuery };

export const dashboardsApi = {
  /** One panel under the filters: {columns, rows} (dashboards.schemas.ts). */
  panel: (panel: PanelId, query: PanelQuery) => get<Panel>(`/dashboards/panels/${encodeURIComponent(panel)}`, { ...query }),
  /** The customers behind one row of the composition panel (key absent: the 未設定 row), a page at a time. */
  drill: (query: DrillQuery) => get<CustomerList>('/dashboards/drill', { ...query }),
};

// ── cross-sell and up-sell candidates (クロスセル・アップセル提案) ──
export type { Candidate, CustomerCandidates, ProductAffinity, ProductCandidateCustomers, RecommendRun };
export type RecommendRunList = z.infer<typeof RunListSchema>;
export type RecommendRunStarted = z.infer<typeof RunStartedSchema>;

export const recommendApi = {
  /** A customer's ranked candidates (commerce:read). */
  customer: (id: string, k?: number) => get<CustomerCandidates>(`/customers/${encodeURIComponent(id)}/candidates`, { k }),
  /** The customers who should be offered a product, best placed first (customers:read). */
  productCustomers: (id: string, query: { maxRank?: number; cursor?: string; limit?: number }) =>
    get<ProductCandidateCustomers>(`/products/${encodeURIComponent(id)}/candidates`, { ...query }),
  /** What a product's buyers also bought, and the basket rules about it (commerce:read). */
  affinity: (id: string) => get<ProductAffinity>(`/products/${encodeURIComponent(id)}/affinity`),
  runs: () => get<RecommendRunList>('/recommendations/runs'),
  /** Starts the background computation (segments:write); 202 with the run, or alreadyRunning. */
  start: (input: { asOf?: string; k?: number } = {}) => request<RecommendRunStarted>('POST', '/recommendations/runs', input),
};

// ── campaigns (キャンペーン): e-mail and DM, audience with suppressions, sending, reports ──
export type {
  AudienceRow, AudienceSummary, Campaign, CampaignInput, CampaignPatch, CampaignReport, MessageCounts, MessageRow, ReturnedImportResult, SuppressionReason,
};
export type CampaignListItem = CampaignList['items'][number];
export type AudienceList = z.infer<typeof AudienceListSchema>;
export type MessageList = z.infer<typeof MessageListSchema>;
export type AudienceQuery = { status?: AudienceRow['status']; reason?: SuppressionReason; cursor?: string; limit?: number };

export const campaignsApi = {
  list: (origin: 'user' | 'trigger' | 'all' = 'user') => get<CampaignList>(`/campaigns${origin === 'user' ? '' : `?origin=${origin}`}`),
  get: (id: string) => get<Campaign>(`/campaigns/${encodeURIComponent(id)}`),
  create: (input: CampaignInput) => request<Campaign>('POST', '/campaigns', input),
  update: (id: string, patch: CampaignPatch) => request<Campaign>('PATCH', `/campaigns/${encodeURIComponent(id)}`, patch),
  remove: (id: string) => request<void>('DELETE', `/campaigns/${encodeURIComponent(id)}`),
  /** Who would get it if it were sent now, and who not and why (live, nothing stored). */
  audienceCheck: (channel: Campaign['channel'], segmentIds: string[]) => request<AudienceSummary>('POST', '/campaigns/audience', { channel, segmentIds }),
  audience: (id: string) => get<AudienceSummary>(`/campaigns/${encodeURIComponent(id)}/audience`),
  audienceList: (id: string, query: AudienceQuery) => get<AudienceList>(`/campaigns/${encodeURIComponent(id)}/audience/list`, { ...query }),
  /** Now, or at `scheduledAt` (ISO 8601 with its offset). */
  start: (id: string, scheduledAt?: string) => request<Campaign>('POST', `/campaigns/${encodeURIComponent(id)}/start`, scheduledAt ? { scheduledAt } : {}),
  pause: (id: string) => request<Campaign>('POST', `/campaigns/${encodeURIComponent(id)}/pause`, {}),
  resume: (id: string) => request<Campaign>('POST', `/campaigns/${encodeURIComponent(id)}/resume`, {}),
  cancel: (id: string) => request<Campaign>('POST', `/campaigns/${encodeURIComponent(id)}/cancel`, {}),
  messages: (id: string, query: { status?: MessageRow['status']; cursor?: string; limit?: number }) =>
    get<MessageList>(`/campaigns/${encodeURIComponent(id)}/messages`, { ...query }),
  /** A recipient's e-mail came back (a hard bounce reported by hand): the address is suppressed for every campaign. */
  markBounced: (messageId: number, detail?: string) => request<unknown>('POST', '/campaigns/bounces', { messageId, kind: 'hard', ...(detail ? { detail } : {}) }),
  /** A DM piece came back (宛先不明): the household is suppressed for later DMs. */
  markReturned: (customerId: string, campaignId: string, detail?: string) =>
    request<void>('POST', '/campaigns/returned-mail', { customerId, campaignId, ...(detail ? { detail } : {}) }),
  /** Returned DM pieces as a CSV (the exported list's lines, 〒 + 住所 + 氏名, or 顧客ID): each row matched and marked, or reported. */
  uploadReturned: (id: string, file: File) => uploadRawFile<ReturnedImportResult>(`/campaigns/${encodeURIComponent(id)}/returned-mail`, file),
  /** Messages whose fate is unknown: send again, or record them as sent (default: all of them). */
  decideUnknown: (id: string, action: 'resend' | 'mark_sent', messageIds?: number[]) =>
    request<unknown>('POST', `/campaigns/${encodeURIComponent(id)}/unknown`, { action, ...(messageIds ? { messageIds } : {}) }),
  report: (id: string, days?: number) => get<CampaignReport>(`/campaigns/${encodeURIComponent(id)}/report`, { days }),
  /** Plain links: the browser downloads the CSV, or opens the printable label sheet. */
  dmListUrl: (id: string, encoding: 'cp932' | 'utf-8') => `/api/v1/campaigns/${encodeURIComponent(id)}/dm-list?encoding=${encoding}`,
  labelsUrl: (id: string, layout: '12' | '24') => `/api/v1/campaigns/${encodeURIComponent(id)}/labels?layout=${layout}`,
};

// ── campaign content and messaging (preview, test send, sender settings, outbox) ──
/** What the preview and the test send are given: the content as edited (content.schemas.ts PreviewRequest without the customer). */
export type CampaignContent = Omit<z.infer<typeof PreviewRequest>, 'customerId'>;
export type CampaignPreview = z.infer<typeof PreviewSchema>;
export type TestSendResult = z.infer<typeof TestSendSchema>;
export type { MessagingSettings };
export type MessagingSettingsUpdate = z.infer<typeof SettingsUpdate>;

export const messagingApi = {
  /** The content as one customer would get it (merge fields, blocks), with the problems of the content and settings. */
  preview: (content: CampaignContent, customerId: string) => request<CampaignPreview>('POST', '/campaigns/preview', { ...content, customerId }),
  /** The content to the signed-in user's own address (as `customerId` would get it, when given). */
  testSend: (content: CampaignContent, options: { customerId?: string; campaignId?: string } = {}) =>
    request<TestSendResult>('POST', '/campaigns/test-send', { ...content, ...options }),
  settings: () => get<MessagingSettings>('/messaging/settings'),
  updateSettings: (input: MessagingSettingsUpdate) => request<MessagingSettings>('PUT', '/messaging/settings', input),
};

// ── consent ledger (同意・配信可否) ──
export type { ConsentEvent, ConsentLedger, CurrentConsent, EmailEligibility };
export type ConsentPurposeCode = CurrentConsent['purposeCode'];
export type ConsentStateCode = ConsentEvent['state'];

export const consentsApi = {
  /** Current state per purpose, the lawful basis for marketing e-mail, and the history (customers:read). */
  ledger: (customerId: string) => get<ConsentLedger>(`/customers/${encodeURIComponent(customerId)}/consents`),
  /** A staff entry (customers:write); answers the ledger after it. */
  record: (customerId: string, input: { purposeCode: ConsentPurposeCode; state: ConsentStateCode; note?: string | null }) =>
    request<ConsentLedger>('POST', `/customers/${encodeURIComponent(customerId)}/consents`, input),
};

// ── data quality and freshness (データ品質・鮮度) ──
export type { CustomerQuality, SourceQuality, StaleQueue };
export type StaleReason = StaleQueue['items'][number]['stale'][number]['reason'];
export interface QualityRun { running: boolean; startedAt: string | null; finishedAt: string | null; customers: number }

export const qualityApi = {
  /** A customer's quality, computed live (customers:read; holds no personal values). */
  customer: (customerId: string) => get<CustomerQuality>(`/customers/${encodeURIComponent(customerId)}/quality`),
  /** 要更新: stale customers, most valuable first; owner = a user id, 'me' or 'none'. */
  stale: (query: { owner?: string; cursor?: string; limit?: number }) =>
    get<StaleQueue>('/quality/stale', { ...(query.owner ? { owner: query.owner } : {}), ...(query.cursor ? { cursor: query.cursor } : {}), ...(query.limit ? { limit: String(query.limit) } : {}) }),
  source: (sourceId: string) => get<SourceQuality>(`/sources/${encodeURIComponent(sourceId)}/quality`),
  run: () => get<QualityRun>('/quality/run'),
  /** Runs the daily pass now (sources:write). */
  startRun: () => request<QualityRun>('POST', '/quality/run'),
  /** 保存期間切れの削除 (sources:retention): the dry run, then the delete confirmed by the source's name. */
  retentionPlan: (sourceId: string) => get<RetentionPlanBody>(`/sources/${encodeURIComponent(sourceId)}/retention`),
  deletePastRetention: (sourceId: string, confirm: string) =>
    request<RetentionResult>('POST', `/sources/${encodeURIComponent(sourceId)}/retention/delete`, { confirm }),
  /** The delete's job (batches, totals so far; the final ones once audited). */
  retentionJob: (sourceId: string, jobId: string) => get<RetentionJobBody>(`/sources/${encodeURIComponent(sourceId)}/retention/jobs/${encodeURIComponent(jobId)}`),
};

export type JobItem = JobDto;
export type JobListStatus = 'queued' | 'running' | 'failed' | 'dead' | 'done';

export const jobsApi = {
  /** Background jobs in one status (jobs:manage), with the counts of every status but done. */
  list: (status: JobListStatus) => get<{ items: JobItem[]; counts: Record<Exclude<JobListStatus, 'done'>, number> }>('/jobs', { status }),
  /** Queues a dead or failed job again (audited). */
  retry: (id: string) => request<JobItem>('POST', `/jobs/${encodeURIComponent(id)}/retry`),
};

export type TaskItem = Task;

export const tasksApi = {
  /** The signed-in user's tasks (mine) or everyone's, by due date. */
  list: (query: { mine?: boolean; status?: 'open' | 'done' }) =>
    get<{ items: TaskItem[] }>('/tasks', { ...(query.mine ? { mine: '1' } : {}), ...(query.status ? { status: query.status } : {}) }),
  done: (id: string) => request<void>('POST', `/tasks/${encodeURIComponent(id)}/done`),
};

export type TriggerItem = Trigger;
export const triggersApi = {
  list: () => get<{ items: Trigger[] }>('/triggers'),
  get: (id: string) => get<Trigger>(`/triggers/${encodeURIComponent(id)}`),
  create: (input: TriggerInput) => request<Trigger>('POST', '/triggers', input),
  update: (id: string, patch: Partial<TriggerInput>) => request<Trigger>('PATCH', `/triggers/${encodeURIComponent(id)}`, patch),
  remove: (id: string) => request<void>('DELETE', `/triggers/${encodeURIComponent(id)}`),
  run: (id: string) => request<RunResult>('POST', `/triggers/${encodeURIComponent(id)}/run`),
  firings: (id: string, query: { cursor?: string; limit?: number }) => get<FiringPage>(`/triggers/${encodeURIComponent(id)}/firings`, { ...query }),
};

export type { PrivacyRequest, RetentionJobBody, RetentionPlanBody, RetentionResult };
/** 本人からの請求 (APPI), disclosure reports, erasure, tombstone flags and provision records (privacy:manage). */
export const privacyApi = {
  list: (status?: string) => get<RequestList>('/privacy/requests', status ? { status } : undefined),
  get: (id: string) => get<PrivacyRequest>(`/privacy/requests/${encodeURIComponent(id)}`),
  create: (input: Partial<RequestInput> & Pick<RequestInput, 'kind' | 'receivedOn' | 'requesterName'>) => request<PrivacyRequest>('POST', '/privacy/requests', input),
  update: (id: string, patch: Record<string, unknown>) => request<PrivacyRequest>('PATCH', `/privacy/requests/${encodeURIComponent(id)}`, patch),
  stopUse: (id: string) => request<{ customers: number }>('POST', `/privacy/requests/${encodeURIComponent(id)}/stop-use`),
  resumeUse: (id: string) => request<{ customers: number }>('POST', `/privacy/requests/${encodeURIComponent(id)}/resume-use`),
  stopProvision: (id: string) => request<{ customers: number }>('POST', `/privacy/requests/${encodeURIComponent(id)}/stop-provision`),
  erase: (id: string, confirm: string) => request<{ customers: number; records: number }>('POST', `/privacy/requests/${encodeURIComponent(id)}/erase`, { confirm }),
  correct: (id: string, customerId: string, patch: Record<string, unknown>) =>
    request<unknown>('POST', `/privacy/requests/${encodeURIComponent(id)}/customers/${encodeURIComponent(customerId)}/correction`, patch),
  startDisclosure: (id: string) => request<Report>('POST', `/privacy/requests/${encodeURIComponent(id)}/disclosures`),
  disclosures: (id: string) => get<ReportList>(`/privacy/requests/${encodeURIComponent(id)}/disclosures`),
  reportUrl: (reportId: string, format: 'html' | 'json') => `/api/v1/privacy/disclosures/${encodeURIComponent(reportId)}/report.${format}`,
  matches: () => get<TombstoneMatchList>('/privacy/tombstone-matches'),
  dismissMatch: (id: number) => request<void>('POST', `/privacy/tombstone-matches/${id}/dismiss`),
  provisions: () => get<ProvisionList>('/privacy/provisions'),
  useStop: (customerId: string) => get<{ requestId: string | null; receivedOn: string | null }>(`/customers/${encodeURIComponent(customerId)}/use-stop`),
};

// ── voice of customer (顧客の声) ──
export type {
  VoiceItem, VoiceItemDetail, VoiceItemPage, VoiceItemPatch, VoiceComment, VoiceReply, VoiceGroup, RoutingRuleInput, RoutingRuleOut as RoutingRule,
  TagRuleInput, TagRuleOut as TagRule, TeamInput, TeamOut as VoiceTeam, Digest as VoiceDigest, Trend as VoiceTrend,
} from '../use/voice/voice.schemas.ts';
export type VoiceTagCatalog = z.infer<typeof TagCatalogSchema>;
export type VoiceScoreSummary = z.infer<typeof ScoreSummarySchema>;
export type VoiceGroupList = z.infer<typeof GroupListSchema>;
/** The inbox filters as the API reads them: lists comma-separated (status=new,in_progress), dates YYYY-MM-DD (Japan). */
export interface VoiceQuery {
  status?: string; tag?: string; sentiment?: string; channel?: string; teamId?: string; assigneeUserId?: string; product?: string;
  customerId?: string; groupId?: string; from?: string; to?: string; q?: string; cursor?: string; limit?: number;
}

const voiceItem = (id: string) => `/voice/items/${encodeURIComponent(id)}`;
export const voiceApi = {
  list: (query: VoiceQuery) => get<VoicePageOut>('/voice/items', { ...query }),
  get: (id: string) => get<VoiceDetailOut>(voiceItem(id)),
  update: (id: string, patch: VoicePatchIn) => request<VoiceDetailOut>('PATCH', voiceItem(id), patch),
  addTag: (id: string, tag: string) => request<VoiceDetailOut>('POST', `${voiceItem(id)}/tags`, { tag }),
  removeTag: (id: string, tag: string) => request<VoiceDetailOut>('DELETE', `${voiceItem(id)}/tags/${encodeURIComponent(tag)}`),
  comment: (id: string, body: string) => request<VoiceDetailOut>('POST', `${voiceItem(id)}/comments`, { body }),
  /** By e-mail: through SMTP when configured, else to the outbox (the reply's transport says which). */
  reply: (id: string, input: VoiceReplyInput) => request<VoiceDetailOut>('POST', `${voiceItem(id)}/reply`, input),
  /** A plain link: the browser downloads the CSV under the same filters (the server audits the export). */
  exportUrl: (query: Omit<VoiceQuery, 'cursor' | 'limit'>) => `/api/v1${withQuery('/voice/export.csv', { ...query })}`,
  tags: () => get<VoiceTagCatalog>('/voice/tags'),
  groups: (query: { since?: string; limit?: number } = {}) => get<VoiceGroupList>('/voice/groups', { ...query }),
  trend: (query: { product?: string; from?: string; to?: string }) => get<VoiceTrendOut>('/voice/trend', { ...query }),
  scores: (query: { product?: string; teamId?: string; from?: string; to?: string }) => get<VoiceScoreSummary>('/voice/scores', { ...query }),
  digest: (query: { teamId?: string; week?: string }) => get<VoiceDigestOut>('/voice/digest', { ...query }),
  digests: (query: { teamId?: string }) => get<z.infer<typeof DigestListSchema>>('/voice/digests', { ...query }),
  tagRules: () => get<z.infer<typeof TagRuleListSchema>>('/voice/tag-rules'),
  createTagRule: (input: VoiceTagRuleInput) => request<VoiceTagRuleOut>('POST', '/voice/tag-rules', input),
  updateTagRule: (id: string, patch: Partial<VoiceTagRuleInput>) => request<VoiceTagRuleOut>('PATCH', `/voice/tag-rules/${encodeURIComponent(id)}`, patch),
  deleteTagRule: (id: string) => request<void>('DELETE', `/voice/tag-rules/${encodeURIComponent(id)}`),
  routingRules: () => get<z.infer<typeof RoutingRuleListSchema>>('/voice/routing-rules'),
  createRoutingRule: (input: VoiceRoutingInput) => request<VoiceRoutingOut>('POST', '/voice/routing-rules', input),
  updateRoutingRule: (id: string, patch: Partial<VoiceRoutingInput>) => request<VoiceRoutingOut>('PATCH', `/voice/routing-rules/${encodeURIComponent(id)}`, patch),
  deleteRoutingRule: (id: string) => request<void>('DELETE', `/voice/routing-rules/${encodeURIComponent(id)}`),
  teams: () => get<z.infer<typeof TeamListSchema>>('/voice/teams'),
  createTeam: (input: VoiceTeamInput) => request<VoiceTeamOut>('POST', '/voice/teams', input),
  updateTeam: (id: string, patch: Partial<VoiceTeamInput>) => request<VoiceTeamOut>('PATCH', `/voice/teams/${encodeURIComponent(id)}`, patch),
  deleteTeam: (id: string) => request<void>('DELETE', `/voice/teams/${encodeURIComponent(id)}`),
  /** Survey answers / call-centre logs: the file as the body (text/csv); good rows land, bad rows come back with their line. */
  importCsv: (file: File, query: { defaultKind?: 'nps' | 'csat'; encoding?: string }) =>
    uploadRawFile<z.infer<typeof VoiceImportResultSchema>>(withQuery('/voice/import', { ...query }), file, 'text/csv'),
  /** A sales note (timeline activity) marked as feedback: it becomes an item of the note's customer. */
  fromNote: (activityId: number) => request<{ item: VoiceDetailOut; duplicate: boolean }>('POST', `/voice/notes/${activityId}`, {}),
};

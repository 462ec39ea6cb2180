/**
 * A small typed client for the Daicho API (/api/v1). Cookie session + X-CSRF-Token on writes;
 * RFC 9457 problem details become an ApiError carrying the field errors.
 */

export type Role = 'admin' | 'manager' | 'marketing' | 'sales' | 'viewer';

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  department: string | null;
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface Me {
  user: User;
  permissions: string[];
  csrfToken: string | null;
  via: 'session' | 'api_key';
}

export interface Provenance {
  sourceRecordId: number;
  source: string;
  sourceLabel: string | null;
  by: string | null;
  at: string;
}

export interface Customer {
  id: string;
  kind: 'person' | 'organization';
  displayName: string;
  familyName: string | null;
  givenName: string | null;
  familyNameKana: string | null;
  givenNameKana: string | null;
  email: string | null;
  phone: string | null;
  phoneNational: string | null;
  postalCode: string | null;
  prefecture: string | null;
  address: string | null;
  building: string | null;
  birthDate: string | null;
  gender: string | null;
  company: { id: string; name: string } | null;
  department: string | null;
  title: string | null;
  lifecycleStage: string;
  acquisitionChannel: string | null;
  owner: { id: string; displayName: string } | null;
  customFields: Record<string, unknown>;
  provenance: Record<string, Provenance>;
  masked: boolean;
  createdAt: string;
  updatedAt: string;
}

export type CustomerListItem = Omit<Customer, 'provenance'>;

/** What a create/patch may send (null or '' clears a field on patch). */
export interface CustomerInput {
  familyName?: string | null;
  givenName?: string | null;
  familyNameKana?: string | null;
  givenNameKana?: string | null;
  email?: string | null;
  phone?: string | null;
  postalCode?: string | null;
  prefecture?: string | null;
  address?: string | null;
  building?: string | null;
  birthDate?: string | null;
  gender?: string | null;
  companyName?: string | null;
  department?: string | null;
  title?: string | null;
  lifecycleStage?: string;
  acquisitionChannel?: string | null;
  ownerUserId?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  hasMore: boolean;
}

export interface Activity {
  id: number;
  type: string;
  occurredAt: string;
  title: string | null;
  properties: Record<string, unknown>;
  amount: string | null;
  currency: string | null;
  source: string | null;
  sourceLabel: string | null;
  actor: string | null;
}

export interface Company {
  id: string;
  name: string;
  nameKana: string | null;
  legalForm: string | null;
  corporateNumber: string | null;
  industry: string | null;
  sizeBand: string | null;
  employeeCount: number | null;
  website: string | null;
  phone: string | null;
  postalCode: string | null;
  prefecture: string | null;
  address: string | null;
  customFields: Record<string, unknown>;
  peopleCount?: number;
  createdAt: string;
  updatedAt: string;
  industryCode: string | null;
  industryLabel: string | null;
  employeesText: string | null;
  capitalYen: number | null;
  capitalText: string | null;
  revenueBand: string | null;
  domain: string | null;
  sizeBandLabel: string | null;
  /** 中小企業基本法: 中小企業者 / 小規模企業者 (null = cannot be told). */
  sme: { sme: boolean | null; small: boolean | null; sectors: string[] };
  fieldSources: Record<string, { source: string; at: string }>;
}

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

export interface CompanyDetail extends Company {
  people: Array<{ id: string; displayName: string; lifecycleStage: string; department: string | null; title: string | null; isPrimary: boolean }>;
}

export interface Source {
  id: string;
  name: string;
  label: string;
  kind: string;
  party: 'first' | 'second' | 'third';
  owningDepartment: string | null;
  priority: number;
  freshnessSlaDays: number | null;
  description: string | null;
  recordCount: number;
  lastReceivedAt: string | null;
  stale: boolean;
  /** The latest golden-record recompute after a priority change (runs in the background). */
  recompute: SourceRecompute | null;
}

export interface SourceRecompute {
  status: 'running' | 'completed' | 'failed';
  priorityFrom: number;
  priorityTo: number;
  done: number;
  total: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface Labelled {
  code: string;
  labelJa: string;
  labelEn: string;
}

export interface Reference {
  lifecycleStages: Labelled[];
  acquisitionChannels: Labelled[];
  roles: Array<Labelled & { permissions: string[] }>;
  permissions: Record<string, string>;
  prefectures: string[];
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

export interface CustomerListQuery {
  q?: string;
  stage?: string;
  source?: string;
  owner?: string;
  prefecture?: string;
  companyId?: string;
  sort?: 'updated' | 'created' | 'name';
  cursor?: string;
  limit?: number;
}

export const api = {
  // auth
  setupStatus: () => get<{ needsSetup: boolean }>('/auth/setup', undefined, { quiet401: true }),
  setup: (body: { token: string; email: string; password: string; displayName?: string }) => request<User>('POST', '/auth/setup', body, { quiet401: true }),
  login: (email: string, password: string) => request<Me>('POST', '/auth/login', { email, password }, { quiet401: true }),
  logout: () => request<void>('POST', '/auth/logout', undefined, { quiet401: true }),
  me: () => get<Me>('/auth/me', undefined, { quiet401: true }),
  reference: () => get<Reference>('/reference'),

  // customers
  listCustomers: (query: CustomerListQuery) => get<Page<CustomerListItem>>('/customers', { ...query }),
  getCustomer: (id: string) => get<Customer>(`/customers/${encodeURIComponent(id)}`),
  createCustomer: (input: CustomerInput) => request<Customer>('POST', '/customers', input),
  updateCustomer: (id: string, input: CustomerInput) => request<Customer>('PATCH', `/customers/${encodeURIComponent(id)}`, input),
  deleteCustomer: (id: string) => request<void>('DELETE', `/customers/${encodeURIComponent(id)}`),
  activities: (id: string, query: { types?: string; cursor?: string; limit?: number }) =>
    get<Page<Activity>>(`/customers/${encodeURIComponent(id)}/activities`, { ...query }),
  addNote: (id: string, body: string, mentions: string[] = []) =>
    request<Activity>('POST', `/customers/${encodeURIComponent(id)}/notes`, { body, ...(mentions.length ? { mentions } : {}) }),

  // companies
  listCompanies: (query: { q?: string; prefecture?: string; cursor?: string; limit?: number }) => get<Page<Company>>('/companies', { ...query }),
  getCompany: (id: string) => get<CompanyDetail>(`/companies/${encodeURIComponent(id)}`),
  createCompany: (input: Partial<Company> & { name: string }) => request<Company>('POST', '/companies', input),
  updateCompany: (id: string, input: CompanyPatch) => request<Company>('PATCH', `/companies/${encodeURIComponent(id)}`, input),

  // sources
  listSources: () => get<{ items: Source[] }>('/sources'),
  createSource: (input: { name: string; label: string; kind: string; party: string; owningDepartment?: string | null; priority?: number; freshnessSlaDays?: number | null; description?: string | null }) =>
    request<Source>('POST', '/sources', input),
  /** A new priority recomputes the source's customers' golden records before it answers (recomputedCustomers). */
  updateSource: (id: string, input: { label?: string; party?: string; owningDepartment?: string | null; priority?: number; freshnessSlaDays?: number | null; description?: string | null }) =>
    request<Source>('PATCH', `/sources/${encodeURIComponent(id)}`, input),
  retrySourceRecompute: (id: string) => request<SourceRecompute>('POST', `/sources/${encodeURIComponent(id)}/recompute`),

  // users
  listUsers: () => get<{ items: User[] }>('/users'),
  userDirectory: () => get<{ items: Array<{ id: string; displayName: string; department: string | null }> }>('/users/directory'),
  createUser: (input: { email: string; password: string; role: Role; displayName?: string; department?: string | null }) => request<User>('POST', '/users', input),
  updateUser: (id: string, input: { displayName?: string; role?: Role; department?: string | null; disabled?: boolean }) =>
    request<User>('PATCH', `/users/${encodeURIComponent(id)}`, input),

  // identity (名寄せ)
  listReviewItems: (query: { status?: ReviewStatus; cursor?: string; limit?: number }) =>
    get<Page<ReviewItem>>('/review-items', { ...query }),
  decideReviewItem: (id: number, decision: 'accept' | 'reject' | 'never') =>
    request<{ item: ReviewItem; customerId: string | null }>('POST', `/review-items/${id}/decision`, { decision }),
  mergeCustomers: (customerIds: string[]) => request<{ customerId: string; merged: string[] }>('POST', '/customers/merge', { customerIds }),
  unmergeCustomer: (id: string, sourceRecordIds: number[]) =>
    request<{ customerId: string; newCustomerId: string }>('POST', `/customers/${encodeURIComponent(id)}/unmerge`, { sourceRecordIds }),
  customerIdentity: (id: string) => get<CustomerIdentity>(`/customers/${encodeURIComponent(id)}/identity`),
  listQuarantine: () => get<{ items: QuarantinedRecord[]; total: number }>('/resolution/quarantine', {}),
  retryQuarantined: (recordIds?: number[]) =>
    request<{ retried: number; resolved: number; quarantined: number }>('POST', '/resolution/quarantine/retry', recordIds ? { recordIds } : {}),

  // website tracker (サイト)
  listSites: () => get<{ items: TrackerSite[]; unknownKeyRejectedToday: number }>('/sites'),
  createSite: (input: { name: string; allowedOrigins: string[] }) => request<TrackerSite>('POST', '/sites', input),
  updateSite: (id: string, input: { name?: string; allowedOrigins?: string[]; active?: boolean; ratePerMinute?: number; ipRatePerMinute?: number }) =>
    request<TrackerSite>('PATCH', `/sites/${encodeURIComponent(id)}`, input),
  rotateSiteKey: (id: string) => request<TrackerSite>('POST', `/sites/${encodeURIComponent(id)}/rotate-key`),
};

export type ReviewStatus = 'open' | 'accepted' | 'rejected' | 'never';

export interface MatchEvidence { field: string; level: string; weight: number; detail: string | null }

export interface ReviewRecord {
  recordId: number;
  source: string;
  sourceLabel: string;
  externalId: string;
  customerId: string | null;
  customerName: string | null;
  fields: Record<string, unknown>;
}

export interface ReviewItem {
  id: number;
  status: ReviewStatus;
  score: number;
  probability: number;
  rules: string[];
  evidence: MatchEvidence[];
  /** Nothing but the name agrees (the matcher's isNameOnly): what namesakes look like. */
  nameOnly: boolean;
  a: ReviewRecord;
  b: ReviewRecord;
  createdAt: string;
  decidedAt: string | null;
}

/** A record whose identity resolution failed on its own, set aside with its error until someone retries it. */
export interface QuarantinedRecord {
  recordId: number; source: string; sourceLabel: string; externalId: string; name: string | null;
  receivedAt: string; quarantinedAt: string; error: string;
}

export interface CustomerIdentity {
  customerId: string;
  records: Array<{
    id: number; source: string; sourceLabel: string; externalId: string; receivedAt: string; fields: Record<string, unknown>;
    decisions: Array<{ id: number; kind: string; rule: string | null; score: number | null; evidence: unknown; customerId: string | null; otherCustomerId: string | null; importRunId: string | null; decidedBy: string | null; decidedAt: string }>;
  }>;
}

// ── imports & exports (multipart upload, runs, downloads) ──
export interface ImportJob {
  id: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt: string | null;
  progress: { phase: 'reading' | 'resolving'; rows: number; bytesRead: number; totalBytes: number; resolved: number; pending: number };
  summary: ImportSummary | null;
  error: { code: string; message: string; errors: FieldError[] } | null;
}


export interface ImportPreview {
  format: 'csv' | 'tsv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  headers: string[];
  rows: Array<{ line: number; values?: Record<string, string>; error?: string }>;
  more: boolean;
  suggestion: {
    fields: Record<string, string | string[]>;
    idColumn: string | null;
    confidence: Record<string, number>;
    idConfidence: number;
    columns: Array<{ header: string; kind: string | null; score: number; used: boolean }>;
    unmapped: string[];
  };
  warnings: string[];
}

export interface ImportUpload { uploadId: string; fileName: string; size: number; preview: ImportPreview }

export interface ImportProfileJson {
  source: string;
  id_column?: string | null;
  encoding?: string | null;
  delimiter?: string | null;
  sheet?: string | number | null;
  fields: Record<string, string | string[]>;
}

export interface ImportSummary {
  runId: string; source: string; file: string; encoding: string | null;
  read: number; new: number; updated: number; unchanged: number; rejected: number; flagged: number;
  merged: number; review: number; customersCreated: number; quarantined: number; seconds: number; stagingSeconds: number; resolutionSeconds: number;
}

/** POST /imports/validate: what an import of the upload with a profile would do, without running it. */
export interface ImportValidation {
  source: string; file: string; encoding: string | null;
  read: number; rejected: number; flagged: number; flaggedByField: Record<string, number>;
  new: number; updated: number; unchanged: number; duplicateIds: number; blankIds: number;
  issues: Array<{ line: number; severity: 'rejected' | 'flagged'; field: string | null; reason: string; value: string | null }>;
  issuesTruncated: boolean; seconds: number;
}

/** POST /imports/validations: a validation running in the background (poll it; DELETE stops it). */
export interface ImportValidationJob {
  id: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt: string | null;
  progress: { rows: number; bytesRead: number; totalBytes: number };
  report: ImportValidation | null;
  error: { code: string; message: string; errors: FieldError[] } | null;
}

export interface ImportRun {
  id: string; source: string; sourceLabel: string; fileName: string; status: 'running' | 'completed' | 'failed' | 'interrupted';
  encoding: string | null; counts: Record<string, number>; error: string | null; startedAt: string; finishedAt: string | null; startedBy: string | null;
  /** Own runs (admins: all); another user's report is a 404. */
  reportAvailable: boolean;
}

/** The file as the raw request body (the server streams it to disk); not JSON, so it does not go through request(). */
async function uploadImportFile(file: File): Promise<ImportUpload> {
  let response: Response;
  try {
    response = await fetch('/api/v1/imports/uploads', {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/octet-stream',
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
  return payload as ImportUpload;
}

export const importApi = {
  upload: uploadImportFile,
  run: (uploadId: string, profile: ImportProfileJson) => request<ImportSummary>('POST', '/imports', { uploadId, profile }),
  validate: (uploadId: string, profile: ImportProfileJson) => request<ImportValidation>('POST', '/imports/validate', { uploadId, profile }),
  startValidation: (uploadId: string, profile: ImportProfileJson) => request<ImportValidationJob>('POST', '/imports/validations', { uploadId, profile }),
  validation: (id: string) => get<ImportValidationJob>(`/imports/validations/${encodeURIComponent(id)}`),
  stopValidation: (id: string) => request<ImportValidationJob>('DELETE', `/imports/validations/${encodeURIComponent(id)}`),
  startJob: (uploadId: string, profile: ImportProfileJson) => request<ImportJob>('POST', '/imports/jobs', { uploadId, profile }),
  job: (id: string) => get<ImportJob>(`/imports/jobs/${encodeURIComponent(id)}`),
  runs: () => get<{ items: ImportRun[] }>('/imports'),
  profiles: () => get<{ items: Array<{ source: string; sourceLabel: string; profile: ImportProfileJson; updatedAt: string }> }>('/imports/profiles'),
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
export type FormKind = 'brochure_request' | 'event_registration' | 'contact' | 'other';
export type FormStatus = 'draft' | 'published' | 'closed';
export type FormFieldType = 'text' | 'textarea' | 'email' | 'tel' | 'postal_code' | 'prefecture' | 'kana' | 'date' | 'select' | 'radio' | 'checkbox';

export interface FormFieldDef {
  key: string;
  target: string;
  labelJa: string;
  labelEn?: string | null;
  type: FormFieldType;
  required: boolean;
  options?: string[];
  placeholder?: string | null;
  helpText?: string | null;
}

export interface FormDef {
  id: string;
  slug: string;
  kind: FormKind;
  kindLabel: string;
  title: string;
  description: string | null;
  fields: FormFieldDef[];
  consentPurpose: string | null;
  consentText: string | null;
  consentRequired: boolean;
  consentVersion: number;
  thankYouMessage: string | null;
  redirectUrl: string | null;
  allowedOrigins: string[];
  eventId: string | null;
  status: FormStatus;
  sourceId: string;
  hostedPath: string;
  submissionCount?: number;
  spamCount?: number;
  lastSubmittedAt?: string | null;
  createdAt: string;
  updatedAt: string;
}

export type FormInput = Partial<Omit<FormDef, 'id' | 'kindLabel' | 'consentVersion' | 'sourceId' | 'hostedPath' | 'submissionCount' | 'spamCount' | 'lastSubmittedAt' | 'createdAt' | 'updatedAt'>>;

export interface FormTarget { target: string; labelJa: string; labelEn: string; type: FormFieldType; options: string[]; custom: boolean }

export interface FormSubmission {
  id: number;
  status: 'accepted' | 'spam';
  values: Record<string, string | string[]>;
  consentGiven: boolean | null;
  customerId: string | null;
  customerName: string | null;
  visitorId: string | null;
  createdAt: string;
}

export const formsApi = {
  list: () => get<{ items: FormDef[] }>('/forms'),
  get: (id: string) => get<FormDef>(`/forms/${encodeURIComponent(id)}`),
  catalog: () => get<{ targets: FormTarget[] }>('/forms/field-catalog'),
  create: (input: FormInput & { slug: string; kind: FormKind; title: string }) => request<FormDef>('POST', '/forms', input),
  update: (id: string, input: FormInput) => request<FormDef>('PATCH', `/forms/${encodeURIComponent(id)}`, input),
  archive: (id: string) => request<void>('DELETE', `/forms/${encodeURIComponent(id)}`),
  submissions: (id: string, query: { status?: 'accepted' | 'spam'; cursor?: string; limit?: number }) =>
    get<{ masked: boolean; fields: Array<{ key: string; labelJa: string; labelEn: string | null; type: FormFieldType }>; items: FormSubmission[]; nextCursor: string | null; hasMore: boolean }>(
      `/forms/${encodeURIComponent(id)}/submissions`, { ...query }),
};

// ── purchases and events (商品・注文・イベント) ──
export interface Product { id: string; sku: string; name: string; category: string | null; price: string | null; active: boolean; createdAt: string; updatedAt: string }
export interface OrderLine { lineNo: number; sku: string | null; productId: string | null; productName: string | null; quantity: string; unitPrice: string | null; amount: string; returnedQuantity: string; returnedAmount: string }
export type OrderStatus = 'completed' | 'cancelled' | 'partially_returned' | 'returned';
export interface Order {
  id: string; source: string; orderId: string; customerId: string | null; customerName: string | null; orderedAt: string; channel: string | null;
  status: OrderStatus; totalAmount: string; returnedAmount: string; netAmount: string; currency: string; cancelledAt: string | null; lines?: OrderLine[];
}
export interface PurchaseSummary { customerId: string; currency: string; lifetimeValue: string; orderCount: number; cancelledCount: number; returnedAmount: string; firstPurchaseAt: string | null; lastPurchaseAt: string | null }
export type EventKind = 'seminar' | 'trade_show' | 'webinar' | 'workshop' | 'briefing' | 'other';
export interface EventItem { id: string; name: string; kind: EventKind; startsAt: string; endsAt: string | null; venue: string | null; capacity: number | null; registered: number; attended: number; noShow: number; createdAt: string; updatedAt: string }
export type RegistrationStatus = 'registered' | 'attended' | 'no_show' | 'cancelled';
export interface EventRegistration { id: string; eventId: string; externalId: string; customerId: string | null; customerName: string | null; customerEmail: string | null; name: string | null; companyName: string | null; registeredAt: string; status: RegistrationStatus }
export interface RowProblem { line: number; field: string | null; reason: string; value: string | null }
export interface CommerceImportSummary {
  kind: 'orders' | 'event_attendance'; source: string; file: string; encoding: string | null; read: number; orders?: number; events?: number;
  created: number; updated: number; unchanged: number; rejectedRows: number; problems: RowProblem[]; seconds: number;
}

/** Multipart upload of an order or attendance file with its profile (JSON); answers the per-row report. */
async function uploadCommerceFile(path: string, file: File, profile: unknown, extra: Record<string, string> = {}): Promise<CommerceImportSummary> {
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
  return payload as CommerceImportSummary;
}

export const commerceApi = {
  products: (query: { q?: string; cursor?: string; limit?: number }) => get<Page<Product>>('/products', { ...query }),
  createProduct: (input: { sku: string; name: string; category?: string | null; price?: string | null }) => request<Product>('POST', '/products', input),
  updateProduct: (id: string, input: Partial<{ sku: string; name: string; category: string | null; price: string | null; active: boolean }>) =>
    request<Product>('PATCH', `/products/${encodeURIComponent(id)}`, input),
  orders: (query: { customerId?: string; status?: string; channel?: string; cursor?: string; limit?: number }) => get<Page<Order>>('/orders', { ...query }),
  order: (id: string) => get<Order>(`/orders/${encodeURIComponent(id)}`),
  cancelOrder: (id: string) => request<Order>('POST', `/orders/${encodeURIComponent(id)}/cancel`),
  returnLines: (id: string, lines: Array<{ sku: string; quantity: string }>) => request<Order>('POST', `/orders/${encodeURIComponent(id)}/returns`, { lines }),
  importOrders: (file: File, profile: unknown) => uploadCommerceFile('/orders/import', file, profile),
  summary: (customerId: string) => get<PurchaseSummary>(`/customers/${encodeURIComponent(customerId)}/purchases/summary`),
};

export const eventsApi = {
  list: (query: { q?: string; kind?: string; cursor?: string; limit?: number }) => get<Page<EventItem>>('/events', { ...query }),
  get: (id: string) => get<EventItem>(`/events/${encodeURIComponent(id)}`),
  create: (input: { name: string; kind: EventKind; startsAt: string; endsAt?: string | null; venue?: string | null; capacity?: number | null }) => request<EventItem>('POST', '/events', input),
  registrations: (id: string) => get<{ items: EventRegistration[] }>(`/events/${encodeURIComponent(id)}/registrations`),
  register: (id: string, input: { name?: string; email?: string; phone?: string; companyName?: string; status?: RegistrationStatus }) =>
    request<EventRegistration>('POST', `/events/${encodeURIComponent(id)}/registrations`, input),
  setStatus: (id: string, registrationId: string, status: RegistrationStatus) =>
    request<EventRegistration>('PATCH', `/events/${encodeURIComponent(id)}/registrations/${encodeURIComponent(registrationId)}`, { status }),
  importAttendance: (file: File, profile: unknown, eventId: string) => uploadCommerceFile('/events/attendance/import', file, profile, { eventId }),
};

/** A tracked website (GET /sites): write key for the script tag, allowed origins, today's counts (day in Japan). */
export interface TrackerSite {
  id: string; name: string; writeKey: string; allowedOrigins: string[]; ratePerMinute: number; ipRatePerMinute: number;
  active: boolean; sourceId: string | null; keyRotatedAt: string | null; createdAt: string; updatedAt: string;
  stats?: { pageViewsToday: number; visitorsToday: number; identifiedToday: number; rejectedToday: Record<string, number>; rejected7d: number };
}

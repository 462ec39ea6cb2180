import { createHash, timingSafeEqual } from 'node:crypto';
import type { Actor, AuthContext, FormSubmittedListener } from '../../core/context.ts';
import { AppError, PG_UNIQUE_VIOLATION, describeError, notFound, sqlState } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { can } from '../../domain/auth/permissions.ts';
import { maskEmail, maskPhone, maskText, MASK } from '../../domain/customers/masking.ts';
import {
  checkDefinition, DEFAULT_TYPE, FORM_KIND_LABELS, isImportTarget, normalizeOrigin, TARGET_LABELS,
  type FieldType, type FormField, type FormKind, type FormStatus,
} from '../../domain/forms/definition.ts';
import { optionsOf, validateSubmission, type RawSubmission } from '../../domain/forms/validate.ts';
import { IMPORT_FIELDS, type ImportField } from '../../domain/import/profile.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { hitRateLimit } from '../../platform/accounts/auth.repository.ts';
import { findSource, registerSource } from '../../ledger/sources/sources.service.ts';
import { ingestRecords } from '../../resolution/staging.ts';
import { identifyVisitor } from '../tracker/identify.service.ts';
import { getEvent, registerForEvent } from '../events/events.service.ts';
import { upsertSubmissionActivity } from '../../ledger/activities/activities.repository.ts';
import { recordConsent } from '../../ledger/consents/consents.service.ts';
import type { ConsentPurposeCode } from '../../domain/consent/purposes.ts';
import * as repo from './forms.repository.ts';
import type { Form, FormFieldCatalog, FormSubmission, FormSubmissionPage, PublicForm, SubmissionResult } from './forms.schemas.ts';

/** Submissions accepted per client address and form in one window, before 429 (a whole office shares one address). */
export const FORM_RATE_LIMIT = { maxPerWindow: 20, windowSeconds: 600 } as const;

type FormRow = NonNullable<Awaited<ReturnType<typeof repo.findFormRow>>>;

export function toForm(row: FormRow & { accepted_count?: number | string | null; spam_count?: number | string | null; last_submitted_at?: Date | string | null }): Form {
  return {
    id: row.id,
    slug: row.slug,
    kind: row.kind,
    kindLabel: FORM_KIND_LABELS[row.kind],
    title: row.title,
    description: row.description,
    fields: row.fields as FormField[],
    consentPurpose: row.consent_purpose,
    consentText: row.consent_text,
    consentRequired: row.consent_required,
    consentVersion: row.consent_version,
    consentPurposes: row.consent_purposes as ConsentPurposeCode[],
    thankYouMessage: row.thank_you_message,
    redirectUrl: row.redirect_url,
    allowedOrigins: row.allowed_origins,
    eventId: row.event_id,
    status: row.status,
    sourceId: row.source_id,
    hostedPath: `/f/${row.slug}`,
    ...(row.accepted_count !== undefined ? { submissionCount: Number(row.accepted_count ?? 0) } : {}),
    ...(row.spam_count !== undefined ? { spamCount: Number(row.spam_count ?? 0) } : {}),
    ...(row.last_submitted_at !== undefined ? { lastSubmittedAt: row.last_submitted_at ? new Date(row.last_submitted_at).toISOString() : null } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface FormInput {
  slug?: string | undefined;
  kind?: FormKind | undefined;
  title?: string | undefined;
  description?: string | null | undefined;
  fields?: FormField[] | undefined;
  consentPurpose?: string | null | undefined;
  consentText?: string | null | undefined;
  consentRequired?: boolean | undefined;
  /** The purposes the consent checkbox grants to campaigns (email_marketing, dm, …). */
  consentPurposes?: ConsentPurposeCode[] | undefined;
  thankYouMessage?: string | null | undefined;
  redirectUrl?: string | null | undefined;
  allowedOrigins?: string[] | undefined;
  eventId?: string | null | undefined;
  status?: FormStatus | undefined;
}

function cleanFields(fields: FormField[]): FormField[] {
  return fields.map((f) => ({
    key: f.key.trim(),
    target: f.target.trim(),
    labelJa: f.labelJa.trim(),
    ...(f.labelEn?.trim() ? { labelEn: f.labelEn.trim() } : {}),
    type: f.type,
    required: f.required,
    ...(f.options?.length ? { options: f.options.map((o) => o.trim()).filter(Boolean) } : {}),
    ...(f.placeholder?.trim() ? { placeholder: f.placeholder.trim() } : {}),
    ...(f.helpText?.trim() ? { helpText: f.helpText.trim() } : {}),
    ...(f.voiceMessage ? { voiceMessage: true } : {}),
  }));
}

function definitionErrors(merged: { fields: FormField[]; consentRequired: boolean; consentText: string | null; consentPurpose: string | null; allowedOrigins: string[]; redirectUrl: string | null; consentPurposes: readonly string[] }) {
  const issues = checkDefinition(merged);
  if (merged.consentPurposes.length > 0 && !merged.consentText?.trim()) {
    issues.push({ field: 'consentPurposes', message: '配信の同意を記録するには、同意の文言 (利用目的) を入れてチェックボックスを表示してください (consent purposes need the consent text)' });
  }
  if (issues.length) throw new AppError('validation_failed', 'フォームの設定を確認してください', issues);
}

function origins(list: string[] | undefined): string[] | undefined {
  return list?.map((o) => normalizeOrigin(o) ?? o);
}

export async function createForm(db: Db, input: FormInput & { slug: string; kind: FormKind; title: string }, actor: Actor): Promise<Form> {
  const fields = cleanFields(input.fields ?? []);
  const allowedOrigins = origins(input.allowedOrigins) ?? [];
  definitionErrors({
    fields, consentRequired: input.consentRequired ?? false, consentText: input.consentText ?? null,
    consentPurpose: input.consentPurpose ?? null, allowedOrigins, redirectUrl: input.redirectUrl ?? null,
    consentPurposes: input.consentPurposes ?? [],
  });
  await assertEventExists(db, input.eventId);
  const sourceName = `form-${input.slug}`;
  if (await repo.slugTaken(db, input.slug) || await findSource(db, sourceName)) {
    throw new AppError('conflict', `URL「${input.slug}」は使われています (the URL is taken)`, [{ field: 'slug', message: 'このURLは既に使われています' }]);
  }
  return db.transaction().execute(async (trx) => {
    const source = await registerSource(trx, sourceName, `フォーム: ${input.title}`, 'form');
    if (!source) throw new AppError('conflict', `URL「${input.slug}」は使われています (the URL is taken)`, [{ field: 'slug', message: 'このURLは既に使われています' }]);
    const row = await repo.insertForm(trx, {
      slug: input.slug,
      kind: input.kind,
      title: input.title,
      description: input.description ?? null,
      fields: JSON.stringify(fields),
      consent_purpose: input.consentPurpose ?? null,
      consent_text: input.consentText ?? null,
      consent_required: input.consentRequired ?? false,
      consent_purposes: [...new Set(input.consentPurposes ?? [])],
      thank_you_message: input.thankYouMessage ?? null,
      redirect_url: input.redirectUrl ?? null,
      allowed_origins: JSON.stringify(allowedOrigins),
      event_id: input.eventId ?? null,
      status: input.status ?? 'draft',
      source_id: source.id,
      created_by_user_id: actor.auth?.userId ?? null,
    });
    await audit(trx, actor, 'form.create', { type: 'form', id: row.id }, { slug: row.slug, title: row.title });
    return toForm(row);
  });
}

export async function updateForm(db: Db, id: string, input: FormInput, actor: Actor): Promise<Form> {
  const before = await repo.findFormRow(db, id);
  if (!before) throw notFound('Form');
  if (input.slug !== undefined && input.slug !== before.slug) {
    throw new AppError('validation_failed', 'フォームのURLは作成後に変更できません', [{ field: 'slug', message: '公開済みのリンクや埋め込みコードが動かなくなるため変更できません' }]);
  }
  const fields = input.fields !== undefined ? cleanFields(input.fields) : (before.fields as FormField[]);
  const consentText = input.consentText !== undefined ? input.consentText : before.consent_text;
  const allowedOrigins = origins(input.allowedOrigins) ?? before.allowed_origins;
  definitionErrors({
    fields,
    consentRequired: input.consentRequired ?? before.consent_required,
    consentText,
    consentPurpose: input.consentPurpose !== undefined ? input.consentPurpose : before.consent_purpose,
    allowedOrigins,
    redirectUrl: input.redirectUrl !== undefined ? input.redirectUrl : before.redirect_url,
    consentPurposes: input.consentPurposes ?? before.consent_purposes,
  });
  if (input.eventId !== undefined) await assertEventExists(db, input.eventId);
  const wordingChanged = (consentText ?? '') !== (before.consent_text ?? '');
  const row = await repo.updateForm(db, id, {
    ...(input.kind !== undefined ? { kind: input.kind } : {}),
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.fields !== undefined ? { fields: JSON.stringify(fields) } : {}),
    ...(input.consentPurpose !== undefined ? { consent_purpose: input.consentPurpose } : {}),
    ...(input.consentText !== undefined ? { consent_text: input.consentText } : {}),
    ...(wordingChanged ? { consent_version: before.consent_version + 1 } : {}),
    ...(input.consentRequired !== undefined ? { consent_required: input.consentRequired } : {}),
    ...(input.consentPurposes !== undefined ? { consent_purposes: [...new Set(input.consentPurposes)] } : {}),
    ...(input.thankYouMessage !== undefined ? { thank_you_message: input.thankYouMessage } : {}),
    ...(input.redirectUrl !== undefined ? { redirect_url: input.redirectUrl } : {}),
    ...(input.allowedOrigins !== undefined ? { allowed_origins: JSON.stringify(allowedOrigins) } : {}),
    ...(input.eventId !== undefined ? { event_id: input.eventId } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
  });
  if (!row) throw notFound('Form');
  await audit(db, actor, 'form.update', { type: 'form', id }, { fields: Object.keys(input), ...(input.status ? { status: input.status } : {}) });
  return toForm(row);
}

export async function archiveForm(db: Db, id: string, actor: Actor): Promise<void> {
  const row = await repo.updateForm(db, id, { archived_at: new Date(), status: 'closed' });
  if (!row) throw notFound('Form');
  await audit(db, actor, 'form.archive', { type: 'form', id }, { slug: row.slug });
}

export async function getForm(db: Db, id: string): Promise<Form> {
  const row = await repo.findFormRow(db, id);
  if (!row) throw notFound('Form');
  const counts = await repo.countSubmissions(db, id);
  return { ...toForm(row), submissionCount: counts.accepted, spamCount: counts.spam };
}

export async function listForms(db: Db, query: { status?: string | undefined }): Promise<{ items: Form[] }> {
  return { items: (await repo.listFormRows(db, query)).map(toForm) };
}

/** What the builder offers: customer fields with their natural input type, and the defined custom fields. */
export async function fieldCatalog(db: Db): Promise<FormFieldCatalog> {
  const custom = await repo.listCustomFieldTargets(db);
  const customType = (t: string): FieldType => (t === 'select' ? 'select' : t === 'multi_select' ? 'checkbox' : t === 'date' ? 'date' : t === 'boolean' ? 'checkbox' : 'text');
  return {
    targets: [
      ...IMPORT_FIELDS.map((f) => ({ target: f, labelJa: TARGET_LABELS[f].ja, labelEn: TARGET_LABELS[f].en, type: DEFAULT_TYPE[f], options: [] as string[], custom: false })),
      ...custom.map((c) => ({
        target: `custom.${c.key}`, labelJa: c.label_ja, labelEn: c.label_en ?? c.key, type: customType(c.type),
        options: c.type === 'boolean' ? ['はい'] : (c.options ?? []), custom: true,
      })),
    ],
  };
}

// ── public side ──

// forms.html.ts renders it.
export type { PublicForm };

export const DEFAULT_THANKS = '送信ありがとうございました。内容を確認のうえ、担当者よりご連絡いたします。';

export function toPublicForm(row: FormRow): PublicForm {
  return {
    slug: row.slug,
    kind: row.kind,
    title: row.title,
    description: row.description,
    fields: (row.fields as FormField[]).map((f) => ({ ...f, options: optionsOf(f) })),
    consent: row.consent_text ? { text: row.consent_text, required: row.consent_required } : null,
    thankYouMessage: row.thank_you_message || DEFAULT_THANKS,
    redirectUrl: row.redirect_url,
  };
}

/** A published form by its public address; a draft is not found, a closed one says so. */
export async function openPublicForm(db: Db, slug: string) {
  const row = await repo.findFormBySlug(db, slug);
  if (!row || row.status === 'draft') throw new AppError('not_found', 'フォームが見つかりません (Form not found)');
  return row;
}

export function assertAccepting(row: FormRow): void {
  if (row.status === 'closed') throw new AppError('conflict', 'このフォームの受付は終了しました (This form is closed)');
}

/**
 * May a page of `origin` use this form? Our own pages always; others only when listed in allowedOrigins. No Origin at
 * all is not a browser page's request (a server, a script). `Origin: null` says nothing about the page (the hosted
 * page sends it, and so does any sandboxed or opaque one): never allowed here; see pageTokenValid.
 */
export function originAllowed(row: Pick<FormRow, 'allowed_origins'>, origin: string | null | undefined, ownOrigins: string[]): boolean {
  if (!origin) return true;
  if (origin === 'null') return false;
  if (ownOrigins.includes(origin)) return true;
  return row.allowed_origins.includes(origin);
}

/** Does a request carry this form's own page token, which only its hosted page holds (a hidden field)? */
export function pageTokenValid(row: Pick<FormRow, 'page_token'>, token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const given = Buffer.from(token);
  const expected = Buffer.from(row.page_token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface SubmissionMeta {
  ip: string | null;
  userAgent: string | null;
  visitorId?: string | null | undefined;
  pageUrl?: string | null | undefined;
  /** Told of each accepted submission after it is stored (the app wires the voice-of-customer inbox in). */
  onSubmitted?: FormSubmittedListener | undefined;
}

const SUBMISSION_KEY = /^[A-Za-z0-9_-]{8,100}$/u;
/** The tracker snippet's visitor ids (src/intake/tracker: window.daicho.visitorId(), cookie _daicho_vid). */
export const VISITOR_ID = /^[A-Za-z0-9_-]{8,64}$/u;

function ipHash(ip: string | null): string | null {
  return ip ? createHash('sha256').update(`daicho-form:${ip}`).digest('hex').slice(0, 32) : null;
}

function field(raw: RawSubmission, name: string): string | null {
  const v = raw[name];
  const s = Array.isArray(v) ? v[v.length - 1] : v;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : null;
}

/**
 * A submission from a browser: the key makes a double click or retry one submission; the honeypot makes a bot's
 * submission look accepted while nothing is kept of it but a count; a valid one becomes a source record of the
 * form's source (identity resolution links it to the customer), a `form_submission` activity on that customer and,
 * when the form asks for consent, a consent entry with the wording shown.
 */
export async function submitForm(db: Db, row: FormRow & { source_name: string }, raw: RawSubmission, meta: SubmissionMeta): Promise<SubmissionResult> {
  assertAccepting(row);
  const form = toPublicForm(row);
  const done = (duplicate: boolean): SubmissionResult => ({ status: 'accepted', duplicate, message: form.thankYouMessage, redirectUrl: form.redirectUrl });
  const givenKey = field(raw, 'submission_key');
  if (givenKey !== null && !SUBMISSION_KEY.test(givenKey)) {
    throw new AppError('validation_failed', '送信内容が正しくありません', [{ field: 'submission_key', message: 'submission_key は英数字・-・_ の8〜100文字です' }]);
  }
  const validated = validateSubmission({ fields: form.fields, consentRequired: row.consent_required }, raw, { today: new Date().toISOString().slice(0, 10) });
  // Without a key from the client, the content is the key: the same answers sent twice are one submission.
  const key = givenKey ?? `h-${createHash('sha256').update(JSON.stringify([row.id, validated.values, validated.honeypot])).digest('hex').slice(0, 40)}`;
  const existing = await repo.findSubmission(db, row.id, key);
  if (existing && (existing.status === 'spam' || existing.source_record_id !== null)) return done(true);

  const bucket = `form:${row.id}:${ipHash(meta.ip) ?? 'unknown'}`;
  const { hits, windowStart } = await hitRateLimit(db, bucket, FORM_RATE_LIMIT.windowSeconds);
  if (hits > FORM_RATE_LIMIT.maxPerWindow) {
    const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + FORM_RATE_LIMIT.windowSeconds * 1000 - Date.now()) / 1000));
    throw new AppError('too_many_requests', '送信が集中しています。しばらく待ってから再度お試しください (Too many submissions)', [], { 'Retry-After': String(retryAfter) });
  }

  const visitorId = field(raw, 'visitor_id');
  const base = {
    formId: row.id,
    key,
    ipHash: ipHash(meta.ip),
    userAgent: meta.userAgent?.slice(0, 500) ?? null,
    visitorId: visitorId && VISITOR_ID.test(visitorId) ? visitorId : null,
    pageUrl: (field(raw, 'page_url') ?? meta.pageUrl ?? null)?.slice(0, 1000) ?? null,
  };
  if (validated.honeypot) {
    await repo.insertSubmissionOnce(db, { ...base, status: 'spam', values: {}, consentGiven: null, consentVersion: null });
    return done(false);
  }
  if (validated.errors.length) throw new AppError('validation_failed', '入力内容を確認してください (Please check your input)', validated.errors);

  const consentShown = Boolean(row.consent_text);
  const { row: submission, inserted } = await repo.insertSubmissionOnce(db, {
    ...base, status: 'accepted', values: validated.values,
    consentGiven: consentShown ? validated.consentGiven : null, consentVersion: consentShown ? row.consent_version : null,
  });
  const ingest = () => ingestRecords(db, {
    source: { name: row.source_name, label: `フォーム: ${row.title}`, kind: 'form' },
    records: [{
      externalId: key,
      fields: validated.fields,
      attributes: validated.attributes,
      raw: { ...validated.values, _form: row.slug, _submittedAt: submission.created_at.toISOString(), ...(consentShown ? { _consent: validated.consentGiven } : {}) },
    }],
    actor: { auth: null, ip: null, userAgent: null },
  });
  let record: Awaited<ReturnType<typeof ingestRecords>>[number] | undefined;
  try {
    [record] = await ingest();
  } catch (error) {
    // Two identical POSTs at once (a double click): the other one staged the record first; staging again finds it.
    if (sqlState(error) !== PG_UNIQUE_VIOLATION) throw error;
    [record] = await ingest();
  }
  if (!record) throw new Error(`Submission ${key} of form ${row.slug} produced no source record`);
  await db.transaction().execute(async (trx) => {
    await repo.setSubmissionRecord(trx, submission.id, record.recordId);
    await upsertSubmissionActivity(trx, {
      customerId: record.customerId,
      occurredAt: submission.created_at,
      title: `${FORM_KIND_LABELS[row.kind]}: ${row.title}`,
      properties: {
        formId: row.id, formSlug: row.slug, formTitle: row.title, formKind: row.kind, submissionId: submission.id,
        ...(row.event_id ? { eventId: row.event_id } : {}),
        answers: timelineAnswers(form.fields, validated.values),
        ...(consentShown ? { consent: validated.consentGiven, consentPurpose: row.consent_purpose, consentVersion: row.consent_version } : {}),
      },
      sourceId: row.source_id,
      sourceRecordId: record.recordId,
      dedupeKey: `form:${row.id}:${key}`,
    });
    const shown = { textShown: row.consent_text, textVersion: row.consent_version, sourceId: row.source_id, sourceRecordId: record.recordId, recordedAt: submission.created_at };
    // The form's own purpose of use (APPI), granted or declined: its log entry, which grants nothing to campaigns.
    if (consentShown && row.consent_purpose) {
      await recordConsent(trx, {
        ...shown, customerId: record.customerId, purposeCode: null, purpose: row.consent_purpose,
        state: validated.consentGiven ? 'granted' : 'denied', method: 'form', dedupeKey: `form:${row.id}:${key}:${row.consent_purpose}`,
      });
    }
    // The purposes the ticked box grants (メルマガ, DM, …): one event each. An unticked box grants nothing and denies nothing.
    if (consentShown && validated.consentGiven) {
      for (const purposeCode of row.consent_purposes as ConsentPurposeCode[]) {
        await recordConsent(trx, {
          ...shown, customerId: record.customerId, purposeCode, state: 'granted', method: 'form', dedupeKey: `form:${row.id}:${key}:purpose:${purposeCode}`,
        });
      }
    }
  });
  if (row.event_id) await registerForFormEvent(db, row.event_id, row.slug, validated.fields, submission.created_at);
  if (meta.onSubmitted) {
    // The submission is stored already: a listener's failure is logged, not raised (the person sees their thanks).
    try {
      await meta.onSubmitted(db, { formId: row.id, submissionId: submission.id, sourceRecordId: record.recordId, customerId: record.customerId, submittedAt: submission.created_at, values: validated.values });
    } catch (error) {
      console.error(`Form ${row.slug}, submission ${submission.id}: the submission listener failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (base.visitorId) await identifyVisitorFromForm(db, base.visitorId, validated.fields);
  return done(!inserted);
}

/**
 * The answers shown on the customer's timeline, which every customers:read role sees: the form's questions with
 * choices only. Customer fields are on the profile already (masked for viewers there); free text stays in the
 * submission (forms:read, masked without customers:read_personal) and the source record.
 */
function timelineAnswers(fields: FormField[], values: Record<string, string | string[]>) {
  return fields.filter((f) => !isImportTarget(f.target) && !isPersonalField(f) && values[f.key] !== undefined)
    .map((f) => ({ key: f.key, label: f.labelJa, value: values[f.key]! }));
}

/**
 * A tracker visitor who submits a form becomes known: the tracker links the visitor to the same person (through its
 * own source record, resolved like any other) and writes their page views to the customer's timeline. Only what
 * identifies the person is passed on. The submission is stored already, so a tracker failure is logged, not raised.
 */
async function identifyVisitorFromForm(db: Db, visitorId: string, fields: Partial<Record<ImportField, string>>): Promise<void> {
  const identity: Partial<Record<ImportField, string>> = {};
  for (const key of ['email', 'phone', 'full_name', 'family_name', 'given_name', 'company_name'] as const) if (fields[key]) identity[key] = fields[key];
  try {
    await identifyVisitor(db, { visitorId, fields: identity, actor: { auth: null, ip: null, userAgent: 'form' } });
  } catch (error) {
    console.error(`[${new Date().toISOString()}] form submission: identifying tracker visitor failed: ${describeError(error)}`);
  }
}

/**
 * An イベント申込 form tied to an event registers the person for it (events feature): one registration per person
 * and event (keyed by e-mail or phone there), so a second submission by the same person updates it. Logged, not
 * raised, like the tracker: the submission itself is stored already.
 */
async function registerForFormEvent(db: Db, eventId: string, slug: string, fields: Partial<Record<ImportField, string>>, at: Date): Promise<void> {
  const joined = (a?: string, b?: string) => [a, b].filter(Boolean).join(' ') || null;
  try {
    await registerForEvent(db, eventId, {
      externalId: null,
      name: fields.full_name ?? joined(fields.family_name, fields.given_name),
      nameKana: fields.full_name_kana ?? joined(fields.family_name_kana, fields.given_name_kana),
      email: fields.email ?? null, phone: fields.phone ?? null, companyName: fields.company_name ?? null,
      department: fields.department ?? null, title: fields.title ?? null,
      registeredAt: at.toISOString(), source: `form-${slug}`,
    }, { auth: null, ip: null, userAgent: 'form' });
  } catch (error) {
    console.error(`[${new Date().toISOString()}] form ${slug}: event registration failed: ${describeError(error)}`);
  }
}

async function assertEventExists(db: Db, eventId: string | null | undefined): Promise<void> {
  if (!eventId) return;
  try {
    await getEvent(db, eventId);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') throw new AppError('validation_failed', 'イベントが見つかりません', [{ field: 'eventId', message: 'イベントが見つかりません (unknown event)' }]);
    throw error;
  }
}

// ── submissions list (personal data) ──

/** Personal answers (contact details, free text) are masked for roles without customers:read_personal. */
export async function listSubmissions(db: Db, formId: string, query: { status?: string | undefined; cursor?: string | undefined; limit?: number | undefined }, auth: AuthContext | null): Promise<FormSubmissionPage> {
  const row = await repo.findFormRow(db, formId);
  if (!row) throw notFound('Form');
  const limit = query.limit ?? 50;
  let before: number | null = null;
  if (query.cursor) {
    before = Number(query.cursor);
    if (!Number.isSafeInteger(before) || before < 1) throw new AppError('validation_failed', 'Invalid cursor', [{ field: 'cursor', message: 'Use the nextCursor of the previous page' }]);
  }
  const rows = await repo.listSubmissionRows(db, formId, query, before, limit + 1);
  const page = rows.slice(0, limit);
  const personal = auth !== null && can(auth.role, 'customers:read_personal');
  const fields = row.fields as FormField[];
  return {
    masked: !personal,
    fields: fields.map((f) => ({ key: f.key, labelJa: f.labelJa, labelEn: f.labelEn ?? null, type: f.type })),
    items: page.map((s): FormSubmission => ({
      id: s.id,
      status: s.status,
      values: personal ? (s.values as Record<string, string | string[]>) : maskValues(fields, s.values as Record<string, string | string[]>),
      consentGiven: s.consent_given,
      customerId: s.customer_id ?? null,
      customerName: s.customer_name ?? null,
      visitorId: personal ? s.visitor_id : (s.visitor_id ? MASK : null),
      createdAt: s.created_at.toISOString(),
    })),
    hasMore: rows.length > limit,
    nextCursor: rows.length > limit && page.length ? String(page[page.length - 1]!.id) : null,
  };
}

const PERSONAL_TARGETS: ReadonlySet<string> = new Set(['email', 'phone', 'postal_code', 'address', 'birth_date']);
const CHOICE_TYPES: ReadonlySet<FieldType> = new Set(['select', 'radio', 'checkbox', 'prefecture']);

/** Contact details, and anything a person typed freely into a question, are personal; names and choices are not. */
function isPersonalField(f: FormField): boolean {
  if (PERSONAL_TARGETS.has(f.target) || f.type === 'textarea') return true;
  return f.target.startsWith('custom.') && !CHOICE_TYPES.has(f.type);
}

function maskValues(fields: FormField[], values: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const f of fields) {
    const v = values[f.key];
    if (v === undefined) continue;
    if (!isPersonalField(f) || Array.isArray(v)) out[f.key] = v;
    else out[f.key] = f.type === 'email' ? maskEmail(v) ?? MASK : f.type === 'tel' ? maskPhone(v) ?? MASK : maskText(v) ?? MASK;
  }
  return out;
}

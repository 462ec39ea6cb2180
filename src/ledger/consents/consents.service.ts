import type { Actor, AuthContext } from '../../core/context.ts';
import { notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { ConsentMethod, ConsentPurpose, ConsentState } from '../../db/schema.ts';
import { can } from '../../domain/auth/permissions.ts';
import { emailLawfulBasis } from '../../domain/consent/basis.ts';
import { CONSENT_PURPOSES, PURPOSE_LABELS, STATE_LABELS, mostRestrictive, type CurrentConsentState } from '../../domain/consent/purposes.ts';
import { MASK } from '../../domain/customers/masking.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { findCustomerRow } from '../customers/customers.repository.ts';
import * as repo from './consents.repository.ts';
import type { ConsentEvent, ConsentLedger, CurrentConsent, EmailEligibility } from './consents.schemas.ts';

/** Events the customer page's history shows at most. */
const HISTORY_LIMIT = 500;

export interface ConsentInput {
  customerId: string;
  purposeCode: ConsentPurpose | null;
  /** The purpose as recorded; defaults to the purpose code (a form without a code gives its free-text purpose). */
  purpose?: string;
  state: ConsentState;
  method: ConsentMethod;
  sourceId?: string | null;
  /** The record the event came with (a form submission's, an import row's): the event follows it through merge and unmerge. */
  sourceRecordId?: number | null;
  textShown?: string | null;
  textVersion?: number | null;
  campaignId?: string | null;
  actorUserId?: string | null;
  /** What the event records, so a replay writes it once (form:<form>:<submission>:<purpose>, …). */
  dedupeKey?: string | null;
  /** When it happened; default the database's now() (one clock for every writer, so events order alike). */
  recordedAt?: Date;
}

/** Records one consent event (the ledger's one door). True if written; an event whose dedupe key is taken writes nothing. */
export async function recordConsent(db: Db, input: ConsentInput): Promise<boolean> {
  const purpose = input.purpose ?? input.purposeCode;
  if (!purpose) throw new Error('recordConsent: a purpose code or a purpose is required');
  return repo.insertConsent(db, toRow(input, purpose));
}

function toRow(input: ConsentInput, purpose: string): repo.NewConsentRow {
  return {
    customerId: input.customerId,
    purposeCode: input.purposeCode,
    purpose,
    state: input.state,
    method: input.method,
    sourceId: input.sourceId ?? null,
    sourceRecordId: input.sourceRecordId ?? null,
    textShown: input.textShown ?? null,
    textVersion: input.textVersion ?? null,
    campaignId: input.campaignId ?? null,
    actorUserId: input.actorUserId ?? null,
    dedupeKey: input.dedupeKey ?? null,
    recordedAt: input.recordedAt ?? null,
  };
}

/** Records many events at once (an import's page); returns how many were written. */
export async function recordConsents(db: Db, inputs: readonly (ConsentInput & { purposeCode: ConsentPurpose })[]): Promise<number> {
  return repo.insertConsents(db, inputs.map((i) => toRow(i, i.purpose ?? i.purposeCode)));
}

export { currentConsentStatesSql, customerConsentStateSql } from './consents.repository.ts';

/** The latest state of each (record, purpose) among these records, keyed `<recordId>:<purpose>` (an import compares with it). */
export async function latestRecordConsentStates(db: Db, recordIds: readonly number[]): Promise<Map<string, ConsentState>> {
  const rows = await repo.latestRecordStates(db, recordIds);
  return new Map(rows.map((r) => [`${r.source_record_id}:${r.purpose_code}`, r.state]));
}

function toEvent(r: repo.ConsentEventRow, personal: boolean): ConsentEvent {
  return {
    id: r.id,
    purpose: r.purpose,
    purposeCode: r.purpose_code,
    state: r.state,
    granted: r.state === 'granted',
    method: r.method,
    // A staff entry's note is free text a person typed about the customer; form wording and column names are not.
    textShown: r.method === 'staff' && r.text_shown !== null && !personal ? MASK : r.text_shown,
    textVersion: r.text_version,
    sourceId: r.source_id,
    source: r.source_label,
    sourceRecordId: r.source_record_id,
    campaignId: r.campaign_id,
    actorName: r.actor_name,
    recordedAt: new Date(r.recorded_at).toISOString(),
  };
}

/** Per purpose (every purpose, in a fixed order), the current state and the event that set it. */
export async function currentConsents(db: Db, customerId: string, auth: AuthContext | null = null): Promise<CurrentConsent[]> {
  const rows = await repo.currentConsentRows(db, customerId);
  const personal = canSeePersonal(auth);
  return CONSENT_PURPOSES.map((purposeCode) => {
    const row = rows.find((r) => r.purpose_code === purposeCode);
    return { purposeCode, state: row ? row.state : 'none', event: row ? toEvent(row, personal) : null };
  });
}

/** Every event of the customer, newest first (purpose-coded or a form's free-text purpose). */
export async function consentHistory(db: Db, customerId: string, auth: AuthContext | null = null): Promise<ConsentEvent[]> {
  const personal = canSeePersonal(auth);
  return (await repo.consentHistoryRows(db, customerId, HISTORY_LIMIT)).map((r) => toEvent(r, personal));
}

function canSeePersonal(auth: AuthContext | null): boolean {
  // Services called without a request (campaigns, tests) read everything; a signed-in role needs the permission.
  return auth === null || can(auth.role, 'customers:read_personal');
}

/**
 * May this customer be sent marketing e-mail, and on what basis (特定電子メール法): their current email_marketing
 * state and the e-mail basis of the sources of their records (src/domain/consent/basis.ts).
 */
export async function emailEligibility(db: Db, customerId: string): Promise<EmailEligibility> {
  const [current, sources] = await Promise.all([repo.currentConsentRows(db, customerId), repo.sourcesOfCustomer(db, customerId)]);
  const consentState: CurrentConsentState = current.find((r) => r.purpose_code === 'email_marketing')?.state ?? 'none';
  const result = emailLawfulBasis(consentState, sources.map((s) => s.email_basis));
  return {
    status: result.status,
    mayEmail: result.mayEmail,
    consentState,
    sources: sources.map((s) => ({ id: s.id, label: s.label, emailBasis: s.email_basis })),
    basisSources: sources.filter((s) => s.email_basis === result.status).map((s) => s.label),
  };
}

/** The customer page's card: current states, the e-mail basis, and the history. */
export async function consentLedger(db: Db, customerId: string, auth: AuthContext | null): Promise<ConsentLedger> {
  if (!(await findCustomerRow(db, customerId))) throw notFound('Customer');
  const [current, email, items] = await Promise.all([
    currentConsents(db, customerId, auth), emailEligibility(db, customerId), consentHistory(db, customerId, auth),
  ]);
  return { current, email, items };
}

/** A staff entry (電話で配信停止の申し出、など): a customer-level event, method staff, audited. */
export async function recordStaffConsent(
  db: Db, customerId: string, input: { purposeCode: ConsentPurpose; state: ConsentState; note?: string | null | undefined }, actor: Actor,
): Promise<ConsentLedger> {
  await db.transaction().execute(async (trx) => {
    if (!(await findCustomerRow(trx, customerId))) throw notFound('Customer');
    const note = input.note?.trim() || null;
    await recordConsent(trx, {
      customerId, purposeCode: input.purposeCode, state: input.state, method: 'staff', textShown: note,
      actorUserId: actor.auth?.userId ?? null,
    });
    await audit(trx, actor, 'consent.record', { type: 'customer', id: customerId }, { purpose: input.purposeCode, state: input.state, method: 'staff' });
  });
  return consentLedger(db, customerId, actor.auth);
}

/**
 * A merge of `mergedId` into `survivorId`, in the merge's transaction and before its records move: the merged-away
 * customer's customer-level events become the survivor's, and for each purpose where the two customers' current
 * states differ and one of them is an opt-out, one customer-level event (method merge) with the most restrictive
 * state, so an opt-out anywhere stops every campaign at once while a later opt-in still counts. A grant is never
 * written by a merge (granted against none: the grant is the latest event already). Returns the events written.
 */
export async function mergeConsentLedgers(db: Db, survivorId: string, mergedId: string, actorUserId: string | null): Promise<number> {
  const [kept, gone] = await Promise.all([repo.currentConsentRows(db, survivorId), repo.currentConsentRows(db, mergedId)]);
  await repo.moveCustomerLevelConsents(db, mergedId, survivorId);
  const stateOf = (rows: repo.ConsentEventRow[], p: ConsentPurpose): CurrentConsentState => rows.find((r) => r.purpose_code === p)?.state ?? 'none';
  let written = 0;
  for (const purposeCode of CONSENT_PURPOSES) {
    const a = stateOf(kept, purposeCode);
    const b = stateOf(gone, purposeCode);
    const state = mostRestrictive(a, b);
    if (a === b || state === 'none' || state === 'granted') continue;
    await recordConsent(db, {
      customerId: survivorId, purposeCode, state, method: 'merge', actorUserId,
      textShown: `統合: ${PURPOSE_LABELS[purposeCode].ja} ${STATE_LABELS[a].ja} と ${STATE_LABELS[b].ja} のうち制限の強い「${STATE_LABELS[state].ja}」を採用 (merge: most restrictive wins)`,
    });
    written++;
  }
  return written;
}

/** The customers whose customer-level events a merge moved to this one (unmerge asks which may go back). */
export async function consentOrigins(db: Db, customerId: string): Promise<string[]> {
  return repo.mergedFromCustomers(db, customerId);
}

/**
 * An unmerge that split out every record a merged-away customer had brought: that customer's customer-level events
 * (their unsubscribe, a staff entry about them) go to the customer split off, so each side has its own history back.
 * The merge's own events stay where they were written (the survivor keeps the most restrictive state it had).
 */
export async function returnConsentsOnUnmerge(db: Db, fromCustomerId: string, toCustomerId: string, mergedFrom: readonly string[]): Promise<number> {
  return repo.returnMergedConsents(db, fromCustomerId, toCustomerId, mergedFrom);
}

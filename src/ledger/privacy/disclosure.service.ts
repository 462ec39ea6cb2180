import type { Actor } from '../../core/context.ts';
import { AppError, describeError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { renderDisclosureHtml, type DisclosureBundle } from '../../domain/privacy/disclosure-html.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { enqueueJob, wakeWorkers } from '../../platform/jobs/jobs.service.ts';
import type { PrivacyParts } from './parts.ts';
import * as repo from './privacy.repository.ts';
import type { Report } from './privacy.schemas.ts';
import { customersWithMergedAway } from './subject.repository.ts';

/**
 * 開示: a report of everything Daicho holds on the request's customers, assembled section by section from
 * parts.sections (each owner's) by a background job (`privacy.disclosure`, src/platform/jobs): the request answers at
 * once with a report row whose progress the page polls; when ready, the HTML (printable, Japanese) and the JSON bundle
 * are downloadable, each download audited. A server that stops mid-report leaves the job to another (its lease
 * expires); a failed attempt marks the report failed and the job's retry starts it again.
 */

export const DISCLOSURE_JOB = 'privacy.disclosure';

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function toReport(r: Awaited<ReturnType<typeof repo.listReportsOfRequest>>[number]): Report {
  return {
    id: r.id, requestId: r.request_id, status: r.status, sectionsDone: r.sections_done, sectionsTotal: r.sections_total, error: r.error,
    createdBy: r.created_by_user_id, createdAt: iso(r.created_at)!, finishedAt: iso(r.finished_at),
  };
}

/** Starts a report: its row and its job in one transaction (a report never waits for a job that was not queued). */
export async function startDisclosure(db: Db, requestId: string, actor: Actor, parts: PrivacyParts): Promise<{ report: Report; jobId: string }> {
  const request = await repo.findRequest(db, requestId);
  if (!request) throw notFound('Privacy request');
  if (request.erased_at) throw new AppError('conflict', '消去済みの請求は開示できません (the person was erased)');
  const asked = (await repo.listRequestCustomers(db, requestId)).filter((c) => c.display_name !== null).map((c) => c.customer_id);
  if (asked.length === 0) throw new AppError('conflict', '請求に対象の顧客がいません。先に顧客を選んでください (the request concerns no customer)');
  const { id, jobId } = await db.transaction().execute(async (trx) => {
    const id = await repo.insertReport(trx, requestId, parts.sections.length, actor.auth?.userId ?? null);
    const job = await enqueueJob(trx, DISCLOSURE_JOB, { payload: { reportId: id }, dedupeKey: `${DISCLOSURE_JOB}:${id}`, maxAttempts: 3 });
    await audit(trx, actor, 'privacy.disclosure.generate', { type: 'privacy_request', id: requestId }, { report: id });
    return { id, jobId: job.id };
  });
  wakeWorkers();
  const report = (await repo.listReportsOfRequest(db, requestId)).find((r) => r.id === id)!;
  return { report: toReport(report), jobId };
}

/**
 * The `privacy.disclosure` job: writes the report section by section. A report erased meanwhile (its person was)
 * is nothing to do; a failure marks the report failed with its reason and is thrown for the job's retry.
 */
export async function generateDisclosure(db: Db, reportId: string, parts: PrivacyParts): Promise<void> {
  const report = await repo.findReport(db, reportId);
  if (!report) return;
  const request = await repo.findRequest(db, report.request_id);
  if (!request || request.erased_at) return;
  await repo.restartReport(db, reportId);
  try {
    const asked = (await repo.listRequestCustomers(db, request.id)).filter((c) => c.display_name !== null).map((c) => c.customer_id);
    await generate(db, reportId, request, asked, parts);
  } catch (error) {
    await repo.failReport(db, reportId, describeError(error).slice(0, 500)).catch(() => {});
    throw error;
  }
}

async function generate(db: Db, reportId: string, request: repo.RequestRowDb, asked: string[], parts: PrivacyParts): Promise<void> {
  const customerIds = await customersWithMergedAway(db, asked);
  const bundle: DisclosureBundle = {
    generatedAt: new Date().toISOString(),
    request: { id: request.id, kind: request.kind, receivedOn: request.received_on, requesterName: request.requester_name },
    customerIds,
    sections: [],
  };
  for (const section of parts.sections) {
    const rows = await section.collect(db, customerIds);
    bundle.sections.push({ key: section.key, titleJa: section.titleJa, titleEn: section.titleEn, rows: JSON.parse(JSON.stringify(rows)) as Array<Record<string, unknown>> });
    await repo.setReportProgress(db, reportId, bundle.sections.length);
  }
  await repo.finishReport(db, reportId, renderDisclosureHtml(bundle), bundle);
}

export async function listReports(db: Db, requestId: string): Promise<{ items: Report[] }> {
  return { items: (await repo.listReportsOfRequest(db, requestId)).map(toReport) };
}

export async function getReport(db: Db, reportId: string): Promise<Report> {
  const r = await repo.findReport(db, reportId);
  if (!r) throw notFound('Disclosure report');
  return toReport(r);
}

/** The report's file (html or json), audited as a download of the person's data. */
export async function downloadReport(db: Db, reportId: string, format: 'html' | 'json', actor: Actor): Promise<{ body: string; requestId: string }> {
  const r = await repo.findReport(db, reportId);
  if (!r) throw notFound('Disclosure report');
  if (r.status !== 'ready') throw new AppError('conflict', '開示レポートはまだ作成中です (the report is not ready)');
  await audit(db, actor, 'privacy.disclosure.download', { type: 'privacy_request', id: r.request_id }, { report: reportId, format });
  return { body: format === 'html' ? r.html! : JSON.stringify(r.bundle, null, 2), requestId: r.request_id };
}

import type { Actor } from '../../core/context.ts';
import { AppError, describeError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { renderDisclosureHtml, type DisclosureBundle } from '../../domain/privacy/disclosure-html.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import type { PrivacyParts } from './parts.ts';
import * as repo from './privacy.repository.ts';
import type { Report } from './privacy.schemas.ts';
import { customersWithMergedAway } from './subject.repository.ts';

/**
 * 開示: a report of everything Daicho holds on the request's customers, assembled section by section from
 * parts.sections (each owner's) in the background: the request answers at once with a report row whose progress the
 * page polls; when ready, the HTML (printable, Japanese) and the JSON bundle are downloadable, each download audited.
 */

/** A report still running after this long was interrupted (its server stopped): it is failed and can be started again. */
const STALE_MINUTES = 30;

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function toReport(r: Awaited<ReturnType<typeof repo.listReportsOfRequest>>[number]): Report {
  return {
    id: r.id, requestId: r.request_id, status: r.status, sectionsDone: r.sections_done, sectionsTotal: r.sections_total, error: r.error,
    createdBy: r.created_by_user_id, createdAt: iso(r.created_at)!, finishedAt: iso(r.finished_at),
  };
}

/** Starts a report; `done` resolves when it is written (tests and the CLI wait for it, the route does not). */
export async function startDisclosure(db: Db, requestId: string, actor: Actor, parts: PrivacyParts): Promise<{ report: Report; done: Promise<void> }> {
  const request = await repo.findRequest(db, requestId);
  if (!request) throw notFound('Privacy request');
  if (request.erased_at) throw new AppError('conflict', '消去済みの請求は開示できません (the person was erased)');
  const asked = (await repo.listRequestCustomers(db, requestId)).filter((c) => c.display_name !== null).map((c) => c.customer_id);
  if (asked.length === 0) throw new AppError('conflict', '請求に対象の顧客がいません。先に顧客を選んでください (the request concerns no customer)');
  const id = await db.transaction().execute(async (trx) => {
    const id = await repo.insertReport(trx, requestId, parts.sections.length, actor.auth?.userId ?? null);
    await audit(trx, actor, 'privacy.disclosure.generate', { type: 'privacy_request', id: requestId }, { report: id });
    return id;
  });
  const done = generate(db, id, request, asked, parts).catch(async (error: unknown) => {
    await repo.failReport(db, id, describeError(error).slice(0, 500)).catch(() => {});
  });
  const report = (await repo.listReportsOfRequest(db, requestId)).find((r) => r.id === id)!;
  return { report: toReport(report), done };
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
  await repo.failStaleReports(db, STALE_MINUTES);
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

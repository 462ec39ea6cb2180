import { eraseOrdersOf } from '../intake/orders/orders.repository.ts';
import { eraseRegistrationsOf } from '../intake/events/events.repository.ts';
import { eraseIssuesQuoting } from '../intake/files/import.repository.ts';
import { eraseUploadsQuoting } from '../intake/files/upload-erasure.ts';
import { eraseSubmissionsOf } from '../intake/forms/forms.repository.ts';
import { eraseVisitorsOf } from '../intake/tracker/tracker.repository.ts';
import { eraseActivitiesOf, eraseActivitiesOfRecords } from '../ledger/activities/activities.repository.ts';
import { eraseAffiliationsOf } from '../ledger/companies/companies.repository.ts';
import { detachConsentsFromRecords, eraseConsentsOf } from '../ledger/consents/consents.repository.ts';
import { recomputeCustomers } from '../ledger/customers/golden.service.ts';
import { eraseCustomersOf } from '../ledger/customers/customers.repository.ts';
import { LEDGER_SECTIONS, type Eraser, type PrivacyParts } from '../ledger/privacy/parts.ts';
import { refreshQualityOf } from '../ledger/quality/quality.service.ts';
import { eraseValuesOf } from '../ledger/values/values.repository.ts';
import { refreshValuesOf } from '../ledger/values/values.service.ts';
import { eraseRecordsOf } from '../resolution/resolution.repository.ts';
import { listBackupsCreatedBefore } from '../platform/operations/backups.repository.ts';
import { eraseExportCustomersOf } from '../platform/audit/audit.repository.ts';
import { eraseMessagesOf } from '../use/campaigns/messages.repository.ts';
import { eraseOutboxOf } from '../use/campaigns/outbox.repository.ts';
import { eraseSuppressionsOf } from '../use/campaigns/suppressions.repository.ts';
import { eraseCandidatesOf } from '../use/recommend/recommend.repository.ts';
import { eraseMembersOf } from '../use/segments/segments.repository.ts';
import { eraseVoiceOf } from '../use/voice/voice.repository.ts';
import { eraseTriggerDataOf } from '../use/triggers/triggers.repository.ts';

/**
 * The owners of personal data, as APPI requests need them (src/ledger/privacy/parts.ts): each table is erased by its
 * own repository, in this order (rows that point at others first: outbox → messages, firings → tasks, orders and
 * submissions → records → customers). A feature that stores personal data adds its eraser and its disclosure
 * section here; the every-table erasure test (test/ledger/privacy/erasure.test.ts) fails until it does.
 */
const ERASERS: readonly Eraser[] = [
  // First: an item points at the person's source record and form submission.
  { table: 'voice_items, voice_item_tags, voice_comments, voice_replies, voice_digests', erase: (trx, s) => eraseVoiceOf(trx, s.recordIds) },
  { table: 'segment_members', erase: (trx, s) => eraseMembersOf(trx, s.customerIds) },
  { table: 'export_customers', erase: (trx, s) => eraseExportCustomersOf(trx, s.customerIds) },
  { table: 'customer_candidates', erase: (trx, s) => eraseCandidatesOf(trx, s.customerIds) },
  { table: 'trigger_firings, tasks', erase: (trx, s) => eraseTriggerDataOf(trx, s.customerIds) },
  { table: 'outbox_messages', erase: (trx, s) => eraseOutboxOf(trx, s.customerIds, s.addresses) },
  { table: 'contact_suppressions', erase: (trx, s) => eraseSuppressionsOf(trx, s.customerIds, s.addresses) },
  { table: 'campaign_messages, campaign_audience', erase: (trx, s) => eraseMessagesOf(trx, s.customerIds) },
  { table: 'orders, order_lines', erase: (trx, s) => eraseOrdersOf(trx, s.recordIds) },
  { table: 'event_registrations', erase: (trx, s) => eraseRegistrationsOf(trx, s.recordIds) },
  { table: 'form_submissions', erase: (trx, s) => eraseSubmissionsOf(trx, s.recordIds) },
  { table: 'web_visitors, web_visits, page_views, web_events', erase: (trx, s) => eraseVisitorsOf(trx, s.recordIds) },
  { table: 'import_issues', erase: (trx, s) => eraseIssuesQuoting(trx, s.values) },
  // Files on disk, not rows: uploads waiting in the import wizard's folder that quote the person (intake/files/upload-erasure.ts).
  { table: 'uploaded files', erase: (_trx, s) => eraseUploadsQuoting(s.values, s.addresses), requestOnly: true },
  { table: 'consents', erase: (trx, s) => eraseConsentsOf(trx, s.customerIds, s.recordIds) },
  { table: 'activities', erase: (trx, s) => eraseActivitiesOf(trx, s.customerIds) },
  { table: 'customer_values, customer_order_days, customer_category_days, customer_order_totals', erase: (trx, s) => eraseValuesOf(trx, s.customerIds) },
  { table: 'affiliations', erase: (trx, s) => eraseAffiliationsOf(trx, s.customerIds) },
  { table: 'source_records, match_keys, name_part_counts, match_decisions, review_items', erase: (trx, s) => eraseRecordsOf(trx, s.customerIds, s.recordIds) },
  { table: 'customers, customer_facts, customer_funnel, customer_stage_changes', erase: (trx, s) => eraseCustomersOf(trx, s.customerIds) },
];

/**
 * The retention delete of records whose customers keep other records (src/ledger/privacy/retention.service.ts): what
 * each record brought goes with it (its voice items, orders, registrations, submissions, visitors, activities, match
 * keys and decisions), the record last. Consents stay, detached from the record: a person's decision (a withdrawal
 * above all) outlives the record that carried it.
 */
const RECORD_ERASERS: readonly Eraser[] = [
  { table: 'voice_items, voice_item_tags, voice_comments, voice_replies, voice_digests', erase: (trx, s) => eraseVoiceOf(trx, s.recordIds) },
  { table: 'orders, order_lines', erase: (trx, s) => eraseOrdersOf(trx, s.recordIds) },
  { table: 'event_registrations', erase: (trx, s) => eraseRegistrationsOf(trx, s.recordIds) },
  { table: 'form_submissions', erase: (trx, s) => eraseSubmissionsOf(trx, s.recordIds) },
  { table: 'web_visitors, web_visits, page_views, web_events', erase: (trx, s) => eraseVisitorsOf(trx, s.recordIds) },
  { table: 'consents (detached)', erase: (trx, s) => detachConsentsFromRecords(trx, s.recordIds) },
  { table: 'activities', erase: (trx, s) => eraseActivitiesOfRecords(trx, s.recordIds) },
  { table: 'source_records, match_keys, name_part_counts, match_decisions, review_items', erase: (trx, s) => eraseRecordsOf(trx, [], s.recordIds) },
];

export function privacyParts(): PrivacyParts {
  return {
    sections: LEDGER_SECTIONS,
    erasers: ERASERS,
    recordErasers: RECORD_ERASERS,
    // Survivorship picks again from the records left; orders may have gone, so values and rollups too; then quality.
    recordsRemoved: async (trx, customerIds) => {
      if (customerIds.length === 0) return;
      await recomputeCustomers(trx, customerIds);
      for (let i = 0; i < customerIds.length; i += 2000) await refreshValuesOf(trx, customerIds.slice(i, i + 2000));
      await refreshQualityOf(trx, customerIds);
    },
    // The backup register (src/platform/operations): files taken before the erasure still hold the person until rotation deletes them.
    backupsTakenBefore: async (db, erasedAt) => (await listBackupsCreatedBefore(db, erasedAt)).map((b) => ({
      id: b.id, takenAt: b.createdAt, expiresAt: b.expiresAt, location: b.filePath,
    })),
  };
}

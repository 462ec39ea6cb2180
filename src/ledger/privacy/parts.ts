import type { Db } from '../../db/database.ts';
import * as subject from './subject.repository.ts';

/**
 * The extension points of APPI requests. A disclosure report is assembled from sections and an erasure is carried
 * out by erasers, each provided by the feature that owns the data (its repository is the one writer of its tables).
 * src/app/privacy-parts.ts lists them all, in the order an erasure must run (rows that point at others first); a new
 * feature that stores personal data (feedback, voice of the customer) adds its section and its eraser there.
 */

export interface ErasureSubject {
  /** The customers erased, including every customer merged into them. */
  customerIds: string[];
  /** Their source records. */
  recordIds: number[];
  /** Their e-mail addresses, lowercased (rows keyed by address: suppressions, the outbox). */
  addresses: string[];
  /** The string values of their records as received (rows that quote a value: import issues). */
  values: string[];
}

export interface Eraser {
  /** What it deletes, as the tombstone's counts name it (a table, or a table and its children). */
  table: string;
  erase(trx: Db, subject: ErasureSubject): Promise<number>;
  /**
   * Only for an erasure request: the retention delete (retention.service.ts) skips it. Uploaded files waiting in the
   * import wizard are new copies, not the source's old records; the retention rule does not cover them.
   */
  requestOnly?: boolean;
}

export interface DisclosureSection {
  key: string;
  titleJa: string;
  titleEn: string;
  collect(db: Db, customerIds: string[]): Promise<Array<Record<string, unknown>>>;
}

export interface BackupHolding { id: string; takenAt: Date; expiresAt: Date | null; location: string | null }

export interface PrivacyParts {
  sections: readonly DisclosureSection[];
  erasers: readonly Eraser[];
  /**
   * The retention delete (retention.service.ts) of records whose customers keep other records: each owner deletes
   * what the records brought (subject.customerIds is empty, subject.recordIds the records), in order, records last.
   */
  recordErasers: readonly Eraser[];
  /** After records of these (surviving) customers went: their golden records and derived values are recomputed. */
  recordsRemoved(trx: Db, customerIds: readonly string[]): Promise<void>;
  /**
   * Backups taken before `erasedAt`, which hold the erased data until they expire; null when the installation has no
   * backup registry to read (then the request page says so).
   */
  backupsTakenBefore(db: Db, erasedAt: Date): Promise<BackupHolding[] | null>;
}

const rows = <T extends object>(p: Promise<T[]>) => p.then((r) => r as Array<Record<string, unknown>>);

/** The sections whose data the ledger reads itself (every table is read, never written, here). */
export const LEDGER_SECTIONS: readonly DisclosureSection[] = [
  { key: 'golden', titleJa: '顧客情報 (統合された値と出所)', titleEn: 'Golden record with provenance', collect: (db, ids) => rows(subject.goldenRecords(db, ids)) },
  { key: 'source_records', titleJa: '受け取った元データ', titleEn: 'Source records as received', collect: (db, ids) => rows(subject.sourceRecordsAsReceived(db, ids)) },
  { key: 'activities', titleJa: '行動履歴', titleEn: 'Activities', collect: async (db, ids) => {
    const out: Array<Record<string, unknown>> = [];
    let after = 0;
    // Page by page: a long history never sits in one result set.
    for (;;) {
      const page = await subject.activitiesOf(db, ids, after, 5000);
      out.push(...page.map(({ id: _id, ...r }) => r));
      if (page.length < 5000) return out;
      after = page[page.length - 1]!.id;
    }
  } },
  { key: 'consents', titleJa: '同意の履歴', titleEn: 'Consents with history', collect: (db, ids) => rows(subject.consentEventsOf(db, ids)) },
  { key: 'segments', titleJa: 'セグメント', titleEn: 'Segment memberships', collect: (db, ids) => rows(subject.segmentMembershipsOf(db, ids)) },
  { key: 'campaigns', titleJa: '配信したキャンペーン', titleEn: 'Campaigns sent', collect: (db, ids) => rows(subject.campaignMessagesOf(db, ids)) },
  { key: 'orders', titleJa: '購買履歴', titleEn: 'Orders', collect: (db, ids) => rows(subject.ordersOf(db, ids)) },
  { key: 'forms', titleJa: 'フォームの送信', titleEn: 'Form submissions', collect: (db, ids) => rows(subject.formSubmissionsOf(db, ids)) },
  { key: 'events', titleJa: 'イベントの申込', titleEn: 'Event registrations', collect: (db, ids) => rows(subject.eventRegistrationsOf(db, ids)) },
  { key: 'provisions', titleJa: '第三者への提供', titleEn: 'Provision to third parties', collect: (db, ids) => rows(subject.provisionsOf(db, ids)) },
  { key: 'audit', titleJa: '閲覧・編集の記録', titleEn: 'Who viewed or edited the data', collect: (db, ids) => rows(subject.auditEntriesOf(db, ids)) },
];

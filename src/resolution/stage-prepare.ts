/**
 * The CPU side of staging: everything an imported row needs before it is written, computed without the database so
 * it can run in a worker thread (prepare-pool.ts) while the main thread writes the previous batch. The result holds
 * strings only (JSON documents, hashes): they cross a thread boundary almost for free and are what the insert sends.
 */
import { contentHash, mapRow, type ImportField, type ImportProfile } from '../domain/import/profile.ts';
import { storableValues, toStatement, type FlaggedValue } from '../domain/import/statement.ts';
import { stripUnstorableDeep } from '../domain/normalize/storable.ts';
import { blockingKeys, prepareMatchRecord } from '../domain/match/index.ts';
import { storedKey, storedKeyHash } from './key-hash.ts';

export interface MappedInput {
  line: number;
  raw: Record<string, unknown>;
  externalId: string | null;
  fields: Partial<Record<ImportField, string>>;
  attributes: Record<string, string>;
}

export interface PreparedRow {
  line: number;
  externalId: string;
  contentHash: string;
  rawJson: string;
  statementJson: string;
  matchRecordJson: string;
  /** Blocking keys as stored (match_keys.key_hash). */
  keyHashes: string[];
  flagged: FlaggedValue[];
}

/**
 * A mapped row's key within its source and its content hash: the id column's value, else the content hash itself
 * (a source without ids). Staging and its dry run (validate.service.ts) key records alike through it.
 */
export function recordKey(mapped: Pick<MappedInput, 'externalId' | 'fields' | 'attributes'>): { externalId: string; contentHash: string } {
  const hash = contentHash(mapped.fields, mapped.attributes);
  return { externalId: mapped.externalId ?? `sha256:${hash}`, contentHash: hash };
}

/** Mapped rows → what staging writes. Pure. */
export function prepareMapped(rows: readonly MappedInput[], sourceName: string): PreparedRow[] {
  return rows.map((input) => {
    const { row: mapped, flagged: stripped } = storableValues(input);
    const { externalId, contentHash: hash } = recordKey(mapped);
    const { statement, flagged: unusable } = toStatement(mapped.fields, mapped.attributes);
    const flagged = stripped.length ? [...stripped, ...unusable] : unusable;
    const matchRecord = prepareMatchRecord({ id: '', source: sourceName, fields: mapped.fields });
    // The keys travel with the record (match_record.blockKeys): resolution reads them instead of deriving them again.
    const blockKeys = blockingKeys(matchRecord).map(storedKey);
    return {
      line: mapped.line,
      externalId,
      contentHash: hash,
      rawJson: JSON.stringify(stripUnstorableDeep(mapped.raw)),
      statementJson: JSON.stringify(statement),
      matchRecordJson: JSON.stringify({ ...matchRecord, blockKeys }),
      keyHashes: blockKeys.map(storedKeyHash),
      flagged,
    };
  });
}

/** File rows (header → value) → what staging writes, through the import profile. Pure. */
export function prepareFileRows(rows: ReadonlyArray<{ line: number; values: Record<string, string> }>, profile: ImportProfile, sourceName: string): PreparedRow[] {
  return prepareMapped(rows.map((row) => ({ line: row.line, raw: row.values, ...mapRow(row.values, profile, row.line) })), sourceName);
}

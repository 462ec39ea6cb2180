import { createHmac } from 'node:crypto';
import type { MatchRecord } from '../match/types.ts';

/**
 * An erasure's tombstone: the identifiers a later record of the same person would carry, as keyed hashes. Pure.
 * Identifiers are taken from the matcher's prepared form of a record (the same normalisation resolution uses), so an
 * import, a form or an API record of the person yields the same strings: the e-mail match key (lowercase, +tag and
 * gmail dots removed), each phone in E.164, and the folded family + given name with the birth date (a name alone is
 * too common to flag anyone).
 */

export type TombstoneKind = 'email' | 'phone' | 'name_birth';
export interface TombstoneIdentifier { kind: TombstoneKind; value: string }

export function tombstoneIdentifiers(record: Pick<MatchRecord, 'emails' | 'phones' | 'family' | 'given' | 'unsplit' | 'birthDate'>): TombstoneIdentifier[] {
  const out = new Map<string, TombstoneIdentifier>();
  const add = (kind: TombstoneKind, value: string | null | undefined) => {
    if (value) out.set(`${kind}:${value}`, { kind, value });
  };
  for (const e of record.emails ?? []) add('email', e.key);
  for (const p of record.phones ?? []) add('phone', p.value);
  if (record.birthDate) {
    const name = record.family?.text || record.given?.text
      ? `${record.family?.text ?? ''} ${record.given?.text ?? ''}`.trim()
      : record.unsplit?.text ?? null;
    if (name) add('name_birth', `${name}|${record.birthDate}`);
  }
  return [...out.values()];
}

/** HMAC-SHA-256 of kind:value under the installation's tombstone key, hex. */
export function tombstoneHash(key: string, id: TombstoneIdentifier): string {
  return createHmac('sha256', key).update(`${id.kind}:${id.value}`).digest('hex');
}

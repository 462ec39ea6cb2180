/**
 * Source names: what a person may call a source, and the names Daicho's own features give theirs.
 */

/**
 * A source name a person gives (an import profile's `source`, POST /sources): lower-case letters, digits, `-` and `_`
 * (the registry's own constraint has always allowed `_`), at most 63 characters.
 */
export const SOURCE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/u;

/** The part of Daicho that writes a source's records, when a feature of its own does. */
export type SourceOwner = 'manual' | 'forms' | 'tracker' | 'orders' | 'events';

/**
 * Which feature a source name belongs to, or null for a name of no feature's (a department's export, e.g. meishi):
 * `manual` (edits in the UI/API), `form-<slug>` (a form's submissions), `web-<site id>` (a tracked site's visitors),
 * `events-form-<slug>` (a form's event registrations), `orders-<system>` and `events-<tool>` (order and
 * attendance files and API calls).
 */
export function sourceOwner(name: string): SourceOwner | null {
  if (name === 'manual') return 'manual';
  if (name.startsWith('form-') || name.startsWith('events-form-')) return 'forms';
  if (name.startsWith('web-')) return 'tracker';
  if (name.startsWith('orders-')) return 'orders';
  if (name.startsWith('events-')) return 'events';
  return null;
}

/** Owners whose sources only their feature ever registers or writes: never a file's target, never registered by hand. */
export const FEATURE_ONLY_OWNERS: ReadonlySet<SourceOwner> = new Set(['manual', 'forms', 'tracker']);

/** Kinds of source whose records only their feature writes (the manual source, forms, tracked sites). */
export const RESERVED_KINDS: ReadonlySet<string> = new Set(['manual', 'form', 'tracker']);

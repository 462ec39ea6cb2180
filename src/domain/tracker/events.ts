/**
 * The collect wire format and its validation (pure). One request is one batch from one browser:
 *
 *   { k: writeKey, v: visitorId, s: visitId, n: sentAtMs, c?: 1, e: [event, …] }
 *   pv  { t: 'pv', i: pageViewId, u: url, ti?: title, r?: referrer, f?: 1, at: ms }   a page view (f: the visit's first)
 *   pl  { t: 'pl', i: pageViewId, u: url, d: dwellMs, at: ms }                 leaving (or hiding) it: visible time so far
 *   ev  { t: 'ev', i: eventId, n: name, p?: pageViewId, pr?: {…}, at: ms }     daicho.track(name, props)
 *   id  { t: 'id', tr: { email, name, … }, at: ms }                            daicho.identify(traits)
 *
 * Short keys keep the snippet small. Times are the browser's clock; only their distance from `n` is trusted
 * (occurred = server time − (n − at)), so a wrong clock on the visitor's PC does not move events.
 * A bad envelope rejects the batch; a bad event is rejected alone, with its reason, and the others are kept.
 */
import { findUnstorable } from '../normalize/storable.ts';
import { parsePageUrl } from './utm.ts';

export const LIMITS = {
  bodyBytes: 64 * 1024,
  eventsPerBatch: 100,
  urlChars: 2048,
  titleChars: 500,
  nameChars: 100,
  propsBytes: 2048,
  traitsBytes: 2048,
  /** Events older than this (by the browser's own clock) are refused: a queue this old is not a live page. */
  maxAgeMs: 24 * 60 * 60 * 1000,
  maxDwellMs: 24 * 60 * 60 * 1000,
} as const;

/** Why an event or a whole request was refused; counted per site and day in tracker_rejections. */
export const REJECT_REASONS = [
  'malformed_json', 'bad_envelope', 'unknown_key', 'site_inactive', 'origin_not_allowed', 'bot', 'do_not_track',
  'payload_too_large', 'too_many_events', 'rate_limited',
  'bad_event', 'bad_type', 'bad_id', 'bad_url', 'bad_time', 'too_long', 'bad_dwell', 'bad_props', 'bad_traits', 'duplicate',
  'unstorable_text',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

const ID = /^[A-Za-z0-9_-]{8,64}$/;
const KEY = /^dt_[A-Za-z0-9]{20,64}$/;

export interface Envelope {
  writeKey: string;
  visitorKey: string;
  visitKey: string;
  consentGranted: boolean;
}

export type TrackerEvent =
  | { type: 'pv'; key: string; url: string; title: string | null; referrer: string | null; entry: boolean; at: Date }
  | { type: 'pl'; key: string; url: string; dwellMs: number; at: Date }
  | { type: 'ev'; key: string; name: string; pageViewKey: string | null; properties: Record<string, unknown>; at: Date }
  | { type: 'id'; traits: Record<string, unknown>; at: Date };

export interface ParsedBatch {
  envelope: Envelope;
  events: TrackerEvent[];
  rejected: Array<{ index: number; reason: RejectReason }>;
}

export type BatchResult = { ok: true; batch: ParsedBatch } | { ok: false; reason: RejectReason };

/** Parses a request body (text: sendBeacon posts text/plain) into a batch, or the reason it is refused. */
export function parseBatchText(body: string, serverNow: number): BatchResult {
  if (body.length > LIMITS.bodyBytes) return { ok: false, reason: 'payload_too_large' };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'malformed_json' };
  }
  return parseBatch(value, serverNow);
}

export function parseBatch(value: unknown, serverNow: number): BatchResult {
  if (!isObject(value)) return { ok: false, reason: 'bad_envelope' };
  const { k, v, s, n, c, e } = value;
  if (typeof k !== 'string' || !KEY.test(k)) return { ok: false, reason: 'unknown_key' };
  if (typeof v !== 'string' || !ID.test(v) || typeof s !== 'string' || !ID.test(s) || !Array.isArray(e)) return { ok: false, reason: 'bad_envelope' };
  if (e.length > LIMITS.eventsPerBatch) return { ok: false, reason: 'too_many_events' };
  const sentAt = typeof n === 'number' && Number.isFinite(n) ? n : null;
  const events: TrackerEvent[] = [];
  const rejected: ParsedBatch['rejected'] = [];
  const seen = new Set<string>();
  e.forEach((raw, index) => {
    const result = parseEvent(raw, sentAt, serverNow);
    if (typeof result === 'string') {
      rejected.push({ index, reason: result });
      return;
    }
    // pv and pl of one page view may share a batch, and several pl (dwell only grows); the same pv or ev twice may not.
    const dedupe = result.type === 'pv' || result.type === 'ev' ? `${result.type}:${result.key}` : null;
    if (dedupe && seen.has(dedupe)) {
      rejected.push({ index, reason: 'duplicate' });
      return;
    }
    if (dedupe) seen.add(dedupe);
    events.push(result);
  });
  return { ok: true, batch: { envelope: { writeKey: k, visitorKey: v, visitKey: s, consentGranted: c === 1 || c === true }, events, rejected } };
}

function parseEvent(raw: unknown, sentAt: number | null, serverNow: number): TrackerEvent | RejectReason {
  if (!isObject(raw)) return 'bad_event';
  // A value PostgreSQL cannot store (NUL, a lone surrogate) refuses the event alone: the page's other events land.
  if (findUnstorable(raw) !== null) return 'unstorable_text';
  const at = eventTime(raw.at, sentAt, serverNow);
  if (at === null) return 'bad_time';
  switch (raw.t) {
    case 'pv': {
      if (typeof raw.i !== 'string' || !ID.test(raw.i)) return 'bad_id';
      const [url, bad] = pageUrl(raw.u);
      if (bad) return bad;
      const title = optionalText(raw.ti, LIMITS.titleChars);
      const referrer = optionalText(raw.r, LIMITS.urlChars);
      if (title === false || referrer === false) return 'too_long';
      return { type: 'pv', key: raw.i, url, title, referrer, entry: raw.f === 1 || raw.f === true, at };
    }
    case 'pl': {
      if (typeof raw.i !== 'string' || !ID.test(raw.i)) return 'bad_id';
      const [url, bad] = pageUrl(raw.u);
      if (bad) return bad;
      const d = raw.d;
      if (typeof d !== 'number' || !Number.isFinite(d) || d < 0 || d > LIMITS.maxDwellMs) return 'bad_dwell';
      return { type: 'pl', key: raw.i, url, dwellMs: Math.round(d), at };
    }
    case 'ev': {
      if (typeof raw.i !== 'string' || !ID.test(raw.i)) return 'bad_id';
      if (typeof raw.n !== 'string' || raw.n.trim() === '') return 'bad_event';
      if (raw.n.length > LIMITS.nameChars) return 'too_long';
      if (raw.p !== undefined && raw.p !== null && (typeof raw.p !== 'string' || !ID.test(raw.p))) return 'bad_id';
      const props = raw.pr ?? {};
      if (!isObject(props) || JSON.stringify(props).length > LIMITS.propsBytes) return 'bad_props';
      return { type: 'ev', key: raw.i, name: raw.n.trim(), pageViewKey: (raw.p as string | undefined) ?? null, properties: props, at };
    }
    case 'id': {
      const traits = raw.tr;
      if (!isObject(traits) || JSON.stringify(traits).length > LIMITS.traitsBytes) return 'bad_traits';
      return { type: 'id', traits, at };
    }
    default:
      return 'bad_type';
  }
}

function eventTime(at: unknown, sentAt: number | null, serverNow: number): Date | null {
  if (at === undefined || sentAt === null) return new Date(serverNow);
  if (typeof at !== 'number' || !Number.isFinite(at)) return null;
  const age = sentAt - at;
  if (age < -60_000 || age > LIMITS.maxAgeMs) return null;
  return new Date(serverNow - Math.max(0, age));
}

function pageUrl(value: unknown): [string, null] | ['', RejectReason] {
  if (typeof value !== 'string') return ['', 'bad_url'];
  if (value.length > LIMITS.urlChars) return ['', 'too_long'];
  return parsePageUrl(value) ? [value, null] : ['', 'bad_url'];
}

/** null when absent or empty, false when too long. */
function optionalText(value: unknown, max: number): string | null | false {
  if (typeof value !== 'string' || value.trim() === '') return null;
  return value.length > max ? false : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

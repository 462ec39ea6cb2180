/**
 * E-mail address normalisation and validation (pragmatic, not full RFC 5322).
 *
 * Why not RFC 5322: CRM exports contain typed-in addresses; quoted local
 * parts and comments never appear legitimately, while Japanese carrier
 * addresses that violate the RFC (taro..yamada@docomo.ne.jp) do and are
 * deliverable, so we accept those for the carrier domains only.
 */

export type EmailInvalidReason =
  | 'empty'
  | 'missing_at'
  | 'multiple_at'
  | 'invalid_local'
  | 'invalid_domain'
  | 'too_long';

export interface NormalizedEmail {
  /** Normalised address (NFKC, trimmed, lowercased, IDN domain in punycode); '' when empty. */
  value: string;
  /** Syntactically usable address (placeholders are still `valid`). */
  valid: boolean;
  /** Why it is invalid; null when valid. */
  reason: EmailInvalidReason | null;
  /** Looks like a dummy address (test@, example.com, noreply@ …). */
  placeholder: boolean;
}

/** Japanese mobile carrier domains whose legacy addresses break RFC dot rules. */
const CARRIER_DOMAINS = new Set([
  'docomo.ne.jp',
  'ezweb.ne.jp',
  'au.com',
  'softbank.ne.jp',
  'i.softbank.jp',
  'disney.ne.jp',
  'vodafone.ne.jp',
]);

const LOCAL_CHARS = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+$/u;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/u;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/u;

/**
 * Clean the raw text before parsing. Why each step:
 * NFKC turns ＠ and ｔａｒｏ into ASCII; Japanese IMEs also produce the
 * ideographic full stop 。 (and half-width ｡) for '.'; 'mailto:' and a
 * surrounding pair of <>, "", '' or () come from copy-paste.
 */
function clean(raw: string): string {
  // Wrappers can nest ("<mailto:x>") and lowercasing can denormalise; loop until stable.
  let cur = raw;
  for (let prev = ''; prev !== cur; ) {
    prev = cur;
    cur = cur
      .normalize('NFKC')
      .replace(/[。｡]/gu, '.')
      .replace(/\s+/gu, '')
      .toLowerCase()
      .replace(/^mailto:/u, '')
      .replace(/^<(.*)>$|^"(.*)"$|^'(.*)'$|^\((.*)\)$/u, '$1$2$3$4');
  }
  return cur;
}

/** IDN (日本語.jp) → punycode via WHATWG URL (available in Node and browsers). */
function toAsciiDomain(domain: string): string | null {
  if (/^[\x00-\x7F]*$/u.test(domain)) return domain;
  // Only letters, digits, dots and hyphens may go through URL parsing ('\\', '/', '?' would be reinterpreted).
  if (!/^[\p{L}\p{M}\p{N}.-]+$/u.test(domain)) return null;
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
}

/**
 * Normalise and validate an e-mail address. Never throws.
 *
 * @example normalizeEmail(' Taro.Yamada＠Example.CO.JP ')
 *   // => { value: 'taro.yamada@example.co.jp', valid: true, reason: null, placeholder: true }
 * @example normalizeEmail('ｔａｒｏ＠ｇｍａｉｌ。ｃｏｍ').value // => 'taro@gmail.com'
 * @example normalizeEmail('taro@').reason // => 'invalid_domain'
 */
export function normalizeEmail(raw: string): NormalizedEmail {
  const s = clean(raw);
  const bad = (reason: EmailInvalidReason, value = s): NormalizedEmail => ({
    value,
    valid: false,
    reason,
    placeholder: value !== '' && isPlaceholderEmail(value),
  });
  if (s === '') return bad('empty');
  const at = s.split('@');
  if (at.length === 1) return bad('missing_at');
  if (at.length > 2) return bad('multiple_at');
  const [local = '', rawDomain = ''] = at;
  const domain = toAsciiDomain(rawDomain.replace(/\.$/u, ''));
  if (domain === null) return bad('invalid_domain');
  const value = `${local}@${domain}`;
  if (local.length > 64 || value.length > 254) return bad('too_long', value);
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TLD.test(labels[labels.length - 1]!)) {
    return bad('invalid_domain', value);
  }
  if (!LOCAL_CHARS.test(local)) return bad('invalid_local', value);
  const dotProblem = local.startsWith('.') || local.endsWith('.') || local.includes('..');
  if (dotProblem && !CARRIER_DOMAINS.has(domain)) return bad('invalid_local', value);
  return { value, valid: true, reason: null, placeholder: isPlaceholderEmail(value) };
}

/** Local parts used for "no address" or system senders. */
const PLACEHOLDER_LOCALS = new Set([
  'test', 'tests', 'testuser', 'test1', 'test123', 'dummy', 'sample', 'example', 'foo', 'bar',
  'hoge', 'fuga', 'piyo', 'noreply', 'no-reply', 'no_reply', 'donotreply', 'do-not-reply',
  'do_not_reply', 'none', 'null', 'nil', 'na', 'n/a', 'nomail', 'no-mail', 'nothing', 'unknown',
  'xxx', 'abc', 'aaa', 'asdf', 'qwerty', 'mailer-daemon', 'postmaster', 'nobody', 'nashi',
]);

/** Domains reserved for documentation/tests (RFC 2606/6761) or obviously fake. */
const PLACEHOLDER_DOMAINS = new Set([
  'example.com', 'example.net', 'example.org', 'example.jp', 'example.co.jp', 'example.ne.jp',
  'test.com', 'test.co.jp', 'test.jp', 'dummy.com', 'dummy.co.jp', 'sample.com', 'sample.co.jp',
  'xxx.com', 'xxx.co.jp', 'aaa.com', 'abc.com', 'hoge.com', 'hoge.co.jp', 'hoge.jp', 'none.com',
  'nomail.com', 'email.com.invalid', 'mail.invalid',
]);

/** Reserved TLDs (RFC 2606, RFC 6761) that never deliver mail. */
const PLACEHOLDER_TLDS = new Set(['example', 'test', 'invalid', 'localhost', 'local']);

/**
 * Heuristic: is this a dummy / non-personal address? Accepts raw or
 * normalised input. Catches test@, noreply@, example.com and reserved
 * TLDs, numeric-only or single-repeated-character local parts (0000@, aaaa@).
 *
 * @example isPlaceholderEmail('test@gmail.com') // => true
 * @example isPlaceholderEmail('no-reply@shop.co.jp') // => true
 * @example isPlaceholderEmail('taro@example.com') // => true
 * @example isPlaceholderEmail('yamada.taro@gmail.com') // => false
 */
export function isPlaceholderEmail(raw: string): boolean {
  const s = clean(raw);
  const i = s.lastIndexOf('@');
  if (i < 0) return false;
  const local = s.slice(0, i);
  const domain = s.slice(i + 1).replace(/\.$/u, '');
  if (isPlaceholderLocalPart(local)) return true;
  if (PLACEHOLDER_DOMAINS.has(domain)) return true;
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  if (PLACEHOLDER_TLDS.has(tld) || PLACEHOLDER_TLDS.has(domain)) return true;
  return false;
}

/**
 * The local part alone says "no address" (test@, noreply@, 0000@, aaa@…): such an address is shared by everyone who
 * gave none, unlike taro@example.jp, whose reserved domain is a dummy but whose local part still tells people apart.
 *
 * @example isPlaceholderLocalPart('no-reply') // => true
 * @example isPlaceholderLocalPart('taro') // => false
 */
export function isPlaceholderLocalPart(local: string): boolean {
  const localBase = clean(local).replace(/\+.*$/u, ''); // test+abc@ is still test@
  if (PLACEHOLDER_LOCALS.has(localBase)) return true;
  if (/^(.)\1{2,}$/u.test(localBase)) return true; // aaa@, 0000@, xxxx@
  return /^\d+$/u.test(localBase) && /^(?:0+|1234\d*|\d)$/u.test(localBase);
}

/** Gmail-style providers that ignore dots in the local part. */
const DOT_INSENSITIVE = new Set(['gmail.com', 'googlemail.com']);

/**
 * Matching key for identity resolution (NOT for sending mail): the
 * normalised address with a '+tag' removed, and for Gmail also dots
 * removed and googlemail.com → gmail.com. Returns null for invalid input.
 *
 * @example emailMatchKey('Taro.Yamada+shop@GMAIL.com') // => 'taroyamada@gmail.com'
 * @example emailMatchKey('taro+news@example.co.jp') // => 'taro@example.co.jp'
 */
export function emailMatchKey(raw: string): string | null {
  const n = normalizeEmail(raw);
  if (!n.valid) return null;
  const i = n.value.lastIndexOf('@');
  let local = n.value.slice(0, i);
  let domain = n.value.slice(i + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (DOT_INSENSITIVE.has(domain)) {
    local = local.replace(/\./gu, '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

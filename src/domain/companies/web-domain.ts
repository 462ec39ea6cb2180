/**
 * A company's own internet domain, from its website or its people's e-mail addresses: evidence that two records
 * are one company (same domain) or two (different domains). Free-mail, carrier and ISP addresses say nothing.
 */
import { nfkc } from '../normalize/text.ts';
import { normalizeEmail } from '../normalize/email.ts';
import { isPersonalDomain } from '../match/prepare.ts';

/**
 * Second-level labels under which organisations register (example.co.jp, example.co.uk, example.com.au):
 * the registrable domain is then three labels, not two.
 */
const SECOND_LEVEL = new Set(['co', 'or', 'ne', 'ac', 'ad', 'ed', 'go', 'gr', 'lg', 'com', 'net', 'org', 'gov', 'edu', 'ltd', 'plc']);

/**
 * The registrable part of a host name: 'www.tokyo.example.co.jp' → 'example.co.jp', 'shop.example.com' →
 * 'example.com'. Hosts that are not names (IP addresses, 'localhost') give null.
 *
 * @example registrableDomain('www.sakura-is.co.jp') // => 'sakura-is.co.jp'
 */
export function registrableDomain(host: string): string | null {
  const h = host.toLowerCase().replace(/\.$/u, '');
  if (!/^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/u.test(h) || /^[\d.]+$/u.test(h)) return null;
  const labels = h.split('.');
  const n = labels.length;
  const take = n >= 3 && labels[n - 1]!.length === 2 && SECOND_LEVEL.has(labels[n - 2]!) ? 3 : 2;
  return labels.slice(-take).join('.');
}

/**
 * The registrable domain of a website written any way: 'https://www.example.co.jp/about', 'www.example.co.jp',
 * 'ＷＷＷ．ＥＸＡＭＰＬＥ．ＣＯ．ＪＰ'. Null for anything that is not a host name, and for free-mail/blog
 * hosts that are nobody's own domain.
 *
 * @example websiteDomain('https://www.sakura-is.co.jp/company/') // => 'sakura-is.co.jp'
 */
export function websiteDomain(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const s = nfkc(raw).toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//u, '').replace(/^[^@/]*@/u, '');
  const host = s.split(/[/?#:\s]/u)[0] ?? '';
  const domain = registrableDomain(host);
  return domain === null || isPersonalDomain(domain) ? null : domain;
}

/**
 * The organisation domain of an e-mail address: null for free-mail, carrier and ISP addresses (gmail.com,
 * docomo.ne.jp, *.ne.jp), for placeholders (example.com) and for invalid addresses.
 *
 * @example emailOrganisationDomain('yamada@tokyo.sakura-is.co.jp') // => 'sakura-is.co.jp'
 * @example emailOrganisationDomain('yamada@gmail.com') // => null
 */
export function emailOrganisationDomain(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const e = normalizeEmail(raw);
  if (!e.valid || e.placeholder) return null;
  const host = e.value.slice(e.value.lastIndexOf('@') + 1);
  if (isPersonalDomain(host)) return null;
  const domain = registrableDomain(host);
  return domain === null || isPersonalDomain(domain) ? null : domain;
}

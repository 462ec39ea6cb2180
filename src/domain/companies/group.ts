/**
 * Grouping a set of company records into 法人: the batch path (re-keying an existing ledger, where
 * 「さくら情報システム 株式会社」「さくら情報システム(株)」「さくら情報システム株式会社」 are three rows).
 *
 * Records meet through blocking keys (companyBlockingKeys); each pair is decided by decideCompanyPair; merge pairs
 * are applied strongest first (same 法人番号, then same name with support, then same name alone, then a similar
 * name with support). Two groups are joined only when
 *  - the result holds at most one 法人番号 (two numbers are two 法人, whatever links them), and
 *  - no cross pair is 'distinct', and 'review' cross pairs do not outnumber 'merge' ones: a record without an
 *    address that bridges a 東京都 and an 大阪府 row of one name is joined, but one 大阪府 row is not pulled into a
 *    group of several 東京都 rows on the name alone; those stay in review.
 */
import { decideCompanyPair, companyBlockingKeys, prepareCompany, type CompanyPairDecision, type CompanyRecordInput, type PreparedCompany } from './match.ts';
import type { CompanyPlaceholderReason } from './placeholder.ts';
import type { LegalForm } from './name.ts';
import type { Prefecture } from '../normalize/prefectures.ts';

/** Blocks larger than this compare each member with the first BIG_BLOCK members only (cost stays linear). */
export const BIG_BLOCK = 200;
/** Domain blocks (renamed companies; review at most) are skipped above this size: a group's shared domain. */
export const DOMAIN_BLOCK_CAP = 20;

export interface CanonicalCompany {
  /** The spelling to show: the commonest canonical name, a written legal form preferred. */
  name: string;
  legalForm: LegalForm | null;
  corporateNumber: string | null;
  prefecture: Prefecture | null;
  domain: string | null;
}

export interface CompanyGroup {
  ids: string[];
  /** `companyKey` of the group: 'cn:…' when a member has a 法人番号, else 'name:…' of the canonical name. */
  key: string;
  canonical: CanonicalCompany;
}

export interface CompanyGrouping {
  groups: CompanyGroup[];
  /** Pairs left for a person, at most one per pair of groups. */
  reviews: CompanyPairDecision[];
  /** Records whose name is no company (なし, 個人, -): their people should have no company. */
  placeholders: Array<{ id: string; reason: CompanyPlaceholderReason }>;
}

function mostCommon<T>(values: ReadonlyArray<T | null>, better: (x: T, y: T) => number = () => 0): T | null {
  const counts = new Map<T, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  for (const [v, n] of counts) {
    if (n > bestCount || (n === bestCount && best !== null && better(v, best) > 0)) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}

/**
 * The values a merged company shows: the commonest spelling among the rows that wrote a legal form (then any),
 * ties to the longer and then the lexically first; the commonest legal form, prefecture and domain; the 法人番号.
 */
export function canonicalCompany(members: readonly PreparedCompany[]): CanonicalCompany {
  const named = members.filter((m) => m.name !== null);
  const withForm = named.filter((m) => m.name!.legalForm !== null);
  const pool = withForm.length > 0 ? withForm : named;
  const tie = (x: string, y: string): number => x.length - y.length || (x < y ? 1 : x > y ? -1 : 0);
  return {
    name: mostCommon(pool.map((m) => m.name!.canonicalName), tie) ?? '',
    legalForm: mostCommon(named.map((m) => m.legalForm)),
    corporateNumber: mostCommon(named.map((m) => m.corporateNumber)),
    prefecture: mostCommon(named.map((m) => m.prefecture)),
    domain: mostCommon(named.flatMap((m) => m.domains)),
  };
}

function strength(d: CompanyPairDecision): number {
  const r = d.reasons;
  if (r[0] === 'corporate_number_same') return 4;
  if (r.includes('name_same')) return r.includes('no_corroboration') || r.includes('prefecture_differs') || r.includes('domain_differs') ? 2 : 3;
  return 1;
}

/**
 * Group company records into 法人 (see the module comment).
 *
 * @example groupCompanies([{ id: '1', name: 'エスペック(株)' }, { id: '2', name: 'エスペック株式会社' }, { id: '3', name: 'なし' }])
 *   // => { groups: [{ ids: ['1', '2'], key: 'name:えすぺっく', canonical: { name: 'エスペック株式会社', … } }],
 *   //      placeholders: [{ id: '3', reason: 'none' }], reviews: [] }
 */
export function groupCompanies(inputs: ReadonlyArray<CompanyRecordInput | PreparedCompany>): CompanyGrouping {
  const recs = inputs.map((r) => ('placeholder' in r ? r : prepareCompany(r)));
  const placeholders: CompanyGrouping['placeholders'] = [];
  const live: number[] = [];
  recs.forEach((r, i) => (r.name === null ? placeholders.push({ id: r.id, reason: r.placeholder ?? 'empty' }) : live.push(i)));

  const blocks = new Map<string, number[]>();
  for (const i of live) {
    for (const key of companyBlockingKeys(recs[i]!)) {
      const list = blocks.get(key);
      if (list === undefined) blocks.set(key, [i]);
      else list.push(i);
    }
  }
  const decisions = new Map<string, CompanyPairDecision>();
  const pairKey = (i: number, j: number): string => (i < j ? `${i},${j}` : `${j},${i}`);
  const decide = (i: number, j: number): CompanyPairDecision => {
    const k = pairKey(i, j);
    let d = decisions.get(k);
    if (d === undefined) {
      d = decideCompanyPair(recs[Math.min(i, j)]!, recs[Math.max(i, j)]!);
      decisions.set(k, d);
    }
    return d;
  };
  const candidates: Array<[number, number]> = [];
  const seen = new Set<string>();
  for (const [key, members] of blocks) {
    if (members.length < 2) continue;
    if (key.startsWith('domain:') && members.length > DOMAIN_BLOCK_CAP) continue;
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length && x < BIG_BLOCK; y++) {
        const k = pairKey(members[x]!, members[y]!);
        if (seen.has(k)) continue;
        seen.add(k);
        candidates.push([members[x]!, members[y]!]);
      }
    }
  }

  const scored = candidates.map(([i, j]) => ({ i, j, d: decide(i, j) }));
  const merges = scored.filter((s) => s.d.outcome === 'merge').sort((x, y) => strength(y.d) - strength(x.d) || x.i - y.i || x.j - y.j);

  const groupOf = new Map<number, number[]>(live.map((i) => [i, [i]]));
  const refused: CompanyPairDecision[] = [];
  for (const { i, j, d } of merges) {
    const gi = groupOf.get(i)!;
    const gj = groupOf.get(j)!;
    if (gi === gj) continue;
    const numbers = new Set([...gi, ...gj].map((m) => recs[m]!.corporateNumber).filter((n) => n !== null));
    if (numbers.size > 1) {
      refused.push({ ...d, outcome: 'review', reasons: ['group_corporate_number_conflict', ...d.reasons] });
      continue;
    }
    let merge = 0;
    let review = 0;
    let distinct = false;
    for (const x of gi) {
      for (const y of gj) {
        const o = decide(x, y).outcome;
        if (o === 'merge') merge++;
        else if (o === 'review') review++;
        else distinct = true;
      }
    }
    if (distinct || review > merge) {
      refused.push({ ...d, outcome: 'review', reasons: ['ambiguous_group', ...d.reasons] });
      continue;
    }
    const joined = [...gi, ...gj];
    for (const m of joined) groupOf.set(m, joined);
  }

  const groups: CompanyGroup[] = [];
  for (const members of new Set(groupOf.values())) {
    const sorted = [...members].sort((x, y) => x - y);
    const canonical = canonicalCompany(sorted.map((m) => recs[m]!));
    const nameKey = recs[sorted[0]!]!.name!.key;
    groups.push({ ids: sorted.map((m) => recs[m]!.id), key: canonical.corporateNumber !== null ? `cn:${canonical.corporateNumber}` : `name:${nameKey}`, canonical });
  }

  // One review per pair of groups: refused joins first, then pairs decided 'review'.
  const reviews: CompanyPairDecision[] = [];
  const reviewed = new Set<string>();
  const indexOf = new Map(recs.map((r, i) => [r.id, i]));
  for (const d of [...refused, ...scored.filter((s) => s.d.outcome === 'review').map((s) => s.d)]) {
    const ga = groupOf.get(indexOf.get(d.a)!)!;
    const gb = groupOf.get(indexOf.get(d.b)!)!;
    if (ga === gb) continue;
    const k = [ga[0]!, gb[0]!].sort((x, y) => x - y).join(',');
    if (reviewed.has(k)) continue;
    reviewed.add(k);
    reviews.push(d);
  }
  return { groups, reviews, placeholders };
}

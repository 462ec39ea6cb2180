/**
 * Shared types of the identity-resolution engine. Everything here is plain
 * JSON (no Maps, no classes) so that a prepared record and the trained
 * weights can be stored in the database and read back for incremental
 * matching.
 */

/** Customer attributes the matcher understands (import-profile target names). */
export type MatchInputField =
  | 'full_name'
  | 'family_name'
  | 'given_name'
  | 'full_name_kana'
  | 'family_name_kana'
  | 'given_name_kana'
  | 'email'
  | 'phone'
  | 'birth_date'
  | 'gender'
  | 'postal_code'
  | 'prefecture'
  | 'address'
  | 'company_name'
  | 'company_name_kana'
  | 'department'
  | 'title';

export interface MatchInput {
  id: string;
  source: string;
  fields: Partial<Record<MatchInputField, string>>;
}

/** One part of a personal name (姓 or 名) in every representation we could derive. */
export interface NamePart {
  /** Written form, search-folded (NFKC, variant kanji folded, katakana → hiragana, lowercase). */
  text: string | null;
  /** Reading, `foldKana`-folded (long vowels/small kana unified); from the kana field or a kana-written name. */
  kana: string | null;
  /** `foldRomaji` of the latin spelling or of the Hepburn romanisation of the reading. */
  romaji: string | null;
  /** Lowercase latin letters of a latin-written name (for Jaro–Winkler on western names). */
  latin: string | null;
}

export type PhoneKind = 'mobile' | 'fixed' | 'ip' | 'toll_free' | 'unknown';
/** Where a number or address probably belongs: a record with a company is a business contact. */
export type ContactContext = 'home' | 'work';

export interface PreparedPhone {
  /** E.164 when valid, else the digits with a leading 0 restored. */
  value: string;
  kind: PhoneKind;
  context: ContactContext;
}

export interface PreparedEmail {
  /** `emailMatchKey` (lowercase, +tag removed, gmail dots removed). */
  key: string;
  local: string;
  domain: string;
  /** Free-mail, carrier or ISP domain (personal address) vs an organisation's own domain. */
  personal: boolean;
}

export interface PreparedAddress {
  /** Street address without prefecture and building, canonical numbers; generic (non-Japanese) addresses lowercased. */
  street: string;
  /** `street` minus the trailing house number (town/丁目 level). */
  town: string;
  /** Trailing house number ('1-2-3'), '' when none. */
  number: string;
  prefecture: string | null;
  postal: string | null;
  context: ContactContext;
  /** Not a Japanese address (febrl, splink): compared as text. */
  generic: boolean;
}

export interface PreparedCompany {
  /** `parseCompanyName(...).coreFolded` (legal form and branch removed). */
  core: string;
  /** foldKana of the company kana (legal-form words stripped), if given. */
  kana: string | null;
}

export interface MatchRecord {
  id: string;
  source: string;
  family: NamePart | null;
  given: NamePart | null;
  /** A full name that could not be split (single token): kept for blocking/comparison as a whole. */
  unsplit: NamePart | null;
  birthDate: string | null;
  gender: 'm' | 'f' | null;
  emails: PreparedEmail[];
  phones: PreparedPhone[];
  address: PreparedAddress | null;
  postal: string | null;
  prefecture: string | null;
  company: PreparedCompany | null;
  /** Organisation e-mail domain(s) (non-personal), a company signal. */
  orgDomains: string[];
  department: string | null;
  title: string | null;
  /** Values dropped as placeholders / unparseable, e.g. 'email:test@example.com'. */
  dropped: string[];
}

/** Comparison fields, in evidence order. */
export const FIELDS = ['family', 'given', 'birth', 'gender', 'email', 'phone', 'address', 'company'] as const;
export type Field = (typeof FIELDS)[number];

/** Agreement levels of each field, best first. 'missing' is not a level: it carries no weight. */
export const LEVELS = {
  family: ['exact', 'close', 'disagree'],
  given: ['exact', 'close', 'disagree'],
  birth: ['exact', 'close', 'near', 'disagree'],
  gender: ['agree', 'disagree'],
  email: ['exact', 'close', 'disagree'],
  phone: ['exact_mobile', 'exact_fixed', 'close', 'disagree'],
  address: ['exact', 'close', 'partial', 'disagree'],
  company: ['exact', 'close', 'disagree'],
} as const satisfies Record<Field, readonly string[]>;

export type Level<F extends Field = Field> = (typeof LEVELS)[F][number];

/** Per field: index into LEVELS[field], or -1 when missing on either side / not comparable. */
export type ComparisonVector = Record<Field, number>;

export interface FieldComparison {
  field: Field;
  level: string;
  /** Index into LEVELS[field]; -1 = missing. */
  index: number;
  /** The values compared (display), e.g. 'やまだ ≈ やまた'. */
  detail: string;
  /** Value used for the term-frequency adjustment of an exact agreement, if any. */
  tfKey: string | null;
}

export interface Comparison {
  vector: ComparisonVector;
  fields: FieldComparison[];
  /**
   * Qualifiers used by the rules: 'given_same_reading' (given names differ
   * in writing but have the same reading, or same writing with a kana typo).
   */
  flags: string[];
}

export interface EvidenceItem {
  field: Field;
  level: string;
  /** log2 Bayes factor contributed (0 for missing). */
  weight: number;
  detail: string;
}

export type Outcome = 'merge' | 'review' | 'distinct';

/**
 * Trained parameters (plain JSON). A three-class latent model over blocked
 * candidate pairs: 'match' (same person), 'related' (different people of one
 * household or employer: shared family name, address, landline, company)
 * and 'unrelated' (everything else, e.g. namesakes). Fields are
 * conditionally independent within each class (Fellegi–Sunter generalised).
 */
export interface MatchWeights {
  /** 3: birth gained the 'near' level (arrays of version 2 have one level fewer). */
  version: 3;
  /** P(level | match) per field, aligned with LEVELS. */
  m: Record<Field, number[]>;
  /** P(level | related non-match). */
  h: Record<Field, number[]>;
  /** P(level | unrelated non-match). */
  u: Record<Field, number[]>;
  /** Class priors among blocked candidate pairs (sum 1). */
  prior: { match: number; related: number; unrelated: number };
  /**
   * Term frequencies for exact agreements (applied to the unrelated class):
   * key family ('ft', 'gk', 'e', 'p', 'a', 'c' …) → total non-missing values
   * and counts of values seen ≥ 3 times; counts[''] holds the reference share.
   * An unstored value counts as 2.
   */
  tf: Record<string, { total: number; counts: Record<string, number> }>;
  /** Posterior probability needed to merge / to send to review / to merge on the name alone. */
  thresholds: { merge: number; review: number; nameOnly: number };
  /** Diagnostics of the training run. */
  training: { records: number; candidatePairs: number; randomPairs: number; emIterations: number; converged: boolean };
}

export interface ScoredPair {
  a: string;
  b: string;
  /** Posterior match probability. */
  probability: number;
  /** log2 posterior odds (prior + Σ field weights). */
  score: number;
  outcome: Outcome;
  /** Hard rules that capped the outcome ('given_name_conflict', …). */
  rules: string[];
  evidence: EvidenceItem[];
  /** Only the (exact, written) name links the pair: a weak link, merged only when unambiguous. */
  weak: boolean;
  /** Linked because reviewers settled the pair's pattern as one person (feedback.ts), not by the model alone. */
  learned?: boolean;
}

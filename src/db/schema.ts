import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Row types for src/db/migrations. snake_case stays in here and the repositories. */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = Record<string, unknown>> = ColumnType<T, string | T, string | T>;
/** int8 columns are parsed to JS numbers on both engines (src/db/database.ts). */
type BigId = ColumnType<number, never, never>;

export interface RolesTable { name: string; label_ja: string; label_en: string; sort_order: number }
export interface LifecycleStagesTable { code: string; label_ja: string; label_en: string; sort_order: number }
export interface AcquisitionChannelsTable { code: string; label_ja: string; label_en: string; sort_order: number }

export interface UsersTable {
  id: Generated<string>;
  email: string;
  email_normalized: string;
  display_name: string;
  password_hash: string;
  role: string;
  department: string | null;
  disabled_at: Timestamp | null;
  last_login_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
  last_seen_at: UpdatedAt;
  expires_at: Timestamp;
}

export interface ApiKeysTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface SetupTokensTable { token_hash: string; created_at: CreatedAt }
export interface RateLimitsTable {
  bucket: string;
  window_start: Timestamp;
  hits: number;
  /** Login buckets: refused until then (migration 0015). */
  locked_until: Timestamp | null;
  /** Login buckets: lockouts so far, the backoff step (forgotten a day after the last one ended). */
  lockouts: Generated<number>;
}

export interface AuditLogTable {
  id: BigId;
  occurred_at: CreatedAt;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  actor_label: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Json;
}

export interface SourcesTable {
  id: Generated<string>;
  name: string;
  label: string;
  kind: 'manual' | 'file_import' | 'form' | 'api' | 'tracker' | 'integration';
  party: 'first' | 'second' | 'third';
  owning_department: string | null;
  priority: Generated<number>;
  freshness_sla_days: number | null;
  description: string | null;
  /** 0024: the lawful basis for marketing e-mail (特定電子メール法) this source gives its records. */
  email_basis: Generated<EmailBasis>;
  /** 0034: 利用目的 as the company states it for this source's data. */
  purpose_of_use: string | null;
  /** 0034: 保存期間 in days; records received longer ago are flagged for deletion. */
  retention_days: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
export type EmailBasis = 'opt_in_per_record' | 'business_card' | 'business_relationship' | 'published_for_business' | 'none';

export interface CompaniesTable {
  id: Generated<string>;
  name: string;
  name_kana: string | null;
  legal_form: string | null;
  corporate_number: string | null;
  industry: string | null;
  size_band: string | null;
  employee_count: number | null;
  website: string | null;
  phone: string | null;
  postal_code: string | null;
  prefecture: string | null;
  address: string | null;
  custom_fields: Json;
  search_text: Generated<string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Timestamp | null;
  /** 0018: the deterministic name key (src/domain/companies analyzeCompanyName().key); null until resolved or deduped. */
  name_key: string | null;
  /** 0018: the JSIC code of `industry` (the text as given): 大分類 letter, 中分類 or 小分類 digits. */
  industry_code: string | null;
  /** 0018: 従業員数 as given when it is no single number (「300〜499名」); employee_count holds a single one. */
  employees_text: string | null;
  /** 0018: 資本金 in yen (bigint: a string from the driver). */
  capital_yen: ColumnType<string | number | null, string | number | null | undefined, string | number | null>;
  capital_text: string | null;
  /** 0018: 売上規模 as given. */
  revenue_band: string | null;
  /** 0018: the company's own registrable web domain ('sakura-is.co.jp'). */
  domain: string | null;
  /** 0018: per field, where its value came from: { industry: { source, at } }; source 'manual' = edited by a person. */
  field_sources: ColumnType<Record<string, CompanyFieldSource>, string | undefined, string>;
  /** 0018: set (with deleted_at) when this company was merged into another. */
  merged_into_id: string | null;
}

export interface CompanyFieldSource { source: string; at: string }

/** 0018: two companies that may be one 法人, for a person to decide. */
export interface CompanyReviewsTable {
  id: BigId;
  company_a_id: string;
  company_b_id: string;
  reasons: Json<unknown>;
  status: Generated<'open' | 'merged' | 'distinct'>;
  created_at: CreatedAt;
}

/** A company merge, recorded so that it can be undone (0019). */
export interface CompanyMergesTable {
  id: BigId;
  survivor_id: string;
  merged_id: string;
  review_id: number | null;
  /** Customer ids whose affiliation moved to the survivor. */
  moved: Json<string[]>;
  /** Affiliations with the merged company removed because the customer already had one with the survivor. */
  folded: Json<Array<{ customer_id: string; department: string | null; title: string | null; is_primary: boolean }>>;
  /** Companies merged into the merged one earlier, repointed at the survivor. */
  repointed: Json<string[]>;
  /** The survivor's columns the merge changed, before and after (field_sources included). */
  survivor_before: Json<Record<string, unknown>>;
  survivor_after: Json<Record<string, unknown>>;
  /** The merged company's 法人番号, moved to a survivor that had none. */
  merged_corporate_number: string | null;
  created_at: CreatedAt;
  undone_at: Timestamp | null;
}

export interface FieldProvenance { sourceRecordId: number; source: string; at: string }

export interface CustomersTable {
  id: Generated<string>;
  kind: Generated<'person' | 'organization'>;
  family_name: string | null;
  given_name: string | null;
  family_name_kana: string | null;
  given_name_kana: string | null;
  display_name: Generated<string>;
  email: string | null;
  phone: string | null;
  postal_code: string | null;
  prefecture: string | null;
  address: string | null;
  building: string | null;
  /** ISO date string (YYYY-MM-DD): date columns are not turned into JS Dates. */
  birth_date: string | null;
  gender: string | null;
  company_id: string | null;
  department: string | null;
  title: string | null;
  lifecycle_stage: Generated<string>;
  acquisition_channel: string | null;
  owner_user_id: string | null;
  custom_fields: Json;
  provenance: Json<Record<string, FieldProvenance>>;
  search_text: Generated<string>;
  search_grams: ColumnType<string[], string[] | undefined, string[]>;
  sort_key: Generated<string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Timestamp | null;
  deleted_by_user_id: string | null;
  /** 0031: 利用停止 — the privacy request that stopped the use of this customer's data (segments, audiences, exports skip it). */
  use_stopped_request_id: Generated<string | null>;
}

export interface AffiliationsTable {
  id: Generated<string>;
  customer_id: string;
  company_id: string;
  department: string | null;
  title: string | null;
  is_primary: Generated<boolean>;
  started_on: string | null;
  ended_on: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SourceRecordsTable {
  id: BigId;
  source_id: string;
  external_id: string;
  customer_id: string | null;
  raw: Json;
  normalized: Json;
  content_hash: string;
  /** The matcher's prepared form of the record (src/domain/match), for incremental resolution. */
  match_record: Json<unknown> | null;
  created_by_user_id: string | null;
  received_at: UpdatedAt;
  updated_at: UpdatedAt;
  /** Set when resolving this record failed on its own: it waits outside the queue until retried (migration 0014). */
  quarantined_at: Generated<Date | null>;
  resolution_error: Generated<string | null>;
  /** A decision joined this record to a customer that existed before it (migration 0043; the dashboards' merges). */
  joined_existing: Generated<boolean>;
}

export interface ActivitiesTable {
  id: BigId;
  customer_id: string;
  type: string;
  occurred_at: Timestamp;
  title: string | null;
  properties: Json;
  /** numeric: a decimal string on both engines, never a float. */
  amount: string | null;
  currency: string | null;
  source_id: string | null;
  source_record_id: number | null;
  actor_user_id: string | null;
  /** Key of what the activity records (e.g. `form:<id>:<submission>`); unique, so a replay updates one row. */
  dedupe_key: string | null;
  updated_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface CustomFieldDefinitionsTable {
  id: Generated<string>;
  entity: 'customer' | 'company';
  key: string;
  label_ja: string;
  label_en: string | null;
  type: 'text' | 'number' | 'date' | 'select' | 'multi_select' | 'boolean';
  options: Json<string[]>;
  required: Generated<boolean>;
  is_personal: Generated<boolean>;
  sort_order: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  archived_at: Timestamp | null;
}

export interface ImportProfilesTable {
  id: Generated<string>;
  source_id: string;
  profile: Json;
  updated_by_user_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ImportRunsTable {
  id: Generated<string>;
  source_id: string;
  file_name: string;
  status: 'running' | 'completed' | 'failed';
  encoding: string | null;
  counts: Json<Record<string, number>>;
  error: string | null;
  created_by_user_id: string | null;
  started_at: CreatedAt;
  finished_at: Timestamp | null;
  /** Touched every 30 s while the run's process works on it (migration 0013). */
  heartbeat_at: UpdatedAt;
}

export interface ImportIssuesTable {
  id: BigId;
  run_id: string;
  line: number;
  severity: 'rejected' | 'flagged';
  field: string | null;
  reason: string;
  value: string | null;
}

/** Blocking keys, hashed (src/intake/files/key-hash.ts); bigint arrives as a number or a decimal string. */
export interface MatchKeysTable { key_hash: string; source_record_id: number }

export interface MatchWeightsTable {
  id: BigId;
  weights: Json<unknown>;
  trained_on: number;
  created_at: CreatedAt;
  /** Range of record ids a multi-chunk resolution trained these weights for (null: one batch, trained in place). */
  first_record_id: number | null;
  last_record_id: number | null;
}

/** One row: records linked by identity resolution so far (migration 0010). */
export interface ResolutionStatsTable { id: Generated<boolean>; linked_records: number }
/** Linked records per written family / given name, by the hash of its term-frequency key (migration 0049). */
export interface NamePartCountsTable { name_hash: string; records: number }

export interface SourceRecomputesTable {
  source_id: string;
  status: 'running' | 'completed' | 'failed';
  priority_from: number;
  priority_to: number;
  after_customer_id: string | null;
  done: Generated<number>;
  total: number;
  error: string | null;
  requested_by_user_id: string | null;
  /** Set again when a newer priority change restarts the walk. */
  started_at: UpdatedAt;
  finished_at: Timestamp | null;
}

export interface MatchDecisionsTable {
  id: BigId;
  kind: 'new' | 'merge' | 'review' | 'accept' | 'reject' | 'never' | 'unmerge' | 'manual_merge' | 'auto_merge';
  source_record_id: number | null;
  customer_id: string | null;
  other_customer_id: string | null;
  score: number | null;
  rule: string | null;
  evidence: Json<unknown>;
  import_run_id: string | null;
  decided_by_user_id: string | null;
  /** A merge or an accepted review whose customer existed before the decision (migration 0040; set on insert). */
  joined_existing: Generated<boolean>;
  created_at: CreatedAt;
}

export interface ReviewItemsTable {
  id: BigId;
  record_a_id: number;
  record_b_id: number;
  score: number;
  probability: number;
  rules: Json<unknown>;
  evidence: Json<unknown>;
  status: Generated<'open' | 'accepted' | 'rejected' | 'never'>;
  decided_by_user_id: string | null;
  decided_at: Timestamp | null;
  created_at: CreatedAt;
  /** 0042: the pair's pattern (src/domain/match/feedback.ts), null until the resolver has computed it. */
  pattern: string | null;
  /** 0042: decided one by one by a person: a label the pattern's tally counts. */
  teaches: Generated<boolean>;
}

/** 0042: per review pattern, its tally when last refreshed and what deciding one of its open items is worth. */
export interface ReviewPatternsTable {
  pattern: string;
  open: number;
  accepted: number;
  rejected: number;
  priority: number;
  updated_at: Generated<Timestamp>;
}

export interface SchemaMigrationsTable { version: string; applied_at: CreatedAt }

/** 0005: forms, their submissions, and the consent log. */
export interface FormsTable {
  id: Generated<string>;
  slug: string;
  kind: 'brochure_request' | 'event_registration' | 'contact' | 'other';
  title: string;
  description: string | null;
  fields: Json<unknown[]>;
  consent_purpose: string | null;
  consent_text: string | null;
  consent_required: Generated<boolean>;
  consent_version: Generated<number>;
  /** 0024: the purposes the consent checkbox grants to campaigns (e.g. email_marketing). */
  consent_purposes: Generated<string[]>;
  thank_you_message: string | null;
  redirect_url: string | null;
  allowed_origins: Json<string[]>;
  /** Sent back by the hosted page, which posts with `Origin: null` (migration 0017). */
  page_token: Generated<string>;
  event_id: string | null;
  status: Generated<'draft' | 'published' | 'closed'>;
  source_id: string;
  created_by_user_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  archived_at: Timestamp | null;
}
export interface FormSubmissionsTable {
  id: BigId;
  form_id: string;
  submission_key: string;
  status: 'accepted' | 'spam';
  values: Json;
  consent_given: boolean | null;
  consent_version: number | null;
  ip_hash: string | null;
  user_agent: string | null;
  visitor_id: string | null;
  page_url: string | null;
  source_record_id: number | null;
  created_at: CreatedAt;
}
export interface ConsentsTable {
  id: BigId;
  customer_id: string;
  purpose: string;
  granted: boolean;
  text_shown: string | null;
  text_version: number | null;
  source_id: string | null;
  source_record_id: number | null;
  dedupe_key: string | null;
  recorded_at: CreatedAt;
  /** 0024: the consent ledger (see the migration for how the current state is read). */
  purpose_code: ConsentPurpose | null;
  state: ConsentState;
  method: Generated<ConsentMethod>;
  campaign_id: string | null;
  actor_user_id: string | null;
  /** 0026: a customer-level event a merge moved here: whose it was (an unmerge that splits that customer out gives it back). */
  merged_from_customer_id: Generated<string | null>;
}
export type ConsentPurpose = 'email_marketing' | 'dm' | 'phone_marketing' | 'profiling' | 'third_party';
export type ConsentState = 'granted' | 'denied' | 'withdrawn';
export type ConsentMethod = 'form' | 'import' | 'staff' | 'api' | 'unsubscribe' | 'complaint' | 'merge' | 'request';

/** 0006: products, orders (customer through source_record_id), events and registrations. numeric → string. */
type Numeric = ColumnType<string, string | number, string | number>;
export interface ProductsTable {
  id: Generated<string>;
  sku: string;
  name: string;
  category: string | null;
  price: Numeric | null;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
export interface OrdersTable {
  id: Generated<string>;
  source: string;
  external_id: string;
  source_record_id: number;
  ordered_at: Timestamp;
  channel: string | null;
  status: ColumnType<string, string | undefined, string>;
  total_amount: Numeric;
  returned_amount: Numeric;
  currency: ColumnType<string, string | undefined, string>;
  /** 0020: IANA time zone the order was placed in (recency counts calendar days there). */
  time_zone: ColumnType<string, string | undefined, string>;
  cancelled_at: Timestamp | null;
  content_hash: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
export interface OrderLinesTable {
  order_id: string;
  line_no: number;
  sku: string | null;
  product_id: string | null;
  product_name: string | null;
  quantity: Numeric;
  unit_price: Numeric | null;
  amount: Numeric;
  returned_quantity: Numeric;
  returned_amount: Numeric;
}
export interface EventsTable {
  id: Generated<string>;
  name: string;
  kind: ColumnType<string, string | undefined, string>;
  starts_at: Timestamp;
  ends_at: Timestamp | null;
  venue: string | null;
  capacity: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
export interface EventRegistrationsTable {
  id: Generated<string>;
  event_id: string;
  external_id: string;
  source_record_id: number;
  registered_at: Timestamp;
  status: ColumnType<string, string | undefined, string>;
  name: string | null;
  company_name: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** 0004: website tracker (src/intake/tracker). */
export interface TrackerSitesTable {
  id: Generated<string>;
  name: string;
  write_key: string;
  allowed_origins: ColumnType<string[], string[] | undefined, string[]>;
  rate_per_minute: Generated<number>;
  ip_rate_per_minute: Generated<number>;
  source_id: string | null;
  active: Generated<boolean>;
  created_by_user_id: string | null;
  key_rotated_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
export interface WebVisitorsTable {
  id: BigId;
  site_id: string;
  visitor_key: string;
  source_record_id: number | null;
  traits: ColumnType<Record<string, unknown>, string | undefined, string>;
  identity_seq: Generated<number>;
  identified_at: Timestamp | null;
  consent: Generated<'implied' | 'granted'>;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}
export interface WebVisitsTable {
  id: BigId;
  site_id: string;
  visit_key: string;
  visitor_id: number;
  started_at: Timestamp;
  last_seen_at: Timestamp;
  landing_url: string | null;
  referrer: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
}
export interface PageViewsTable {
  site_id: string;
  view_key: string;
  visitor_id: number;
  visit_id: number;
  url: string;
  path: string;
  title: string | null;
  referrer: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  started_at: Timestamp;
  dwell_ms: number | null;
  received_at: CreatedAt;
}
export interface WebEventsTable {
  id: BigId;
  site_id: string;
  event_key: string;
  visitor_id: number;
  visit_id: number;
  page_view_key: string | null;
  name: string;
  properties: Json;
  occurred_at: Timestamp;
}
export interface TrackerRejectionsTable { site_id: string | null; day: string; reason: string; count: ColumnType<number, number, number> }

/** 0020: saved segments (src/use/segments), their materialised members and size over time. */
export interface SegmentsTable {
  id: Generated<string>;
  name: string;
  description: string | null;
  definition: Json<unknown>;
  mode: ColumnType<'dynamic' | 'snapshot', 'dynamic' | 'snapshot' | undefined, 'dynamic' | 'snapshot'>;
  owner_user_id: string | null;
  refresh_minutes: number | null;
  member_count: number | null;
  refreshed_at: Timestamp | null;
  refresh_claimed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  archived_at: Timestamp | null;
}
export interface SegmentMembersTable { segment_id: string; customer_id: string; added_at: CreatedAt }
export interface SegmentSizesTable { segment_id: string; measured_at: CreatedAt; member_count: number; added: Generated<number>; removed: Generated<number> }

/** 0020: per-customer purchase values (src/use/values): RFM facts, scores, tier and predicted values. */
export interface CustomerValuesTable {
  customer_id: string;
  as_of: string;
  first_order_at: Timestamp | null;
  last_order_at: Timestamp | null;
  recency_days: number | null;
  frequency: number;
  monetary: Numeric;
  currency: string;
  r: number | null;
  f: number | null;
  m: number | null;
  segment: string | null;
  tier: string | null;
  p_alive: number | null;
  expected_purchases_90d: number | null;
  expected_order_value: Numeric | null;
  predicted_value_365d: Numeric | null;
  computed_at: CreatedAt;
}
/** 0022: every change of customers.lifecycle_stage (a new customer: from null), for the dashboards' funnel. */
export interface CustomerStageChangesTable {
  id: BigId;
  customer_id: string;
  from_stage: string | null;
  to_stage: string;
  changed_at: CreatedAt;
}
export interface ValueRunsTable {
  id: BigId;
  as_of: string;
  currency: string;
  thresholds: Json<unknown>;
  model: Json<unknown> | null;
  customers: number;
  seconds: number;
  created_at: CreatedAt;
}

/** 0023: cross-sell and up-sell (src/use/recommend). */
export interface RecommendRunsTable {
  id: BigId;
  as_of: string | null;
  status: ColumnType<'running' | 'done' | 'failed', 'running' | 'done' | 'failed' | undefined, 'running' | 'done' | 'failed'>;
  phase: ColumnType<'model' | 'candidates' | 'done', 'model' | 'candidates' | 'done' | undefined, 'model' | 'candidates' | 'done'>;
  customers_done: Generated<number>;
  customers_total: number | null;
  buyers: number | null;
  product_buyers: Json<Record<string, number>> | null;
  pairs: number | null;
  seconds: number | null;
  peak_rss_mb: number | null;
  error: string | null;
  started_by: string | null;
  heartbeat_at: UpdatedAt;
  started_at: CreatedAt;
  finished_at: Timestamp | null;
}
export interface ProductAffinitiesTable {
  product_id: string;
  neighbour_id: string;
  co_customers: number;
  confidence: number;
  lift: number;
  similarity: number;
}
export interface CustomerCandidatesTable {
  run_id: number;
  customer_id: string;
  rank: number;
  product_id: string;
  score: number;
  kind: 'cross_sell' | 'up_sell' | 'popular';
  reason: Json<Record<string, unknown>>;
}
export interface ProductRulesTable {
  id: BigId;
  antecedent: string[];
  consequent: string;
  support: number;
  confidence: number;
  lift: number;
  baskets: number;
}

/** 0024: campaigns, their messages, suppressions by address, the outbox and the sender settings. */
export type CampaignChannel = 'email' | 'dm';
export type CampaignStatus = 'draft' | 'scheduled' | 'preparing' | 'sending' | 'paused' | 'done' | 'cancelled';
export type CampaignMessageStatus = 'queued' | 'claimed' | 'sending' | 'sent' | 'outbox' | 'failed' | 'unknown' | 'suppressed' | 'skipped';
export interface CampaignsTable {
  id: Generated<string>;
  name: string;
  channel: CampaignChannel;
  status: Generated<CampaignStatus>;
  department: string | null;
  subject: Generated<string>;
  body_text: Generated<string>;
  body_html: string | null;
  blocks: Json<unknown>;
  scheduled_at: Date | string | null;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Date | string | null;
  /** 0029: the behaviour trigger this campaign is an instance of. */
  trigger_rule_id: string | null;
  /** 0033: the audience's preparation in the background: people considered, stored so far, and its claim. */
  audience_total: number | null;
  audience_prepared: Generated<number>;
  prepared_by: string | null;
  prepare_beat_at: Date | string | null;
  /** 0044: the last audience id the preparation moved. */
  prepared_through: number | string | null;
}
/** 0044: a campaign's audience as resolved: people to send until the preparation moves them, then the suppressed. */
export interface CampaignAudienceTable {
  id: Generated<number>;
  campaign_id: string;
  customer_id: string;
  address: string | null;
  reason: string | null;
}
export type TriggerAction = 'email' | 'task';
export interface TriggerRulesTable {
  id: Generated<string>;
  name: string;
  enabled: Generated<boolean>;
  definition: Json<unknown>;
  action: TriggerAction;
  subject: Generated<string>;
  body_text: Generated<string>;
  body_html: string | null;
  blocks: Json<unknown>;
  task_title: string | null;
  due_in_days: number | null;
  fallback_user_id: string | null;
  cooldown_days: number;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Date | string | null;
  last_run_at: Date | string | null;
}
export interface TriggerFiringsTable {
  id: BigId;
  rule_id: string;
  customer_id: string;
  fired_at: Date | string;
  outcome: 'sent' | 'task' | 'suppressed';
  reason: string;
  suppression_reason: string | null;
  campaign_id: string | null;
  campaign_message_id: number | null;
  task_id: string | null;
  /** 0038: the customer a merge moved this firing from. */
  merged_from_customer_id: string | null;
}
export interface TasksTable {
  id: Generated<string>;
  customer_id: string;
  assignee_user_id: string;
  title: string;
  due_on: string;
  status: Generated<'open' | 'done'>;
  rule_id: string | null;
  created_at: CreatedAt;
  done_at: Date | string | null;
  done_by: string | null;
  /** 0038: the customer a merge moved this task from. */
  merged_from_customer_id: string | null;
}
/** 0030: voice of customer (src/use/voice). */
export type VoiceChannel = 'form' | 'email' | 'import' | 'note' | 'api';
export type VoiceSentiment = 'positive' | 'neutral' | 'negative';
export type VoiceStatus = 'new' | 'in_progress' | 'done';
export interface VoiceTeamsTable {
  id: Generated<string>;
  name: string;
  email: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Date | string | null;
}
export interface VoiceTeamMembersTable {
  team_id: string;
  user_id: string;
}
export interface VoiceGroupsTable {
  id: Generated<string>;
  label: string;
  product_sku: string | null;
  topic: string | null;
  item_count: Generated<number>;
  first_at: Timestamp;
  last_at: Timestamp;
  created_at: CreatedAt;
}
export interface VoiceItemsTable {
  id: Generated<string>;
  source_record_id: number;
  channel: VoiceChannel;
  received_at: Timestamp;
  dedupe_key: string | null;
  subject: string | null;
  text: string;
  sender: string | null;
  score: number | null;
  score_kind: 'nps' | 'csat' | null;
  score_max: number | null;
  product_skus: ColumnType<string[], string[] | undefined, string[]>;
  attachment_names: ColumnType<string[], string[] | undefined, string[]>;
  language: ColumnType<'ja' | 'en' | 'other', 'ja' | 'en' | 'other' | undefined, 'ja' | 'en' | 'other'>;
  sentiment: VoiceSentiment;
  sentiment_score: number;
  sentiment_evidence: Json<unknown[]>;
  status: ColumnType<VoiceStatus, VoiceStatus | undefined, VoiceStatus>;
  assignee_user_id: string | null;
  team_id: string | null;
  /** 'YYYY-MM-DD' */
  due_on: string | null;
  group_id: string | null;
  routing_rule_id: string | null;
  form_submission_id: number | null;
  activity_id: number | null;
  search_text: ColumnType<string, string | undefined, string>;
  search_grams: ColumnType<string[], string[] | undefined, string[]>;
  bands: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  done_at: Date | string | null;
}
export interface VoiceItemTagsTable {
  item_id: string;
  tag: string;
  origin: 'rule' | 'manual';
  rule_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}
export interface VoiceTagRulesTable {
  id: Generated<string>;
  tag: string;
  keywords: ColumnType<string[], string[] | undefined, string[]>;
  form_id: string | null;
  product_skus: ColumnType<string[], string[] | undefined, string[]>;
  channel: VoiceChannel | null;
  enabled: Generated<boolean>;
  seeded: Generated<boolean>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Date | string | null;
}
export interface VoiceRoutingRulesTable {
  id: Generated<string>;
  name: string;
  position: Generated<number>;
  enabled: Generated<boolean>;
  tag: string | null;
  product_sku: string | null;
  sentiment: VoiceSentiment | null;
  customer_tier: string | null;
  team_id: string | null;
  assignee_user_id: string | null;
  due_in_days: number | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Date | string | null;
}
export interface VoiceCommentsTable {
  id: BigId;
  item_id: string;
  author_user_id: string | null;
  body: string;
  created_at: CreatedAt;
}
export interface VoiceRepliesTable {
  id: BigId;
  item_id: string;
  to_address: string;
  subject: string;
  body: string;
  sent_by: string | null;
  sent_at: CreatedAt;
  transport: 'smtp' | 'outbox';
  smtp_message_id: string | null;
}
export interface VoiceDigestsTable {
  id: Generated<string>;
  team_id: string | null;
  /** 'YYYY-MM-DD', a Monday in Japan */
  week_start: string;
  content: Json<unknown>;
  computed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  emailed_at: Date | string | null;
}
export interface CampaignSegmentsTable {
  campaign_id: string;
  segment_id: string;
}
export interface CampaignMessagesTable {
  id: BigId;
  campaign_id: string;
  customer_id: string;
  channel: CampaignChannel;
  address: string | null;
  status: CampaignMessageStatus;
  reason: string | null;
  /** 0028: null on a suppressed person's row. */
  token: string | null;
  claimed_by: string | null;
  claimed_at: Date | string | null;
  attempts: Generated<number>;
  sent_at: Date | string | null;
  smtp_message_id: string | null;
  smtp_response: string | null;
  error: string | null;
  opened_at: Date | string | null;
  clicked_at: Date | string | null;
  unsubscribed_at: Date | string | null;
  bounced_at: Date | string | null;
  bounce_kind: 'hard' | 'soft' | null;
  created_at: CreatedAt;
  /** 0033: the claim-time recheck passed (counts toward the frequency cap while claimed). */
  cap_checked_at: Date | string | null;
  /** 0038: the customer a merge moved this message from (an unmerge that gives that customer back returns it). */
  merged_from_customer_id: string | null;
}
export interface ContactSuppressionsTable {
  id: BigId;
  channel: CampaignChannel;
  address_key: string;
  reason: 'hard_bounce' | 'soft_bounce' | 'complaint' | 'returned_mail' | 'manual';
  customer_id: string | null;
  campaign_id: string | null;
  message_id: number | null;
  detail: string | null;
  recorded_at: CreatedAt;
}
export interface MessagingSettingsTable {
  id: Generated<boolean>;
  sender_name: Generated<string>;
  sender_address: Generated<string>;
  sender_contact: Generated<string>;
  from_email: Generated<string>;
  reply_to: string | null;
  cap_count: Generated<number>;
  cap_days: Generated<number>;
  send_rate: Generated<number>;
  dm_household_addressing: Generated<'primary' | 'family'>;
  updated_at: UpdatedAt;
  updated_by: string | null;
}
export interface OutboxMessagesTable {
  id: BigId;
  message_id: number | null;
  campaign_id: string | null;
  to_address: string;
  subject: string;
  raw: string;
  is_test: Generated<boolean>;
  created_at: CreatedAt;
}

/** 0034: a customer's quality as the daily pass last computed it (src/ledger/quality owns it). */
export interface CustomerQualityTable {
  customer_id: string;
  score: number;
  completeness: number;
  validity: number;
  freshness: number;
  consistency: number;
  issues: Json<string[]>;
  stale: Json<Array<{ field: string; reason: string; since: string; sourceRecordId?: number }>>;
  stale_count: number;
  computed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
/** 0034: the daily quality pass's lease and last run (one row). */
export interface QualityRunsTable {
  id: Generated<boolean>;
  claimed_at: Timestamp | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  customers: Generated<number>;
}

/** A backup Daicho made (src/platform/operations); the row outlives its file (deleted_at) for the erasure register. */
export interface BackupsTable {
  id: Generated<string>;
  created_at: CreatedAt;
  engine: 'pglite' | 'postgres';
  format: 'rows' | 'pg_dump';
  file_path: string;
  bytes: number;
  kind: 'manual' | 'scheduled';
  schema_version: string;
  checksum: string;
  expires_at: Timestamp | null;
  deleted_at: Timestamp | null;
}

export interface OperationLeasesTable { name: string; holder: string; leased_until: Timestamp }

/** 0035: background jobs (src/platform/jobs). */
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'dead';
export interface JobsTable {
  id: Generated<string>;
  kind: string;
  payload: Json;
  dedupe_key: string | null;
  status: ColumnType<JobStatus, JobStatus | undefined, JobStatus>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  run_at: ColumnType<Date, Date | string | undefined, Date | string>;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** How far a running job has got, as its handler reports it (0039). */
  progress: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** What a finished (or finally failed) job did, as its handler returns it (0039). */
  result: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

export interface Database {
  roles: RolesTable;
  lifecycle_stages: LifecycleStagesTable;
  acquisition_channels: AcquisitionChannelsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  setup_tokens: SetupTokensTable;
  rate_limits: RateLimitsTable;
  audit_log: AuditLogTable;
  sources: SourcesTable;
  companies: CompaniesTable;
  company_reviews: CompanyReviewsTable;
  company_merges: CompanyMergesTable;
  customers: CustomersTable;
  affiliations: AffiliationsTable;
  source_records: SourceRecordsTable;
  activities: ActivitiesTable;
  custom_field_definitions: CustomFieldDefinitionsTable;
  import_profiles: ImportProfilesTable;
  import_runs: ImportRunsTable;
  import_issues: ImportIssuesTable;
  match_keys: MatchKeysTable;
  match_weights: MatchWeightsTable;
  match_decisions: MatchDecisionsTable;
  resolution_stats: ResolutionStatsTable;
  name_part_counts: NamePartCountsTable;
  source_recomputes: SourceRecomputesTable;
  review_items: ReviewItemsTable;
  review_patterns: ReviewPatternsTable;
  schema_migrations: SchemaMigrationsTable;
  tracker_sites: TrackerSitesTable;
  web_visitors: WebVisitorsTable;
  web_visits: WebVisitsTable;
  page_views: PageViewsTable;
  web_events: WebEventsTable;
  tracker_rejections: TrackerRejectionsTable;
  forms: FormsTable;
  form_submissions: FormSubmissionsTable;
  consents: ConsentsTable;
  recommend_runs: RecommendRunsTable;
  product_affinities: ProductAffinitiesTable;
  customer_candidates: CustomerCandidatesTable;
  product_rules: ProductRulesTable;
  products: ProductsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  events: EventsTable;
  event_registrations: EventRegistrationsTable;
  segments: SegmentsTable;
  segment_members: SegmentMembersTable;
  segment_sizes: SegmentSizesTable;
  customer_values: CustomerValuesTable;
  value_runs: ValueRunsTable;
  customer_stage_changes: CustomerStageChangesTable;
  campaigns: CampaignsTable;
  campaign_segments: CampaignSegmentsTable;
  campaign_messages: CampaignMessagesTable;
  campaign_audience: CampaignAudienceTable;
  contact_suppressions: ContactSuppressionsTable;
  messaging_settings: MessagingSettingsTable;
  outbox_messages: OutboxMessagesTable;
  trigger_rules: TriggerRulesTable;
  trigger_firings: TriggerFiringsTable;
  tasks: TasksTable;
  customer_quality: CustomerQualityTable;
  quality_runs: QualityRunsTable;
  backups: BackupsTable;
  operation_leases: OperationLeasesTable;
  jobs: JobsTable;
  privacy_requests: PrivacyRequestsTable;
  privacy_request_customers: PrivacyRequestCustomersTable;
  disclosure_reports: DisclosureReportsTable;
  privacy_keys: PrivacyKeysTable;
  erasure_tombstones: ErasureTombstonesTable;
  tombstone_hashes: TombstoneHashesTable;
  tombstone_matches: TombstoneMatchesTable;
  provision_records: ProvisionRecordsTable;
  provision_record_customers: ProvisionRecordCustomersTable;
  export_customers: ExportCustomersTable;
  voice_teams: VoiceTeamsTable;
  voice_team_members: VoiceTeamMembersTable;
  voice_groups: VoiceGroupsTable;
  voice_items: VoiceItemsTable;
  voice_item_tags: VoiceItemTagsTable;
  voice_tag_rules: VoiceTagRulesTable;
  voice_routing_rules: VoiceRoutingRulesTable;
  voice_comments: VoiceCommentsTable;
  voice_replies: VoiceRepliesTable;
  voice_digests: VoiceDigestsTable;
}

/** 0031: APPI data-subject requests, disclosure reports, erasure tombstones and third-party provision records. */
export type PrivacyRequestKind = 'disclosure' | 'correction' | 'stop_use' | 'erasure' | 'stop_provision';
export type PrivacyRequestStatus = 'open' | 'in_progress' | 'completed' | 'rejected';
export interface PrivacyRequestsTable {
  id: Generated<string>;
  kind: PrivacyRequestKind;
  status: Generated<PrivacyRequestStatus>;
  received_on: string;
  due_on: string;
  requester_name: string;
  requester_contact: string | null;
  identity_verified_by_user_id: string | null;
  identity_verified_at: Timestamp | null;
  identity_method: string | null;
  notes: string | null;
  created_by_user_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  completed_at: Timestamp | null;
  erased_at: Timestamp | null;
}
export interface PrivacyRequestCustomersTable {
  request_id: string;
  customer_id: string;
  /** 0036: set when the customer was added by a merge, to the customer merged in whose stop it took over. */
  via_merge_of: Generated<string | null>;
}
export interface DisclosureReportsTable {
  id: Generated<string>;
  request_id: string;
  status: Generated<'running' | 'ready' | 'failed'>;
  sections_done: Generated<number>;
  sections_total: Generated<number>;
  html: string | null;
  bundle: Json<unknown> | null;
  error: string | null;
  created_by_user_id: string | null;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
}
export interface PrivacyKeysTable { id: Generated<boolean>; tombstone: string; created_at: CreatedAt }
export interface ErasureTombstonesTable {
  id: Generated<string>;
  request_id: string;
  erased_at: CreatedAt;
  erased_by_user_id: string | null;
  customer_count: number;
  record_count: number;
  deleted: Json<Record<string, number>>;
}
export type TombstoneHashKind = 'email' | 'phone' | 'name_birth';
export interface TombstoneHashesTable { tombstone_id: string; kind: TombstoneHashKind; hash: string }
export interface TombstoneMatchesTable {
  id: BigId;
  tombstone_id: string;
  source_record_id: number;
  source_id: string;
  kinds: string[];
  status: Generated<'open' | 'dismissed'>;
  matched_at: CreatedAt;
  decided_by_user_id: string | null;
}
export interface ProvisionRecordsTable {
  id: Generated<string>;
  recipient: string;
  purpose: string | null;
  items: string[];
  format: string;
  customer_count: number;
  refused_count: Generated<number>;
  provided_by_user_id: string | null;
  provided_at: CreatedAt;
}
export interface ProvisionRecordCustomersTable { provision_id: string; customer_id: string }

/** 0037: the customers each personal-data export carried (its audit entry's details.exportId). */
export interface ExportCustomersTable { export_id: string; customer_id: string }

export type UserRow = Selectable<UsersTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type NewCustomerRow = Insertable<CustomersTable>;
export type CustomerUpdate = Updateable<CustomersTable>;
export type CompanyRow = Selectable<CompaniesTable>;
export type SourceRow = Selectable<SourcesTable>;
export type ActivityRow = Selectable<ActivitiesTable>;

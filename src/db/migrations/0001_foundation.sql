-- Daicho foundation schema.
-- Runs unchanged on PostgreSQL 15+ and on PGlite (PostgreSQL 18 in WASM): keep to PostgreSQL 15 syntax.
-- gen_random_uuid() is core since PostgreSQL 13, so no extension is needed.

-- ── Reference data ───────────────────────────────────────────────────────────
CREATE TABLE roles (
  name        text PRIMARY KEY,
  label_ja    text NOT NULL,
  label_en    text NOT NULL,
  sort_order  integer NOT NULL
);
INSERT INTO roles (name, label_ja, label_en, sort_order) VALUES
  ('admin',     '管理者',       'Administrator', 1),
  ('manager',   'マネージャー', 'Manager',       2),
  ('marketing', 'マーケティング', 'Marketing',   3),
  ('sales',     '営業',         'Sales',         4),
  ('viewer',    '閲覧者',       'Viewer',        5);

-- Lifecycle stages and acquisition channels are tables, not CHECK lists, so a company can add its own.
CREATE TABLE lifecycle_stages (
  code        text PRIMARY KEY,
  label_ja    text NOT NULL,
  label_en    text NOT NULL,
  sort_order  integer NOT NULL
);
INSERT INTO lifecycle_stages (code, label_ja, label_en, sort_order) VALUES
  ('prospect',     '見込み客', 'Prospect',     1),
  ('opportunity',  '商談中',   'Opportunity',  2),
  ('customer',     '顧客',     'Customer',     3),
  ('dormant',      '休眠',     'Dormant',      4),
  ('lost',         '失注',     'Lost',         5),
  ('disqualified', '対象外',   'Disqualified', 6);

CREATE TABLE acquisition_channels (
  code        text PRIMARY KEY,
  label_ja    text NOT NULL,
  label_en    text NOT NULL,
  sort_order  integer NOT NULL
);
INSERT INTO acquisition_channels (code, label_ja, label_en, sort_order) VALUES
  ('brochure',      '資料請求',   'Brochure request', 1),
  ('event',         'イベント',   'Event / seminar',  2),
  ('web',           'Web',        'Website',          3),
  ('business_card', '名刺',       'Business card',    4),
  ('referral',      '紹介',       'Referral',         5),
  ('inquiry',       'お問い合わせ', 'Inquiry',        6),
  ('advertising',   '広告',       'Advertising',      7),
  ('phone',         '電話',       'Phone',            8),
  ('other',         'その他',     'Other',            9);

-- ── People who use Daicho ────────────────────────────────────────────────────
CREATE TABLE users (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email             text NOT NULL,
  email_normalized  text NOT NULL UNIQUE,
  display_name      text NOT NULL,
  password_hash     text NOT NULL,
  role              text NOT NULL REFERENCES roles (name),
  department        text,
  disabled_at       timestamptz,
  last_login_at     timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Sessions live in the database (not in memory) so several Daicho processes can share them.
CREATE TABLE sessions (
  token_hash    text PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token    text NOT NULL,
  ip            text,
  user_agent    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE api_keys (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name          text NOT NULL,
  prefix        text NOT NULL UNIQUE,
  key_hash      text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  expires_at    timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);

-- One-time tokens printed to the console while no user exists (one per server process).
CREATE TABLE setup_tokens (
  token_hash  text PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Fixed-window counters shared by all processes (login rate limit).
CREATE TABLE rate_limits (
  bucket        text PRIMARY KEY,
  window_start  timestamptz NOT NULL,
  hits          integer NOT NULL
);

CREATE TABLE audit_log (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  actor_user_id   uuid REFERENCES users (id) ON DELETE SET NULL,
  actor_api_key_id uuid REFERENCES api_keys (id) ON DELETE SET NULL,
  actor_label     text,
  action          text NOT NULL,
  entity_type     text,
  entity_id       text,
  ip              text,
  user_agent      text,
  details         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, occurred_at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, occurred_at DESC);

-- ── Where data comes from ────────────────────────────────────────────────────
CREATE TABLE sources (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]*$'),
  label               text NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('manual', 'file_import', 'form', 'api', 'tracker', 'integration')),
  -- 自社 (first), 他社 (second: a partner's data), 第三者 (third: bought or public lists)
  party               text NOT NULL CHECK (party IN ('first', 'second', 'third')),
  owning_department   text,
  -- Survivorship: a lower number wins when sources disagree on a field.
  priority            integer NOT NULL DEFAULT 100,
  freshness_sla_days  integer,
  description         text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
INSERT INTO sources (name, label, kind, party, priority, description) VALUES
  ('manual', '手入力 (UI / API)', 'manual', 'first', 0, 'Edits made by users in the UI or through the API');

-- ── The ledger ───────────────────────────────────────────────────────────────
CREATE TABLE companies (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name               text NOT NULL,
  name_kana          text,
  legal_form         text,
  corporate_number   text UNIQUE CHECK (corporate_number ~ '^[0-9]{13}$'),
  industry           text,
  size_band          text,
  employee_count     integer CHECK (employee_count >= 0),
  website            text,
  phone              text,
  postal_code        text,
  prefecture         text,
  address            text,
  custom_fields      jsonb NOT NULL DEFAULT '{}'::jsonb,
  search_text        text NOT NULL DEFAULT '',
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  deleted_at         timestamptz
);
CREATE INDEX companies_name_idx ON companies (name);

-- The golden record. Every value here is computed from source_records; provenance says which one.
CREATE TABLE customers (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind                 text NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'organization')),
  family_name          text,
  given_name           text,
  family_name_kana     text,
  given_name_kana      text,
  display_name         text NOT NULL DEFAULT '',
  email                text,
  phone                text,
  postal_code          text,
  prefecture           text,
  address              text,
  building             text,
  birth_date           date,
  gender               text,
  company_id           uuid REFERENCES companies (id),
  department           text,
  title                text,
  lifecycle_stage      text NOT NULL DEFAULT 'prospect' REFERENCES lifecycle_stages (code),
  acquisition_channel  text REFERENCES acquisition_channels (code),
  owner_user_id        uuid REFERENCES users (id),
  custom_fields        jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- { field: { sourceRecordId, source, at } } for every computed field
  provenance           jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Search: folded text for rechecks, and grams for the GIN index (see src/domain/search).
  search_text          text NOT NULL DEFAULT '',
  search_grams         text[] NOT NULL DEFAULT '{}',
  -- Stable sort key for lists: folded reading, then name.
  sort_key             text NOT NULL DEFAULT '',
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  deleted_at           timestamptz,
  deleted_by_user_id   uuid REFERENCES users (id)
);
CREATE INDEX customers_email_idx ON customers (email);
CREATE INDEX customers_phone_idx ON customers (phone);
CREATE INDEX customers_company_idx ON customers (company_id);
CREATE INDEX customers_owner_idx ON customers (owner_user_id);
CREATE INDEX customers_created_idx ON customers (created_at DESC, id DESC);
CREATE INDEX customers_updated_idx ON customers (updated_at DESC, id DESC);
CREATE INDEX customers_sort_key_idx ON customers (sort_key, id);
CREATE INDEX customers_stage_idx ON customers (lifecycle_stage, updated_at DESC);
CREATE INDEX customers_prefecture_idx ON customers (prefecture);
CREATE INDEX customers_search_grams_idx ON customers USING gin (search_grams);

CREATE TABLE affiliations (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  customer_id   uuid NOT NULL REFERENCES customers (id),
  company_id    uuid NOT NULL REFERENCES companies (id),
  department    text,
  title         text,
  is_primary    boolean NOT NULL DEFAULT true,
  started_on    date,
  ended_on      date,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (customer_id, company_id)
);
CREATE INDEX affiliations_company_idx ON affiliations (company_id);

-- Everything a source ever said, as it arrived. A UI/API edit is a record of source 'manual'.
CREATE TABLE source_records (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source_id           uuid NOT NULL REFERENCES sources (id),
  external_id         text NOT NULL,
  customer_id         uuid REFERENCES customers (id),
  raw                 jsonb NOT NULL,
  normalized          jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash        text NOT NULL,
  created_by_user_id  uuid REFERENCES users (id),
  received_at         timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_id, external_id)
);
CREATE INDEX source_records_customer_idx ON source_records (customer_id);

-- Append-only history. Partition-friendly: every query names a customer and a time range.
CREATE TABLE activities (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id       uuid NOT NULL REFERENCES customers (id),
  type              text NOT NULL,
  occurred_at       timestamptz NOT NULL,
  title             text,
  properties        jsonb NOT NULL DEFAULT '{}'::jsonb,
  amount            numeric(14, 2),
  currency          text,
  source_id         uuid REFERENCES sources (id),
  source_record_id  bigint REFERENCES source_records (id),
  actor_user_id     uuid REFERENCES users (id),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activities_customer_time_idx ON activities (customer_id, occurred_at DESC, id DESC);
CREATE INDEX activities_type_time_idx ON activities (type, occurred_at DESC);

CREATE TABLE custom_field_definitions (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  entity      text NOT NULL CHECK (entity IN ('customer', 'company')),
  key         text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]*$'),
  label_ja    text NOT NULL,
  label_en    text,
  type        text NOT NULL CHECK (type IN ('text', 'number', 'date', 'select', 'multi_select', 'boolean')),
  options     jsonb NOT NULL DEFAULT '[]'::jsonb,
  required    boolean NOT NULL DEFAULT false,
  -- Personal data is masked for the viewer role like e-mail and phone.
  is_personal boolean NOT NULL DEFAULT false,
  sort_order  integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz,
  UNIQUE (entity, key)
);

-- APPI (個人情報保護法) data-subject requests and third-party provision (src/ledger/privacy, docs/PRIVACY.md).

-- 本人からの請求: one row per request, the customers it concerns in privacy_request_customers. After an erasure the
-- requester's name and contact are replaced (erasure keeps no readable identifier of the person).
CREATE TABLE privacy_requests (
  id                           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind                         text NOT NULL CHECK (kind IN ('disclosure', 'correction', 'stop_use', 'erasure', 'stop_provision')),
  status                       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'completed', 'rejected')),
  received_on                  date NOT NULL,
  due_on                       date NOT NULL,
  requester_name               text NOT NULL,
  requester_contact            text,
  identity_verified_by_user_id uuid REFERENCES users (id),
  identity_verified_at         timestamptz,
  identity_method              text,
  notes                        text,
  created_by_user_id           uuid REFERENCES users (id),
  created_at                   timestamptz NOT NULL DEFAULT now(),
  updated_at                   timestamptz NOT NULL DEFAULT now(),
  completed_at                 timestamptz,
  -- Set once the person was erased: the request's own identifiers are gone too.
  erased_at                    timestamptz
);
CREATE INDEX privacy_requests_status_due_idx ON privacy_requests (status, due_on);

-- No foreign key to customers: an erased customer's row is gone, the request keeps which id it concerned.
CREATE TABLE privacy_request_customers (
  request_id  uuid NOT NULL REFERENCES privacy_requests (id) ON DELETE CASCADE,
  customer_id uuid NOT NULL,
  PRIMARY KEY (request_id, customer_id)
);
CREATE INDEX privacy_request_customers_customer_idx ON privacy_request_customers (customer_id);

-- 利用停止: the request that stopped the use of the customer's data; segments, audiences, recommendations and
-- exports leave the customer out while it is set.
ALTER TABLE customers ADD COLUMN use_stopped_request_id uuid REFERENCES privacy_requests (id);
CREATE INDEX customers_use_stopped_idx ON customers (use_stopped_request_id) WHERE use_stopped_request_id IS NOT NULL;

-- 開示: a report generated in the background (status and progress readable while it runs).
CREATE TABLE disclosure_reports (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id         uuid NOT NULL REFERENCES privacy_requests (id),
  status             text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ready', 'failed')),
  sections_done      integer NOT NULL DEFAULT 0,
  sections_total     integer NOT NULL DEFAULT 0,
  html               text,
  bundle             jsonb,
  error              text,
  created_by_user_id uuid REFERENCES users (id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  finished_at        timestamptz
);
CREATE INDEX disclosure_reports_request_idx ON disclosure_reports (request_id, created_at DESC);

-- 消去: the tombstone of an erasure. Its identifiers are keyed hashes (HMAC-SHA-256 with privacy_keys' key) of
-- the normalised e-mails, phones and name + birth date, so a later record of the same person is recognised without
-- Daicho keeping anything readable.
CREATE TABLE privacy_keys (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  tombstone  text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE erasure_tombstones (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id     uuid NOT NULL REFERENCES privacy_requests (id),
  erased_at      timestamptz NOT NULL DEFAULT now(),
  erased_by_user_id uuid REFERENCES users (id),
  customer_count integer NOT NULL,
  record_count   integer NOT NULL,
  -- How many rows each table lost ({"source_records": 3, …}): what the erasure did, without personal values.
  deleted        jsonb NOT NULL
);

CREATE TABLE tombstone_hashes (
  tombstone_id uuid NOT NULL REFERENCES erasure_tombstones (id),
  kind         text NOT NULL CHECK (kind IN ('email', 'phone', 'name_birth')),
  hash         text NOT NULL,
  PRIMARY KEY (hash, tombstone_id)
);

-- A record staged after an erasure that carries one of its identifiers: flagged 「消去済みの本人と一致」.
CREATE TABLE tombstone_matches (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tombstone_id     uuid NOT NULL REFERENCES erasure_tombstones (id),
  source_record_id bigint NOT NULL,
  source_id        uuid NOT NULL REFERENCES sources (id),
  kinds            text[] NOT NULL,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed')),
  matched_at       timestamptz NOT NULL DEFAULT now(),
  decided_by_user_id uuid REFERENCES users (id),
  UNIQUE (source_record_id, tombstone_id)
);

-- 第三者提供の記録 (APPI art. 29): to whom, when, what items, which customers.
CREATE TABLE provision_records (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  recipient          text NOT NULL,
  purpose            text,
  items              text[] NOT NULL,
  format             text NOT NULL,
  customer_count     integer NOT NULL,
  refused_count      integer NOT NULL DEFAULT 0,
  provided_by_user_id uuid REFERENCES users (id),
  provided_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provision_records_provided_at_idx ON provision_records (provided_at DESC);

CREATE TABLE provision_record_customers (
  provision_id uuid NOT NULL REFERENCES provision_records (id) ON DELETE CASCADE,
  customer_id  uuid NOT NULL,
  PRIMARY KEY (provision_id, customer_id)
);
CREATE INDEX provision_record_customers_customer_idx ON provision_record_customers (customer_id);

-- 鮮度と品質 (issue 25). A customer's quality (score, parts, issues, stale values with their reasons) as the daily
-- pass last computed it from the source records, the bounces and the returned mail (src/ledger/quality is its one
-- writer). The customer page computes it live; this copy serves the 要更新 queue per owner and the averages on the
-- data-source page and the dashboard without recomputing a million customers per request.
CREATE TABLE customer_quality (
  customer_id   uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
  score         smallint NOT NULL,
  completeness  real NOT NULL,
  validity      real NOT NULL,
  freshness     real NOT NULL,
  consistency   real NOT NULL,
  issues        jsonb NOT NULL DEFAULT '[]',
  stale         jsonb NOT NULL DEFAULT '[]',
  stale_count   integer NOT NULL DEFAULT 0,
  computed_at   timestamptz NOT NULL DEFAULT now()
);
-- The 要更新 queue reads only customers with stale values.
CREATE INDEX customer_quality_stale ON customer_quality (customer_id) WHERE stale_count > 0;

-- The data-source registry: the purpose of use (利用目的) APPI asks a company to state, and how long its records
-- are kept (保存期間, days); records past it are flagged for deletion on the data-source page.
ALTER TABLE sources ADD COLUMN purpose_of_use text;
ALTER TABLE sources ADD COLUMN retention_days integer;

-- The daily pass, one process at a time across servers (a lease: claimed_at older than 10 minutes is free again).
CREATE TABLE quality_runs (
  id           boolean PRIMARY KEY DEFAULT true CHECK (id),
  claimed_at   timestamptz,
  started_at   timestamptz,
  finished_at  timestamptz,
  customers    integer NOT NULL DEFAULT 0
);
INSERT INTO quality_runs (id) VALUES (true);

-- Dashboards at a million customers (issue 22; bench/README.md has the measurements): the panels that read the
-- customers table (composition, acquisition, first touch, quality, the funnel's and the merges' live-customer test)
-- spent their time scanning its wide rows (search grams, search text, provenance, custom fields). customer_facts is
-- a narrow copy of what they read, one row per customer (deleted ones too, with their deleted_at: a merge decision's
-- customer may since have been merged away), written by the same statements that write the golden record
-- (src/ledger/customers/customers.repository.ts is its one writer: insert, golden update, soft delete, and the
-- daily rebuild that puts right whatever a path missed).
CREATE TABLE customer_facts (
  customer_id          uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  created_at           timestamptz NOT NULL,
  deleted_at           timestamptz,
  prefecture           text,
  acquisition_channel  text,
  lifecycle_stage      text,
  owner_user_id        uuid,
  company_id           uuid,
  has_email            boolean NOT NULL,
  has_phone            boolean NOT NULL,
  has_address          boolean NOT NULL,
  -- Joins in customer order (to the records' and stage changes' indexes) read the live test and the time of entry
  -- from the key alone: the rows are in no id order, and visiting them one by one took 12 s at 1 M customers.
  PRIMARY KEY (customer_id) INCLUDE (created_at, deleted_at)
);

INSERT INTO customer_facts (customer_id, created_at, deleted_at, prefecture, acquisition_channel, lifecycle_stage, owner_user_id, company_id,
                            has_email, has_phone, has_address)
SELECT id, created_at, deleted_at, prefecture, acquisition_channel, lifecycle_stage, owner_user_id, company_id,
       email IS NOT NULL, phone IS NOT NULL, address IS NOT NULL OR postal_code IS NOT NULL
FROM customers;

-- Each customer's records by source and arrival, without reading the records' wide rows: the composition by source
-- (a customer's sources), first touch (its earliest record) and the merges by source (every record with its source
-- and arrival) read this index alone.
CREATE INDEX source_records_customer_source_idx ON source_records (customer_id, source_id, received_at, id);

-- The funnel reads each customer's changes to the funnel's stages from this index alone, in customer order (an
-- aggregate that streams instead of hashing a million customers); a deleted customer is left out by an anti join
-- on the few deleted ones.
CREATE INDEX customer_stage_changes_funnel_idx ON customer_stage_changes (customer_id, to_stage, changed_at);
CREATE INDEX customer_facts_deleted_idx ON customer_facts (customer_id) WHERE deleted_at IS NOT NULL;

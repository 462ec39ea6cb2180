-- Dashboards (issue 22): the lifecycle stage's history. Every change of customers.lifecycle_stage is recorded by the
-- statement that makes it (src/ledger/customers/customers.repository.ts: a new customer as null → its stage, a golden
-- recompute that changes the stage as from → to, in the same statement), so the funnel can tell when each customer
-- reached each stage. Existing customers start with one row: null → their current stage at their created_at.
CREATE TABLE customer_stage_changes (
  id           bigserial PRIMARY KEY,
  customer_id  uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  from_stage   text,
  to_stage     text NOT NULL,
  changed_at   timestamptz NOT NULL DEFAULT now()
);
-- The funnel reads each customer's changes to the funnel's stages in time order.
CREATE INDEX customer_stage_changes_customer_idx ON customer_stage_changes (customer_id, changed_at);

INSERT INTO customer_stage_changes (customer_id, from_stage, to_stage, changed_at)
SELECT id, NULL, lifecycle_stage, created_at FROM customers ORDER BY created_at, id;

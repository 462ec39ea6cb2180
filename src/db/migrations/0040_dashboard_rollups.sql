-- Dashboards at a million customers, the next step after customer_facts (issue 22; bench/README.md has the figures).
--
-- customer_order_totals: per live customer and currency, the sums of its customer_order_days rows — purchases,
-- revenue, and how many day rows there are (a customer with only returns or zero-quantity lines has rows but no
-- purchase). The composition without a range read 2M day rows joined to 1M customers' keys; it now joins one narrow
-- row per buyer. Written only by src/ledger/values/values.repository.ts, in the same statements' transaction as the
-- day rows it sums (every order change, merge, split, soft delete, erasure, and the daily rebuild).
CREATE TABLE customer_order_totals (
  customer_id  uuid NOT NULL,
  currency     text NOT NULL,
  orders       integer NOT NULL,
  revenue      numeric NOT NULL,
  days         integer NOT NULL,
  PRIMARY KEY (customer_id, currency)
);

INSERT INTO customer_order_totals (customer_id, currency, orders, revenue, days)
SELECT customer_id, currency, sum(orders), sum(revenue), count(*) FROM customer_order_days GROUP BY customer_id, currency;

-- The merges by source counted, per record, its decisions that joined a customer created before them, by joining
-- every decision to its customer's creation time (675k decisions, 1.7M records: 4–7 s). A decision's customer and
-- both times never change, so identity resolution stores the answer with the decision (resolution.repository.ts
-- insertDecisions): a merge or an accepted review whose customer existed before the decision.
ALTER TABLE match_decisions ADD COLUMN joined_existing boolean NOT NULL DEFAULT FALSE;

UPDATE match_decisions d SET joined_existing = TRUE
FROM customers t
WHERE t.id = d.customer_id AND d.kind IN ('merge', 'accept') AND d.source_record_id IS NOT NULL AND t.created_at < d.created_at;

CREATE INDEX match_decisions_joined_idx ON match_decisions (source_record_id) WHERE joined_existing;

-- customer_first_touch: each customer's earliest record (received first; ties by id) and its source. First touch
-- sorted all 1.7M records by customer and arrival to take each customer's first (1.5–7 s). Written only by
-- src/resolution/resolution.repository.ts, the one writer of source_records, wherever a record is linked to a customer,
-- moved between customers (merge, split), changed (its arrival moves) or deleted (erasure, retention); rebuilt whole by
-- the daily pass.
CREATE TABLE customer_first_touch (
  customer_id       uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
  source_id         uuid NOT NULL,
  received_at       timestamptz NOT NULL,
  source_record_id  bigint NOT NULL
);

INSERT INTO customer_first_touch (customer_id, source_id, received_at, source_record_id)
SELECT DISTINCT ON (customer_id) customer_id, source_id, received_at, id FROM source_records
WHERE customer_id IS NOT NULL ORDER BY customer_id, received_at, id;

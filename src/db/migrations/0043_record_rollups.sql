-- Dashboards at a million customers, after 0040 (issue 22; bench/README.md has the figures). Both kept by
-- src/resolution/resolution.repository.ts, the one writer of source_records, and rebuilt by the daily pass.
--
-- customer_sources: each customer's set of sources (one row per customer and source it has a record of). The
-- composition by source grouped 1.7M records' (customer, source) pairs on every call (7 s at 1M); it now reads this
-- narrow table, in customer order like the totals it is joined to. Rewritten with the first touch (refreshRecordRollupsOf)
-- for every customer whose records are linked, moved (merge, split), changed or deleted (erasure, retention).
CREATE TABLE customer_sources (
  customer_id  uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  source_id    uuid NOT NULL,
  PRIMARY KEY (customer_id, source_id)
);

INSERT INTO customer_sources (customer_id, source_id)
SELECT DISTINCT customer_id, source_id FROM source_records WHERE customer_id IS NOT NULL;

-- source_records.joined_existing: the record has a decision that joined a customer created before it
-- (match_decisions.joined_existing, 0040). The merges by source hashed 675k such record ids against 1.7M records
-- (1.4–1.9 s); with the flag in the records' (customer, source, arrival) index the panel is one index-only scan.
-- Set by insertDecisions when such a decision is stored, cleared when the decisions behind it are deleted (erasure).
ALTER TABLE source_records ADD COLUMN joined_existing boolean NOT NULL DEFAULT FALSE;

UPDATE source_records sr SET joined_existing = TRUE
WHERE sr.id IN (SELECT d.source_record_id FROM match_decisions d WHERE d.joined_existing);

DROP INDEX source_records_customer_source_idx;
CREATE INDEX source_records_customer_source_idx ON source_records (customer_id, source_id, received_at, id) INCLUDE (joined_existing);

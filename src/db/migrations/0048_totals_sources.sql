-- customer_order_totals' sources (issue 22; bench/README.md, "After migration 0048", has the figures): each buyer's
-- set of sources (customer_sources, sorted) and its first touch's source (customer_first_touch) copied beside its
-- yen totals, like the composition keys of 0045. The composition by source without a range joined the 1.68M
-- (customer, source) pairs to the 613k yen totals (a parallel hash join, 2–3 s of the panel at 1M); it now counts
-- customers from customer_sources and sums buyers, purchases and revenue from the totals alone, each source of a
-- buyer unnested from its row. First touch without a range (with a segment: 1.9–3.5 s) takes its buyers' sources from
-- the totals instead of joining the first touches to them.
--
-- Still written only by src/ledger/values/values.repository.ts: with the totals (read from customer_sources and
-- customer_first_touch, which src/resolution keeps) and by refreshOrderTotalsKeysOf, which the golden recompute calls
-- for every customer whose records were linked, moved, changed or deleted (those paths recompute the golden record
-- after resolution rewrote the customer's sources and first touch); rebuilt by the daily pass after the records'
-- rollups. NULL: the buyer has no record (no source).
ALTER TABLE customer_order_totals ADD COLUMN source_ids uuid[], ADD COLUMN first_source_id uuid;

UPDATE customer_order_totals t
SET source_ids = (SELECT array_agg(cs.source_id ORDER BY cs.source_id) FROM customer_sources cs WHERE cs.customer_id = t.customer_id),
    first_source_id = (SELECT f.source_id FROM customer_first_touch f WHERE f.customer_id = t.customer_id);

-- The few totals in other currencies than yen: first touch counts a buyer without yen purchases by the first of them.
CREATE INDEX customer_order_totals_other_idx ON customer_order_totals (customer_id) WHERE currency <> 'JPY';

ANALYZE customer_order_totals;

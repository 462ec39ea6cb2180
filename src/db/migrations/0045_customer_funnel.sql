-- The funnel at a million customers (issue 22; bench/README.md has the figures). The panel grouped 2.2M stage changes
-- by customer on every call (1.4–1.9 s at 1M once vacuumed); it now reads one narrow row per customer.
--
-- customer_funnel: each live customer's first arrival at each funnel stage (src/domain/customers/funnel.ts:
-- 見込み客 prospect, 商談中 opportunity, 顧客 customer) — the earliest change of customer_stage_changes into that stage,
-- null when it never arrived there. A row for every live customer with at least one change into a funnel stage;
-- merged-away (soft-deleted) and erased customers have none. Written by src/ledger/customers/customers.repository.ts
-- only, by the statements that write the stage history (the golden record's insert and update) and the soft delete
-- and erasure; rebuilt by the daily pass (rebuildCustomerFunnel).
CREATE TABLE customer_funnel (
  customer_id     uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
  prospect_at     timestamptz,
  opportunity_at  timestamptz,
  customer_at     timestamptz
);

INSERT INTO customer_funnel (customer_id, prospect_at, opportunity_at, customer_at)
SELECT h.customer_id, min(h.changed_at) FILTER (WHERE h.to_stage = 'prospect'), min(h.changed_at) FILTER (WHERE h.to_stage = 'opportunity'),
       min(h.changed_at) FILTER (WHERE h.to_stage = 'customer')
FROM customer_stage_changes h JOIN customers c ON c.id = h.customer_id
WHERE c.deleted_at IS NULL AND h.to_stage IN ('prospect', 'opportunity', 'customer')
GROUP BY h.customer_id;

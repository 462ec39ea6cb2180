-- 利用停止 follows customer merges (src/ledger/privacy/merge.service.ts, called through the merge listeners of
-- src/ledger/customers/merge-listeners.ts). A survivor that takes over a merged-away customer's stop is added to that
-- stop's request with the customer it came from, so resuming the request lifts it on the survivor too, and an
-- unmerge that gives the merged-away customer's records back takes exactly those rows away again.
ALTER TABLE privacy_request_customers ADD COLUMN via_merge_of uuid;
CREATE INDEX privacy_request_customers_via_idx ON privacy_request_customers (customer_id, via_merge_of) WHERE via_merge_of IS NOT NULL;

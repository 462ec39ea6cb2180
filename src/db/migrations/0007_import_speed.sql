-- Import at scale (1M rows): identity resolution works through the unresolved records in chunks, in id (= file)
-- order. This partial index finds the next chunk without scanning the ledger; it holds only records not yet linked.
CREATE INDEX source_records_unresolved_idx ON source_records (id) WHERE customer_id IS NULL;

-- Weights trained for a multi-chunk resolution are stored before its first chunk, with the range of record ids they
-- were trained for: a killed import's re-run finds them and resolves the remaining chunks with the very same weights,
-- so it ends with the ledger an uninterrupted run gives.
ALTER TABLE match_weights ADD COLUMN first_record_id bigint;
ALTER TABLE match_weights ADD COLUMN last_record_id bigint;

-- match_keys is written ~20 times per imported record; its record-id index doubled that cost and is not needed: the
-- importer derives a record's keys from its prepared form (blockingKeys) to look up neighbours or delete old keys.
DROP INDEX match_keys_record_idx;

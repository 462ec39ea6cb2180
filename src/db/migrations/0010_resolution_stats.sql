-- How many source records identity resolution has linked so far: the size of the ledger a new record is matched
-- against. A name-only pair counts for less the larger it is (namesakeBits in src/domain/match/decide.ts). Kept as a
-- counter that each resolution step updates under the resolver lock, so reading it costs nothing per form submission
-- or identified visitor, and a killed import's re-run reads exactly the count the uninterrupted run had at that step.
CREATE TABLE resolution_stats (
  id              boolean PRIMARY KEY DEFAULT true CHECK (id),
  linked_records  bigint NOT NULL
);
INSERT INTO resolution_stats (linked_records)
  SELECT count(*) FROM source_records WHERE customer_id IS NOT NULL AND match_record IS NOT NULL;

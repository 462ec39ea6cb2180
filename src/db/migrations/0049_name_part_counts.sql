-- How many linked source records carry each written family name and each written given name: the shares the odds of a
-- pair whose evidence is a name are computed from (ledgerLogOdds in src/domain/match/weights.ts). A chunk's own sample
-- counts a name seen on no other record as 2 of its 1,000–10,000 records; the ledger's count is what it is (the
-- generated held-out sets' job-change recall through the CLI, seeds 1–3: 0.59–0.64 with the sample, 0.75–0.78 with
-- these counts).
-- Keyed like match_keys, by the first 8 bytes of the MD5 of the term-frequency key ('ft:<family>', 'gt:<given>'; the
-- keys 'ft' and 'gt' hold the totals), so no name is stored in the clear; a count that falls to 0 is deleted.
-- Kept by the resolver (records it links), a user's own statement (a linked record), erasure (records deleted) and the
-- daily recount (a linked record whose name a re-import changed).
CREATE TABLE name_part_counts (
  name_hash bigint PRIMARY KEY,
  records   integer NOT NULL
);
INSERT INTO name_part_counts (name_hash, records)
SELECT ('x' || substr(md5(k), 1, 16))::bit(64)::bigint, count(*)::integer
FROM (
  SELECT unnest(ARRAY['ft', 'ft:' || (match_record->'family'->>'text')]) AS k
    FROM source_records WHERE customer_id IS NOT NULL AND match_record->'family'->>'text' IS NOT NULL
  UNION ALL
  SELECT unnest(ARRAY['gt', 'gt:' || (match_record->'given'->>'text')])
    FROM source_records WHERE customer_id IS NOT NULL AND match_record->'given'->>'text' IS NOT NULL
) names
GROUP BY 1;

-- A job's progress and result (src/platform/jobs is the one writer): a long job (an import, a retention delete)
-- reports how far it has got while it runs, and what it did when it ends, so whoever polls it (the import wizard,
-- the ジョブ page) reads it from the table whichever process runs it. Counts and ids only, never a personal value.
ALTER TABLE jobs ADD COLUMN progress jsonb;
ALTER TABLE jobs ADD COLUMN result jsonb;

-- Deleting source records (retention delete, erasure) checks the foreign keys that point at them: without an index
-- on activities.source_record_id every deleted record scanned the whole activities table (measured: a batch of
-- 2,000 records took ~145 s beside 200k activities, bench/operations/retention.ts). Only the rows that have one.
CREATE INDEX activities_source_record_idx ON activities (source_record_id) WHERE source_record_id IS NOT NULL;
CREATE INDEX review_items_record_b_idx ON review_items (record_b_id);

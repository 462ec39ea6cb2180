-- A job's progress and result (src/platform/jobs is the one writer): a long job (an import, a retention delete)
-- reports how far it has got while it runs, and what it did when it ends, so whoever polls it (the import wizard,
-- the ジョブ page) reads it from the table whichever process runs it. Counts and ids only, never a personal value.
ALTER TABLE jobs ADD COLUMN progress jsonb;
ALTER TABLE jobs ADD COLUMN result jsonb;

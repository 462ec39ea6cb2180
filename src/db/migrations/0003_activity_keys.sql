-- Behaviour from outside (form submissions, page views, orders, event attendance) arrives more than once: a
-- retried beacon, a re-imported order file. Each such activity carries the key of what it records, so writing it
-- again updates the one row instead of adding a second (INSERT … ON CONFLICT (dedupe_key)).
ALTER TABLE activities ADD COLUMN dedupe_key text;
ALTER TABLE activities ADD COLUMN updated_at timestamptz;
CREATE UNIQUE INDEX activities_dedupe_key_idx ON activities (dedupe_key);

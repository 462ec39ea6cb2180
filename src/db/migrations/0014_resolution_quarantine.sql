-- A record whose identity resolution fails on its own (a value the database cannot convert, a fault its data hits) is
-- set aside with its error instead of failing every later resolution: resolution takes the records waiting in id order,
-- so one such record at the head of the queue used to fail every form submission, import and identify after it
-- (src/features/import/import.service.ts). A quarantined record waits, outside the queue, until someone retries it
-- (after a fix) or its source sends it again with other content.
ALTER TABLE source_records ADD COLUMN quarantined_at timestamptz;
ALTER TABLE source_records ADD COLUMN resolution_error text;
CREATE INDEX source_records_quarantined_idx ON source_records (quarantined_at) WHERE quarantined_at IS NOT NULL;

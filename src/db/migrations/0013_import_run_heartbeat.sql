-- A run is 'running' from its first row to its last. A process killed meanwhile never finishes it, and the run history
-- showed 実行中 for ever (its re-run is a run of its own). A running import now touches heartbeat_at every 30 s
-- (src/features/import/import.service.ts): a 'running' run whose heartbeat is over two minutes old is reported as
-- 'interrupted'. Its rows up to the last committed batch are in the ledger; importing the file again goes on to the
-- same ledger an uninterrupted run gives.
ALTER TABLE import_runs ADD COLUMN heartbeat_at timestamptz;
UPDATE import_runs SET heartbeat_at = coalesce(finished_at, started_at);
ALTER TABLE import_runs ALTER COLUMN heartbeat_at SET DEFAULT now();
ALTER TABLE import_runs ALTER COLUMN heartbeat_at SET NOT NULL;

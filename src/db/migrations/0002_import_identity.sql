-- Import runs with their per-row report, and identity resolution: match keys, decisions, review queue.

CREATE TABLE import_profiles (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source_id   uuid NOT NULL UNIQUE REFERENCES sources (id),
  profile     jsonb NOT NULL,
  updated_by_user_id uuid REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE import_runs (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source_id      uuid NOT NULL REFERENCES sources (id),
  file_name      text NOT NULL,
  status         text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  encoding       text,
  -- rows read, new, updated, unchanged, rejected, flagged, merged, review, customers created
  counts         jsonb NOT NULL DEFAULT '{}'::jsonb,
  error          text,
  created_by_user_id uuid REFERENCES users (id),
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz
);
CREATE INDEX import_runs_source_idx ON import_runs (source_id, started_at DESC);

-- One line per rejected row or flagged value: the downloadable per-row report.
CREATE TABLE import_issues (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id      uuid NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
  line        integer NOT NULL,
  severity    text NOT NULL CHECK (severity IN ('rejected', 'flagged')),
  field       text,
  reason      text NOT NULL,
  value       text
);
CREATE INDEX import_issues_run_idx ON import_issues (run_id, line);

-- The prepared form the matcher compares (src/domain/match), kept beside the record.
ALTER TABLE source_records ADD COLUMN match_record jsonb;

CREATE TABLE match_keys (
  key               text NOT NULL,
  source_record_id  bigint NOT NULL REFERENCES source_records (id) ON DELETE CASCADE,
  PRIMARY KEY (key, source_record_id)
);
CREATE INDEX match_keys_record_idx ON match_keys (source_record_id);

-- Trained Fellegi–Sunter weights (the newest row is used).
CREATE TABLE match_weights (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  weights     jsonb NOT NULL,
  trained_on  integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Every link decision with its evidence and the rule or user that made it.
CREATE TABLE match_decisions (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind               text NOT NULL CHECK (kind IN ('new', 'merge', 'review', 'accept', 'reject', 'never', 'unmerge', 'manual_merge')),
  source_record_id   bigint REFERENCES source_records (id),
  customer_id        uuid REFERENCES customers (id),
  other_customer_id  uuid REFERENCES customers (id),
  score              double precision,
  rule               text,
  evidence           jsonb NOT NULL DEFAULT '[]'::jsonb,
  import_run_id      uuid REFERENCES import_runs (id),
  decided_by_user_id uuid REFERENCES users (id),
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX match_decisions_record_idx ON match_decisions (source_record_id);
CREATE INDEX match_decisions_customer_idx ON match_decisions (customer_id);

CREATE TABLE review_items (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  record_a_id      bigint NOT NULL REFERENCES source_records (id),
  record_b_id      bigint NOT NULL REFERENCES source_records (id),
  score            double precision NOT NULL,
  probability      double precision NOT NULL,
  rules            jsonb NOT NULL DEFAULT '[]'::jsonb,
  evidence         jsonb NOT NULL DEFAULT '[]'::jsonb,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected', 'never')),
  decided_by_user_id uuid REFERENCES users (id),
  decided_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (record_a_id < record_b_id),
  UNIQUE (record_a_id, record_b_id)
);
CREATE INDEX review_items_open_idx ON review_items (status, score DESC);

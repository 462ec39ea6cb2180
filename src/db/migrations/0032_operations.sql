-- Operations (src/platform/operations): the register of backups and the leases that let one of several servers on
-- one PostgreSQL do a periodic chore (the scheduled backup).

-- Every backup Daicho made (CLI or schedule). A row stays after its file is deleted by rotation (deleted_at): the
-- register answers "which backups may still hold data erased on a date" until expires_at / deleted_at.
CREATE TABLE backups (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at     timestamptz NOT NULL DEFAULT now(),
  engine         text NOT NULL CHECK (engine IN ('pglite', 'postgres')),
  -- 'rows': Daicho's own row dump through the driver (both engines); 'pg_dump': pg_dump's custom format inside it
  format         text NOT NULL CHECK (format IN ('rows', 'pg_dump')),
  file_path      text NOT NULL,
  bytes          bigint NOT NULL CHECK (bytes >= 0),
  kind           text NOT NULL CHECK (kind IN ('manual', 'scheduled')),
  -- the newest migration applied when the backup was taken
  schema_version text NOT NULL,
  -- sha256 of the file, hex
  checksum       text NOT NULL,
  -- when rotation will delete the file (scheduled backups); NULL: kept until someone deletes it
  expires_at     timestamptz,
  -- when rotation deleted the file
  deleted_at     timestamptz
);
CREATE INDEX backups_created_at ON backups (created_at);

-- A named chore one server at a time does: taken while free or expired (compare-and-set), held until leased_until.
CREATE TABLE operation_leases (
  name         text PRIMARY KEY,
  holder       text NOT NULL,
  leased_until timestamptz NOT NULL
);

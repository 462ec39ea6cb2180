-- How source records are stored, for import speed (measured on 20,000 generated records of the import benchmark).
--
-- 1. A record is about 2 KB: the row as received, its statement, and the matcher's form with its stored blocking keys.
--    Above 2,032 bytes PostgreSQL tries to compress a row's largest values on every insert and update, and these
--    small JSON documents rarely shrink enough to keep: the attempt is paid and thrown away. Copying the records took
--    1.1–1.3 s, against 0.35–0.39 s with this target, for a table of the same size. Rows up to 8,160 bytes are now
--    stored as they are; larger ones are still compressed and moved out of line.
-- 2. The three documents are json, not jsonb: no SQL looks inside them (they are read whole, into JavaScript, and
--    written whole), so jsonb's binary form only cost a conversion each way. Inserting the records with bound
--    parameters, as staging does, took 0.85–0.91 s as json against 1.44–1.69 s as jsonb; reading them back 5–10% less.
--    (json still answers ->>, which a person querying the ledger by hand may use.)
ALTER TABLE source_records SET (toast_tuple_target = 8160);
ALTER TABLE source_records
  ALTER COLUMN raw TYPE json USING raw::json,
  ALTER COLUMN normalized DROP DEFAULT,
  ALTER COLUMN normalized TYPE json USING normalized::json,
  ALTER COLUMN normalized SET DEFAULT '{}'::json,
  ALTER COLUMN match_record TYPE json USING match_record::json;

-- Starting a campaign no longer stores its audience inside the request (a million people took 25 s on PostgreSQL and
-- a minute on PGlite): start moves it to `preparing`, and the servers' send tick resolves the audience once into a
-- staging table and moves it into campaign_messages in chunks, each chunk one transaction with its progress, so a
-- process that dies mid-way leaves a consistent state and the next one goes on (a message is never stored twice:
-- the staged row is deleted by the statement that inserts its message). One process prepares a campaign at a time:
-- it is claimed (prepared_by) and its claim beats (prepare_beat_at), taken over when the beat goes stale.
ALTER TABLE campaigns DROP CONSTRAINT campaigns_status_check;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_status_check
  CHECK (status IN ('draft', 'scheduled', 'preparing', 'sending', 'paused', 'done', 'cancelled'));
-- People considered (set once the audience is resolved) and how many of them are stored as messages so far.
ALTER TABLE campaigns ADD COLUMN audience_total integer;
ALTER TABLE campaigns ADD COLUMN audience_prepared integer NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN prepared_by text;
ALTER TABLE campaigns ADD COLUMN prepare_beat_at timestamptz;
CREATE INDEX campaigns_preparing_idx ON campaigns (status) WHERE status = 'preparing';

CREATE TABLE campaign_audience_staging (
  campaign_id  uuid NOT NULL REFERENCES campaigns (id),
  customer_id  uuid NOT NULL,
  address      text,
  reason       text,
  PRIMARY KEY (campaign_id, customer_id)
);

-- The frequency cap across concurrent campaigns: a claimed message that passed the claim-time recheck counts toward
-- its person's cap from that moment (the recheck of each person is serialised by a transaction-level advisory lock),
-- so two campaigns sending to one person at once cannot both pass a cap the other fills.
ALTER TABLE campaign_messages ADD COLUMN cap_checked_at timestamptz;

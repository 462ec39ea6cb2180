-- A campaign's resolved audience without a message per suppressed person (issue 23: storing a 1M-customer audience
-- as 1M campaign_messages rows, each with six index entries and a random token, took minutes). The audience
-- statement writes every person considered here once, in the order of their id (taken from campaign_messages' own
-- sequence, so a person keeps one id in both tables); the preparation then moves the people to send, in chunks of ids,
-- into campaign_messages under the same id and deletes them here. What stays is the suppressed: the campaign's record
-- of who was left out and why (its report's counts per reason and the list), with one index that is written in order.
CREATE TABLE campaign_audience (
  id           bigint NOT NULL DEFAULT nextval('campaign_messages_id_seq'),
  -- No foreign key: a million trigger calls for a campaign the preparation holds locked (campaigns are never deleted).
  campaign_id  uuid NOT NULL,
  customer_id  uuid NOT NULL,
  address      text,
  reason       text,
  PRIMARY KEY (campaign_id, id)
);

-- The last id the preparation has moved (its chunks go in id order; a process that takes over goes on from here).
ALTER TABLE campaigns ADD COLUMN prepared_through bigint;

-- A trigger's firing names the message it sent or the audience row that says why it did not (one id space).
ALTER TABLE trigger_firings DROP CONSTRAINT trigger_firings_campaign_message_id_fkey;

-- The suppressed people of campaigns already stored as messages move here, under their ids, so every report reads one place.
INSERT INTO campaign_audience (id, campaign_id, customer_id, address, reason)
SELECT id, campaign_id, customer_id, address, reason FROM campaign_messages WHERE status = 'suppressed';
DELETE FROM campaign_messages WHERE status = 'suppressed';

-- A campaign still being prepared keeps its place: what it moved so far is behind it, and its staged people become
-- audience rows after that (new, higher ids).
UPDATE campaigns c SET prepared_through = (SELECT max(a.id) FROM campaign_audience a WHERE a.campaign_id = c.id) WHERE c.status = 'preparing';
INSERT INTO campaign_audience (campaign_id, customer_id, address, reason)
SELECT campaign_id, customer_id, address, reason FROM campaign_audience_staging ORDER BY campaign_id, customer_id;
DROP TABLE campaign_audience_staging;

-- Only a message to send has a token (DM pieces and skipped people have none): the unique index leaves the rest out.
ALTER TABLE campaign_messages DROP CONSTRAINT campaign_messages_token_key;
CREATE UNIQUE INDEX campaign_messages_token_key ON campaign_messages (token) WHERE token IS NOT NULL;

-- Campaign messages, trigger firings and owners' tasks follow customer merges (src/app/merge-listeners.ts). A merge
-- moves the merged-away customer's rows to the survivor and records here which customer they came from, so the
-- survivor's frequency cap counts what the merged-away customer was sent, a rule's cool-down holds for the person,
-- and an unmerge that gives a merged-away customer's records back gives exactly these rows back too.
ALTER TABLE campaign_messages ADD COLUMN merged_from_customer_id uuid;
ALTER TABLE trigger_firings ADD COLUMN merged_from_customer_id uuid;
ALTER TABLE tasks ADD COLUMN merged_from_customer_id uuid;

-- One message per person and campaign holds for the audience as resolved; a message that came with a merge may sit
-- beside the survivor's own in the same campaign (both were sent: both count toward the cap).
ALTER TABLE campaign_messages DROP CONSTRAINT campaign_messages_campaign_id_customer_id_key;
CREATE UNIQUE INDEX campaign_messages_person_key ON campaign_messages (campaign_id, customer_id) WHERE merged_from_customer_id IS NULL;

CREATE INDEX campaign_messages_merged_from_idx ON campaign_messages (customer_id, merged_from_customer_id) WHERE merged_from_customer_id IS NOT NULL;
CREATE INDEX trigger_firings_merged_from_idx ON trigger_firings (customer_id, merged_from_customer_id) WHERE merged_from_customer_id IS NOT NULL;
CREATE INDEX tasks_merged_from_idx ON tasks (customer_id, merged_from_customer_id) WHERE merged_from_customer_id IS NOT NULL;

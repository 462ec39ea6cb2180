-- The consent ledger through unmerge (issue 25: "on unmerge each side gets its own history back"). A merge moves the
-- merged-away customer's customer-level events (an unsubscribe, a staff entry) to the survivor and says whose they
-- were; an unmerge that splits out every record that came from that customer gives them back to the new customer,
-- so a person split off keeps their own opt-out. Record-level events follow their records already.
ALTER TABLE consents ADD COLUMN merged_from_customer_id uuid;
CREATE INDEX consents_merged_from_idx ON consents (customer_id, merged_from_customer_id) WHERE merged_from_customer_id IS NOT NULL;

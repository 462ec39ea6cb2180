-- The send loop rechecks each claimed message's person just before sending (the frequency cap across campaigns):
-- their messages on the channel, found by customer rather than by a scan of every campaign's messages.
CREATE INDEX campaign_messages_customer_idx ON campaign_messages (customer_id, channel);

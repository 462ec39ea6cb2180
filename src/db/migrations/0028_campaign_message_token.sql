-- Only a message that can be sent needs a token (its links, pixel, unsubscribe page and return path); a suppressed
-- person's row is the audit of why not, and storing a million random keys for them cost half of a campaign's start.
ALTER TABLE campaign_messages ALTER COLUMN token DROP NOT NULL;

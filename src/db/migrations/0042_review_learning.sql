-- Learning from the review queue (issue 26, active learning; src/domain/match/feedback.ts). Each item's pattern (the
-- level of every field, the rules, the probability band) is stored with it, so the reviewers' decisions can be
-- tallied per pattern and the importer can decide new pairs of a settled pattern as the reviewers did. `teaches`
-- marks the items a person decided one by one (the labels); items closed with them (the other pairs of the same two
-- customers) or in bulk do not count again. `priority` is what deciding the item is worth (the open items its
-- pattern covers times how unsure the tally still is), refreshed whenever a decision or an import changes a tally:
-- the queue is read in that order. Items written before this migration get their pattern when the resolver next runs.
ALTER TABLE review_items ADD COLUMN pattern text;
ALTER TABLE review_items ADD COLUMN teaches boolean NOT NULL DEFAULT false;
ALTER TABLE review_items ADD COLUMN priority double precision NOT NULL DEFAULT 0;
CREATE INDEX review_items_pattern_idx ON review_items (pattern, status);
CREATE INDEX review_items_queue_idx ON review_items (status, priority DESC, score DESC, id);

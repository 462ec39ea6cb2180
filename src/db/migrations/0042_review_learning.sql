-- Learning from the review queue (issue 26, active learning; src/domain/match/feedback.ts). Each item's pattern (the
-- level of every field, the rules, the probability band, the name-rarity band) is stored with it, so the reviewers'
-- decisions can be tallied per pattern and the importer can decide new pairs of a settled pattern as the reviewers
-- did. `teaches` marks the items a person decided one by one (the labels); items closed with them (the other pairs of
-- the same two customers) or in bulk do not count again. Items written before this migration get their pattern when
-- the resolver next runs.
ALTER TABLE review_items ADD COLUMN pattern text;
ALTER TABLE review_items ADD COLUMN teaches boolean NOT NULL DEFAULT false;
CREATE INDEX review_items_pattern_idx ON review_items (pattern, status, teaches);

-- Per pattern, its tally when last refreshed (after a decision on one of its items, or an import that added some)
-- and what deciding one of its open items is worth (`priority`: open items × the tally's variance): the queue is read
-- in that order. One row a pattern, so a decision rewrites one row, not every open item of a large pattern.
CREATE TABLE review_patterns (
  pattern   text PRIMARY KEY,
  open      integer NOT NULL DEFAULT 0,
  accepted  integer NOT NULL DEFAULT 0,
  rejected  integer NOT NULL DEFAULT 0,
  priority  double precision NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_patterns_labelled_idx ON review_patterns (pattern) WHERE accepted + rejected > 0;

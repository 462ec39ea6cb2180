-- Segment conditions on page views (issue 21): 「/products/* を直近 30 日に 3 回以上」 reads the page views of a
-- window and tests each one's path. activities_type_time_idx (0001) leads with the type, so the planner sees no
-- order in time behind it and, at 10M activities, read the whole table instead (2.1 s on PostgreSQL for a 30-day
-- window of 1M customers: bench/segments). This index holds page views only, in time order, with the path beside
-- the time: a window is one range of it, and a path test (equal, or a LIKE prefix: text_pattern_ops) is decided in
-- the index before a row is read.
CREATE INDEX activities_page_view_time_idx ON activities (occurred_at, (properties ->> 'path') text_pattern_ops)
  WHERE type = 'page_view';

-- Company merges decided by a person or by `daicho companies dedupe` (issue 20), recorded so that a merge can be
-- undone exactly: the customers whose affiliation moved to the survivor, the affiliations removed because the
-- customer already had one with the survivor, the companies merged earlier that now point at the survivor, and the
-- survivor's facts filled from the merged company (with their values before, restored when still unchanged).
CREATE TABLE company_merges (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  survivor_id     uuid NOT NULL REFERENCES companies (id),
  merged_id       uuid NOT NULL REFERENCES companies (id),
  review_id       bigint REFERENCES company_reviews (id),
  moved           jsonb NOT NULL DEFAULT '[]'::jsonb,
  folded          jsonb NOT NULL DEFAULT '[]'::jsonb,
  repointed       jsonb NOT NULL DEFAULT '[]'::jsonb,
  survivor_before jsonb NOT NULL DEFAULT '{}'::jsonb,
  survivor_after  jsonb NOT NULL DEFAULT '{}'::jsonb,
  merged_corporate_number text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  undone_at       timestamptz,
  CHECK (survivor_id <> merged_id)
);
CREATE INDEX company_merges_merged_idx ON company_merges (merged_id, id) WHERE undone_at IS NULL;
CREATE INDEX company_merges_survivor_idx ON company_merges (survivor_id) WHERE undone_at IS NULL;

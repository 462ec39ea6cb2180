-- Companies (法人) resolved like people (issue 20): a deterministic name key (legal form, width, kana script and
-- spacing folded; src/domain/companies), the 法人番号 as a key when present, the company's own web domain, its
-- 業種 as a JSIC code beside the text as given, its size (従業員数, 資本金, 売上規模) and, per field, where the value
-- came from (survivorship: a manual edit wins; otherwise the latest non-empty statement).
ALTER TABLE companies
  ADD COLUMN name_key          text,
  ADD COLUMN industry_code     text,
  ADD COLUMN employees_text    text,
  ADD COLUMN capital_yen       bigint CHECK (capital_yen >= 0),
  ADD COLUMN capital_text      text,
  ADD COLUMN revenue_band      text,
  ADD COLUMN domain            text,
  ADD COLUMN field_sources     jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- A company merged into another (daicho companies dedupe) is soft-deleted and points at its survivor, so the
  -- merge can be read back and undone; its people moved with it (audit_log 'company.merge' lists them).
  ADD COLUMN merged_into_id    uuid REFERENCES companies (id);

CREATE INDEX companies_name_key_idx ON companies (name_key) WHERE deleted_at IS NULL;
CREATE INDEX companies_domain_idx ON companies (domain) WHERE deleted_at IS NULL;
CREATE INDEX companies_industry_code_idx ON companies (industry_code) WHERE deleted_at IS NULL;
CREATE INDEX companies_merged_into_idx ON companies (merged_into_id) WHERE merged_into_id IS NOT NULL;

-- Pairs of companies that may be one 法人 (the matcher's 'review': similar names without corroboration, 株式会社 vs
-- 有限会社, a rename that kept phone and domain). Kept for a person to decide; never merged automatically.
CREATE TABLE company_reviews (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_a_id  uuid NOT NULL REFERENCES companies (id),
  company_b_id  uuid NOT NULL REFERENCES companies (id),
  reasons       jsonb NOT NULL DEFAULT '[]'::jsonb,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'distinct')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (company_a_id < company_b_id),
  UNIQUE (company_a_id, company_b_id)
);
CREATE INDEX company_reviews_open_idx ON company_reviews (created_at) WHERE status = 'open';

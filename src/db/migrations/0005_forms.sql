-- Forms (資料請求, イベント申込, お問い合わせ) built in the UI. Each form is its own data source (kind 'form', name
-- form-<slug>): a submission is a source record of that source, so it goes through identity resolution like any
-- other record, and the customer's golden record says which form told us what.
CREATE TABLE forms (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Public address: /f/<slug>. Fixed after creation (the source name and published snippets depend on it).
  slug               text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  kind               text NOT NULL CHECK (kind IN ('brochure_request', 'event_registration', 'contact', 'other')),
  title              text NOT NULL,
  description        text,
  -- [{key, target, labelJa, labelEn, type, required, options, placeholder}] in display order (src/domain/forms).
  fields             jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- What the person agrees to (APPI: purpose of use), shown beside the checkbox and stored with each consent.
  consent_purpose    text,
  consent_text       text,
  consent_required   boolean NOT NULL DEFAULT false,
  -- Incremented whenever consent_text changes, so each consent says which wording was agreed to.
  consent_version    integer NOT NULL DEFAULT 1,
  thank_you_message  text,
  redirect_url       text,
  -- Origins (https://www.example.co.jp) whose pages may embed the form (CORS for the embed snippet).
  allowed_origins    jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- An event this form registers people for (events feature); no FK so forms do not depend on it.
  event_id           uuid,
  status             text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'closed')),
  source_id          uuid NOT NULL UNIQUE REFERENCES sources (id),
  created_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  archived_at        timestamptz
);

-- Every POST to a form. The client sends a submission key (a UUID the hosted page renders into the form, or the
-- embed script generates), so a double click or a retry is one submission (UNIQUE form + key).
-- The customer is not stored here: it is the source record's customer, which follows merges and unmerges.
CREATE TABLE form_submissions (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  form_id           uuid NOT NULL REFERENCES forms (id),
  submission_key    text NOT NULL,
  -- 'spam': the honeypot was filled; answered like a success, counted, never turned into a customer.
  status            text NOT NULL CHECK (status IN ('accepted', 'spam')),
  "values"          jsonb NOT NULL DEFAULT '{}'::jsonb,
  consent_given     boolean,
  consent_version   integer,
  ip_hash           text,
  user_agent        text,
  visitor_id        text,
  page_url          text,
  source_record_id  bigint REFERENCES source_records (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (form_id, submission_key)
);
CREATE INDEX form_submissions_form_time_idx ON form_submissions (form_id, created_at DESC, id DESC);
CREATE INDEX form_submissions_record_idx ON form_submissions (source_record_id);

-- Consent log (APPI): who agreed (or declined) to what purpose, with the exact wording shown, when and through
-- which source. Append-only. A consent given through a source record follows that record through merge and
-- unmerge: readers take the record's current customer (customer_id is the customer at the time of recording).
CREATE TABLE consents (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id       uuid NOT NULL REFERENCES customers (id),
  purpose           text NOT NULL,
  granted           boolean NOT NULL,
  text_shown        text,
  text_version      integer,
  source_id         uuid REFERENCES sources (id),
  source_record_id  bigint REFERENCES source_records (id),
  -- What the consent records (form:<formId>:<submissionKey>), so a replayed submission records it once.
  dedupe_key        text UNIQUE,
  recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consents_customer_idx ON consents (customer_id, recorded_at DESC);
CREATE INDEX consents_record_idx ON consents (source_record_id);

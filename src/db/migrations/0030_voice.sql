-- Voice of customer (顧客の声, src/use/voice): one inbox for what customers say, from every channel.
-- An item hangs off a source record of its customer (the form submission's, the sender's, the import row's, or for an
-- item about a chosen customer that customer's first record), like campaign activities do: it stores no customer id
-- of its own, so merges and unmerges move it with its record and it cannot go stale. Its text is personal data.

CREATE TABLE voice_teams (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  email       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
CREATE UNIQUE INDEX voice_teams_name_idx ON voice_teams (name) WHERE deleted_at IS NULL;

CREATE TABLE voice_team_members (
  team_id  uuid NOT NULL REFERENCES voice_teams (id),
  user_id  uuid NOT NULL REFERENCES users (id),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX voice_team_members_user_idx ON voice_team_members (user_id);

-- A theme: items of one product + topic, or near-duplicate text, found at insert through shared band keys.
CREATE TABLE voice_groups (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  label        text NOT NULL,
  product_sku  text,
  topic        text,
  item_count   integer NOT NULL DEFAULT 0,
  first_at     timestamptz NOT NULL,
  last_at      timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX voice_groups_created_idx ON voice_groups (created_at DESC, id DESC);
CREATE INDEX voice_groups_product_topic_idx ON voice_groups (product_sku, topic, last_at DESC) WHERE topic IS NOT NULL;

CREATE TABLE voice_items (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source_record_id    bigint NOT NULL REFERENCES source_records (id),
  channel             text NOT NULL CHECK (channel IN ('form', 'email', 'import', 'note', 'api')),
  received_at         timestamptz NOT NULL,
  -- Idempotency per channel: form:<submission>, email:<Message-ID>, note:<activity>, an import row's or the API's key.
  dedupe_key          text UNIQUE,
  subject             text,
  text                text NOT NULL,
  -- As given by the channel (an e-mail's From, a survey's respondent): personal data like the text.
  sender              text,
  score               integer,
  score_kind          text CHECK (score_kind IN ('nps', 'csat')),
  score_max           integer,
  product_skus        text[] NOT NULL DEFAULT '{}',
  attachment_names    text[] NOT NULL DEFAULT '{}',
  language            text NOT NULL DEFAULT 'ja' CHECK (language IN ('ja', 'en', 'other')),
  sentiment           text NOT NULL CHECK (sentiment IN ('positive', 'neutral', 'negative')),
  sentiment_score     double precision NOT NULL,
  sentiment_evidence  jsonb NOT NULL DEFAULT '[]'::jsonb,
  status              text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done')),
  assignee_user_id    uuid REFERENCES users (id),
  team_id             uuid REFERENCES voice_teams (id),
  due_on              date,
  group_id            uuid REFERENCES voice_groups (id),
  routing_rule_id     uuid,
  form_submission_id  bigint REFERENCES form_submissions (id),
  activity_id         bigint,
  -- Folded text and its substring grams (src/domain/search/grams.ts), as customers' search: Japanese contains-search
  -- through a GIN index on both engines, rechecked against search_text.
  search_text         text NOT NULL DEFAULT '',
  search_grams        text[] NOT NULL DEFAULT '{}',
  -- Locality-sensitive band keys of the text (src/domain/voice): items sharing one are near-duplicate candidates.
  bands               text[] NOT NULL DEFAULT '{}',
  created_by          uuid REFERENCES users (id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  done_at             timestamptz
);
CREATE INDEX voice_items_inbox_idx ON voice_items (received_at DESC, id DESC);
CREATE INDEX voice_items_status_idx ON voice_items (status, received_at DESC, id DESC);
CREATE INDEX voice_items_record_idx ON voice_items (source_record_id, received_at DESC);
CREATE INDEX voice_items_team_idx ON voice_items (team_id, status, received_at DESC) WHERE team_id IS NOT NULL;
CREATE INDEX voice_items_assignee_idx ON voice_items (assignee_user_id, status, received_at DESC) WHERE assignee_user_id IS NOT NULL;
CREATE INDEX voice_items_sentiment_idx ON voice_items (sentiment, received_at DESC);
CREATE INDEX voice_items_group_idx ON voice_items (group_id, received_at DESC) WHERE group_id IS NOT NULL;
CREATE INDEX voice_items_products_idx ON voice_items USING gin (product_skus);
CREATE INDEX voice_items_grams_idx ON voice_items USING gin (search_grams);
CREATE INDEX voice_items_bands_idx ON voice_items USING gin (bands);

-- Tags by rule (rule_id) or by hand (created_by).
CREATE TABLE voice_item_tags (
  item_id     uuid NOT NULL REFERENCES voice_items (id) ON DELETE CASCADE,
  tag         text NOT NULL,
  origin      text NOT NULL CHECK (origin IN ('rule', 'manual')),
  rule_id     uuid,
  created_by  uuid REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (item_id, tag)
);
CREATE INDEX voice_item_tags_tag_idx ON voice_item_tags (tag, item_id);

-- Tag rules: keywords in the text, a form, products, a channel (all given conditions must hold). Default topic
-- rules are seeded by the service on first use (seeded = true) and editable like any.
CREATE TABLE voice_tag_rules (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tag           text NOT NULL,
  keywords      text[] NOT NULL DEFAULT '{}',
  form_id       uuid REFERENCES forms (id),
  product_skus  text[] NOT NULL DEFAULT '{}',
  channel       text CHECK (channel IN ('form', 'email', 'import', 'note', 'api')),
  enabled       boolean NOT NULL DEFAULT true,
  seeded        boolean NOT NULL DEFAULT false,
  created_by    uuid REFERENCES users (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz
);

-- Routing: the first enabled rule (by position) whose conditions all hold assigns a team and/or a user.
CREATE TABLE voice_routing_rules (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name              text NOT NULL,
  position          integer NOT NULL DEFAULT 0,
  enabled           boolean NOT NULL DEFAULT true,
  tag               text,
  product_sku       text,
  sentiment         text CHECK (sentiment IN ('positive', 'neutral', 'negative')),
  customer_tier     text,
  team_id           uuid REFERENCES voice_teams (id),
  assignee_user_id  uuid REFERENCES users (id),
  due_in_days       integer CHECK (due_in_days BETWEEN 0 AND 365),
  created_by        uuid REFERENCES users (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  deleted_at        timestamptz,
  CHECK (team_id IS NOT NULL OR assignee_user_id IS NOT NULL)
);

CREATE TABLE voice_comments (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id         uuid NOT NULL REFERENCES voice_items (id) ON DELETE CASCADE,
  author_user_id  uuid REFERENCES users (id),
  body            text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX voice_comments_item_idx ON voice_comments (item_id, id);

-- Replies by e-mail, sent through the campaigns' mailer (SMTP, else the outbox).
CREATE TABLE voice_replies (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id         uuid NOT NULL REFERENCES voice_items (id) ON DELETE CASCADE,
  to_address      text NOT NULL,
  subject         text NOT NULL,
  body            text NOT NULL,
  sent_by         uuid REFERENCES users (id),
  sent_at         timestamptz NOT NULL DEFAULT now(),
  transport       text NOT NULL CHECK (transport IN ('smtp', 'outbox')),
  smtp_message_id text
);
CREATE INDEX voice_replies_item_idx ON voice_replies (item_id, id);

-- A week's digest per team (team_id null: everyone's), computed on demand or by the server's tick.
CREATE TABLE voice_digests (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id      uuid REFERENCES voice_teams (id),
  week_start   date NOT NULL,
  content      jsonb NOT NULL,
  computed_at  timestamptz NOT NULL DEFAULT now(),
  emailed_at   timestamptz
);
CREATE UNIQUE INDEX voice_digests_team_week_idx ON voice_digests (COALESCE(team_id, '00000000-0000-0000-0000-000000000000'::uuid), week_start);

-- Campaigns (issue 23) and the consent ledger they stand on (shared with issue 25).

-- ── Lawful basis for marketing e-mail (特定電子メール法) per source ───────────────────────────────────────────
-- opt_in_per_record: each record carries its own consent (a form's checkbox, an import's consent column);
-- business_card (名刺: the address was handed over in writing), business_relationship (取引関係) and
-- published_for_business: the law's exceptions, which cover every record of the source unless the person objected;
-- none: the source gives no basis (a record from it can still be mailed on a consent recorded elsewhere).
ALTER TABLE sources ADD COLUMN email_basis text NOT NULL DEFAULT 'none'
  CHECK (email_basis IN ('opt_in_per_record', 'business_card', 'business_relationship', 'published_for_business', 'none'));
UPDATE sources SET email_basis = 'opt_in_per_record' WHERE kind = 'form';

-- Which purposes a form's consent checkbox grants (e.g. {email_marketing}); a form's consent stays its log entry too.
ALTER TABLE forms ADD COLUMN consent_purposes text[] NOT NULL DEFAULT '{}';

-- ── The consent ledger ─────────────────────────────────────────────────────────────────────────────────────
-- consents (0005) becomes the ledger of every consent event. purpose_code is the machine purpose (null on a form's
-- free-text purpose of use that grants nothing to campaigns); state is what happened; method how we learned it.
-- A person's current state for a purpose is their latest event (recorded_at, id) over the events of their source
-- records (which follow a record through merge and unmerge) and their own customer-level events (source_record_id
-- null: an unsubscribe, a staff entry, a merge). A merge writes one customer-level event with the most restrictive
-- of the two current states, so "most restrictive wins" holds while a later opt-in still counts.
ALTER TABLE consents ADD COLUMN purpose_code text
  CHECK (purpose_code IN ('email_marketing', 'dm', 'phone_marketing', 'profiling', 'third_party'));
ALTER TABLE consents ADD COLUMN state text;
UPDATE consents SET state = CASE WHEN granted THEN 'granted' ELSE 'denied' END;
ALTER TABLE consents ALTER COLUMN state SET NOT NULL;
ALTER TABLE consents ADD CONSTRAINT consents_state_check CHECK (state IN ('granted', 'denied', 'withdrawn'));
ALTER TABLE consents ADD COLUMN method text NOT NULL DEFAULT 'form'
  CHECK (method IN ('form', 'import', 'staff', 'api', 'unsubscribe', 'complaint', 'merge', 'request'));
ALTER TABLE consents ADD COLUMN campaign_id uuid;
ALTER TABLE consents ADD COLUMN actor_user_id uuid REFERENCES users (id);
CREATE INDEX consents_customer_purpose_idx ON consents (customer_id, purpose_code, recorded_at DESC, id DESC);
CREATE INDEX consents_purpose_idx ON consents (purpose_code, recorded_at DESC, id DESC) WHERE purpose_code IS NOT NULL;

-- ── Suppressions by address: bounces, complaints, returned post ───────────────────────────────────────────
-- address_key: the e-mail lower-cased (email), or the household key of the postal address (dm).
CREATE TABLE contact_suppressions (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel       text NOT NULL CHECK (channel IN ('email', 'dm')),
  address_key   text NOT NULL,
  reason        text NOT NULL CHECK (reason IN ('hard_bounce', 'soft_bounce', 'complaint', 'returned_mail', 'manual')),
  customer_id   uuid,
  campaign_id   uuid,
  message_id    bigint,
  detail        text,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_suppressions_address_idx ON contact_suppressions (channel, address_key, recorded_at DESC);

-- ── Sender identity and the frequency cap: one row, set by an admin ───────────────────────────────────────
CREATE TABLE messaging_settings (
  id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
  sender_name         text NOT NULL DEFAULT '',
  sender_address      text NOT NULL DEFAULT '',
  sender_contact      text NOT NULL DEFAULT '',
  from_email          text NOT NULL DEFAULT '',
  reply_to            text,
  -- At most cap_count marketing messages (e-mail and DM counted per channel) a person in cap_days days.
  cap_count           integer NOT NULL DEFAULT 2 CHECK (cap_count >= 1),
  cap_days            integer NOT NULL DEFAULT 7 CHECK (cap_days >= 1),
  -- Messages a second per sending process.
  send_rate           integer NOT NULL DEFAULT 20 CHECK (send_rate >= 1),
  -- DM: people at one address get one piece addressed to the primary person or to 「ご家族様」.
  dm_household_addressing text NOT NULL DEFAULT 'primary' CHECK (dm_household_addressing IN ('primary', 'family')),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  updated_by          uuid REFERENCES users (id)
);
INSERT INTO messaging_settings (id) VALUES (true);

-- ── Campaigns ─────────────────────────────────────────────────────────────────────────────────────────────
CREATE TABLE campaigns (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name           text NOT NULL,
  channel        text NOT NULL CHECK (channel IN ('email', 'dm')),
  status         text NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'done', 'cancelled')),
  department     text,
  subject        text NOT NULL DEFAULT '',
  body_text      text NOT NULL DEFAULT '',
  body_html      text,
  -- Blocks shown by behaviour: [{ "key", "when": { … }, "text", "html" }] (src/domain/campaigns).
  blocks         jsonb NOT NULL DEFAULT '[]'::jsonb,
  scheduled_at   timestamptz,
  started_at     timestamptz,
  finished_at    timestamptz,
  created_by     uuid REFERENCES users (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz
);
CREATE INDEX campaigns_status_idx ON campaigns (status, scheduled_at);

-- The audience: members of any of these segments (none: the whole ledger).
CREATE TABLE campaign_segments (
  campaign_id  uuid NOT NULL REFERENCES campaigns (id),
  segment_id   uuid NOT NULL REFERENCES segments (id),
  PRIMARY KEY (campaign_id, segment_id)
);

-- One row per person considered when the campaign started: queued to send, or suppressed with its reason.
-- Sending claims queued rows in batches (claimed), marks one sending just before the SMTP transaction and sent
-- after it; a process that dies leaves claimed rows (never attempted: queued again) and at most its in-flight
-- sending rows, which become unknown for a person to decide (never re-sent silently).
CREATE TABLE campaign_messages (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id     uuid NOT NULL REFERENCES campaigns (id),
  customer_id     uuid NOT NULL,
  channel         text NOT NULL CHECK (channel IN ('email', 'dm')),
  -- The e-mail address, or the postal address line for DM.
  address         text,
  status          text NOT NULL CHECK (status IN ('queued', 'claimed', 'sending', 'sent', 'outbox', 'failed',
                                                   'unknown', 'suppressed', 'skipped')),
  reason          text,
  -- Random, unguessable: the unsubscribe link, open pixel, tracked links and VERP return path name the message.
  token           text NOT NULL UNIQUE,
  claimed_by      text,
  claimed_at      timestamptz,
  attempts        integer NOT NULL DEFAULT 0,
  sent_at         timestamptz,
  smtp_message_id text,
  smtp_response   text,
  error           text,
  opened_at       timestamptz,
  clicked_at      timestamptz,
  unsubscribed_at timestamptz,
  bounced_at      timestamptz,
  bounce_kind     text CHECK (bounce_kind IN ('hard', 'soft')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, customer_id)
);
CREATE INDEX campaign_messages_claim_idx ON campaign_messages (campaign_id, status, id);
-- The frequency cap: what a person was sent lately, across every campaign.
CREATE INDEX campaign_messages_customer_sent_idx ON campaign_messages (customer_id, sent_at DESC) WHERE sent_at IS NOT NULL;

-- Without SMTP configured (the embedded default) a message lands here instead, shown in the UI as not sent.
CREATE TABLE outbox_messages (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id    bigint REFERENCES campaign_messages (id),
  campaign_id   uuid REFERENCES campaigns (id),
  to_address    text NOT NULL,
  subject       text NOT NULL,
  raw           text NOT NULL,
  is_test       boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_messages_time_idx ON outbox_messages (created_at DESC, id DESC);

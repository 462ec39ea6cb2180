-- Website tracker (src/features/tracker). A site installs /t.js with its write key; the snippet sends page views,
-- dwell time and custom events to POST /api/v1/collect. Anonymous visitors become known through identify (the
-- snippet's API, or a Daicho form carrying the visitor id): the visitor then points at a source record of the site's
-- tracker source, and its page views are written to that record's customer's timeline as `page_view` activities.
-- The customer is never stored here: it is the source record's customer, which follows merges and unmerges.

CREATE TABLE tracker_sites (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                text NOT NULL,
  -- Public (it is in every page's HTML), so not a secret: it names the site. Unique; rotating it replaces it at once.
  write_key           text NOT NULL UNIQUE CHECK (write_key ~ '^dt_[A-Za-z0-9]{20,64}$'),
  -- Exact origins (https://www.example.co.jp) or one leading wildcard label (https://*.example.co.jp).
  allowed_origins     text[] NOT NULL DEFAULT '{}',
  -- Per-process token buckets (events per minute) for the whole site and for one client address.
  rate_per_minute     integer NOT NULL DEFAULT 120000 CHECK (rate_per_minute > 0),
  ip_rate_per_minute  integer NOT NULL DEFAULT 3000 CHECK (ip_rate_per_minute > 0),
  -- The site's data source (kind 'tracker'): identified visitors are its records (external id = visitor id).
  source_id           uuid REFERENCES sources (id),
  active              boolean NOT NULL DEFAULT true,
  created_by_user_id  uuid REFERENCES users (id) ON DELETE SET NULL,
  key_rotated_at      timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- One browser on one site: the id the snippet keeps in first-party storage (localStorage + cookie).
CREATE TABLE web_visitors (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  site_id           uuid NOT NULL REFERENCES tracker_sites (id),
  visitor_key       text NOT NULL,
  -- Set by identify: the tracker source record this browser belongs to (its customer is the visitor's customer).
  source_record_id  bigint REFERENCES source_records (id),
  -- What identify calls said, merged (the source record is built from it).
  traits            jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Which person on this browser: a second identify with another e-mail is another person (n+1, its own source record).
  identity_seq      integer NOT NULL DEFAULT 0,
  identified_at     timestamptz,
  -- 'granted' when the site asked for consent and the visitor gave it; 'implied' when the site does not ask.
  consent           text NOT NULL DEFAULT 'implied' CHECK (consent IN ('implied', 'granted')),
  first_seen_at     timestamptz NOT NULL,
  last_seen_at      timestamptz NOT NULL,
  UNIQUE (site_id, visitor_key)
);
CREATE INDEX web_visitors_record_idx ON web_visitors (source_record_id);

-- A visit (session): the snippet starts a new one after 30 minutes without activity or on a new campaign.
CREATE TABLE web_visits (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  site_id        uuid NOT NULL REFERENCES tracker_sites (id),
  visit_key      text NOT NULL,
  visitor_id     bigint NOT NULL REFERENCES web_visitors (id),
  started_at     timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  -- The first page seen of the visit (NULL while only custom events or identify arrived).
  landing_url    text,
  referrer       text,
  utm_source     text,
  utm_medium     text,
  utm_campaign   text,
  utm_term       text,
  utm_content    text,
  UNIQUE (site_id, visit_key)
);
CREATE INDEX web_visits_visitor_idx ON web_visits (visitor_id, started_at);

-- One page view. The snippet generates its id (view_key), so the page-leave beacon (dwell time) updates the same row
-- and a retried batch changes nothing. dwell_ms counts visible time only and only grows. This is the hottest table:
-- it has as few indexes as its queries need (the key, the visitor's history, a BRIN for "today").
CREATE TABLE page_views (
  site_id        uuid NOT NULL REFERENCES tracker_sites (id),
  view_key       text NOT NULL,
  visitor_id     bigint NOT NULL REFERENCES web_visitors (id),
  visit_id       bigint NOT NULL REFERENCES web_visits (id),
  url            text NOT NULL,
  path           text NOT NULL,
  title          text,
  referrer       text,
  utm_source     text,
  utm_medium     text,
  utm_campaign   text,
  utm_term       text,
  utm_content    text,
  started_at     timestamptz NOT NULL,
  dwell_ms       integer,
  received_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, view_key)
);
CREATE INDEX page_views_visitor_idx ON page_views (visitor_id, started_at);
CREATE INDEX page_views_received_idx ON page_views USING brin (received_at);

-- Custom events from daicho.track(name, props).
CREATE TABLE web_events (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  site_id        uuid NOT NULL REFERENCES tracker_sites (id),
  event_key      text NOT NULL,
  visitor_id     bigint NOT NULL REFERENCES web_visitors (id),
  visit_id       bigint NOT NULL REFERENCES web_visits (id),
  page_view_key  text,
  name           text NOT NULL,
  properties     jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at    timestamptz NOT NULL,
  UNIQUE (site_id, event_key)
);
CREATE INDEX web_events_site_time_idx ON web_events (site_id, occurred_at);

-- Rejected events per site (NULL: the write key was unknown), day (Asia/Tokyo) and reason.
CREATE TABLE tracker_rejections (
  site_id  uuid REFERENCES tracker_sites (id),
  day      date NOT NULL,
  reason   text NOT NULL,
  count    bigint NOT NULL DEFAULT 0,
  UNIQUE NULLS NOT DISTINCT (site_id, day, reason)
);

-- Putting the ledger to use (issue 21): saved segments with materialised membership and its size over time, and
-- per-customer purchase values (RFM facts, scores, tier, predicted values) that segments, the customer page and
-- the RFM grid read. Everything here is derived: recomputing it from orders and the definitions gives it back.

-- The order's own time zone (IANA name): recency counts calendar days where the order was placed.
ALTER TABLE orders ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Tokyo';

-- (Behaviour conditions scan one kind of activity in a window: activities_type_time_idx of 0001 serves them.)

CREATE TABLE segments (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name              text NOT NULL,
  description       text,
  -- The condition tree (src/use/segments/segments.schemas.ts SegmentDefinition).
  definition        jsonb NOT NULL,
  -- dynamic: re-evaluated on every refresh; snapshot: members frozen when it was saved (refresh refused).
  mode              text NOT NULL DEFAULT 'dynamic' CHECK (mode IN ('dynamic', 'snapshot')),
  owner_user_id     uuid REFERENCES users (id),
  -- Minutes between scheduled refreshes of a dynamic segment (null: on demand only).
  refresh_minutes   integer CHECK (refresh_minutes IS NULL OR refresh_minutes >= 5),
  member_count      integer,
  refreshed_at      timestamptz,
  -- A refresh in progress: the process that claimed it and when (a stale claim can be taken over).
  refresh_claimed_at timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  archived_at       timestamptz
);
CREATE INDEX segments_name_idx ON segments (name, id) WHERE archived_at IS NULL;

-- Membership as of the last refresh. A merged customer's row goes with it (ON DELETE only for real deletes).
CREATE TABLE segment_members (
  segment_id   uuid NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
  customer_id  uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  added_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (segment_id, customer_id)
);
CREATE INDEX segment_members_customer_idx ON segment_members (customer_id);

-- Size over time: one row per refresh.
CREATE TABLE segment_sizes (
  segment_id   uuid NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
  measured_at  timestamptz NOT NULL DEFAULT now(),
  member_count integer NOT NULL,
  added        integer NOT NULL DEFAULT 0,
  removed      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (segment_id, measured_at)
);

-- One row per customer who bought (frequency ≥ 1) in the scoring currency, as of `as_of`.
CREATE TABLE customer_values (
  customer_id             uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
  as_of                   date NOT NULL,
  first_order_at          timestamptz,
  last_order_at           timestamptz,
  recency_days            integer,
  frequency               integer NOT NULL,
  monetary                numeric(16, 2) NOT NULL,
  currency                text NOT NULL,
  r                       smallint,
  f                       smallint,
  m                       smallint,
  -- The R×F segment (champions … hibernating) and its tier (loyal … dormant): src/domain/value/rfm.ts.
  segment                 text,
  tier                    text,
  -- BG/NBD and Gamma-Gamma (null until a model was fitted).
  p_alive                 double precision,
  expected_purchases_90d  double precision,
  expected_order_value    numeric(16, 2),
  predicted_value_365d    numeric(16, 2),
  computed_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_values_rf_idx ON customer_values (r, f);
CREATE INDEX customer_values_tier_idx ON customer_values (tier);

-- The last full computation: its as-of date, currency, score thresholds and model parameters, so one new order can
-- be scored against the same thresholds without recomputing everyone (an incremental update).
CREATE TABLE value_runs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  as_of         date NOT NULL,
  currency      text NOT NULL,
  thresholds    jsonb NOT NULL,
  model         jsonb,
  customers     integer NOT NULL,
  seconds       double precision NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

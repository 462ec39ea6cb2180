-- Purchases and events (issue 4).
--
-- Orders and registrations hang off a source record (the buyer's or attendee's customer key: e-mail, phone or a
-- source's member id, turned into a record by identity resolution). Their customer is that record's customer, read
-- through the join, never copied: merge and unmerge move records, so an order always follows its buyer.

CREATE TABLE products (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  sku         text NOT NULL UNIQUE,
  name        text NOT NULL,
  category    text,
  price       numeric(14, 2),
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category_idx ON products (category, sku);

CREATE TABLE orders (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source            text NOT NULL,
  external_id       text NOT NULL,
  source_record_id  bigint NOT NULL REFERENCES source_records (id),
  ordered_at        timestamptz NOT NULL,
  channel           text,
  status            text NOT NULL DEFAULT 'completed'
                    CHECK (status IN ('completed', 'cancelled', 'partially_returned', 'returned')),
  total_amount      numeric(14, 2) NOT NULL DEFAULT 0,
  returned_amount   numeric(14, 2) NOT NULL DEFAULT 0,
  currency          text NOT NULL DEFAULT 'JPY',
  cancelled_at      timestamptz,
  content_hash      text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, external_id)
);
-- A customer's purchases: source_records (customer_id) → orders (source_record_id, ordered_at).
CREATE INDEX orders_record_time_idx ON orders (source_record_id, ordered_at);
CREATE INDEX orders_time_idx ON orders (ordered_at DESC, id DESC);

CREATE TABLE order_lines (
  order_id          uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no           integer NOT NULL,
  sku               text,
  product_id        uuid REFERENCES products (id),
  product_name      text,
  quantity          numeric(14, 3) NOT NULL,
  unit_price        numeric(14, 2),
  amount            numeric(14, 2) NOT NULL,
  returned_quantity numeric(14, 3) NOT NULL DEFAULT 0,
  returned_amount   numeric(14, 2) NOT NULL DEFAULT 0,
  PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_lines_product_idx ON order_lines (product_id);

CREATE TABLE events (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  kind        text NOT NULL DEFAULT 'seminar',
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz,
  venue       text,
  capacity    integer CHECK (capacity IS NULL OR capacity >= 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_starts_idx ON events (starts_at DESC, id DESC);

CREATE TABLE event_registrations (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id          uuid NOT NULL REFERENCES events (id),
  external_id       text NOT NULL,
  source_record_id  bigint NOT NULL REFERENCES source_records (id),
  registered_at     timestamptz NOT NULL,
  status            text NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'attended', 'no_show', 'cancelled')),
  name              text,
  company_name      text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, external_id)
);
CREATE INDEX event_registrations_record_idx ON event_registrations (source_record_id);

-- Dashboards (issue 22): the lifecycle stage's history. Every change of customers.lifecycle_stage is recorded by the
-- statement that makes it (src/ledger/customers/customers.repository.ts: a new customer as null → its stage, a golden
-- recompute that changes the stage as from → to, in the same statement), so the funnel can tell when each customer
-- reached each stage. Existing customers start with one row: null → their current stage at their created_at.
CREATE TABLE customer_stage_changes (
  id           bigserial PRIMARY KEY,
  customer_id  uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  from_stage   text,
  to_stage     text NOT NULL,
  changed_at   timestamptz NOT NULL DEFAULT now()
);
-- The funnel reads each customer's changes to the funnel's stages in time order.
CREATE INDEX customer_stage_changes_customer_idx ON customer_stage_changes (customer_id, changed_at);

INSERT INTO customer_stage_changes (customer_id, from_stage, to_stage, changed_at)
SELECT id, NULL, lifecycle_stage, created_at FROM customers ORDER BY created_at, id;

-- The dashboards' order rollups (src/ledger/values/values.repository.ts is their one writer; bench/README.md has the
-- measurements that called for them). Per customer and Japan calendar day, the orders as RFM counts them: orders not
-- cancelled and with lines; `orders` the purchases among them (a line of positive quantity); `revenue` the net of
-- every line ((quantity − returned) × unit price, or amount − returned amount). `first_day`: the customer's first
-- purchase day in any currency. Three flags let a panel count buyers without grouping by customer: `month_first`
-- marks the customer's first purchase day of the (Japan) month in the row's currency, `month_first_any` the first in
-- any currency (one row per customer and month with purchases), `currency_first` the first purchase day ever in the
-- row's currency. A customer's rows are rewritten whenever its orders change, it is merged, split or deleted; a
-- deleted customer has none.
CREATE TABLE customer_order_days (
  customer_id  uuid NOT NULL,
  day          date NOT NULL,
  currency     text NOT NULL,
  orders       integer NOT NULL,
  revenue      numeric NOT NULL,
  first_day    date,
  month_first      boolean NOT NULL,
  month_first_any  boolean NOT NULL,
  currency_first   boolean NOT NULL,
  PRIMARY KEY (customer_id, day, currency)
);
CREATE INDEX customer_order_days_day_idx ON customer_order_days (day);

-- The same per product category of the lines (null: a line without a product or a product without category);
-- `month_first`: the customer's first purchase day of the month in the category and currency.
CREATE TABLE customer_category_days (
  customer_id  uuid NOT NULL,
  day          date NOT NULL,
  currency     text NOT NULL,
  category     text,
  orders       integer NOT NULL,
  revenue      numeric NOT NULL,
  month_first  boolean NOT NULL
);
CREATE INDEX customer_category_days_customer_idx ON customer_category_days (customer_id);
CREATE INDEX customer_category_days_day_idx ON customer_category_days (day);

INSERT INTO customer_order_days (customer_id, day, currency, orders, revenue, first_day, month_first, month_first_any, currency_first)
SELECT d.customer_id, d.day, d.currency, d.orders, d.revenue, min(d.first_day) OVER (PARTITION BY d.customer_id),
       d.orders > 0 AND d.day = min(d.day) FILTER (WHERE d.orders > 0) OVER (PARTITION BY d.customer_id, d.currency, date_trunc('month', d.day)),
       d.orders > 0 AND row_number() OVER (PARTITION BY d.customer_id, date_trunc('month', d.day) ORDER BY d.orders > 0 DESC, d.day, d.currency) = 1,
       d.orders > 0 AND d.day = min(d.day) FILTER (WHERE d.orders > 0) OVER (PARTITION BY d.customer_id, d.currency)
FROM (
  SELECT sr.customer_id, (o.ordered_at AT TIME ZONE 'Asia/Tokyo')::date AS day, o.currency,
         count(*) FILTER (WHERE l.counted) AS orders, sum(l.net) AS revenue,
         min((o.ordered_at AT TIME ZONE 'Asia/Tokyo')::date) FILTER (WHERE l.counted) AS first_day
  FROM orders o
  JOIN (SELECT l.order_id, bool_or(l.quantity > 0) AS counted,
               sum(CASE WHEN l.unit_price IS NOT NULL THEN (l.quantity - l.returned_quantity) * l.unit_price ELSE l.amount - l.returned_amount END) AS net
        FROM order_lines l GROUP BY l.order_id) l ON l.order_id = o.id
  JOIN source_records sr ON sr.id = o.source_record_id
  JOIN customers c ON c.id = sr.customer_id AND c.deleted_at IS NULL
  WHERE o.status <> 'cancelled'
  GROUP BY 1, 2, 3) d;

INSERT INTO customer_category_days (customer_id, day, currency, category, orders, revenue, month_first)
SELECT g.*, g.orders > 0 AND g.day = min(g.day) FILTER (WHERE g.orders > 0) OVER (PARTITION BY g.customer_id, g.currency, g.category, date_trunc('month', g.day))
FROM (
  SELECT sr.customer_id, (o.ordered_at AT TIME ZONE 'Asia/Tokyo')::date AS day, o.currency, p.category,
         count(DISTINCT o.id) FILTER (WHERE l.quantity > 0) AS orders,
         sum(CASE WHEN l.unit_price IS NOT NULL THEN (l.quantity - l.returned_quantity) * l.unit_price ELSE l.amount - l.returned_amount END) AS revenue
  FROM orders o
  JOIN order_lines l ON l.order_id = o.id
  LEFT JOIN products p ON p.id = l.product_id
  JOIN source_records sr ON sr.id = o.source_record_id
  JOIN customers c ON c.id = sr.customer_id AND c.deleted_at IS NULL
  WHERE o.status <> 'cancelled'
  GROUP BY 1, 2, 3, 4) g;

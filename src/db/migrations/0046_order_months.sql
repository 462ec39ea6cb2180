-- The trend panels at a million customers (issue 22; bench/README.md has the figures). Without a segment and over
-- whole months (the default: the last 24 months), revenue by month, revenue by product category and the cohorts read
-- every one of the 2–3M customer-day rows of migration 0022 to produce a few hundred month groups (PGlite at 1M:
-- 1.8–2.3 s a panel). They now read the month sums.
--
-- order_months, category_months, cohort_months: the sums per Japan month of customer_order_days and
-- customer_category_days over every customer (the day rows hold live customers only), kept as deltas: a month's
-- figures are the SUM of its rows. A writer appends the negated sums of the customers whose day rows it rewrites,
-- then the sums of their new rows — appends only, so concurrent order writes never wait on a shared month row and
-- cannot deadlock on one; the daily pass compacts each table to one row per key when it rebuilds the day rows.
-- A key whose `days` (cohorts: `buyers`) sum to zero has no day rows left. Written by
-- src/ledger/values/values.repository.ts only, in the same calls as the day rows.
--   order_months:    per month and currency: purchases, revenue, buyers (month_first rows), new buyers (month_first
--                    rows of the month of the customer's first purchase), day rows.
--   category_months: per month, currency and product category (null: none): purchases, revenue, buyers
--                    (month_first rows), day rows.
--   cohort_months:   per month of first purchase (any currency) and month of purchase: buyers (month_first_any rows).
CREATE TABLE order_months (
  month       date NOT NULL,
  currency    text NOT NULL,
  orders      bigint NOT NULL,
  revenue     numeric NOT NULL,
  buyers      bigint NOT NULL,
  new_buyers  bigint NOT NULL,
  days        bigint NOT NULL
);
CREATE INDEX order_months_month_idx ON order_months (month);

CREATE TABLE category_months (
  month     date NOT NULL,
  currency  text NOT NULL,
  category  text,
  orders    bigint NOT NULL,
  revenue   numeric NOT NULL,
  buyers    bigint NOT NULL,
  days      bigint NOT NULL
);
CREATE INDEX category_months_month_idx ON category_months (month);

CREATE TABLE cohort_months (
  cohort  date NOT NULL,
  month   date NOT NULL,
  buyers  bigint NOT NULL
);
CREATE INDEX cohort_months_cohort_idx ON cohort_months (cohort);

INSERT INTO order_months (month, currency, orders, revenue, buyers, new_buyers, days)
SELECT date_trunc('month', d.day)::date, d.currency, sum(d.orders), sum(d.revenue), count(*) FILTER (WHERE d.month_first),
       count(*) FILTER (WHERE d.month_first AND date_trunc('month', d.first_day) = date_trunc('month', d.day)), count(*)
FROM customer_order_days d GROUP BY 1, 2;

INSERT INTO category_months (month, currency, category, orders, revenue, buyers, days)
SELECT date_trunc('month', d.day)::date, d.currency, d.category, sum(d.orders), sum(d.revenue), count(*) FILTER (WHERE d.month_first), count(*)
FROM customer_category_days d GROUP BY 1, 2, 3;

INSERT INTO cohort_months (cohort, month, buyers)
SELECT date_trunc('month', d.first_day)::date, date_trunc('month', d.day)::date, count(*)
FROM customer_order_days d WHERE d.month_first_any GROUP BY 1, 2;

-- Purchases in other currencies than yen (each panel with orders reports how many it left out): a few rows, read
-- through this index instead of scanning every customer-day (1.97M at 1M).
CREATE INDEX customer_order_days_other_currency_idx ON customer_order_days (day) WHERE currency <> 'JPY';

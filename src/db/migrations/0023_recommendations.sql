-- Cross-sell and up-sell candidates (issue 22). Everything here is derived from the orders: a run rebuilds it.

-- One background computation: the product-affinity model from every buyer's history, then each buyer's candidates.
-- A run is claimed by one process (status running, heartbeat); a stale claim can be taken over and the run redone.
CREATE TABLE recommend_runs (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Orders on or before this Japan date count (null: every order up to when the run started).
  as_of            date,
  status           text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  phase            text NOT NULL DEFAULT 'model' CHECK (phase IN ('model', 'candidates', 'done')),
  customers_done   integer NOT NULL DEFAULT 0,
  customers_total  integer,
  -- The model's totals: buyers counted, and per product how many of them bought it ({"<product uuid>": n}).
  buyers           integer,
  product_buyers   jsonb,
  pairs            integer,
  seconds          double precision,
  peak_rss_mb      integer,
  error            text,
  started_by       uuid REFERENCES users (id),
  heartbeat_at     timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);

-- Each product's nearest products by who bought both (the model of the last finished run).
CREATE TABLE product_affinities (
  product_id    uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  neighbour_id  uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  co_customers  integer NOT NULL,
  confidence    double precision NOT NULL,
  lift          double precision NOT NULL,
  similarity    double precision NOT NULL,
  PRIMARY KEY (product_id, neighbour_id)
);

-- Each buyer's ranked candidates with the reason shown to sales (numbers, turned into a sentence when read). A run
-- writes its own rows (run_id) and readers read the last finished run's, so a run in progress never shows half
-- written and a run writes without deleting first; when it finishes, the rows of earlier runs go. Derived rows: no
-- foreign keys (a deleted customer or product is left out by the reads' joins).
CREATE TABLE customer_candidates (
  run_id       bigint NOT NULL,
  customer_id  uuid NOT NULL,
  rank         smallint NOT NULL,
  product_id   uuid NOT NULL,
  score        double precision NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('cross_sell', 'up_sell', 'popular')),
  reason       jsonb NOT NULL,
  PRIMARY KEY (run_id, customer_id, rank)
);
-- 「B を勧める顧客」 and the segment condition "candidate for product B (within the top k)".
CREATE INDEX customer_candidates_product_idx ON customer_candidates (run_id, product_id, rank);

-- At most one run at a time across every Daicho process sharing the database.
CREATE UNIQUE INDEX recommend_runs_one_running_idx ON recommend_runs ((status)) WHERE status = 'running';

-- Association rules over order baskets (products bought in one order) of the last finished run: {A, B} ⇒ C.
CREATE TABLE product_rules (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  antecedent   uuid[] NOT NULL,
  consequent   uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  support      double precision NOT NULL,
  confidence   double precision NOT NULL,
  lift         double precision NOT NULL,
  baskets      integer NOT NULL
);
CREATE INDEX product_rules_consequent_idx ON product_rules (consequent, lift DESC);
CREATE INDEX product_rules_antecedent_idx ON product_rules USING gin (antecedent);

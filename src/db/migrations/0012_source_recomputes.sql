-- A source's new priority re-applies survivorship to every customer holding one of its records. For a large source
-- that takes minutes (~1,700 customers a second on PostgreSQL here), longer than an HTTP request should be held, and
-- it must survive a restart: the recompute is a row here, advanced page by page in the same transaction as the page
-- it recomputes, so the cursor is exactly what has been done. A process that starts (or a retry) goes on from it.
-- One row a source: a newer priority change restarts the walk from the first customer.
CREATE TABLE source_recomputes (
  source_id             uuid PRIMARY KEY REFERENCES sources (id),
  status                text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  priority_from         integer NOT NULL,
  priority_to           integer NOT NULL,
  -- Customers are walked in id order: those up to this id are recomputed with priority_to.
  after_customer_id     uuid,
  done                  integer NOT NULL DEFAULT 0,
  total                 integer NOT NULL,
  error                 text,
  requested_by_user_id  uuid REFERENCES users (id),
  started_at            timestamptz NOT NULL DEFAULT now(),
  finished_at           timestamptz
);

-- Behaviour triggers (src/use/triggers): rules evaluated every minute. A rule's people are those its segment
-- condition tree matches now and who have no firing of the rule within its cool-down. An e-mail rule sends through a
-- campaign instance of the rule (campaigns.trigger_rule_id), so consent, lawful basis, bounces and the one frequency
-- cap apply as for any campaign; a task rule puts a task on the customer's owner's list.
CREATE TABLE trigger_rules (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name             text NOT NULL,
  enabled          boolean NOT NULL DEFAULT true,
  definition       jsonb NOT NULL,
  action           text NOT NULL CHECK (action IN ('email', 'task')),
  -- e-mail content, as campaigns'
  subject          text NOT NULL DEFAULT '',
  body_text        text NOT NULL DEFAULT '',
  body_html        text,
  blocks           jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- task: title, due after N days, for the customer's owner, else this user
  task_title       text,
  due_in_days      integer CHECK (due_in_days BETWEEN 0 AND 365),
  fallback_user_id uuid REFERENCES users (id),
  cooldown_days    integer NOT NULL CHECK (cooldown_days BETWEEN 1 AND 3650),
  created_by       uuid REFERENCES users (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz,
  -- Set by each pass with compare-and-set on the value read: two servers never run one rule at once.
  last_run_at      timestamptz,
  CHECK (action <> 'task' OR (task_title IS NOT NULL AND due_in_days IS NOT NULL AND fallback_user_id IS NOT NULL))
);

ALTER TABLE campaigns ADD COLUMN trigger_rule_id uuid REFERENCES trigger_rules (id);
CREATE INDEX campaigns_trigger_rule_idx ON campaigns (trigger_rule_id) WHERE trigger_rule_id IS NOT NULL;

CREATE TABLE tasks (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  customer_id       uuid NOT NULL REFERENCES customers (id),
  assignee_user_id  uuid NOT NULL REFERENCES users (id),
  title             text NOT NULL,
  due_on            date NOT NULL,
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  rule_id           uuid REFERENCES trigger_rules (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  done_at           timestamptz,
  done_by           uuid REFERENCES users (id)
);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_user_id, status, due_on, id);

-- One row per person a rule fired for: sent (queued in the rule's campaign instance), task, or suppressed with the
-- audience's reason. Every firing, suppressed ones too, starts the person's cool-down.
CREATE TABLE trigger_firings (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id             uuid NOT NULL REFERENCES trigger_rules (id),
  customer_id         uuid NOT NULL REFERENCES customers (id),
  fired_at            timestamptz NOT NULL,
  outcome             text NOT NULL CHECK (outcome IN ('sent', 'task', 'suppressed')),
  reason              text NOT NULL,
  suppression_reason  text,
  campaign_id         uuid REFERENCES campaigns (id),
  campaign_message_id bigint REFERENCES campaign_messages (id),
  task_id             uuid REFERENCES tasks (id)
);
CREATE INDEX trigger_firings_rule_customer_idx ON trigger_firings (rule_id, customer_id, fired_at DESC);
CREATE INDEX trigger_firings_rule_time_idx ON trigger_firings (rule_id, fired_at DESC, id DESC);

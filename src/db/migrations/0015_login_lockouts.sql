-- Login rate limiting counts failed sign-ins only, in three buckets (a client address over all accounts, an
-- account from one address, an account over all addresses), and a bucket that reaches its bar is locked for a
-- time that doubles with each lockout (src/features/auth/auth.service.ts). The form rate limit keeps using
-- window_start and hits alone.
ALTER TABLE rate_limits ADD COLUMN locked_until timestamptz;
ALTER TABLE rate_limits ADD COLUMN lockouts integer NOT NULL DEFAULT 0;
-- The old login counters counted every attempt, successes included: they mean nothing to the new buckets.
DELETE FROM rate_limits WHERE bucket LIKE 'login:%';

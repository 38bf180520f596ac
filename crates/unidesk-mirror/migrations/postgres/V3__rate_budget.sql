-- Rate budgets shared by every worker (src/budget/postgres.rs): one token bucket per key (an
-- account, an org). `tokens` is the count as of `updated_at`; it refills at `refill_per_sec` up
-- to `capacity`. It may go below zero: a request taken into debt is sent once the refill has
-- paid for it, so the order of takes is the order of sends. Every time is the database's
-- (clock_timestamp()), never a worker's.
CREATE TABLE rate_budgets (
    key            text             PRIMARY KEY,
    capacity       double precision NOT NULL CHECK (capacity > 0),
    refill_per_sec double precision NOT NULL CHECK (refill_per_sec > 0),
    tokens         double precision NOT NULL,
    updated_at     timestamptz      NOT NULL
);

-- The tokens of bucket `b` at time `t` (not before its last take): refilled, up to its capacity.
CREATE FUNCTION rate_budget_refilled(b rate_budgets, t timestamptz)
RETURNS double precision
LANGUAGE sql STABLE AS $$
    SELECT least(b.capacity, b.tokens + b.refill_per_sec * extract(epoch FROM t - b.updated_at))
$$;

-- Takes `n` tokens from `key`'s bucket in one short transaction (the caller's statement): the
-- row is locked (FOR UPDATE), refilled for the time since its last take by the database's
-- clock, and `n` taken unless that would owe more than `max_wait_secs` of refill. Returns the
-- count after the take (negative: the caller waits -after / refill_per_sec seconds before
-- sending), whether it was taken, and the database time of the take. No row: the key has no
-- bucket.
CREATE FUNCTION rate_budget_take(p_key text, p_n double precision, p_max_wait_secs double precision)
RETURNS TABLE (after double precision, refill_per_sec double precision, taken boolean, at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    b rate_budgets%ROWTYPE;
    t timestamptz;
    avail double precision;
BEGIN
    SELECT * INTO b FROM rate_budgets WHERE key = p_key FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    -- Read after the lock is held; never before the last take (the clock may step back).
    t := greatest(b.updated_at, clock_timestamp());
    avail := rate_budget_refilled(b, t);
    after := avail - p_n;
    taken := after >= -p_max_wait_secs * b.refill_per_sec;
    UPDATE rate_budgets SET tokens = CASE WHEN taken THEN after ELSE avail END, updated_at = t
     WHERE key = p_key;
    refill_per_sec := b.refill_per_sec;
    at := t;
    RETURN NEXT;
END
$$;

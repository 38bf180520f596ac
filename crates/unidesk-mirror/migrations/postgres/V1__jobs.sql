-- Jobs: one per (account, resource). Postgres is the coordinator: a worker claims a due job
-- with SELECT … FOR UPDATE SKIP LOCKED, holds it by a lease (lease_until, renewed while it
-- runs), and every write it makes checks that the lease is still its own (worker_id and
-- lease_epoch, which each claim increments).
CREATE TABLE mirror_jobs (
    account     text        NOT NULL,
    resource    text        NOT NULL,
    state       text        NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'running', 'done', 'failed')),
    -- When the job may next be claimed; NULL: not until it is enqueued again.
    due_at      timestamptz DEFAULT now(),
    worker_id   text,
    lease_epoch bigint      NOT NULL DEFAULT 0,
    lease_until timestamptz,
    attempts    integer     NOT NULL DEFAULT 0,
    last_error  text,
    started_at  timestamptz,
    finished_at timestamptz,
    PRIMARY KEY (account, resource)
);
CREATE INDEX mirror_jobs_due ON mirror_jobs (due_at) WHERE state <> 'running';
CREATE INDEX mirror_jobs_lease ON mirror_jobs (lease_until) WHERE state = 'running';

-- Every claim, kept: who held which job from when to when. The lease_until of a claim is the
-- latest its holder renewed to; ended_at is NULL when the holder died (its lease expired).
CREATE TABLE mirror_job_claims (
    id          bigserial   PRIMARY KEY,
    account     text        NOT NULL,
    resource    text        NOT NULL,
    epoch       bigint      NOT NULL,
    worker_id   text        NOT NULL,
    claimed_at  timestamptz NOT NULL,
    lease_until timestamptz NOT NULL,
    ended_at    timestamptz,
    outcome     text CHECK (outcome IN ('done', 'failed', 'released', 'expired')),
    UNIQUE (account, resource, epoch)
);

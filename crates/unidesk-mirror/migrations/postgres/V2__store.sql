-- The mirror's schema (Postgres): the SQLite store's, with Postgres types. One table per
-- resource keyed by (account, id): typed columns for the fields people filter on (see
-- src/store/rows.rs), indexed with the account first; the whole normalized record as JSONB
-- (`record`); and bookkeeping:
--   remote_was_deleted  true for a tombstone (the record is gone at the provider)
--   deleted_at          when the mirror learnt it was gone
--   version_at          orders writes of one record: its updated_at, or the deletion time
--   seen_generation     the last pass that listed it (a full pass tombstones what it did not see)

CREATE TABLE tickets (
    account text NOT NULL,
    id text NOT NULL,
    status text,
    priority text,
    contact_id text,
    account_id text,
    external_id text,
    created_at timestamptz,
    updated_at timestamptz,
    closed_at timestamptz,
    remote_was_deleted boolean NOT NULL DEFAULT false,
    deleted_at timestamptz,
    version_at timestamptz,
    seen_generation bigint NOT NULL DEFAULT 0,
    record jsonb NOT NULL,
    PRIMARY KEY (account, id)
);
CREATE INDEX tickets_status ON tickets (account, status);
CREATE INDEX tickets_contact_id ON tickets (account, contact_id);
CREATE INDEX tickets_account_id ON tickets (account, account_id);
CREATE INDEX tickets_updated_at ON tickets (account, updated_at);

CREATE TABLE comments (
    account text NOT NULL,
    id text NOT NULL,
    ticket_id text,
    author_user_id text,
    author_contact_id text,
    is_private boolean,
    created_at timestamptz,
    updated_at timestamptz,
    remote_was_deleted boolean NOT NULL DEFAULT false,
    deleted_at timestamptz,
    version_at timestamptz,
    seen_generation bigint NOT NULL DEFAULT 0,
    record jsonb NOT NULL,
    PRIMARY KEY (account, id)
);
CREATE INDEX comments_ticket_id ON comments (account, ticket_id);
CREATE INDEX comments_updated_at ON comments (account, updated_at);

CREATE TABLE contacts (
    account text NOT NULL,
    id text NOT NULL,
    email text,
    name text,
    account_id text,
    external_id text,
    created_at timestamptz,
    updated_at timestamptz,
    remote_was_deleted boolean NOT NULL DEFAULT false,
    deleted_at timestamptz,
    version_at timestamptz,
    seen_generation bigint NOT NULL DEFAULT 0,
    record jsonb NOT NULL,
    PRIMARY KEY (account, id)
);
CREATE INDEX contacts_email ON contacts (account, email);
CREATE INDEX contacts_account_id ON contacts (account, account_id);
CREATE INDEX contacts_updated_at ON contacts (account, updated_at);

CREATE TABLE accounts (
    account text NOT NULL,
    id text NOT NULL,
    name text,
    external_id text,
    created_at timestamptz,
    updated_at timestamptz,
    remote_was_deleted boolean NOT NULL DEFAULT false,
    deleted_at timestamptz,
    version_at timestamptz,
    seen_generation bigint NOT NULL DEFAULT 0,
    record jsonb NOT NULL,
    PRIMARY KEY (account, id)
);
CREATE INDEX accounts_updated_at ON accounts (account, updated_at);

CREATE TABLE tags (
    account text NOT NULL,
    id text NOT NULL,
    name text,
    created_at timestamptz,
    updated_at timestamptz,
    remote_was_deleted boolean NOT NULL DEFAULT false,
    deleted_at timestamptz,
    version_at timestamptz,
    seen_generation bigint NOT NULL DEFAULT 0,
    record jsonb NOT NULL,
    PRIMARY KEY (account, id)
);
CREATE INDEX tags_updated_at ON tags (account, updated_at);

CREATE TABLE teams (
    account text NOT NULL,
    id text NOT NULL,
    name text,
    created_at timestamptz,
    updated_at timestamptz,
    remote_was_deleted boolean NOT NULL DEFAULT false,
    deleted_at timestamptz,
    version_at timestamptz,
    seen_generation bigint NOT NULL DEFAULT 0,
    record jsonb NOT NULL,
    PRIMARY KEY (account, id)
);
CREATE INDEX teams_updated_at ON teams (account, updated_at);

CREATE TABLE users (
    account text NOT NULL,
    id text NOT NULL,
    email text,
    name text,
    is_active boolean,
    created_at timestamptz,
    updated_at timestamptz,
    remote_was_deleted boolean NOT NULL DEFAULT false,
    deleted_at timestamptz,
    version_at timestamptz,
    seen_generation bigint NOT NULL DEFAULT 0,
    record jsonb NOT NULL,
    PRIMARY KEY (account, id)
);
CREATE INDEX users_email ON users (account, email);
CREATE INDEX users_updated_at ON users (account, updated_at);

-- One row per (account, resource): the engine's checkpoint as JSONB, committed in the same
-- transaction as the rows it covers, and the last failure since the last completed pass.
CREATE TABLE checkpoints (
    account text NOT NULL,
    resource text NOT NULL,
    checkpoint jsonb NOT NULL,
    committed_at timestamptz NOT NULL,
    last_error text,
    last_error_at timestamptz,
    PRIMARY KEY (account, resource)
);

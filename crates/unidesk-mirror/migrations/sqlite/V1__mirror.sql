-- The mirror's schema (SQLite). One table per resource keyed by (account, id): typed
-- columns for the fields people filter on (times as fixed-width RFC 3339 UTC text, so text
-- order is time order), the whole normalized record as JSON text (`record`), and bookkeeping:
--   remote_was_deleted  1 for a tombstone (the record is gone at the provider)
--   deleted_at          when the mirror learnt it was gone
--   version_at          orders writes of one record: its updated_at, or the deletion time
--   seen_generation     the last pass that listed it (a full pass tombstones what it did not see)

CREATE TABLE tickets (
    account TEXT NOT NULL,
    id TEXT NOT NULL,
    status TEXT,
    priority TEXT,
    contact_id TEXT,
    account_id TEXT,
    external_id TEXT,
    created_at TEXT,
    updated_at TEXT,
    closed_at TEXT,
    remote_was_deleted INTEGER NOT NULL DEFAULT 0,
    deleted_at TEXT,
    version_at TEXT,
    seen_generation INTEGER NOT NULL DEFAULT 0,
    record TEXT NOT NULL,
    PRIMARY KEY (account, id)
) WITHOUT ROWID;
CREATE INDEX tickets_status ON tickets (account, status);
CREATE INDEX tickets_contact_id ON tickets (account, contact_id);
CREATE INDEX tickets_account_id ON tickets (account, account_id);
CREATE INDEX tickets_updated_at ON tickets (account, updated_at);

CREATE TABLE comments (
    account TEXT NOT NULL,
    id TEXT NOT NULL,
    ticket_id TEXT,
    author_user_id TEXT,
    author_contact_id TEXT,
    is_private INTEGER,
    created_at TEXT,
    updated_at TEXT,
    remote_was_deleted INTEGER NOT NULL DEFAULT 0,
    deleted_at TEXT,
    version_at TEXT,
    seen_generation INTEGER NOT NULL DEFAULT 0,
    record TEXT NOT NULL,
    PRIMARY KEY (account, id)
) WITHOUT ROWID;
CREATE INDEX comments_ticket_id ON comments (account, ticket_id);
CREATE INDEX comments_updated_at ON comments (account, updated_at);

CREATE TABLE contacts (
    account TEXT NOT NULL,
    id TEXT NOT NULL,
    email TEXT,
    name TEXT,
    account_id TEXT,
    external_id TEXT,
    created_at TEXT,
    updated_at TEXT,
    remote_was_deleted INTEGER NOT NULL DEFAULT 0,
    deleted_at TEXT,
    version_at TEXT,
    seen_generation INTEGER NOT NULL DEFAULT 0,
    record TEXT NOT NULL,
    PRIMARY KEY (account, id)
) WITHOUT ROWID;
CREATE INDEX contacts_email ON contacts (account, email);
CREATE INDEX contacts_account_id ON contacts (account, account_id);
CREATE INDEX contacts_updated_at ON contacts (account, updated_at);

CREATE TABLE accounts (
    account TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    external_id TEXT,
    created_at TEXT,
    updated_at TEXT,
    remote_was_deleted INTEGER NOT NULL DEFAULT 0,
    deleted_at TEXT,
    version_at TEXT,
    seen_generation INTEGER NOT NULL DEFAULT 0,
    record TEXT NOT NULL,
    PRIMARY KEY (account, id)
) WITHOUT ROWID;
CREATE INDEX accounts_updated_at ON accounts (account, updated_at);

CREATE TABLE tags (
    account TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    created_at TEXT,
    updated_at TEXT,
    remote_was_deleted INTEGER NOT NULL DEFAULT 0,
    deleted_at TEXT,
    version_at TEXT,
    seen_generation INTEGER NOT NULL DEFAULT 0,
    record TEXT NOT NULL,
    PRIMARY KEY (account, id)
) WITHOUT ROWID;
CREATE INDEX tags_updated_at ON tags (account, updated_at);

CREATE TABLE teams (
    account TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    created_at TEXT,
    updated_at TEXT,
    remote_was_deleted INTEGER NOT NULL DEFAULT 0,
    deleted_at TEXT,
    version_at TEXT,
    seen_generation INTEGER NOT NULL DEFAULT 0,
    record TEXT NOT NULL,
    PRIMARY KEY (account, id)
) WITHOUT ROWID;
CREATE INDEX teams_updated_at ON teams (account, updated_at);

CREATE TABLE users (
    account TEXT NOT NULL,
    id TEXT NOT NULL,
    email TEXT,
    name TEXT,
    is_active INTEGER,
    created_at TEXT,
    updated_at TEXT,
    remote_was_deleted INTEGER NOT NULL DEFAULT 0,
    deleted_at TEXT,
    version_at TEXT,
    seen_generation INTEGER NOT NULL DEFAULT 0,
    record TEXT NOT NULL,
    PRIMARY KEY (account, id)
) WITHOUT ROWID;
CREATE INDEX users_email ON users (account, email);
CREATE INDEX users_updated_at ON users (account, updated_at);

-- One row per (account, resource): the engine's checkpoint as JSON, committed in the same
-- transaction as the rows it covers, and the last failure since the last completed pass.
CREATE TABLE checkpoints (
    account TEXT NOT NULL,
    resource TEXT NOT NULL,
    checkpoint TEXT NOT NULL,
    committed_at TEXT NOT NULL,
    last_error TEXT,
    last_error_at TEXT,
    PRIMARY KEY (account, resource)
) WITHOUT ROWID;

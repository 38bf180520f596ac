-- The mirror's records: one table per resource keyed by (account, id), the full normalized
-- record as JSONB, typed copies of the fields people filter on (indexed), and the tombstone
-- flag. seen_gen is the pass (checkpoint generation) that last listed the record: a full pass
-- that ends tombstones the records of its account it did not list (seen_gen below its own).
CREATE TABLE tickets (
    account            text        NOT NULL,
    id                 text        NOT NULL,
    created_at         timestamptz,
    updated_at         timestamptz,
    remote_was_deleted boolean     NOT NULL DEFAULT false,
    status             text,
    priority           text,
    subject            text,
    contact_id         text,
    account_id         text,
    external_id        text,
    closed_at          timestamptz,
    record             jsonb       NOT NULL,
    seen_gen           bigint      NOT NULL DEFAULT 0,
    synced_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, id)
);
CREATE INDEX tickets_updated_at ON tickets (account, updated_at);
CREATE INDEX tickets_status ON tickets (account, status);
CREATE INDEX tickets_contact_id ON tickets (account, contact_id);
CREATE INDEX tickets_account_id ON tickets (account, account_id);

CREATE TABLE comments (
    account            text        NOT NULL,
    id                 text        NOT NULL,
    created_at         timestamptz,
    updated_at         timestamptz,
    remote_was_deleted boolean     NOT NULL DEFAULT false,
    ticket_id          text,
    author_user_id     text,
    author_contact_id  text,
    is_private         boolean,
    record             jsonb       NOT NULL,
    seen_gen           bigint      NOT NULL DEFAULT 0,
    synced_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, id)
);
CREATE INDEX comments_updated_at ON comments (account, updated_at);
CREATE INDEX comments_ticket_id ON comments (account, ticket_id);

CREATE TABLE contacts (
    account            text        NOT NULL,
    id                 text        NOT NULL,
    created_at         timestamptz,
    updated_at         timestamptz,
    remote_was_deleted boolean     NOT NULL DEFAULT false,
    name               text,
    email              text,
    account_id         text,
    external_id        text,
    record             jsonb       NOT NULL,
    seen_gen           bigint      NOT NULL DEFAULT 0,
    synced_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, id)
);
CREATE INDEX contacts_updated_at ON contacts (account, updated_at);
CREATE INDEX contacts_email ON contacts (account, email);
CREATE INDEX contacts_account_id ON contacts (account, account_id);

CREATE TABLE accounts (
    account            text        NOT NULL,
    id                 text        NOT NULL,
    created_at         timestamptz,
    updated_at         timestamptz,
    remote_was_deleted boolean     NOT NULL DEFAULT false,
    name               text,
    external_id        text,
    record             jsonb       NOT NULL,
    seen_gen           bigint      NOT NULL DEFAULT 0,
    synced_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, id)
);
CREATE INDEX accounts_updated_at ON accounts (account, updated_at);
CREATE INDEX accounts_external_id ON accounts (account, external_id);

CREATE TABLE tags (
    account            text        NOT NULL,
    id                 text        NOT NULL,
    created_at         timestamptz,
    updated_at         timestamptz,
    remote_was_deleted boolean     NOT NULL DEFAULT false,
    name               text,
    record             jsonb       NOT NULL,
    seen_gen           bigint      NOT NULL DEFAULT 0,
    synced_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, id)
);
CREATE INDEX tags_updated_at ON tags (account, updated_at);

CREATE TABLE teams (
    account            text        NOT NULL,
    id                 text        NOT NULL,
    created_at         timestamptz,
    updated_at         timestamptz,
    remote_was_deleted boolean     NOT NULL DEFAULT false,
    name               text,
    record             jsonb       NOT NULL,
    seen_gen           bigint      NOT NULL DEFAULT 0,
    synced_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, id)
);
CREATE INDEX teams_updated_at ON teams (account, updated_at);

CREATE TABLE users (
    account            text        NOT NULL,
    id                 text        NOT NULL,
    created_at         timestamptz,
    updated_at         timestamptz,
    remote_was_deleted boolean     NOT NULL DEFAULT false,
    name               text,
    email              text,
    is_active          boolean,
    record             jsonb       NOT NULL,
    seen_gen           bigint      NOT NULL DEFAULT 0,
    synced_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, id)
);
CREATE INDEX users_updated_at ON users (account, updated_at);
CREATE INDEX users_email ON users (account, email);

-- One checkpoint per (account, resource): the engine's progress, committed in the same
-- transaction as the records it covers. generation and done are typed copies for status.
CREATE TABLE mirror_checkpoints (
    account       text        NOT NULL,
    resource      text        NOT NULL,
    checkpoint    jsonb,
    generation    bigint      NOT NULL DEFAULT 0,
    done          boolean     NOT NULL DEFAULT false,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    last_error    text,
    last_error_at timestamptz,
    PRIMARY KEY (account, resource)
);

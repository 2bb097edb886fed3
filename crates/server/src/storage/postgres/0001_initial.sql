-- 0001: accounts, sessions, resources, the sync change log and mutation receipts.
-- Append-only: never edit a migration that has shipped; add a new file.
-- Times are UTC milliseconds since the Unix epoch (the same in the SQLite backend).
CREATE TABLE account (
    id            uuid PRIMARY KEY,
    email         text UNIQUE,
    phone         text UNIQUE,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('resident', 'organizer', 'coordinator', 'admin')),
    created_at    bigint NOT NULL,
    CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

CREATE TABLE session (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES account (id),
    token_hash  bytea NOT NULL UNIQUE,  -- SHA-256 of the token; the token itself is never stored
    created_at  bigint NOT NULL,
    expires_at  bigint NOT NULL,
    revoked_at  bigint
);
CREATE INDEX session_by_account ON session (account_id);

CREATE TABLE resource (
    id          uuid PRIMARY KEY,
    owner_id    uuid NOT NULL REFERENCES account (id),
    kind        text NOT NULL,
    lat         double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon         double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    restricted  boolean NOT NULL,
    retired     boolean NOT NULL DEFAULT false,
    version     bigint NOT NULL,
    search_text text NOT NULL,
    body        text NOT NULL           -- JSON of sharehub_core::Resource
);
CREATE INDEX resource_live_by_kind ON resource (kind) WHERE NOT retired;
CREATE INDEX resource_live_by_place ON resource (lat, lon) WHERE NOT retired;

-- One row per record: its newest change. Writers hold an advisory lock while they take a
-- seq and commit, so seq order is commit order.
CREATE TABLE change (
    seq         bigserial PRIMARY KEY,
    entity      text NOT NULL,
    entity_id   uuid NOT NULL,
    owner_id    uuid NOT NULL,
    restricted  boolean NOT NULL,
    body        text,                   -- JSON of the record; NULL for a tombstone
    UNIQUE (entity, entity_id)
);

CREATE TABLE mutation_receipt (
    account_id      uuid NOT NULL,
    idempotency_key text NOT NULL,
    outcome         text NOT NULL,      -- JSON of sharehub_core::wire::MutationOutcome
    created_at      bigint NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
);

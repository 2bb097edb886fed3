-- 0001: accounts, sessions, resources, the sync change log and mutation receipts.
-- Append-only: never edit a migration that has shipped; add a new file.
-- Times are UTC milliseconds since the Unix epoch.
CREATE TABLE account (
    id            TEXT PRIMARY KEY NOT NULL,
    email         TEXT UNIQUE,
    phone         TEXT UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('resident', 'organizer', 'coordinator', 'admin')),
    created_at    INTEGER NOT NULL,
    CHECK (email IS NOT NULL OR phone IS NOT NULL)
) STRICT;

CREATE TABLE session (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES account (id),
    token_hash  BLOB NOT NULL UNIQUE,   -- SHA-256 of the token; the token itself is never stored
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) STRICT;
CREATE INDEX session_by_account ON session (account_id);

CREATE TABLE resource (
    id          TEXT PRIMARY KEY NOT NULL,
    owner_id    TEXT NOT NULL REFERENCES account (id),
    kind        TEXT NOT NULL,
    lat         REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon         REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    restricted  INTEGER NOT NULL CHECK (restricted IN (0, 1)),
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    version     INTEGER NOT NULL,
    search_text TEXT NOT NULL,
    body        TEXT NOT NULL           -- JSON of sharehub_core::Resource
) STRICT;
CREATE INDEX resource_live_by_kind ON resource (kind) WHERE retired = 0;
CREATE INDEX resource_live_by_place ON resource (lat, lon) WHERE retired = 0;

-- One row per record: its newest change. AUTOINCREMENT: a seq is never used twice.
CREATE TABLE change (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    owner_id    TEXT NOT NULL,
    restricted  INTEGER NOT NULL CHECK (restricted IN (0, 1)),
    body        TEXT,                   -- JSON of the record; NULL for a tombstone
    UNIQUE (entity, entity_id)
) STRICT;

CREATE TABLE mutation_receipt (
    account_id      TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    outcome         TEXT NOT NULL,      -- JSON of sharehub_core::wire::MutationOutcome
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
) STRICT;

-- 0004: sync with the Share Hub server. Append-only: never edit a migration that has shipped.
--
-- `resource` stays what the app shows: the server's records with the device's own pending
-- changes applied on top. `server_version`/`owner_id` say which server version a row shows
-- (NULL: a local change waiting for the server, or bundled demo data).
ALTER TABLE resource ADD COLUMN server_version INTEGER;
ALTER TABLE resource ADD COLUMN owner_id TEXT;

-- The server's last known version of each record that has pending local changes: what the
-- row goes back to when the server refuses them. `body` NULL: the server has no such record
-- (not yet created, retired, or not visible). A row exists exactly while the record has a
-- pending outbox entry.
CREATE TABLE server_resource (
    id       TEXT PRIMARY KEY NOT NULL,
    version  INTEGER,
    owner_id TEXT,
    body     TEXT                      -- JSON of sharehub_core::Resource
) STRICT;

-- Local changes for the server, in the order they were made. `idempotency_key` is sent with
-- the mutation: re-sending it after a crash gets the first answer again.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id        TEXT NOT NULL UNIQUE,          -- stable across retries, for the UI
    idempotency_key TEXT NOT NULL UNIQUE,          -- UUIDv7, new for each retry
    account_id      TEXT NOT NULL,
    name            TEXT NOT NULL,                 -- resource.create | resource.update | resource.retire
    record_id       TEXT NOT NULL,
    args            TEXT NOT NULL,                 -- JSON of the args, without base_version
    base_version    INTEGER,                       -- the server version the change was made on
    status          TEXT NOT NULL CHECK (status IN ('pending', 'needs_attention', 'applied')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    outcome         TEXT,                          -- JSON of the server's MutationOutcome
    created_at      INTEGER NOT NULL,              -- Unix milliseconds
    updated_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX outbox_by_status ON outbox (status, seq);
CREATE INDEX outbox_by_record ON outbox (record_id, seq);

-- One row: who is signed in on this device and how far the pull got.
CREATE TABLE sync_state (
    id          INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    account_id  TEXT,
    cursor      INTEGER NOT NULL DEFAULT 0,        -- next_since of the last applied page
    full_pull   INTEGER NOT NULL DEFAULT 0         -- 1 while a pull from 0 has not finished
) STRICT;

INSERT INTO sync_state (id) VALUES (1);

-- 0007: sync for many kinds of record (sync/kinds.rs). Append-only: never edit a migration
-- that has shipped.
--
-- The server's copy of each record with pending local changes, of every kind, in one table
-- keyed by (entity, id) (it was `server_resource`, for resources only). A kind's own table
-- (`resource`, …) keeps what the app shows. `body` NULL: the server has no record this person
-- may see (not yet created, retired, or not visible). A row exists exactly while the record
-- has a pending outbox entry.
CREATE TABLE server_copy (
    entity   TEXT NOT NULL,                        -- sharehub_core::wire::EntityKind, 'resource'
    id       TEXT NOT NULL,
    version  INTEGER,
    owner_id TEXT,
    body     TEXT,                                 -- JSON of the record
    PRIMARY KEY (entity, id)
) STRICT;

INSERT INTO server_copy (entity, id, version, owner_id, body)
    SELECT 'resource', id, version, owner_id, body FROM server_resource;
DROP TABLE server_resource;

-- The kind of record each entry changes (every entry before this migration changed a
-- resource); `name` is any of sharehub_core::wire::Mutation::NAMES.
ALTER TABLE outbox ADD COLUMN entity TEXT NOT NULL DEFAULT 'resource';
DROP INDEX outbox_by_record;
CREATE INDEX outbox_by_record ON outbox (entity, record_id, seq);

-- `synced_kinds`: the kinds whose changes up to `cursor` the device holds, comma-separated
-- (devices before this migration asked for resources only). A build that knows more kinds
-- first fetches those from the start (`catch_up_kinds`, resumed from `catch_up_cursor`)
-- before its ordinary pull. `skipped_changes` counts pulled changes of kinds this build
-- cannot read (skipped, never an error).
ALTER TABLE sync_state ADD COLUMN synced_kinds TEXT NOT NULL DEFAULT 'resource';
ALTER TABLE sync_state ADD COLUMN catch_up_kinds TEXT;
ALTER TABLE sync_state ADD COLUMN catch_up_cursor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN skipped_changes INTEGER NOT NULL DEFAULT 0;

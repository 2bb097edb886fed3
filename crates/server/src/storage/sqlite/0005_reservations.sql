-- 0005: bookings. A resource takes bookings when it has a row in booking_rules; each
-- reservation keeps the instants its checks use (UTC milliseconds) beside its JSON.
-- A reservation holds time while its status is pending or confirmed. Never double-booked:
-- every booking write runs in the single writer's BEGIN IMMEDIATE transaction, which reads
-- the holds, decides and writes (crate::storage::reservations).
CREATE TABLE booking_rules (
    resource_id TEXT PRIMARY KEY REFERENCES resource (id),
    rules       TEXT NOT NULL           -- JSON of sharehub_core::booking::BookingRules
) STRICT;

CREATE TABLE reservation (
    id              TEXT PRIMARY KEY,
    resource_id     TEXT NOT NULL REFERENCES resource (id),
    booker_id       TEXT NOT NULL REFERENCES account (id),
    organisation_id TEXT,
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    blocks_until    INTEGER NOT NULL,   -- ends_at plus the buffer of the rules when booked
    lapses_at       INTEGER,            -- released at this instant unless checked in
    units           INTEGER NOT NULL CHECK (units >= 1),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'declined', 'cancelled', 'released')),
    version         INTEGER NOT NULL,
    revision        INTEGER NOT NULL DEFAULT 0, -- how often it changed: the calendar's SEQUENCE
    body            TEXT NOT NULL,      -- JSON of sharehub_core::booking::Reservation
    CHECK (starts_at < ends_at AND ends_at <= blocks_until)
) STRICT;
CREATE INDEX reservation_holds ON reservation (resource_id, blocks_until)
    WHERE status IN ('pending', 'confirmed');
CREATE INDEX reservation_by_booker ON reservation (booker_id, starts_at);

-- Bookings released because nobody checked in, per person.
CREATE TABLE no_show (
    account_id TEXT PRIMARY KEY REFERENCES account (id),
    count      INTEGER NOT NULL
) STRICT;

-- Each person's private calendar feed of their bookings: the URL carries a random token,
-- only its SHA-256 is kept; making a new one or revoking replaces it.
CREATE TABLE calendar_feed (
    account_id TEXT PRIMARY KEY REFERENCES account (id),
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
) STRICT;

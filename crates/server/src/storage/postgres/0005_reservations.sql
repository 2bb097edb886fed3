-- 0005: bookings. A resource takes bookings when it has a row in booking_rules; each
-- reservation keeps the instants its checks use (UTC milliseconds) beside its JSON.
-- A reservation holds time while its status is pending or confirmed. Never double-booked:
-- every booking write locks the resource's booking_rules row (SELECT … FOR UPDATE), reads
-- the holds, decides and writes in one transaction; and for one-unit resources the
-- exclusion constraint below makes the database itself refuse overlapping holds.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE booking_rules (
    resource_id uuid PRIMARY KEY REFERENCES resource (id),
    rules       text NOT NULL           -- JSON of sharehub_core::booking::BookingRules
);

CREATE TABLE reservation (
    id              uuid PRIMARY KEY,
    resource_id     uuid NOT NULL REFERENCES resource (id),
    booker_id       uuid NOT NULL REFERENCES account (id),
    organisation_id uuid,
    starts_at       bigint NOT NULL,
    ends_at         bigint NOT NULL,
    blocks_until    bigint NOT NULL,    -- ends_at plus the buffer of the rules when booked
    lapses_at       bigint,             -- released at this instant unless checked in
    units           integer NOT NULL CHECK (units >= 1),
    status          text NOT NULL CHECK (status IN ('pending', 'confirmed', 'declined', 'cancelled', 'released')),
    single_unit     boolean NOT NULL,   -- the resource had one unit when booked
    version         bigint NOT NULL,
    revision        integer NOT NULL DEFAULT 0, -- how often it changed: the calendar's SEQUENCE
    body            text NOT NULL,      -- JSON of sharehub_core::booking::Reservation
    CHECK (starts_at < ends_at AND ends_at <= blocks_until),
    CONSTRAINT reservation_never_double_booked EXCLUDE USING gist (
        resource_id WITH =,
        int8range(starts_at, blocks_until) WITH &&
    ) WHERE (single_unit AND status IN ('pending', 'confirmed'))
);
CREATE INDEX reservation_holds ON reservation (resource_id, blocks_until)
    WHERE status IN ('pending', 'confirmed');
CREATE INDEX reservation_by_booker ON reservation (booker_id, starts_at);

CREATE TABLE no_show (
    account_id uuid PRIMARY KEY REFERENCES account (id),
    count      integer NOT NULL
);

-- Each person's private calendar feed of their bookings: the URL carries a random token,
-- only its SHA-256 is kept; making a new one or revoking replaces it.
CREATE TABLE calendar_feed (
    account_id uuid PRIMARY KEY REFERENCES account (id),
    token_hash bytea NOT NULL UNIQUE,
    created_at bigint NOT NULL
);

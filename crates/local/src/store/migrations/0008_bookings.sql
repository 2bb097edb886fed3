-- 0008: bookings (issue 9). Append-only: never edit a migration that has shipped.
--
-- `reservation` is what the app shows of the bookings this person may see (their own, those
-- on resources they own, their organisation's): the server's records with the device's own
-- pending changes on top. `status` is the shown state: the server's (pending, confirmed,
-- declined, cancelled, released) or one only the device has: `tentative` (a request not yet
-- answered: "will be confirmed when you are online"), `bumped` (the time was taken; the
-- needs-attention list offers other times) and `refused` (the server said no, with a code).
-- `pending_change` names the newest local change not yet answered (NULL: the row is the
-- server's). `server_version` NULL: the server has no such booking yet (or never will).
CREATE TABLE reservation (
    id              TEXT PRIMARY KEY NOT NULL,
    resource_id     TEXT NOT NULL,
    booker_id       TEXT NOT NULL,
    organisation_id TEXT,
    start_ms        INTEGER NOT NULL,              -- Unix milliseconds, UTC
    end_ms          INTEGER NOT NULL,
    units           INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('tentative', 'bumped', 'refused',
                        'pending', 'confirmed', 'declined', 'cancelled', 'released')),
    pending_change  TEXT,                          -- e.g. 'reservation.move'
    server_version  INTEGER,
    body            TEXT NOT NULL                  -- JSON of sharehub_core::booking::Reservation
) STRICT;

-- Availability reads one person's holds on one resource in a window (their own requests
-- and quotas; others' holds come from the calendar); "my bookings" reads one booker's.
CREATE INDEX reservation_by_resource ON reservation (resource_id, booker_id, start_ms);
CREATE INDEX reservation_by_booker ON reservation (booker_id, end_ms);

-- A bookable resource's public calendar (entity id = the resource's id): its zone and rules
-- here, its busy spans in `booking_busy` (read by window, never parsed as one JSON array:
-- a busy resource has thousands). `server_version` NULL: rules set on this device, not yet
-- answered, for a resource that had none.
CREATE TABLE booking_calendar (
    resource_id    TEXT PRIMARY KEY NOT NULL,
    zone           TEXT NOT NULL,
    rules          TEXT NOT NULL,                  -- JSON of sharehub_core::booking::BookingRules
    server_version INTEGER
) STRICT;

CREATE TABLE booking_busy (
    resource_id  TEXT NOT NULL,                      -- booking_calendar.resource_id
    start_ms     INTEGER NOT NULL,
    until_ms     INTEGER NOT NULL,                 -- the booking's end plus the buffer
    units        INTEGER NOT NULL,
    lapses_at_ms INTEGER                           -- frees its span then, without check-in
) STRICT;

-- Covering: a window's spans are read from the index alone.
CREATE INDEX booking_busy_by_resource
    ON booking_busy (resource_id, start_ms, until_ms, units, lapses_at_ms);

-- When a pull last reached the end of the server's changes (Unix milliseconds): what
-- availability is "as of".
ALTER TABLE sync_state ADD COLUMN pulled_at INTEGER;

-- 0002: live counts of public-bike stations (bike_station resources fed by a GBFS or Seoul
-- bikeList source). Rewritten on every refresh, outside the change log: a status-only
-- refresh changes no resource and syncs nothing. Times are UTC milliseconds.
CREATE TABLE station_status (
    resource_id       TEXT PRIMARY KEY NOT NULL REFERENCES resource (id),
    source            TEXT NOT NULL,    -- the feed's stable key (see feeds.rs)
    station_id        TEXT NOT NULL,    -- the publisher's station id
    bikes_available   INTEGER,
    docks_available   INTEGER,
    is_renting        INTEGER CHECK (is_renting IN (0, 1)),
    is_returning      INTEGER CHECK (is_returning IN (0, 1)),
    last_reported     INTEGER,
    feed_last_updated INTEGER,
    fetched_at        INTEGER NOT NULL,
    UNIQUE (source, station_id)
) STRICT;
CREATE INDEX station_status_by_fetched ON station_status (fetched_at);

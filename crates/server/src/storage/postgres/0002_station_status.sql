-- 0002: live counts of public-bike stations (bike_station resources fed by a GBFS or Seoul
-- bikeList source). Rewritten on every refresh, outside the change log: a status-only
-- refresh changes no resource and syncs nothing. Times are UTC milliseconds.
CREATE TABLE station_status (
    resource_id       uuid PRIMARY KEY REFERENCES resource (id),
    source            text NOT NULL,    -- the feed's stable key (see feeds.rs)
    station_id        text NOT NULL,    -- the publisher's station id
    bikes_available   bigint,
    docks_available   bigint,
    is_renting        boolean,
    is_returning      boolean,
    last_reported     bigint,
    feed_last_updated bigint,
    fetched_at        bigint NOT NULL,
    UNIQUE (source, station_id)
);
CREATE INDEX station_status_by_fetched ON station_status (fetched_at);

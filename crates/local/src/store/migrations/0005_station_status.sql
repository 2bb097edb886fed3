-- 0005: live public-bike counts as the server last reported them (not synced records:
-- refreshed whole from GET /v1/stations/status, shown with their age).
CREATE TABLE station_status (
    resource_id       TEXT PRIMARY KEY NOT NULL,
    bikes_available   INTEGER,
    docks_available   INTEGER,
    is_renting        INTEGER,
    is_returning      INTEGER,
    last_reported     TEXT,
    feed_last_updated TEXT,
    fetched_at        TEXT NOT NULL
) STRICT;

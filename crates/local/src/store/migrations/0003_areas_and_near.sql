-- 0003: where each resource is, for the map. Append-only: never edit a migration that has
-- shipped.
--
-- `gu_code`/`dong_code` are the KOSTAT codes of the Seoul gu (5 digits) and 행정동 (7 digits)
-- the resource's location lies in, as `sharehub_areas::locate` answers; NULL outside Seoul.
-- The store fills them on every write from the location (the migration's Rust hook fills
-- the rows that already exist). They are not derived from `district`/`neighborhood`, which
-- are display text.
ALTER TABLE resource ADD COLUMN gu_code TEXT;
ALTER TABLE resource ADD COLUMN dong_code TEXT;

-- A gu filter uses the first column, a dong filter both (a dong code starts with its gu's).
CREATE INDEX resource_by_area ON resource (gu_code, dong_code);

-- "Near me": one point-sized box per resource, keyed by the resource's rowid. SQLite's
-- R*Tree stores 32-bit floats rounded outwards, so a stored box always contains the exact
-- point; exact distances are computed from `resource.lat`/`lon`.
CREATE VIRTUAL TABLE resource_rtree USING rtree (id, min_lat, max_lat, min_lon, max_lon);

INSERT INTO resource_rtree (id, min_lat, max_lat, min_lon, max_lon)
    SELECT rowid, lat, lat, lon, lon FROM resource;

-- Kept in step by triggers, so every writer (demo seeding, sync) keeps it right. Upserts
-- (`ON CONFLICT DO UPDATE`) keep the rowid; the store also turns on `recursive_triggers`,
-- so the delete half of an `INSERT OR REPLACE` removes the old box too.
CREATE TRIGGER resource_rtree_after_insert AFTER INSERT ON resource BEGIN
    INSERT OR REPLACE INTO resource_rtree (id, min_lat, max_lat, min_lon, max_lon)
        VALUES (new.rowid, new.lat, new.lat, new.lon, new.lon);
END;

CREATE TRIGGER resource_rtree_after_move AFTER UPDATE OF lat, lon ON resource BEGIN
    UPDATE resource_rtree
        SET min_lat = new.lat, max_lat = new.lat, min_lon = new.lon, max_lon = new.lon
        WHERE id = new.rowid;
END;

CREATE TRIGGER resource_rtree_after_delete AFTER DELETE ON resource BEGIN
    DELETE FROM resource_rtree WHERE id = old.rowid;
END;

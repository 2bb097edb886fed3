-- 0001: shared resources. Append-only: never edit a migration that has shipped.
CREATE TABLE resource (
    id              TEXT PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL,
    name_ko         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    description_ko  TEXT NOT NULL,
    description_en  TEXT NOT NULL,
    lat             REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon             REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    address_ko      TEXT NOT NULL,
    address_en      TEXT NOT NULL,
    district_ko     TEXT NOT NULL,
    district_en     TEXT NOT NULL,
    neighborhood_ko TEXT NOT NULL,
    neighborhood_en TEXT NOT NULL,
    owner_name_ko   TEXT NOT NULL,
    owner_name_en   TEXT NOT NULL,
    pricing         TEXT NOT NULL,          -- JSON of sharehub_core::Pricing
    capacity        INTEGER CHECK (capacity IS NULL OR capacity > 0),
    schedule        TEXT,                   -- JSON of sharehub_core::WeeklySchedule
    visibility      TEXT NOT NULL
) STRICT;

CREATE INDEX resource_by_kind ON resource (kind);
